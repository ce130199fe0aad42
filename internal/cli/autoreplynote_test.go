package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/texting-centre/texting/classify"
	"github.com/texting-centre/texting/store"
)

// TestTagSaysWhatHappensToTheAutoreply: tagging a text whose category has
// an auto-reply says when the auto-reply goes, or why it waits.
func TestTagSaysWhatHappensToTheAutoreply(t *testing.T) {
	quiet, ends := quietAroundNow()
	tests := []struct {
		name     string
		setup    []string // texting arguments run first
		inactive bool
		want     string
	}{
		{"outside quiet hours", []string{"config", "set", "quiet.hours", "off"}, false,
			"auto-reply queued: it goes with the next read-in or run"},
		{"in quiet hours", []string{"config", "set", "quiet.hours", quiet}, false,
			"auto-reply queued: quiet hours, it goes with the first read-in or run after " + ends},
		{"in quiet hours, any hour", []string{"category", "set", "Call back", "--any-hour"}, false,
			"auto-reply queued: it goes with the next read-in or run"},
		{"inactive SIM", []string{"config", "set", "quiet.hours", "off"}, true,
			`auto-reply queued: it waits while O2 1 is inactive (texting sim set "O2 1" --active)`},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			dbPath := filepath.Join(t.TempDir(), "t.db")
			db, err := store.Open(ctx, dbPath)
			if err != nil {
				t.Fatal(err)
			}
			n, _ := db.AddNetwork(ctx, store.Network{Name: "O2"})
			sim, err := db.AddSIM(ctx, store.SIM{NetworkID: n.ID, Active: !tt.inactive, DailyLimit: 100})
			if err != nil {
				t.Fatal(err)
			}
			id, _, err := db.InsertMessage(ctx, store.Message{Direction: store.In, SIMID: sim.ID, Number: fmt.Sprintf("+4477009004%02d", i),
				Text: "ring me", Norm: classify.Normalize("ring me"), Kind: store.KindInbound})
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			if r := runCLI(t, dbPath, nil, "category", "add", "Call back", "--autoreply", "We will call you today"); r.code != 0 {
				t.Fatal(r.err)
			}
			if tt.name == "in quiet hours, any hour" {
				runCLI(t, dbPath, nil, "config", "set", "quiet.hours", quiet)
			}
			if r := runCLI(t, dbPath, nil, tt.setup...); r.code != 0 {
				t.Fatal(r.err)
			}
			r := runCLI(t, dbPath, nil, "replies", "tag", fmt.Sprint(id), "Call back")
			if r.code != 0 || r.out != fmt.Sprintf("message %d: Call back\n%s\n", id, tt.want) {
				t.Fatalf("got %q (%q), want the note %q", r.out, r.err, tt.want)
			}
		})
	}
	// A category without an auto-reply says nothing more.
	dbPath, ids := seedReplies(t, "thanks")
	if r := runCLI(t, dbPath, nil, "replies", "tag", fmt.Sprint(ids[0]), "Thanks"); strings.Count(r.out, "\n") != 1 {
		t.Fatalf("no auto-reply: %q", r.out)
	}
}
