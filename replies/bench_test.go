package replies

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/texting-centre/texting/gateway"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

// BenchmarkCallbacksParallel measures inbound callbacks stored through the
// group-committing writer from concurrent callers (no HTTP).
func BenchmarkCallbacksParallel(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b)
	net, err := db.AddNetwork(ctx, store.Network{Name: "SMSBCAST", Gateway: true})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.AddSIM(ctx, store.SIM{NetworkID: net.ID, Phone: "+61400000000", GatewayURL: "http://x/"}); err != nil {
		b.Fatal(err)
	}
	cb := New(db, Options{}).Callbacks()
	defer cb.Close()
	var n atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if _, err := cb.Inbound(ctx, gateway.InboundCallback{To: "61400000000", From: fmt.Sprintf("614%08d", i),
				Message: fmt.Sprintf("load %d yes please, call me back", i)}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
