package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

// TestSeedTellsAStory: the replies waiting on the demo SIMs answer texts
// that asked for them (Sam's boiler question follows the boiler offer, to
// Sam, on the SIM it comes in on); the review queue's texts fit the
// template they answer; spam never comes from someone we texted.
func TestSeedTellsAStory(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	now := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	if err := Seed(ctx, db, now, "http://127.0.0.1:1/api-adv.php"); err != nil {
		t.Fatal(err)
	}
	for _, p := range story {
		last, err := db.LastSentTo(ctx, p.number, now)
		if err != nil {
			t.Fatalf("%s: %v", p.number, err)
		}
		if last.Kind != store.KindCampaign || last.GroupName != p.group || last.Name != p.name || !strings.Contains(last.Text, "Hi "+p.name) {
			t.Errorf("%s: the text before the reply is %+v", p.number, last)
		}
		wantSIM := "Vodafone 1"
		if p.o2 {
			wantSIM = "O2 1"
		}
		if last.SIM != wantSIM {
			t.Errorf("%s: sent from %s, the reply comes in on %s", p.number, last.SIM, wantSIM)
		}
	}
	ms, err := db.Messages(ctx, store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	texted := map[string]bool{}
	for _, m := range ms {
		if m.Direction == store.Out {
			texted[m.Number] = true
		}
	}
	themes := map[string]string{"Group A": "boiler", "Group B": "energy check"}
	queued := 0
	for _, m := range ms {
		if m.Direction != store.In {
			continue
		}
		if m.Category == "Bot" && texted[m.Number] {
			t.Errorf("spam from %s, whom we texted: %q", m.Number, m.Text)
		}
		if m.Category == "" {
			queued++
			last, err := db.LastSentTo(ctx, m.Number, m.At)
			if err != nil {
				t.Fatalf("a reply in the queue answers nothing: %+v", m)
			}
			low := strings.ToLower(m.Text)
			for group, theme := range themes {
				other := themes["Group A"]
				if group == "Group A" {
					other = themes["Group B"]
				}
				if last.GroupName == group && strings.Contains(low, strings.Fields(other)[0]) {
					t.Errorf("%q answers the %s text %q", m.Text, theme, last.Text)
				}
			}
		}
	}
	if queued == 0 {
		t.Fatal("nothing waits for review")
	}
}
