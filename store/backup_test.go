package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/texting-centre/texting/store"
)

// TestBackupWhileWriting copies the database while another connection
// writes without pause: every copy checks, opens, and holds a whole number of
// the writer's transactions (each writes two texts).
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "live.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	written := 0
	go func() {
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			pair := []store.Message{
				{Direction: store.In, Number: fmt.Sprintf("+4477009%05d", i), Text: "yes please", Kind: store.KindInbound, Parts: 1},
				{Direction: store.In, Number: fmt.Sprintf("+4477009%05d", i), Text: "call me", Kind: store.KindInbound, Parts: 1},
			}
			if err := db.InsertMessages(ctx, pair); err != nil {
				t.Error(err)
				return
			}
			written++
		}
	}()
	for i := 0; i < 5; i++ {
		path := filepath.Join(dir, "backup.db") // each backup replaces the last
		info, err := db.Backup(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 || info.Bytes != st.Size() || info.SchemaVersion == 0 {
			t.Fatalf("backup file %v %v, info %+v", st.Mode(), err, info)
		}
		if _, err := store.CheckDatabaseFile(ctx, path); err != nil {
			t.Fatal(err)
		}
		cp, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		n, err := cp.CountMessages(ctx, store.MessageFilter{})
		cp.Close()
		if err != nil || n%2 != 0 {
			t.Fatalf("copy %d holds %d texts (%v): half a transaction", i, n, err)
		}
	}
	stop.Store(true)
	wg.Wait()
	if written == 0 {
		t.Fatal("the writer wrote nothing while the backups ran")
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".backup.db.part-*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
	if _, err := db.Backup(ctx, db.Path()); err == nil {
		t.Fatal("backed up over the live database")
	}
}

func TestRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	db, err := store.Open(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	add := func(db *store.DB, text string) {
		if _, _, err := db.InsertMessage(ctx, store.Message{Direction: store.In, Number: "+447700900001", Text: text, Kind: store.KindInbound, Parts: 1}); err != nil {
			t.Fatal(err)
		}
	}
	add(db, "before the backup")
	backup := filepath.Join(dir, "backup.db")
	if _, err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	add(db, "after the backup")

	// In use: refused, nothing changed.
	if _, err := store.Restore(ctx, live, backup); !errors.Is(err, store.ErrDatabaseInUse) {
		t.Fatalf("restore over an open database: %v", err)
	}
	if n, _ := db.CountMessages(ctx, store.MessageFilter{}); n != 2 {
		t.Fatalf("%d texts after a refused restore", n)
	}
	db.Close()

	// A file that is no database, or not ours: refused.
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte("not a database at all, but long enough to have a header of sorts....."), 0o600)
	if _, err := store.Restore(ctx, live, junk); err == nil {
		t.Fatal("restored a file that is no database")
	}
	if _, err := store.Restore(ctx, live, filepath.Join(dir, "none.db")); err == nil {
		t.Fatal("restored a missing file")
	}

	info, err := store.Restore(ctx, live, backup)
	if err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, err := db.Messages(ctx, store.MessageFilter{})
	if err != nil || len(ms) != 1 || ms[0].Text != "before the backup" {
		t.Fatalf("after restore: %+v %v", ms, err)
	}
	// The database restored over was kept.
	saved, err := store.Open(ctx, info.Saved)
	if err != nil {
		t.Fatalf("saved copy %q: %v", info.Saved, err)
	}
	defer saved.Close()
	if n, _ := saved.CountMessages(ctx, store.MessageFilter{}); n != 2 {
		t.Fatalf("the saved database holds %d texts, want 2", n)
	}
}
