package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
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
	// texting outbox leaves the archived text out, as the Outbox screen
	// does, and says so; --archived lists it too.
	id := func(i int) string { return strconv.FormatInt(ids[i], 10) }
	for _, tt := range []struct {
		args        []string
		listed, not []string
		jsonCount   int // -1: plain output
	}{
		{[]string{"outbox"}, []string{id(1), "(1 archived failed text not listed: --archived lists them)"}, []string{"\n" + id(0) + " "}, -1},
		{[]string{"outbox", "--archived"}, []string{id(0), id(1)}, []string{"archived failed"}, -1},
		{[]string{"outbox", "--state", "failed", "--json"}, []string{`"id": ` + id(1)}, []string{`"id": ` + id(0)}, 1},
		{[]string{"outbox", "--json", "--archived"}, []string{`"id": ` + id(0), `"id": ` + id(1)}, nil, 2},
	} {
		r := runCLI(t, dbPath, nil, tt.args...)
		if r.code != 0 {
			t.Fatalf("%v: %+v", tt.args, r)
		}
		for _, w := range tt.listed {
			if !strings.Contains(r.out, w) {
				t.Errorf("%v: %q missing:\n%s", tt.args, w, r.out)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(r.out, w) {
				t.Errorf("%v: %q listed:\n%s", tt.args, w, r.out)
			}
		}
		if tt.jsonCount >= 0 {
			var list []map[string]any
			if err := json.Unmarshal([]byte(r.out), &list); err != nil || len(list) != tt.jsonCount {
				t.Errorf("%v: %d entries (%v), want %d", tt.args, len(list), err, tt.jsonCount)
			}
		}
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
