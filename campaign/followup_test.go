package campaign_test

import (
	"context"
	"testing"
	"time"

	"github.com/texting-centre/texting/campaign"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/outbox/outboxtest"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

func TestFollowupRules(t *testing.T) {
	t.Parallel()
	const number = "+447700900001"
	day := 24 * time.Hour
	// now is Thursday 26 Nov 10:00 UTC; follow-ups for texts sent 1 to 5
	// calendar days ago.
	type reply struct {
		after    time.Duration // after the campaign text; negative: before it
		category string        // "" uncategorised, else a category name
	}
	tests := []struct {
		name      string
		sentAgo   time.Duration
		replies   []reply
		optedOut  bool
		altBody   string
		noBody    bool
		simGone   bool
		simFull   bool
		want      string // the follow-up text sent, "" for none
		wantSkip  string // the reason counted when none
		wantState string
	}{
		{name: "no reply: basic", sentAgo: 2 * day, want: "Still keen, Ann? Have a good day"},
		{name: "reply Thanks: basic", sentAgo: 2 * day, replies: []reply{{time.Hour, "Thanks"}}, want: "Still keen, Ann? Have a good day"},
		{name: "reply Misc: basic", sentAgo: 2 * day, replies: []reply{{time.Hour, "Misc"}}, want: "Still keen, Ann? Have a good day"},
		{name: "reply in an alternative category", sentAgo: 2 * day, replies: []reply{{time.Hour, "Price"}}, altBody: "Ann, here is our price list", want: "Ann, here is our price list"},
		{name: "alternative without a body", sentAgo: 2 * day, replies: []reply{{time.Hour, "Price"}}, wantSkip: campaign.NoFollowupNoBody},
		{name: "reply Bot: none", sentAgo: 2 * day, replies: []reply{{time.Hour, "Bot"}}, wantSkip: campaign.NoFollowupCategory},
		{name: "reply End: none", sentAgo: 2 * day, replies: []reply{{time.Hour, "End"}}, wantSkip: campaign.NoFollowupOptedOut},
		{name: "reply not yet categorised: none", sentAgo: 2 * day, replies: []reply{{time.Hour, ""}}, wantSkip: campaign.NoFollowupNotCategorised},
		{name: "the last reply decides", sentAgo: 3 * day, replies: []reply{{time.Hour, "Bot"}, {2 * time.Hour, "Thanks"}}, want: "Still keen, Ann? Have a good day"},
		{name: "the last reply decides, uncategorised", sentAgo: 3 * day, replies: []reply{{time.Hour, "Thanks"}, {2 * time.Hour, ""}}, wantSkip: campaign.NoFollowupNotCategorised},
		{name: "a reply before the campaign text does not count", sentAgo: 2 * day, replies: []reply{{-time.Hour, "Bot"}}, want: "Still keen, Ann? Have a good day"},
		{name: "opted out", sentAgo: 2 * day, optedOut: true, wantSkip: campaign.NoFollowupOptedOut},
		{name: "template without a follow-up", sentAgo: 2 * day, noBody: true, wantSkip: campaign.NoFollowupNoBody},
		{name: "sent today: too early", sentAgo: 2 * time.Hour},
		{name: "sent late yesterday: one calendar day", sentAgo: 11 * time.Hour, want: "Still keen, Ann? Have a good day"},
		{name: "sent five days ago at midnight", sentAgo: 5*day + 10*time.Hour, want: "Still keen, Ann? Have a good day"},
		{name: "sent six days ago: too late", sentAgo: 5*day + 10*time.Hour + time.Minute},
		{name: "its SIM is not connected: waits", sentAgo: 2 * day, simGone: true, wantSkip: campaign.NoFollowupSIMUnavailable},
		{name: "its SIM is full today: waits", sentAgo: 2 * day, simFull: true, wantSkip: campaign.NoFollowupNoCapacity},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db, _ := openDB(t, thursday)
			limit := 100
			if tc.simFull {
				limit = 0
			}
			sim, other := storetest.AddSIM(t, db, "O2", limit), storetest.AddSIM(t, db, "Three", 100)
			if _, err := db.AddCategory(ctx, store.Category{Name: "Price", Followup: store.FollowupAlternative}); err != nil {
				t.Fatal(err)
			}
			tpl := store.Template{Name: "G", Body: "Hi {name}", Followup: "Still keen, {name}? {greeting}", AltFollowup: tc.altBody}
			if tc.noBody {
				tpl.Followup = ""
			}
			tpl = addTemplate(t, db, tpl)
			sentAt := thursday.Add(-tc.sentAgo)
			campID, _, err := db.InsertMessage(ctx, store.Message{Direction: store.Out, SIMID: sim.ID, Number: number, Text: "Hi Ann",
				Kind: store.KindCampaign, State: store.StateSent, At: sentAt, TemplateID: tpl.ID, Name: "Ann", GroupName: "G"})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range tc.replies {
				m := store.Message{Direction: store.In, SIMID: sim.ID, Number: number, Text: "reply", Kind: store.KindInbound, At: sentAt.Add(r.after)}
				if r.category != "" {
					c, err := db.CategoryByName(ctx, r.category)
					if err != nil {
						t.Fatal(err)
					}
					m.CategoryID, m.CategoryBy = c.ID, "operator"
				}
				if _, _, err := db.InsertMessage(ctx, m); err != nil {
					t.Fatal(err)
				}
			}
			if tc.optedOut {
				if err := db.AddOptOut(ctx, number, 0); err != nil {
					t.Fatal(err)
				}
			}
			fs, fo := &outboxtest.Sender{Card: sim}, &outboxtest.Sender{Card: other}
			senders := []outbox.Sender{fs, fo}
			if tc.simGone {
				senders = []outbox.Sender{fo}
			}
			sum, err := campaign.RunFollowups(ctx, newEnv(t, db, senders...), campaign.FollowupOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(fo.Texts()) != 0 {
				t.Fatalf("a follow-up left from another SIM: %+v", fo.Texts())
			}
			sent := fs.Texts()
			if tc.want == "" {
				if len(sent) != 0 {
					t.Fatalf("follow-up sent: %+v", sent)
				}
				if tc.wantSkip != "" && sum.Skipped[tc.wantSkip] != 1 {
					t.Fatalf("skipped %v, want one %s", sum.Skipped, tc.wantSkip)
				}
				return
			}
			if len(sent) != 1 || sent[0].Text != tc.want || sent[0].Number != number {
				t.Fatalf("sent %+v, want %q", sent, tc.want)
			}
			if sum.Sent != 1 || sum.Candidates != 1 {
				t.Fatalf("summary %+v", sum)
			}
			m, err := db.Message(ctx, sent[0].ID)
			if err != nil || m.Kind != store.KindFollowup || m.ParentID != campID || m.SIMID != sim.ID || m.State != store.StateSent {
				t.Fatalf("follow-up row %+v, %v", m, err)
			}
			// Once only: the next day's run sends nothing more.
			again, err := campaign.RunFollowups(ctx, newEnv(t, db, senders...), campaign.FollowupOptions{})
			if err != nil || again.Candidates != 0 || len(fs.Texts()) != 1 {
				t.Fatalf("second run: %+v, %v, %d sent", again, err, len(fs.Texts()))
			}
		})
	}
}
