package store_test

import (
	"context"
	"testing"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

// TestWatcher checks that a Watcher sees commits made through the DB's pool
// and by another process's connection, once each, and nothing when idle or
// after a read.
func TestWatcher(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	other, err := store.Open(ctx, db.Path()) // another process's handle
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	w, err := db.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	steps := []struct {
		name string
		do   func() error
		want bool
	}{
		{"idle", func() error { return nil }, false},
		{"a read", func() error { _, err := db.Categories(ctx); return err }, false},
		{"a write through the same DB", func() error { return db.SetSetting(ctx, "operator", "ann") }, true},
		{"idle after the write", func() error { return nil }, false},
		{"a write by another handle", func() error { return other.SetSetting(ctx, "operator", "sam") }, true},
		{"another read", func() error { _, err := db.Categories(ctx); return err }, false},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		got, err := w.Changed(ctx)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got != s.want {
			t.Errorf("%s: changed = %v, want %v", s.name, got, s.want)
		}
	}
}

// BenchmarkWatcherChanged is the cost of one look at the database: the
// TUI pays it twice a second while idle.
func BenchmarkWatcherChanged(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b)
	w, err := db.Watch(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	for b.Loop() {
		if _, err := w.Changed(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
