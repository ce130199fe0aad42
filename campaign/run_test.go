package campaign_test

import (
	"context"
	"errors"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/campaign"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/outbox/outboxtest"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

func TestParseDocument(t *testing.T) {
	t.Parallel()
	example, err := os.ReadFile("../../shared/examples/campaign-data.json")
	if err != nil {
		t.Skipf("shared example not available: %v", err)
	}
	groups, err := campaign.ParseDocument(example)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 2 || groups[0].Name != "Group A" || groups[1].Name != "Group B" || len(groups[0].Entries) != 10 {
		t.Fatalf("example parsed as %+v", groups)
	}
	if e := groups[1].Entries[0]; e.Number != "01226000000" || e.Name != "Geoff" {
		t.Fatalf("first of Group B: %+v", e)
	}
	tests := []struct {
		name, doc, want string // want: "" for valid, else a piece of the error
	}{
		{"name missing or empty", `{"A":[["07700900001"],["07700900002",""],["07700900003",null]]}`, ""},
		{"empty group", `{"A":[]}`, ""},
		{"cut short", `{"A":[["0770`, "unexpected EOF"},
		{"not JSON", `hello`, "not JSON"},
		{"array at the top", `[["07700900001","Ann"]]`, "JSON object"},
		{"group not a list", `{"A":{"x":1}}`, `group "A"`},
		{"pair not a list", `{"A":["07700900001"]}`, `group "A" entry 1`},
		{"number not a string", `{"A":[["07700900001","Ann"],[7700900002,"Bob"]]}`, `entry 2: the number must be a string`},
		{"name not a string", `{"A":[["07700900001",5]]}`, "the name must be a string"},
		{"three values", `{"A":[["07700900001","Ann","x"]]}`, "3 values"},
		{"group twice", `{"A":[],"a":[]}`, "appears twice"},
		{"trailing data", `{"A":[]} {}`, "data after"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := campaign.ParseDocument([]byte(tc.doc))
			if tc.want == "" {
				if err != nil {
					t.Fatalf("valid document refused: %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, campaign.ErrBadSource) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrBadSource mentioning %q", err, tc.want)
			}
		})
	}
}

func TestRunCampaignWithFakeSenders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openDB(t, thursday)
	sims := []store.SIM{storetest.AddSIM(t, db, "O2", 100), storetest.AddSIM(t, db, "O2", 100), storetest.AddSIM(t, db, "Vodafone", 100)}
	a := addTemplate(t, db, store.Template{Name: "Group A", Body: "Hi {name}, {greeting}!"})
	addTemplate(t, db, store.Template{Name: "Group B", Body: "Hello {name}. {greeting}"})
	if err := db.AddOptOut(ctx, "+447700900003", 0); err != nil {
		t.Fatal(err)
	}
	// Texted by a campaign last month: within the 180-day window.
	if _, _, err := db.InsertMessage(ctx, store.Message{Direction: store.Out, SIMID: sims[2].ID, Number: "+447700900004", Text: "old",
		Kind: store.KindCampaign, State: store.StateSent, At: thursday.AddDate(0, -1, 0)}); err != nil {
		t.Fatal(err)
	}
	src := newSource(t, doc(t, map[string][][]string{
		"Group A": {{"07700 900001", "michael SMITH"}, {"07700900002", ""}, {"07700900003", "Opted"}, {"07700900004", "Dup"}, {"12345", "Bad"}},
		"Group B": {{"+447700900005", "Jo"}, {"07700900001", "Again"}, {"07700900006"}},
		"Group C": {{"07700900007", "Nobody"}},
	}))
	var fakes []outbox.Sender
	var fs []*outboxtest.Sender
	for _, s := range sims {
		f := &outboxtest.Sender{Card: s}
		fs = append(fs, f)
		fakes = append(fakes, f)
	}
	env := newEnv(t, db, fakes...)
	env.Config.Managers = []string{"+447700900999"}
	sum, err := campaign.RunCampaign(ctx, env, campaign.CampaignOptions{Source: campaign.Source{URL: src.URL + "/data", Key: "s3cret"}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]campaign.GroupSummary{}
	for _, g := range sum.Groups {
		got[g.Group] = g
	}
	ga, gb, gc := got["Group A"], got["Group B"], got["Group C"]
	if ga.Recipients != 5 || ga.Queued != 2 || ga.Sent != 2 || ga.Skipped["opted_out"] != 1 || ga.Skipped["duplicate"] != 1 || ga.Skipped["invalid"] != 1 {
		t.Errorf("Group A: %+v", ga)
	}
	if gb.Recipients != 3 || gb.Sent != 2 || gb.Skipped["duplicate"] != 1 {
		t.Errorf("Group B: %+v", gb)
	}
	if gc.Error == "" || gc.Sent != 0 || !strings.Contains(gc.Error, "no template") {
		t.Errorf("Group C: %+v", gc)
	}
	// The right people got the right text.
	texts := map[string]string{}
	from := map[string]int64{}
	for _, f := range fs {
		for _, o := range f.Texts() {
			if _, dup := texts[o.Number]; dup {
				t.Errorf("%s texted twice", o.Number)
			}
			texts[o.Number] = o.Text
			from[o.Number] = f.Card.ID
		}
	}
	want := map[string]string{
		"+447700900001": "Hi Michael, Have a good day!",
		"+447700900002": "Hi, Have a good day!",
		"+447700900005": "Hello Jo. Have a good day",
		"+447700900006": "Hello. Have a good day",
		"+447700900999": "2 group a, 2 group b, 0 group c",
	}
	if len(texts) != len(want) {
		t.Errorf("texted %v, want %v", texts, want)
	}
	for n, w := range want {
		if texts[n] != w {
			t.Errorf("%s got %q, want %q", n, texts[n], w)
		}
	}
	// Spread over the SIMs: four campaign texts over three equal SIMs.
	per := map[int64]int{}
	for n, id := range from {
		if n != "+447700900999" {
			per[id]++
		}
	}
	if len(per) != 3 {
		t.Errorf("campaign texts per SIM %v: want all three SIMs used", per)
	}
	// The POST-back lists exactly the numbers sent, as the source wrote them.
	posted := src.postedNumbers()
	sort.Strings(posted["Group A"])
	sort.Strings(posted["Group B"])
	if strings.Join(posted["Group A"], ",") != "07700 900001,07700900002" || strings.Join(posted["Group B"], ",") != "+447700900005,07700900006" || len(posted) != 2 {
		t.Errorf("posted back %v", posted)
	}
	for _, k := range src.keys {
		if k != "s3cret" {
			t.Errorf("request without the key: %q", k)
		}
	}
	if !sum.PostedBack || sum.Managers != 1 || sum.RunID == 0 {
		t.Errorf("summary %+v", sum)
	}
	runs, err := db.Runs(ctx, store.RunCampaign, 1)
	if err != nil || len(runs) != 1 || runs[0].Outcome != store.OutcomeOK || runs[0].Counts["sent"] != 4 || runs[0].Counts["skipped_duplicate"] != 2 {
		t.Errorf("run recorded %+v, %v", runs, err)
	}
	for _, m := range outgoing(t, db) {
		if m.Kind == store.KindCampaign && m.RunID == sum.RunID && m.TemplateID == 0 {
			t.Errorf("campaign text %d has no template", m.ID)
		}
		if m.Number == "+447700900001" && (m.TemplateID != a.ID || m.GroupName != "Group A" || m.Name != "Michael") {
			t.Errorf("campaign text row %+v", m)
		}
	}

	if forms, _ := db.NumberForms(ctx, "GB", []string{"07700 900001", "12345"}); forms["07700 900001"] != "+447700900001" || len(forms) != 1 {
		t.Errorf("number forms remembered: %v", forms)
	}
	// A second run the same day sends nobody anything again.
	sum2, err := campaign.RunCampaign(ctx, env, campaign.CampaignOptions{Source: campaign.Source{URL: src.URL + "/data", Key: "s3cret"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range sum2.Groups {
		if g.Sent != 0 || g.Queued != 0 {
			t.Errorf("second run sent again: %+v", g)
		}
	}
}

func TestRunCampaignBrokenSourceSendsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name, doc string
		status    int
		max       int64
		want      string
	}{
		{"bad entry late in the document", `{"Group A":[["07700900001","Ann"]],"Group B":[["07700900002",3]]}`, 0, 0, "the name must be a string"},
		{"HTTP error", `{}`, 500, 0, "HTTP 500"},
		{"too large", `{"Group A":[["07700900001","Ann"]]}`, 0, 10, "larger than 10 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := openDB(t, thursday)
			sim := storetest.AddSIM(t, db, "O2", 100)
			addTemplate(t, db, store.Template{Name: "Group A", Body: "Hi {name}"})
			src := newSource(t, tc.doc)
			src.failGet = tc.status
			snd := &outboxtest.Sender{Card: sim}
			env := newEnv(t, db, snd)
			env.Config.Managers = []string{"+447700900999"}
			_, err := campaign.RunCampaign(ctx, env, campaign.CampaignOptions{Source: campaign.Source{URL: src.URL, MaxBytes: tc.max}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tc.want)
			}
			if len(snd.Texts()) != 0 || len(outgoing(t, db)) != 0 || src.posts != 0 {
				t.Fatalf("a broken document sent %d texts, stored %d, posted %d", len(snd.Texts()), len(outgoing(t, db)), src.posts)
			}
			runs, _ := db.Runs(ctx, store.RunCampaign, 1)
			if len(runs) != 1 || !strings.HasPrefix(runs[0].Outcome, "failed: ") {
				t.Fatalf("run recorded %+v", runs)
			}
		})
	}
}

func TestRunCampaignDryRunRecordsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openDB(t, thursday)
	sim := storetest.AddSIM(t, db, "O2", 1)
	addTemplate(t, db, store.Template{Name: "Group A", Body: "Hi {name}"})
	src := newSource(t, doc(t, map[string][][]string{"Group A": {{"07700900001", "Ann"}, {"07700900002", "Bob"}}}))
	snd := &outboxtest.Sender{Card: sim}
	env := newEnv(t, db, snd)
	for _, viaConfig := range []bool{false, true} {
		env.Config.Run = !viaConfig
		sum, err := campaign.RunCampaign(ctx, env, campaign.CampaignOptions{Source: campaign.Source{URL: src.URL}, DryRun: !viaConfig})
		if err != nil {
			t.Fatal(err)
		}
		g := sum.Groups[0]
		if !sum.DryRun || g.Queued != 1 || g.Skipped["no_capacity"] != 1 || sum.SIMs[0].Parts != 1 || sum.SIMs[0].LeftToday != 0 {
			t.Fatalf("dry-run plan: %+v %+v", sum, g)
		}
	}
	runs, _ := db.Runs(ctx, "", 0)
	if forms, _ := db.NumberForms(ctx, "GB", []string{"07700900001"}); len(forms) != 0 {
		t.Fatalf("dry run remembered number forms: %v", forms)
	}
	if len(snd.Texts()) != 0 || len(outgoing(t, db)) != 0 || src.posts != 0 || len(runs) != 0 {
		t.Fatalf("dry run sent %d, stored %d, posted %d, runs %d", len(snd.Texts()), len(outgoing(t, db)), src.posts, len(runs))
	}
}

