package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/texting-centre/texting/replies"
	"github.com/texting-centre/texting/store"
)

// seedReplies stores received texts in a new database and returns its path
// and the ids in order.
func seedReplies(t *testing.T, texts ...string) (string, []int64) {
	t.Helper()
	dbPath := filepath.Join(t.TempDir(), "t.db")
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p := replies.New(db, replies.Options{})
	var ids []int64
	for i, text := range texts {
		out, err := p.Store(ctx, replies.Text{From: fmt.Sprintf("+4477009%05d", i), Body: text})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, out.ID)
	}
	return dbPath, ids
}

func TestRepliesTagCommand(t *testing.T) {
	t.Parallel()
	dbPath, ids := seedReplies(t, "Yes please", "yes, please!", "no thanks", "YES PLEASE")
	r := runCLI(t, dbPath, nil, "replies", "tag", fmt.Sprint(ids[1]), "misc", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var got tagJSON
	if err := json.Unmarshal([]byte(r.out), &got); err != nil || got.Tagged != 3 || got.Category != "Misc" || got.IDs[0] != ids[1] {
		t.Fatalf("%+v %v", got, err)
	}
	r = runCLI(t, dbPath, nil, "replies", "tag", fmt.Sprint(ids[2]), "Thanks")
	if r.code != 0 || r.out != fmt.Sprintf("message %d: Thanks\n", ids[2]) {
		t.Fatalf("plain: %d %q %q", r.code, r.out, r.err)
	}
	for _, tt := range []struct{ args, want string }{
		{"replies tag x Misc", "not a message id"},
		{"replies tag 99999 Misc", "not found"},
		{fmt.Sprintf("replies tag %d Nonsense", ids[0]), "not found"},
	} {
		r := runCLI(t, dbPath, nil, strings.Fields(tt.args)...)
		if r.code != 1 || !strings.Contains(r.err, tt.want) {
			t.Fatalf("%s: %d %q", tt.args, r.code, r.err)
		}
	}
}

func TestRepliesRecategoriseCommand(t *testing.T) {
	t.Parallel()
	dbPath, _ := seedReplies(t, "cheers", "Cheers!", "what?")
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	thanks, err := db.CategoryByName(ctx, "Thanks")
	if err != nil {
		t.Fatal(err)
	}
	// The operator categorised the same words in another text.
	if _, _, err := db.InsertMessage(ctx, store.Message{Direction: store.In, Number: "+447700900999", Text: "CHEERS",
		Norm: "cheers", Kind: store.KindInbound, CategoryID: thanks.ID, CategoryBy: "operator"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r := runCLI(t, dbPath, nil, "replies", "recategorise", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var got recategoriseJSON
	if err := json.Unmarshal([]byte(r.out), &got); err != nil || got.Checked != 3 || got.Categorised != 2 || got.ByCategory["Thanks"] != 2 {
		t.Fatalf("%+v %v: %s", got, err, r.out)
	}
	r = runCLI(t, dbPath, nil, "replies", "recategorise")
	if r.code != 0 || !strings.HasPrefix(r.out, "1 waiting, 0 categorised") {
		t.Fatalf("plain: %q", r.out)
	}
}

func TestClassifyEvalCommand(t *testing.T) {
	t.Parallel()
	var texts []string
	for i := 0; i < 20; i++ {
		texts = append(texts, fmt.Sprintf("thanks a lot number %d", i), fmt.Sprintf("who is this %d wrong number", i))
	}
	dbPath, ids := seedReplies(t, texts...)
	r := runCLI(t, dbPath, nil, "classify", "eval")
	if r.code != 0 || !strings.Contains(r.out, "too few") {
		t.Fatalf("no data: %d %q %q", r.code, r.out, r.err)
	}
	for i, id := range ids {
		cat := "Thanks"
		if i%2 == 1 {
			cat = "Bot"
		}
		if r := runCLI(t, dbPath, nil, "replies", "tag", fmt.Sprint(id), cat); r.code != 0 {
			t.Fatalf("tag: %s", r.err)
		}
	}
	r = runCLI(t, dbPath, nil, "classify", "eval", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var got evalJSON
	if err := json.Unmarshal([]byte(r.out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Examples != 40 || got.Folds != 5 || got.Threshold != 0.9 || len(got.Categories) != 2 ||
		got.Categories[0].Category != "Bot" || got.Categories[0].Support != 20 || got.Accuracy < 0.9 {
		t.Fatalf("%+v", got)
	}
	r = runCLI(t, dbPath, nil, "classify", "eval")
	if r.code != 0 || !strings.Contains(r.out, "CATEGORY") || !strings.Contains(r.out, "accuracy") {
		t.Fatalf("plain:\n%s", r.out)
	}
}
