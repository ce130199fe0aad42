package outbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

// A Thursday, 10:00 UTC: outside quiet hours, "Have a good day".
var thursday = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

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
