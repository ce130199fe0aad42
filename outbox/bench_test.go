package outbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/outbox/outboxtest"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

// dispatchTexts queues n one-part campaign texts spread over sims and
// dispatches them, returning the wall time.
func dispatchTexts(b *testing.B, db *store.DB, senders []outbox.Sender, n int) time.Duration {
	ctx := context.Background()
	var msgs []store.Message
	for i := 0; i < n; i++ {
		s := senders[i%len(senders)].SIM()
		msgs = append(msgs, store.Message{SIMID: s.ID, Number: fmt.Sprintf("+4477009%05d", i), Text: "Hi {greeting}", Kind: store.KindCampaign})
	}
	if _, err := db.Queue(ctx, msgs); err != nil {
		b.Fatal(err)
	}
	d := dispatcher(db)
	start := time.Now()
	res, err := d.Dispatch(ctx, senders)
	el := time.Since(start)
	if err != nil || res.Sent != n {
		b.Fatalf("sent %d of %d: %v", res.Sent, n, err)
	}
	return el
}

// BenchmarkDongleScaling sends through one emulated dongle, then four, at a
// fixed network delay per text, and reports the speed-up (texts per second
// with four over texts per second with one).
func BenchmarkDongleScaling(b *testing.B) {
	const delay = 200 * time.Millisecond
	const perDongle = 15
	rate := func(k int) float64 {
		db, _ := openDB(b, thursday)
		limits := make([]int, k)
		for i := range limits {
			limits[i] = 10_000
		}
		ds := outboxtest.Dongles(b, db, limits, modemtest.WithSendDelay(delay))
		fleet := outboxtest.Connect(b, db, ds)
		el := dispatchTexts(b, db, fleet.Senders, perDongle*k)
		fleet.Close()
		return float64(perDongle*k) / el.Seconds()
	}
	for b.Loop() {
		one := rate(1)
		four := rate(4)
		b.ReportMetric(one, "texts/s(1)")
		b.ReportMetric(four, "texts/s(4)")
		b.ReportMetric(four/one, "speedup")
		b.ReportMetric(1000/one-float64(delay.Milliseconds()), "ms-overhead/text(modem+ours)")
	}
}

// BenchmarkDispatchOverhead measures our own cost per text — render, limit
// check and claim committed, the send call, the outcome committed — with a
// Sender that returns at once: the time beyond the modem's.
func BenchmarkDispatchOverhead(b *testing.B) {
	const n = 500
	for b.Loop() {
		db, _ := openDB(b, thursday)
		sim := storetest.AddSIM(b, db, "O2", 100_000)
		el := dispatchTexts(b, db, []outbox.Sender{&outboxtest.Sender{Card: sim}}, n)
		b.ReportMetric(float64(el.Microseconds())/n/1000, "ms/text")
	}
}
