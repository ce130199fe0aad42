package campaign_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/campaign"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/outbox/outboxtest"
	"github.com/texting-centre/texting/store"
)

// TestCampaignWithThreeDongles is the acceptance test of issue 5: an
// httptest data source and three emulated dongles on real pseudo-terminals.
func TestCampaignWithThreeDongles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openDB(t, thursday)
	ds := outboxtest.Dongles(t, db, []int{4, 3, 5})
	long := strings.Repeat("Our autumn offer is on until Sunday. ", 4) // 148 characters: two parts with a name and greeting
	addTemplate(t, db, store.Template{Name: "Long", Body: "Dear {name}, " + long + "{greeting}"})
	addTemplate(t, db, store.Template{Name: "Short", Body: "Hi {name}, {greeting}"})
	if err := db.AddOptOut(ctx, "+447700900013", 0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.InsertMessage(ctx, store.Message{Direction: store.Out, SIMID: ds[0].SIM.ID, Number: "+447700900014",
		Text: "earlier", Kind: store.KindCampaign, State: store.StateDelivered, At: thursday.AddDate(0, 0, -100)}); err != nil {
		t.Fatal(err)
	}
	// Long first: 4 texts of 2 parts; Short: 8 eligible texts of 1 part for
	// the 4 parts left. Opted out, texted 100 days ago, invalid, and a repeat.
	body := `{"Long":[["07700900001","Amy"],["07700900002","Ben"],["07700900003","Cat"],["07700900004","Dan"],
		["07700900013","Opted"],["07700900014","Texted"]],
		"Short":[["07700900005","Eve"],["07700900006","Fay"],["07700900007",""],["07700900008","Gus"],
		["07700900009","Hal"],["07700900010","Ida"],["07700900011","Jo"],["07700900012","Kim"],
		["not a number","Bad"],["07700900001","Amy again"],["07700 900013"]]}`
	src := newSource(t, body)
	fleet := outboxtest.Connect(t, db, ds)
	env := newEnv(t, db, fleet.Senders...)
	sum, err := campaign.RunCampaign(ctx, env, campaign.CampaignOptions{Source: campaign.Source{URL: src.URL, Key: "k"}})
	if err != nil {
		t.Fatal(err)
	}

	groups := map[string]campaign.GroupSummary{}
	for _, g := range sum.Groups {
		groups[g.Group] = g
	}
	wantSkip := map[string]map[string]int{
		"Long":  {"opted_out": 1, "duplicate": 1, "invalid": 0, "no_capacity": 0},
		"Short": {"opted_out": 1, "duplicate": 1, "invalid": 1, "no_capacity": 4},
	}
	for g, want := range wantSkip {
		for reason, n := range want {
			if groups[g].Skipped[reason] != n {
				t.Errorf("%s skipped %s = %d, want %d", g, reason, groups[g].Skipped[reason], n)
			}
		}
	}
	if groups["Long"].Sent != 4 || groups["Long"].Parts != 8 || groups["Short"].Sent != 4 || groups["Short"].Parts != 4 {
		t.Errorf("sent: Long %+v, Short %+v", groups["Long"], groups["Short"])
	}

	// The right people got the right text from the right SIM, once.
	rows := map[string]store.Message{}
	for _, m := range outgoing(t, db) {
		if m.Kind == store.KindCampaign && m.RunID == sum.RunID {
			if m.State != store.StateSent {
				t.Errorf("text to %s is %s: %s", m.Number, m.State, m.Error)
			}
			rows[m.Number] = m
		}
	}
	names := map[string]string{"+447700900001": "Amy", "+447700900002": "Ben", "+447700900003": "Cat", "+447700900004": "Dan",
		"+447700900005": "Eve", "+447700900006": "Fay", "+447700900007": "", "+447700900008": "Gus", "+447700900009": "Hal",
		"+447700900010": "Ida", "+447700900011": "Jo", "+447700900012": "Kim"}
	totalTexted := 0
	for _, d := range ds {
		got := outboxtest.Received(t, d.Emu)
		for number, texts := range got {
			totalTexted++
			if len(texts) != 1 {
				t.Errorf("%s got %d texts from %s", number, len(texts), d.SIM.Label())
			}
			row, ok := rows[number]
			if !ok {
				t.Errorf("%s texted from %s without a row", number, d.SIM.Label())
				continue
			}
			if row.SIMID != d.SIM.ID {
				t.Errorf("%s: row says SIM %d, the text left from %s", number, row.SIMID, d.SIM.Label())
			}
			name, known := names[number]
			if !known {
				t.Errorf("texted %s, who must be skipped", number)
			}
			var want string
			switch row.GroupName {
			case "Long":
				want = "Dear " + name + ", " + long + "Have a good day"
			default:
				want = strings.TrimSpace("Hi "+name) + ", Have a good day"
			}
			if texts[0] != want || row.Text != want {
				t.Errorf("%s got %q (row %q), want %q", number, texts[0], row.Text, want)
			}
		}
	}
	if totalTexted != 8 || len(rows) != 8 {
		t.Errorf("texted %d people, %d rows; want 8", totalTexted, len(rows))
	}
	// Daily limits hold exactly: every SIM used its whole allowance, no more.
	used, err := db.SentToday(ctx, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		parts := len(d.Emu.Sent())
		if used[d.SIM.ID] != d.SIM.DailyLimit || parts != d.SIM.DailyLimit {
			t.Errorf("%s: %d parts counted, %d sent, limit %d", d.SIM.Label(), used[d.SIM.ID], parts, d.SIM.DailyLimit)
		}
	}
	// The POST-back lists exactly the numbers sent, per group, as given.
	posted := src.postedNumbers()
	for g, nums := range posted {
		sort.Strings(nums)
		var want []string
		for n, r := range rows {
			if r.GroupName == g {
				want = append(want, "0"+strings.TrimPrefix(n, "+44"))
			}
		}
		sort.Strings(want)
		if strings.Join(nums, ",") != strings.Join(want, ",") {
			t.Errorf("posted back for %s: %v, want %v", g, nums, want)
		}
	}
	if len(posted) != 2 || !sum.PostedBack {
		t.Errorf("posted back %v (posted_back %v)", posted, sum.PostedBack)
	}
}

