package cli

// Tests of DESIGN.md's invariants that no single package's tests prove on
// their own: they drive the real commands (in-process or the built binary)
// against emulated dongles, a data source and a gateway double.

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/modem/pdu"
	"github.com/texting-centre/texting/store"
)

// mustCLI runs a command in-process and fails the test unless it exits 0.
func mustCLI(t *testing.T, dbPath string, env map[string]string, args ...string) cliResult {
	t.Helper()
	r := runCLI(t, dbPath, env, args...)
	if r.code != 0 {
		t.Fatalf("texting %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.out, r.err)
	}
	return r
}

// deliverPDU is an SMS-DELIVER from number, as a SIM stores it.
func deliverPDU(t *testing.T, from, text string, at time.Time) string {
	t.Helper()
	h, err := pdu.EncodeDeliver(from, text, pdu.DeliverOptions{Class: -1, Timestamp: at})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// sentTo groups the texts the emulated dongles put on the air by recipient.
func sentTo(dongles ...*modemtest.Modem) map[string][]string {
	out := map[string][]string{}
	for _, d := range dongles {
		for _, s := range d.Sent() {
			if s.Msg != nil {
				out[s.Msg.To] = append(out[s.Msg.To], s.Msg.Text)
			}
		}
	}
	return out
}

// quietNow is a quiet-hours setting that holds the present moment, local
// time, with an hour on either side.
func quietNow() string {
	now := time.Now()
	return now.Add(-time.Hour).Format("15:04") + "-" + now.Add(time.Hour).Format("15:04")
}

// jsonSource serves doc to GETs (with ?key=k3y) and accepts POST-backs.
func jsonSource(t *testing.T, doc string) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("key") != "k3y" {
			http.Error(w, "bad key", http.StatusForbidden)
			return
		}
		if r.Method == http.MethodGet {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(doc))
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// TestInvariantOptOutAcrossAllSenders (invariant 3): nobody on the opt-out
// list is texted by a campaign, a follow-up or an auto-reply — whether they
// were on the list before the text was planned, or opted out after it was
// queued and before it went. The only text an opted-out number may get is
// the one confirmation answering the STOP itself. Each kind of sender also
// texts a control number, so that a sender that sends nothing at all cannot
// pass.
func TestInvariantOptOutAcrossAllSenders(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "t.db")
	const (
		welcome = "You're welcome!"
		confirm = "You will not hear from us again."
	)
	for _, args := range [][]string{
		{"config", "set", "region", "GB"},
		// Campaign texts and follow-ups queued now wait in the outbox: the
		// gap between queueing and sending in which people opt out.
		{"config", "set", "quiet.hours", quietNow()},
		{"template", "add", "Group A", "--body", "Hi {name}, news from us", "--followup", "Still interested, {name}?"},
		{"category", "set", "Thanks", "--autoreply", welcome},
		{"category", "set", "End", "--autoreply", confirm},
	} {
		mustCLI(t, dbPath, nil, args...)
	}
	const (
		teacher = "+447700900130" // the operator files their "Thank you" under Thanks
		p0      = "+447700900100" // on the list (imported); had a campaign text 3 days ago
		p0b     = "+447700900104" // on the list (imported); in the data source
		p1      = "+447700900101" // sends STOP first; in the data source
		p2      = "+447700900102" // control: gets the campaign text
		p3      = "+447700900103" // campaign text queued, then STOP, then the send
		p4      = "+447700900105" // control: gets the campaign text
		f1      = "+447700900111" // control: gets the follow-up
		f2      = "+447700900112" // follow-up queued, then STOP, then the send
		a1      = "+447700900121" // control: gets the Thanks auto-reply
		a2      = "+447700900122" // on the list (imported); says thank you
		a3      = "+447700900123" // says thank you, then STOP, before the auto-reply goes
	)
	dongle := newEmulator(t, "234109876543210")
	port := []string{"--port", dongle.Path()}
	t0 := time.Now().Add(-10 * time.Minute).Truncate(time.Second)

	// First read-in: the teacher's text waits for the operator, p1 opts out.
	if err := dongle.Store(deliverPDU(t, teacher, "Thank you", t0), deliverPDU(t, p1, "STOP", t0)); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, dbPath, nil, append([]string{"read-in"}, port...)...)

	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	taught, err := db.Messages(ctx, store.MessageFilter{Direction: store.In, Number: teacher})
	if err != nil || len(taught) != 1 {
		t.Fatalf("the teacher's text: %+v, %v", taught, err)
	}
	mustCLI(t, dbPath, nil, "replies", "tag", strconv.FormatInt(taught[0].ID, 10), "Thanks")
	sim, err := db.SIMByIMSI(ctx, "234109876543210")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := db.TemplateByName(ctx, "Group A")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{p0, p0b, a2} {
		if err := db.AddOptOut(ctx, n, 0); err != nil {
			t.Fatal(err)
		}
	}
	// Campaign texts sent three days ago: follow-up candidates.
	for _, c := range []struct{ number, name string }{{p0, "Olive"}, {f1, "Fay"}, {f2, "Gus"}} {
		if _, _, err := db.InsertMessage(ctx, store.Message{Direction: store.Out, SIMID: sim.ID, Number: c.number,
			Text: "Hi " + c.name + ", news from us", Kind: store.KindCampaign, TemplateID: tpl.ID, GroupName: "Group A",
			Name: c.name, State: store.StateSent, At: time.Now().AddDate(0, 0, -3)}); err != nil {
			t.Fatal(err)
		}
	}

	src := jsonSource(t, `{"Group A": [["07700 900101", "Pat"], ["07700900104", "Opal"], ["07700900102", "Sam"],
		["+447700900103", "Tom"], ["07700900105", "Uma"]]}`)
	key := map[string]string{"TEXTING_API_KEY": "k3y"}
	campaignArgs := append([]string{"campaign", "run", "--json", "--source", src.URL + "/people"}, port...)

	// In quiet hours: the campaign texts and follow-ups are queued, not sent.
	var sum struct {
		Quiet  bool `json:"quiet_hours"`
		Groups []struct {
			Queued  int            `json:"queued"`
			Sent    int            `json:"sent"`
			Skipped map[string]int `json:"skipped"`
		} `json:"groups"`
	}
	r := mustCLI(t, dbPath, key, campaignArgs...)
	if err := json.Unmarshal([]byte(r.out), &sum); err != nil || len(sum.Groups) != 1 {
		t.Fatalf("campaign summary: %v\n%s", err, r.out)
	}
	if g := sum.Groups[0]; !sum.Quiet || g.Queued != 3 || g.Sent != 0 || g.Skipped["opted_out"] != 2 {
		t.Fatalf("quiet campaign run: quiet %v, group %+v; want 3 queued (p2, p3, p4), 0 sent, 2 opted out (p0b, p1)", sum.Quiet, g)
	}
	var fsum struct {
		Queued  int            `json:"queued"`
		Sent    int            `json:"sent"`
		Skipped map[string]int `json:"skipped"`
	}
	r = mustCLI(t, dbPath, nil, append([]string{"followup", "run", "--json"}, port...)...)
	if err := json.Unmarshal([]byte(r.out), &fsum); err != nil {
		t.Fatalf("follow-up summary: %v\n%s", err, r.out)
	}
	if fsum.Queued != 2 || fsum.Sent != 0 || fsum.Skipped["opted_out"] != 1 {
		t.Fatalf("quiet follow-up run: %+v; want 2 queued (f1, f2), 0 sent, 1 opted out (p0)", fsum)
	}

	// Second read-in: p3 and f2 opt out while their texts wait in the
	// outbox; a3 says thank you and then STOP, so its Thanks auto-reply is
	// queued before it opts out and sent (or not) after.
	t1 := t0.Add(time.Minute)
	if err := dongle.Store(
		deliverPDU(t, p3, "STOP", t1),
		deliverPDU(t, f2, "stop.", t1),
		deliverPDU(t, a1, "Thank you", t1),
		deliverPDU(t, a2, "Thank you", t1),
		deliverPDU(t, a3, "Thank you", t1),
		deliverPDU(t, a3, "STOP", t1.Add(time.Minute)),
	); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, dbPath, nil, append([]string{"read-in"}, port...)...)
	for _, n := range []string{p3, f2, a3} {
		if out, err := db.IsOptedOut(ctx, n); err != nil || !out {
			t.Fatalf("%s not on the opt-out list after its STOP (%v)", n, err)
		}
	}

	// Quiet hours over: the queued follow-ups and campaign texts go.
	mustCLI(t, dbPath, nil, "config", "set", "quiet.hours", "off")
	mustCLI(t, dbPath, nil, append([]string{"followup", "run", "--json"}, port...)...)
	mustCLI(t, dbPath, key, campaignArgs...)

	got := sentTo(dongle)
	want := map[string][]string{
		p2: {"Hi Sam, news from us"},
		p4: {"Hi Uma, news from us"},
		f1: {"Still interested, Fay?"},
		a1: {welcome},
		// Opted out by their own STOP: the confirmation, once.
		p1: {confirm},
		p3: {confirm},
		f2: {confirm},
		a3: {confirm},
		// Opted out on an imported list: nothing at all.
		p0: nil, p0b: nil, a2: nil,
	}
	for n, w := range want {
		if strings.Join(got[n], " | ") != strings.Join(w, " | ") {
			t.Errorf("%s was texted %q, want %q", n, got[n], w)
		}
	}

	// The outbox agrees: every campaign, follow-up or auto-reply row to an
	// opted-out number is failed, but for the STOP confirmations.
	outs, err := db.Messages(ctx, store.MessageFilter{Direction: store.Out})
	if err != nil {
		t.Fatal(err)
	}
	optedOut := map[string]bool{p0: true, p0b: true, p1: true, p3: true, f2: true, a2: true, a3: true}
	var failed []string
	for _, m := range outs {
		if !optedOut[m.Number] || m.At.Before(t0) {
			continue
		}
		switch {
		case m.Kind == store.KindAutoreply && m.Text == confirm:
		case m.State == store.StateFailed:
			failed = append(failed, m.Kind+" "+m.Number)
		default:
			t.Errorf("%s text %d to opted-out %s is %s: %q", m.Kind, m.ID, m.Number, m.State, m.Text)
		}
	}
	sort.Strings(failed)
	// a3's Thanks auto-reply was queued before its STOP.
	for _, w := range []string{"autoreply " + a3, "campaign " + p3, "followup " + f2} {
		if i := sort.SearchStrings(failed, w); i == len(failed) || failed[i] != w {
			t.Errorf("no failed %s in the outbox (failed: %v): the opt-out after queueing was not exercised", w, failed)
		}
	}
	t.Logf("refused: %v", failed)
}
