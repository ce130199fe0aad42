package cli

// Tests of the invariants of docs/ARCHITECTURE.md that no single package's tests prove on
// their own: they drive the real commands (in-process or the built binary)
// against emulated dongles, a data source and a gateway double.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/texting-centre/texting/gateway"
	"github.com/texting-centre/texting/gateway/gatewaytest"
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
	t.Parallel() // its own database, ports and processes
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

// TestInvariantBadInputChangesNothing (invariant 5), through the commands
// with a dongle plugged in: a broken data source or an invalid number gives a
// one-line error, puts nothing on the air, posts nothing back and changes no
// table but the record of the failed run.
func TestInvariantBadInputChangesNothing(t *testing.T) {
	t.Parallel() // its own database, ports and processes
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "t.db")
	dongle := newEmulator(t, "234109876500001")
	for _, args := range [][]string{
		{"config", "set", "quiet.hours", "off"},
		{"template", "add", "Group A", "--body", "Hi {name}"},
		{"template", "add", "Group B", "--body", "Hello {name}"},
		{"read-in", "--port", dongle.Path()}, // the dongle's SIM is known
	} {
		mustCLI(t, dbPath, nil, args...)
	}
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	key := map[string]string{"TEXTING_API_KEY": "k3y"}
	for _, tc := range []struct {
		name, doc string
		args      []string // instead of a campaign run on doc
		want      string
	}{
		{"data source not JSON", `<html>Service Unavailable</html>`, nil, "not JSON"},
		{"data source cut short", `{"Group A": [["07700900001", "Ann"]`, nil, "bad data source"},
		{"a name that is a number, late in the document", `{"Group A": [["07700900001", "Ann"]], "Group B": [["07700900002", 3]]}`, nil, "name must be a string"},
		{"a group that is not a list", `{"Group A": [["07700900001", "Ann"]], "Group B": "07700900002"}`, nil, "must be a list"},
		{"invalid number to send to", "", []string{"send", "--to", "12", "--text", "hello"}, "invalid phone number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, err := db.Digest(ctx)
			if err != nil {
				t.Fatal(err)
			}
			args := tc.args
			var posts atomic.Int32
			if args == nil {
				src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method != http.MethodGet {
						posts.Add(1)
						return
					}
					w.Write([]byte(tc.doc))
				}))
				defer src.Close()
				args = []string{"campaign", "run", "--source", src.URL + "/people"}
			}
			r := runCLI(t, dbPath, key, append(args, "--port", dongle.Path())...)
			if r.code != 1 || !strings.Contains(r.err, tc.want) || strings.Count(strings.TrimSuffix(r.err, "\n"), "\n") != 0 {
				t.Errorf("exit %d, stderr %q; want exit 1 and one line mentioning %q", r.code, r.err, tc.want)
			}
			if tc.args == nil && r.out != "" {
				t.Errorf("stdout %q, want nothing", r.out)
			}
			after, err := db.Digest(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for table := range after {
				if before[table] != after[table] && table != "runs" {
					t.Errorf("table %s changed: %s → %s", table, before[table], after[table])
				}
			}
			if tc.args == nil {
				runs, err := db.Runs(ctx, store.RunCampaign, 1)
				if err != nil || len(runs) != 1 || !strings.HasPrefix(runs[0].Outcome, "failed: ") {
					t.Errorf("the failed run is recorded as %+v (%v)", runs, err)
				}
			}
			if n := len(dongle.Sent()); n != 0 || posts.Load() != 0 {
				t.Errorf("%d texts on the air, %d posts back", n, posts.Load())
			}
		})
	}
}

// lockWords are how SQLite's lock failures show in messages and logs.
var lockWords = []string{"database is locked", "sqlite_busy", "database table is locked"}

func mentionsLock(s string) bool { return lockLine(s) != "" }

// lockLine returns the first line of s that mentions a lock ("" for none).
func lockLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		l := strings.ToLower(line)
		for _, w := range lockWords {
			if strings.Contains(l, w) {
				return line
			}
		}
	}
	return ""
}