// TestSendAndFollowupThroughDongles sends a manual text with --sim and a
// follow-up from the campaign text's own dongle.
func TestSendAndFollowupThroughDongles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, move := openDB(t, thursday)
	ds := outboxtest.Dongles(t, db, []int{10, 10})
	tpl := addTemplate(t, db, store.Template{Name: "G", Body: "Hi {name}", Followup: "Still keen {name}?"})
	if _, _, err := db.InsertMessage(ctx, store.Message{Direction: store.Out, SIMID: ds[1].SIM.ID, Number: "+447700900001", Text: "Hi Ann",
		Kind: store.KindCampaign, State: store.StateSent, At: thursday.AddDate(0, 0, -2), TemplateID: tpl.ID, Name: "Ann"}); err != nil {
		t.Fatal(err)
	}
	fleet := outboxtest.Connect(t, db, ds)
	env := newEnv(t, db, fleet.Senders...)
	sum, err := campaign.RunFollowups(ctx, env, campaign.FollowupOptions{})
	if err != nil || sum.Sent != 1 {
		t.Fatalf("follow-ups: %+v, %v", sum, err)
	}
	if got := outboxtest.Received(t, ds[1].Emu)["+447700900001"]; len(got) != 1 || got[0] != "Still keen Ann?" || len(ds[0].Emu.Sent()) != 0 {
		t.Fatalf("follow-up received %v from the campaign SIM, %d from the other", got, len(ds[0].Emu.Sent()))
	}
	move(time.Minute)
	res, err := outbox.SendManual(ctx, env, outbox.ManualText{Numbers: []string{"07700 900002", "bogus"}, Text: "Call me", SIM: ds[0].SIM.Label()})
	if err == nil {
		t.Fatal("an invalid number gave no error")
	}
	if res[0].State != store.StateSent || res[0].SIM != ds[0].SIM.Label() || res[1].State == store.StateSent || res[1].Error == "" {
		t.Fatalf("send results %+v", res)
	}
	if got := outboxtest.Received(t, ds[0].Emu)["+447700900002"]; len(got) != 1 || got[0] != "Call me" {
		t.Fatalf("manual text received %v", got)
	}
}
