package cli

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestRepliesListCommand(t *testing.T) {
	dbPath, ids := seedReplies(t, "Yes please", "what is this?", "yes, please!")
	r := runCLI(t, dbPath, nil, "replies", "list", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var got []reviewJSON
	if err := json.Unmarshal([]byte(r.out), &got); err != nil {
		t.Fatalf("%v: %s", err, r.out)
	}
	// Two groups: one text stands for both yeses (the texts share a second,
	// so either may be "the newest").
	byCount := map[int]reviewJSON{}
	for _, g := range got {
		byCount[g.Identical] = g
	}
	yes, what := byCount[2], byCount[1]
	if len(got) != 2 || (yes.ID != ids[0] && yes.ID != ids[2]) || what.ID != ids[1] ||
		yes.Direction != "in" || yes.Category != nil || what.Text != "what is this?" {
		t.Fatalf("review queue JSON: %+v", got)
	}

	r = runCLI(t, dbPath, nil, "replies", "list")
	if r.code != 0 || !strings.HasPrefix(r.out, "ID") {
		t.Fatalf("plain: %d %q %q", r.code, r.out, r.err)
	}
	for _, want := range []string{fmt.Sprint(yes.ID), yes.Text, fmt.Sprint(ids[1]), "what is this?", "3 texts waiting for review"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("plain listing lacks %q:\n%s", want, r.out)
		}
	}

	// The ID the list shows is the one `replies tag` takes; then the queue is shorter.
	if r := runCLI(t, dbPath, nil, "replies", "tag", fmt.Sprint(yes.ID), "Thanks"); r.code != 0 {
		t.Fatalf("tag: %s", r.err)
	}
	r = runCLI(t, dbPath, nil, "replies", "list")
	if r.code != 0 || strings.Contains(strings.ToLower(r.out), "please") || !strings.Contains(r.out, "1 text waiting") {
		t.Fatalf("after tagging: %q", r.out)
	}
	runCLI(t, dbPath, nil, "replies", "tag", fmt.Sprint(ids[1]), "Misc")
	if r := runCLI(t, dbPath, nil, "replies", "list"); r.out != "nothing waiting for review\n" {
		t.Fatalf("empty queue: %q", r.out)
	}
	if r := runCLI(t, dbPath, nil, "replies", "list", "--json"); strings.TrimSpace(r.out) != "[]" {
		t.Fatalf("empty queue JSON: %q", r.out)
	}
}

func TestMessagesListingStartsWithID(t *testing.T) {
	dbPath, ids := seedReplies(t, "first", "second")
	r := runCLI(t, dbPath, nil, "messages")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	lines := strings.Split(strings.TrimRight(r.out, "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID ") {
		t.Fatalf("listing:\n%s", r.out)
	}
	// Newest first, each line led by the id `replies tag` takes.
	for i, want := range []int64{ids[1], ids[0]} {
		if m := regexp.MustCompile(`^(\d+) `).FindStringSubmatch(lines[i+1]); m == nil || m[1] != fmt.Sprint(want) {
			t.Errorf("line %d %q does not start with id %d", i+1, lines[i+1], want)
		}
	}
}
