package replies

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
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
	cb, err := New(db, Options{}).Callbacks(ctx)
	if err != nil {
		b.Fatal(err)
	}
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

// BenchmarkServeHTTP measures inbound callbacks through the gateway
// handler over loopback HTTP into a real database, from concurrent clients.
func BenchmarkServeHTTP(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b)
	net, err := db.AddNetwork(ctx, store.Network{Name: "SMSBCAST", Gateway: true})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.AddSIM(ctx, store.SIM{NetworkID: net.ID, Phone: "+61400000000", GatewayURL: "http://x/"}); err != nil {
		b.Fatal(err)
	}
	cb, err := New(db, Options{}).Callbacks(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer cb.Close()
	srv := httptest.NewServer(gateway.NewHandler(cb, testToken, slog.New(slog.DiscardHandler)))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	target := srv.URL + "/api/inbound?token=" + testToken
	var n atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			form := url.Values{"to": {"61400000000"}, "from": {fmt.Sprintf("614%08d", i)},
				"message": {fmt.Sprintf("load %d yes please, call me back", i)}}
			resp, err := client.PostForm(target, form)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
}
