package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/texting-centre/texting/classify"
	"github.com/texting-centre/texting/store"
)

// TestOperatorOnTags: the name on a tag made on the command line is --as,
// else the operator setting, else the login name; `messages` shows it
// (plain: "Thanks by ann"; --json: tagged_by, category_by unchanged); a
// bad name is refused with one line and tags nothing.
func TestOperatorOnTags(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "t.db")
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i, text := range []string{"Thanks a lot", "Who is this", "Stop", "Bye"} {
		id, _, err := db.InsertMessage(ctx, store.Message{Direction: store.In, Kind: store.KindInbound,
			Number: fmt.Sprintf("+44770090030%d", i), Text: text, Norm: classify.Normalize(text)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	db.Close()
	tag := func(id int64, extra ...string) cliResult {
		return runCLI(t, dbPath, nil, append(extra, "replies", "tag", fmt.Sprint(id), "Misc")...)
	}
	if r := tag(ids[0], "--as", "ann"); r.code != 0 {
		t.Fatalf("--as ann: %d %s", r.code, r.err)
	}
	if r := runCLI(t, dbPath, nil, "config", "set", "operator", "Sam Lee"); r.code != 0 {
		t.Fatalf("config set operator: %s", r.err)
	}
	if r := tag(ids[1]); r.code != 0 {
		t.Fatalf("by setting: %s", r.err)
	}
	if r := tag(ids[2], "--as", "kim"); r.code != 0 {
		t.Fatalf("--as beats the setting: %s", r.err)
	}
	r := tag(ids[3], "--as", "bad\x1b[31mname")
	if r.code == 0 || strings.Count(strings.TrimSpace(r.err), "\n") != 0 || !strings.Contains(r.err, "--as") {
		t.Fatalf("bad --as: exit %d, %q", r.code, r.err)
	}
	if r := runCLI(t, dbPath, nil, "config", "set", "operator", "ann;rm -rf"); r.code == 0 {
		t.Fatal("a bad operator name was accepted")
	}

	r = runCLI(t, dbPath, nil, "messages", "--json")
	var got []map[string]any
	if err := json.Unmarshal([]byte(r.out), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.out)
	}
	want := map[float64]any{float64(ids[0]): "ann", float64(ids[1]): "Sam Lee", float64(ids[2]): "kim", float64(ids[3]): nil}
	for _, m := range got {
		id := m["id"].(float64)
		if by, ok := m["tagged_by"]; !ok || by != want[id] {
			t.Errorf("message %v: tagged_by %v (present %v), want %v", id, by, ok, want[id])
		}
		if id != float64(ids[3]) && m["category_by"] != "operator" {
			t.Errorf("message %v: category_by %v", id, m["category_by"])
		}
	}
	r = runCLI(t, dbPath, nil, "messages")
	if !strings.Contains(r.out, "Misc by ann") || !strings.Contains(r.out, "Misc by Sam Lee") || !strings.Contains(r.out, "(to review)") {
		t.Fatalf("plain listing:\n%s", r.out)
	}
}
