package outbox_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

// A Thursday, 10:00 UTC: outside quiet hours, "Have a good day".
var thursday = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// fakeSender is a Sender whose answers a test scripts.
type fakeSender struct {
	sim   store.SIM
	delay time.Duration
	// fail, when set, decides the error of the nth call (1-based).
	fail func(n int, t outbox.Outgoing) error

	mu    sync.Mutex
	calls int
	sent  []outbox.Outgoing
}

func (f *fakeSender) SIM() store.SIM { return f.sim }

func (f *fakeSender) Send(ctx context.Context, t outbox.Outgoing) (outbox.Result, error) {
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.fail != nil {
		if err := f.fail(f.calls, t); err != nil {
			return outbox.Result{}, err
		}
	}
	f.sent = append(f.sent, t)
	return outbox.Result{Ref: "1"}, nil
}

func (f *fakeSender) texts() []outbox.Outgoing {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]outbox.Outgoing(nil), f.sent...)
}

func addSIM(t testing.TB, db *store.DB, network string, limit int) store.SIM {
	t.Helper()
	ctx := context.Background()
	n, err := db.NetworkByName(ctx, network)
	if errors.Is(err, store.ErrNotFound) {
		n, err = db.AddNetwork(ctx, store.Network{Name: network})
	}
	if err != nil {
		t.Fatal(err)
	}
	s, err := db.AddSIM(ctx, store.SIM{NetworkID: n.ID, Active: true, DailyLimit: limit})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testConfig is the configuration of a fresh database with quiet hours off.
func testConfig(t testing.TB, db *store.DB) config.Config {
	t.Helper()
	c, err := config.Load(context.Background(), db, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	c.Quiet = config.QuietHours{Off: true}
	return c
}

func openDB(t testing.TB, at time.Time) (*store.DB, func(time.Duration)) {
	db := storetest.Open(t)
	return db, storetest.FixClock(db, at)
}

func outgoing(t testing.TB, db *store.DB) []store.Message {
	t.Helper()
	ms, err := db.Messages(context.Background(), store.MessageFilter{Direction: store.Out, Oldest: true})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}