// TestInvariantEverythingAtOnce (invariant 6) runs, on one database file and
// all at the same time: the built binary's `serve` under a steady load of
// gateway callbacks (good ones, STOPs that queue auto-replies, and refused
// ones), a `campaign run` over three emulated dongles, `read-in` rounds over
// two more, `stats` and `messages` as cron would, and the terminal UI's
// queries and operator tagging in this process. No command may fail, no
// output or log may mention a lock, and every row must be there: each good
// callback and each text read from a SIM stored once, each recipient texted
// once, no refused callback stored, no auto-reply sent twice.
func TestInvariantEverythingAtOnce(t *testing.T) {
	t.Parallel() // its own database, ports and processes
	if testing.Short() {
		t.Skip("runs the built binary in several processes")
	}
	bin := textingBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const recipients = 90
	fx := newCampaignFixture(t, recipients, 20*time.Millisecond)
	dir := t.TempDir()
	prov := gatewaytest.New(gatewaytest.WithAccount("acct", "secret-pass", 1_000_000), gatewaytest.WithRegion("AU"))
	defer prov.Close()
	const token = "0123456789abcdef0123456789abcdef"
	for _, args := range [][]string{
		{"network", "add", "SMSBCAST", "--gateway"},
		{"sim", "add", "--network", "SMSBCAST", "--url", prov.URL(), "--user", "acct", "--password", "secret-pass",
			"--sender", "Shop", "--phone", "07700900900", "--limit", "100000"},
		{"category", "set", "End", "--autoreply", "You will not hear from us again."},
		{"config", "set", "serve.token", token},
	} {
		mustCLI(t, fx.dbPath, nil, args...)
	}

	var mu sync.Mutex
	var problems []string // anything that mentions a lock, or failed
	report := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	// texting runs the binary to the end; its output and debug log are
	// checked for lock errors.
	texting := func(name string, env []string, args ...string) (stdout string, ok bool) {
		logPath := filepath.Join(dir, name+".log")
		cmd := exec.CommandContext(ctx, bin, append([]string{"--db", fx.dbPath, "--debug", logPath}, args...)...)
		cmd.Env = append(os.Environ(), env...)
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		logged, _ := os.ReadFile(logPath)
		if err != nil {
			report("%s: %v\nstderr: %s", name, err, errb.String())
		}
		for _, s := range []string{out.String(), errb.String(), string(logged)} {
			if l := lockLine(s); l != "" {
				report("%s: %s", name, l)
			}
		}
		return out.String(), err == nil
	}

	// serve, from the built binary.
	serveLog := filepath.Join(dir, "serve.log")
	serveCmd := exec.Command(bin, "--db", fx.dbPath, "--debug", serveLog, "serve", "--addr", "127.0.0.1:0")
	serveErr, err := serveCmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serveCmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer serveCmd.Process.Kill()
	lines := bufio.NewScanner(serveErr)
	var base string
	for base == "" && lines.Scan() {
		if m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(lines.Text()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatal("serve printed no address")
	}
	serveRest := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(serveErr)
		serveRest <- string(b)
	}()

	stop := make(chan struct{})
	stopped := func() bool {
		select {
		case <-stop:
			return true
		default:
			return false
		}
	}
	var load sync.WaitGroup

	// Gateway callbacks: each client keeps posting until everything else is
	// done (and at least minEach times).
	const clients, minEach = 6, 40
	client := &http.Client{Timeout: time.Minute}
	goodTexts := make([][]string, clients)
	stops := make([][]string, clients)
	for c := range clients {
		load.Go(func() {
			post := func(query string, form url.Values) (int, string) {
				resp, err := client.PostForm(base+"/api/inbound?"+query, form)
				if err != nil {
					report("callback: %v", err)
					return 0, ""
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			tok := url.Values{"token": {token}}.Encode()
			for i := 0; i < minEach || !stopped(); i++ {
				from := fmt.Sprintf("614%02d%06d", c, i)
				form := url.Values{"to": {"447700900900"}, "from": {from}, "message": {fmt.Sprintf("load %d-%d", c, i)}}
				switch {
				case i%10 == 9:
					form.Set("message", "STOP")
				case i%10 == 4:
					// Refused: no token, and a body over the limit.
					if code, body := post("", form); code != http.StatusForbidden {
						report("callback without a token: %d %s", code, body)
					}
					big := url.Values{"to": {"447700900900"}, "from": {from}, "message": {strings.Repeat("x", gateway.MaxBodyBytes)}}
					if code, body := post(tok, big); code != http.StatusRequestEntityTooLarge {
						report("oversized callback: %d %s", code, body)
					}
				}
				code, body := post(tok, form)
				if code != http.StatusOK || mentionsLock(body) {
					report("callback %s: %d %s", form.Get("message"), code, body)
					continue
				}
				if form.Get("message") == "STOP" {
					stops[c] = append(stops[c], "+"+from)
				} else {
					goodTexts[c] = append(goodTexts[c], form.Get("message"))
				}
			}
		})
	}

	// The terminal UI: its screens' queries, and the operator filing texts
	// from the review queue now and then.
	tui, err := store.Open(ctx, fx.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer tui.Close()
	tagged := 0
	load.Go(func() {
		for i := 0; i < 20 || !stopped(); i++ {
			now := time.Now()
			var errs []error
			queue, err := tui.ReviewQueue(ctx, store.PageFilter{})
			errs = append(errs, err)
			_, _, err = tui.ReviewCount(ctx, "")
			errs = append(errs, err)
			_, err = tui.Conversations(ctx, store.PageFilter{})
			errs = append(errs, err)
			_, err = tui.MessagePage(ctx, store.MessageFilter{Direction: store.In, Limit: 50}, "load")
			errs = append(errs, err)
			_, err = tui.SIMsHealth(ctx, now.Add(-24*time.Hour))
			errs = append(errs, err)
			_, err = tui.DailyTraffic(ctx, 7, time.Local)
			errs = append(errs, err)
			_, err = tui.TemplatesStats(ctx, now.AddDate(0, 0, -30))
			errs = append(errs, err)
			_, err = tui.Outbox(ctx, []string{store.StateQueued, store.StateUnknown})
			errs = append(errs, err)
			for _, err := range errs {
				if err != nil {
					report("terminal UI query: %v", err)
				}
			}
			if i%5 == 2 && len(queue) > 0 && tagged < 10 {
				r := runCLI(t, fx.dbPath, nil, "replies", "tag", strconv.FormatInt(queue[0].Latest.ID, 10), "Misc")
				if r.code != 0 || mentionsLock(r.out+r.err) {
					report("operator tag: exit %d %s %s", r.code, r.out, r.err)
				}
				tagged++
			}
		}
	})

	// Cron's reports.
	load.Go(func() {
		for i := 0; i < 3 || !stopped(); i++ {
			texting(fmt.Sprintf("stats-%d", i), nil, "stats", "--json")
			texting(fmt.Sprintf("messages-%d", i), nil, "messages", "--in", "--since", time.Now().Format("2006-01-02"), "--json")
		}
	})

	// The campaign run and the read-in rounds, while all of the above goes on.
	readers := []*modemtest.Modem{newEmulator(t, "234100000000071"), newEmulator(t, "234100000000072")}
	const rounds, perRound = 5, 8
	var work sync.WaitGroup
	var campaignOut string
	work.Go(func() {
		campaignOut, _ = texting("campaign", []string{"TEXTING_API_KEY=k3y"}, fx.args("--json")[2:]...)
	})
	var readTexts []string
	work.Go(func() {
		ts := time.Now().Add(-time.Minute).Truncate(time.Second)
		for r := range rounds {
			for d, m := range readers {
				for i := range perRound {
					text := fmt.Sprintf("read %d-%d-%d", r, d, i)
					if err := m.Store(deliverPDU(t, fmt.Sprintf("+4477009%02d%03d", 50+d, r*perRound+i), text, ts)); err != nil {
						report("emulator: %v", err)
					}
					readTexts = append(readTexts, text)
				}
			}
			out, ok := texting(fmt.Sprintf("read-in-%d", r), nil, "read-in", "--json", "--port", readers[0].Path(), "--port", readers[1].Path())
			var res struct {
				Ports []struct {
					Stored, Deleted int
					Errors          []string
				}
			}
			if err := json.Unmarshal([]byte(out), &res); ok && (err != nil || len(res.Ports) != 2) {
				report("read-in %d: %v %s", r, err, out)
			}
			for _, p := range res.Ports {
				if p.Stored != perRound || p.Deleted != perRound || len(p.Errors) != 0 {
					report("read-in %d: %+v", r, p)
				}
			}
		}
	})
	work.Wait()
	close(stop)
	load.Wait()
	if err := serveCmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := serveCmd.Wait(); err != nil {
		report("serve: %v", err)
	}
	logged, _ := os.ReadFile(serveLog)
	if l := lockLine(<-serveRest + string(logged)); l != "" {
		report("serve: %s", l)
	}
	for _, p := range problems {
		t.Error(p)
	}

	// Every row is there.
	db, err := store.Open(context.Background(), fx.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ins, err := db.Messages(context.Background(), store.MessageFilter{Direction: store.In})
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]int{}
	for _, m := range ins {
		stored[m.Text]++
		if m.Text == "STOP" {
			stored[m.Number]++
		}
	}
	want := append([]string(nil), readTexts...)
	nStops := 0
	for c := range clients {
		want = append(want, goodTexts[c]...)
		want = append(want, stops[c]...)
		nStops += len(stops[c])
	}
	for _, w := range want {
		if stored[w] != 1 {
			t.Errorf("%q stored %d times, want once", w, stored[w])
		}
	}
	if len(ins) != len(want) {
		t.Errorf("%d inbound texts stored, want %d (%d read in, %d callbacks, %d of them STOP)",
			len(ins), len(want), len(readTexts), len(want)-len(readTexts), nStops)
	}
	for _, m := range readers {
		if left := len(m.Inbox()); left != 0 {
			t.Errorf("%d texts left on a SIM", left)
		}
	}
	var sum struct {
		Groups []struct{ Sent int } `json:"groups"`
	}
	if err := json.Unmarshal([]byte(campaignOut), &sum); err != nil {
		t.Errorf("campaign summary: %v\n%s", err, campaignOut)
	}
	sent := 0
	for _, g := range sum.Groups {
		sent += g.Sent
	}
	texted := fx.texted()
	for _, n := range fx.people {
		if texted[n] != 1 {
			t.Errorf("%s texted %d times by the campaign", n, texted[n])
		}
	}
	if sent != recipients {
		t.Errorf("campaign summary says %d sent, want %d", sent, recipients)
	}
	confirmations := map[string]int{}
	for _, s := range prov.Sent() {
		confirmations[s.Number]++
		if confirmations[s.Number] > 1 {
			t.Errorf("%s got the opt-out confirmation %d times", s.Number, confirmations[s.Number])
		}
	}
	// The STOP confirmations: several processes dispatched them at once
	// (campaign run, read-ins, serve); each went once or still waits.
	ars, err := db.Messages(context.Background(), store.MessageFilter{Direction: store.Out, Kind: store.KindAutoreply})
	if err != nil {
		t.Fatal(err)
	}
	arSent := 0
	for _, m := range ars {
		switch m.State {
		case store.StateSent, store.StateDelivered:
			arSent++
		case store.StateQueued:
		default:
			t.Errorf("auto-reply %d to %s is %s: %s", m.ID, m.Number, m.State, m.Error)
		}
	}
	if len(ars) != nStops || arSent != len(prov.Sent()) {
		t.Errorf("%d auto-replies queued for %d STOPs; %d marked sent, %d accepted by the gateway", len(ars), nStops, arSent, len(prov.Sent()))
	}
	t.Logf("%d callbacks (%d STOP), %d texts read in, %d campaign texts, %d confirmations sent, %d operator tags",
		len(want)-len(readTexts), nStops, len(readTexts), sent, len(prov.Sent()), tagged)
}

// TestInvariantDailyLimitAcrossProcesses (invariant 4): processes that share
// a SIM (a gateway account is used by serve, read-in's auto-replies and the
// campaign run at once) claim its texts at the same time; together they
// never pass its daily limit, and the losers just see "over the limit" or
// "not queued", never a lock error. Several rounds, each on a fresh SIM,
// give a check-then-act race many chances to show.
func TestInvariantDailyLimitAcrossProcesses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "t.db")
	const rounds, limit, texts, workers = 6, 7, 20, 6
	var handles []*store.DB
	for range 4 { // four processes' connection pools
		db, err := store.Open(ctx, dbPath)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		handles = append(handles, db)
	}
	db := handles[0]
	nw, err := db.AddNetwork(ctx, store.Network{Name: "O2"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	dayStart := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.Local)
	for round := range rounds {
		sim, err := db.AddSIM(ctx, store.SIM{NetworkID: nw.ID, Active: true, DailyLimit: limit})
		if err != nil {
			t.Fatal(err)
		}
		var msgs []store.Message
		for i := range texts {
			kind := []string{store.KindCampaign, store.KindAutoreply, store.KindManual, store.KindFollowup}[i%4]
			msgs = append(msgs, store.Message{Direction: store.Out, SIMID: sim.ID, Number: fmt.Sprintf("+447700900%03d", i),
				Text: "x", Kind: kind, Parts: 1})
		}
		ids, err := db.Queue(ctx, msgs)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var claimed atomic.Int32
		start := make(chan struct{})
		for w := range workers {
			wg.Go(func() {
				h := handles[w%len(handles)]
				<-start
				for k := range ids {
					id := ids[(k+w*5)%len(ids)] // each worker starts elsewhere
					err := h.MarkSending(ctx, store.Claim{ID: id, SIMID: sim.ID, Owner: fmt.Sprintf("worker-%d", w), Text: "x",
						Parts: 1, Limit: limit, DayStart: dayStart})
					switch {
					case err == nil:
						claimed.Add(1)
						if err := h.MarkSent(ctx, id, "ref"); err != nil {
							t.Errorf("mark sent %d: %v", id, err)
						}
					case errors.Is(err, store.ErrOverLimit), errors.Is(err, store.ErrNotQueued):
					default:
						t.Errorf("round %d, worker %d, text %d: %v", round, w, id, err)
					}
				}
			})
		}
		close(start)
		wg.Wait()
		used, err := db.SentToday(ctx, time.Local)
		if err != nil {
			t.Fatal(err)
		}
		if claimed.Load() != limit || used[sim.ID] != limit {
			t.Fatalf("round %d: %d texts claimed, %d parts used today; want exactly the limit, %d", round, claimed.Load(), used[sim.ID], limit)
		}
	}
}
