package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
)

// TestCampaignRunJSONContract runs `campaign run --json` in-process against
// emulated dongles and checks the summary's stable field names, then a dry
// run's plain plan.
func TestCampaignRunJSONContract(t *testing.T) {
	t.Parallel()
	fx := newCampaignFixture(t, 6, 10*time.Millisecond)
	env := map[string]string{"TEXTING_API_URL": fx.src.URL, "TEXTING_API_KEY": "k3y"}
	ports := []string{}
	for _, p := range fx.ports {
		ports = append(ports, "--port", p)
	}
	dry := runCLI(t, fx.dbPath, env, append([]string{"campaign", "run", "--dry-run"}, ports...)...)
	if dry.code != 0 || !strings.Contains(dry.out, "Plan:") || !strings.Contains(dry.out, "Dry run (nothing sent): 6 texts") {
		t.Fatalf("dry run: exit %d\n%s\n%s", dry.code, dry.out, dry.err)
	}
	if n := len(countStates(t, fx.dbPath)); n != 0 {
		t.Fatalf("dry run stored texts")
	}
	r := runCLI(t, fx.dbPath, env, append([]string{"campaign", "run", "--json"}, ports...)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var sum map[string]any
	if err := json.Unmarshal([]byte(r.out), &sum); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, r.out)
	}
	for _, k := range []string{"run_id", "dry_run", "source", "groups", "sims", "posted_back", "carried_over", "waiting", "recovered_unknown", "managers_texted", "quiet_hours", "errors"} {
		if _, ok := sum[k]; !ok {
			t.Errorf("summary has no %q", k)
		}
	}
	if sum["posted_back"] != true || sum["dry_run"] != false {
		t.Errorf("summary %v", sum)
	}
	groups := sum["groups"].([]any)
	if len(groups) != 2 {
		t.Fatalf("groups %v", groups)
	}
	g := groups[0].(map[string]any)
	for _, k := range []string{"group", "template", "recipients", "queued", "sent", "parts", "failed", "unknown", "skipped", "error"} {
		if _, ok := g[k]; !ok {
			t.Errorf("group has no %q", k)
		}
	}
	skipped := g["skipped"].(map[string]any)
	for _, k := range []string{"opted_out", "duplicate", "invalid", "no_capacity"} {
		if _, ok := skipped[k]; !ok {
			t.Errorf("skipped has no %q", k)
		}
	}
	if g["group"] != "Group A" || g["sent"] != 3.0 || g["template"] != "Group A" {
		t.Errorf("group %v", g)
	}
	sims := sum["sims"].([]any)
	if len(sims) != 3 {
		t.Fatalf("sims %v", sims)
	}
	for _, k := range []string{"sim", "parts", "sent", "left_today", "limit"} {
		if _, ok := sims[0].(map[string]any)[k]; !ok {
			t.Errorf("sim has no %q", k)
		}
	}
	if strings.Contains(r.out, "k3y") || strings.Contains(r.err, "k3y") {
		t.Error("the API key was printed")
	}
}

func TestOutboxCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbPath := t.TempDir() + "/t.db"
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	net, _ := db.AddNetwork(ctx, store.Network{Name: "O2"})
	sim, _ := db.AddSIM(ctx, store.SIM{NetworkID: net.ID, Active: true, DailyLimit: 10})
	ids, err := db.Queue(ctx, []store.Message{
		{SIMID: sim.ID, Number: "+447700900001", Text: "{greeting} Ann", Kind: store.KindCampaign},
		{SIMID: sim.ID, Number: "+447700900002", Text: "b", Kind: store.KindCampaign},
		{SIMID: sim.ID, Number: "+447700900003", Text: "c", Kind: store.KindManual},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[:2] {
		if err := db.MarkSending(ctx, store.Claim{ID: id, SIMID: sim.ID, Owner: "gone:1:1", Text: "Hi Ann", Limit: -1}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.RecoverSending(ctx, func(string) bool { return false }); err != nil {
		t.Fatal(err)
	}
	db.Close()

	r := runCLI(t, dbPath, nil, "outbox", "--state", "unknown", "--json")
	var list []map[string]any
	if r.code != 0 || json.Unmarshal([]byte(r.out), &list) != nil || len(list) != 2 {
		t.Fatalf("outbox --json: exit %d %s %s", r.code, r.out, r.err)
	}
	for _, k := range []string{"id", "direction", "sim", "number", "text", "at", "kind", "state", "category", "category_by", "confidence", "parts", "flags", "error"} {
		if _, ok := list[0][k]; !ok {
			t.Errorf("outbox entry has no %q", k)
		}
	}
	if list[0]["state"] != "unknown" || list[0]["error"] == "" || list[0]["sim"] != "O2 1" {
		t.Errorf("entry %v", list[0])
	}
	all := runCLI(t, dbPath, nil, "outbox")
	if all.code != 0 || strings.Count(all.out, "unknown") != 2 || !strings.Contains(all.out, "queued") {
		t.Errorf("outbox table:\n%s", all.out)
	}
	tests := []struct {
		args      []string
		code      int
		wantState string
		id        int64
	}{
		{[]string{"outbox", "resend", strconv.FormatInt(ids[0], 10)}, 0, store.StateQueued, ids[0]},
		{[]string{"outbox", "fail", strconv.FormatInt(ids[1], 10), "--reason", "checked: never arrived"}, 0, store.StateFailed, ids[1]},
		{[]string{"outbox", "resend", strconv.FormatInt(ids[2], 10)}, 1, store.StateQueued, ids[2]}, // queued already
		{[]string{"outbox", "fail", strconv.FormatInt(ids[2], 10)}, 0, store.StateFailed, ids[2]},
		{[]string{"outbox", "resend", "99999"}, 1, "", 0},
		{[]string{"outbox", "fail", "x"}, 1, "", 0},
		{[]string{"outbox", "--state", "sent"}, 1, "", 0},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := runCLI(t, dbPath, nil, tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d: %s%s", r.code, tc.code, r.out, r.err)
			}
			if tc.code != 0 && (strings.Count(strings.TrimSpace(r.err), "\n") != 0 || !strings.HasPrefix(r.err, "texting: ")) {
				t.Errorf("error is not one line: %q", r.err)
			}
			if tc.id == 0 {
				return
			}
			db, _ := store.Open(ctx, dbPath)
			defer db.Close()
			m, _ := db.Message(ctx, tc.id)
			if m.State != tc.wantState {
				t.Errorf("state %s, want %s", m.State, tc.wantState)
			}
			if tc.id == ids[0] && m.Text != "{greeting} Ann" {
				t.Errorf("resent text %q: the greeting must be rendered again", m.Text)
			}
		})
	}
}

func TestSendAndFollowupCommands(t *testing.T) {
	t.Parallel()
	fx := newCampaignFixture(t, 0, 10*time.Millisecond)
	ports := []string{"--port", fx.ports[0], "--port", fx.ports[1]}
	r := runCLI(t, fx.dbPath, nil, append([]string{"send", "--to", "07700 900111,+447700900112", "--text", "Call us {greeting}", "--json"}, ports...)...)
	var res []map[string]any
	if r.code != 0 || json.Unmarshal([]byte(r.out), &res) != nil || len(res) != 2 {
		t.Fatalf("send: exit %d %s %s", r.code, r.out, r.err)
	}
	for _, x := range res {
		// The dongle's holder applies delivery reports as they come: a
		// text may already be delivered when send reads its outcome.
		if (x["state"] != "sent" && x["state"] != "delivered") || x["sim"] == "" || x["parts"] != 1.0 {
			t.Errorf("send result %v", x)
		}
	}
	bad := runCLI(t, fx.dbPath, nil, append([]string{"send", "--to", "12", "--text", "x"}, ports...)...)
	if bad.code != 1 || !strings.Contains(bad.out, "invalid phone number") {
		t.Errorf("invalid number: exit %d %q %q", bad.code, bad.out, bad.err)
	}
	noSIM := runCLI(t, fx.dbPath, nil, append([]string{"send", "--to", "07700900111", "--text", "x", "--sim", "Nowhere 9"}, ports...)...)
	if noSIM.code != 1 {
		t.Errorf("unknown SIM: exit %d %q", noSIM.code, noSIM.out)
	}
	f := runCLI(t, fx.dbPath, nil, append([]string{"followup", "run", "--json"}, ports...)...)
	var fs map[string]any
	if f.code != 0 || json.Unmarshal([]byte(f.out), &fs) != nil {
		t.Fatalf("followup run: exit %d %s %s", f.code, f.out, f.err)
	}
	for _, k := range []string{"run_id", "dry_run", "candidates", "basic", "alternative", "queued", "sent", "parts", "failed", "unknown", "waiting", "skipped", "quiet_hours"} {
		if _, ok := fs[k]; !ok {
			t.Errorf("follow-up summary has no %q", k)
		}
	}
}

// TestManualTextThatCannotGoIsFailed: a manual text that cannot leave now
// (its SIM is parked) is failed and said so, and a later run does
// not send it behind the operator's back; `outbox resend` does, on purpose.
func TestManualTextThatCannotGoIsFailed(t *testing.T) {
	t.Parallel()
	fx := newCampaignFixture(t, 0, 5*time.Millisecond)
	port := []string{"--port", fx.ports[0]}
	if r := runCLI(t, fx.dbPath, nil, append([]string{"send", "--to", "07700900111", "--text", "first"}, port...)...); r.code != 0 {
		t.Fatalf("first send: exit %d %s %s", r.code, r.out, r.err)
	}
	db, err := store.Open(context.Background(), fx.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := db.FindSIM(context.Background(), "O2 - UK 1")
	if err == nil {
		err = db.ParkSIM(context.Background(), sim.ID, time.Now().Add(time.Hour), "test: no credit")
	}
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, fx.dbPath, nil, append([]string{"send", "--to", "07700900111", "--text", "second", "--sim", "O2 - UK 1", "--json"}, port...)...)
	var res []map[string]any
	if r.code != 1 || json.Unmarshal([]byte(r.out), &res) != nil || len(res) != 1 || res[0]["state"] != "failed" ||
		!strings.Contains(fmt.Sprint(res[0]["error"]), "outbox resend") {
		t.Fatalf("second send: exit %d, out %s, err %s", r.code, r.out, r.err)
	}
	runCLI(t, fx.dbPath, nil, "sim", "set", "O2 - UK 1", "--unpark")
	if r := runCLI(t, fx.dbPath, nil, append([]string{"send", "--to", "07700900112", "--text", "third"}, port...)...); r.code != 0 {
		t.Fatalf("third send: exit %d %s %s", r.code, r.out, r.err)
	}
	var texts []string
	for _, s := range fx.emus[0].Sent() {
		texts = append(texts, s.Msg.Text)
	}
	if strings.Join(texts, ",") != "first,third" {
		t.Fatalf("the dongle sent %q; the failed manual text must not go on its own", texts)
	}
}