func TestRunCampaignStickySIM(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openDB(t, thursday)
	a, b := storetest.AddSIM(t, db, "O2", 100), storetest.AddSIM(t, db, "O2", 100)
	addTemplate(t, db, store.Template{Name: "G", Body: "Hi {name}"})
	// The person wrote to SIM b a year ago; b is also the busier SIM.
	if _, _, err := db.InsertMessage(ctx, store.Message{Direction: store.In, SIMID: b.ID, Number: "+447700900001", Text: "hello", Kind: store.KindInbound, At: thursday.AddDate(-1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.InsertMessage(ctx, store.Message{Direction: store.Out, SIMID: b.ID, Number: "+447700900050", Text: "x", Kind: store.KindManual, State: store.StateSent, At: thursday.Add(-time.Hour), Parts: 5}); err != nil {
		t.Fatal(err)
	}
	src := newSource(t, doc(t, map[string][][]string{"G": {{"07700900001", "Ann"}}}))
	sa, sb := &outboxtest.Sender{Card: a}, &outboxtest.Sender{Card: b}
	if _, err := campaign.RunCampaign(ctx, newEnv(t, db, sa, sb), campaign.CampaignOptions{Source: campaign.Source{URL: src.URL}}); err != nil {
		t.Fatal(err)
	}
	if len(sb.Texts()) != 1 || len(sa.Texts()) != 0 {
		t.Fatalf("sticky SIM not used: a sent %d, b sent %d", len(sa.Texts()), len(sb.Texts()))
	}
}

func TestRunCampaignRefusesASecondLiveRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openDB(t, thursday)
	self := outbox.ThisProcess()
	other := outbox.Owner{Host: self.Host, PID: os.Getppid(), Start: ""} // our parent: alive
	if _, err := db.StartRun(ctx, store.RunCampaign, "", other.String(), func(string) bool { return true }); err != nil {
		t.Fatal(err)
	}
	src := newSource(t, `{}`)
	_, err := campaign.RunCampaign(ctx, newEnv(t, db), campaign.CampaignOptions{Source: campaign.Source{URL: src.URL}})
	if !errors.Is(err, store.ErrRunInProgress) {
		t.Fatalf("err = %v, want ErrRunInProgress", err)
	}
}
