package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
)

func TestOutboxArchive(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "t.db")
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, ago := range []time.Duration{10 * 24 * time.Hour, time.Hour} {
		id, _, err := db.InsertMessage(ctx, store.Message{Direction: store.Out, Number: "+447700900001", Text: "hi",
			At: time.Now().Add(-ago), Kind: store.KindManual, State: store.StateFailed, Error: "+CMS ERROR: 1"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	db.Close()
	r := runCLI(t, dbPath, nil, "outbox", "archive")
	if r.code != 0 || !strings.HasPrefix(r.out, "archived 1 failed text older than 7 days") {
		t.Fatalf("%+v", r)
	}
	if r := runCLI(t, dbPath, nil, "outbox", "archive"); !strings.HasPrefix(r.out, "archived 0 failed texts") {
		t.Fatalf("again: %+v", r)
	}
	if r := runCLI(t, dbPath, nil, "outbox", "archive", "--older-than", "-1"); r.code != 1 || !strings.Contains(r.err, "--older-than") {
		t.Fatalf("bad value: %+v", r)
	}
	db, err = store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i, want := range []bool{true, false} {
		m, err := db.Message(ctx, ids[i])
		if err != nil || m.HasFlag(store.FlagArchived) != want || m.State != store.StateFailed {
			t.Fatalf("text %d: %+v %v", i, m, err)
		}
	}
}
