// Package storetest opens real, migrated SQLite databases for tests.
package storetest

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
)

// Open returns a migrated database in a fresh temporary file, closed when the
// test ends.
func Open(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "texting.db"))
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// FixClock sets the database clock to t and returns a function that moves it.
func FixClock(db *store.DB, t time.Time) func(d time.Duration) {
	now := t
	db.Now = func() time.Time { return now }
	return func(d time.Duration) { now = now.Add(d) }
}

// AddSIM adds an active SIM of network (made when missing) with a daily
// limit.
func AddSIM(tb testing.TB, db *store.DB, network string, limit int) store.SIM {
	tb.Helper()
	ctx := context.Background()
	n, err := db.NetworkByName(ctx, network)
	if errors.Is(err, store.ErrNotFound) {
		n, err = db.AddNetwork(ctx, store.Network{Name: network})
	}
	if err != nil {
		tb.Fatal(err)
	}
	s, err := db.AddSIM(ctx, store.SIM{NetworkID: n.ID, Active: true, DailyLimit: limit})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
