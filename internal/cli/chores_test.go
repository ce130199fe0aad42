package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/modem/pdu"
	"github.com/texting-centre/texting/store"
)

// Whoever holds a dongle does all of its chores: these tests run the built
// binary as cron and the operator would, on emulated dongles.

// proc is one run of the built binary.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
}

func startTexting(t *testing.T, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, args...)}
	p.cmd.Env = append(os.Environ(), "TEXTING_API_KEY=k3y")
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return p
}

// wait waits for the process (killing it after a minute) and returns its
// exit code.
func (p *proc) wait(t *testing.T) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		p.cmd.Process.Kill()
		<-done
		t.Errorf("%v did not end within a minute; stderr: %s", p.cmd.Args, p.stderr.String())
	}
	return p.cmd.ProcessState.ExitCode()
}

// inboundTexts lists the texts stored as received.
func inboundTexts(t *testing.T, dbPath string) []string {
	t.Helper()
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, err := db.Messages(context.Background(), store.MessageFilter{Direction: store.In})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		out = append(out, m.Text)
	}
	return out
}

func campaignRuns(t *testing.T, dbPath string) []store.Run {
	t.Helper()
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	runs, err := db.Runs(context.Background(), store.RunCampaign, 10)
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

// TestCrontabCollision: `read-in` and `campaign run` started within 100 ms
// of each other on two dongles with replies waiting on their SIMs, 20
// times: every campaign completes and is recorded, both commands exit 0,
// every reply is stored exactly once, every recipient is texted once.
func TestCrontabCollision(t *testing.T) {
	t.Parallel() // its own database, dongles and processes; mostly waiting on them
	trials := 20
	if testing.Short() {
		trials = 2
	}
	bin := textingBinary(t)
	for trial := range trials {
		t.Run(fmt.Sprintf("trial %d", trial+1), func(t *testing.T) {
			fx := newCampaignFixture(t, 8, 30*time.Millisecond)
			ports := fx.ports[:2]
			var replies []string
			for d, m := range fx.emus[:2] {
				for i := range 3 {
					text := fmt.Sprintf("reply %d from dongle %d", i, d)
					if err := m.Store(deliverPDU(t, fmt.Sprintf("+4477009011%d%d", d, i), text, time.Now().Add(-time.Minute).Truncate(time.Second))); err != nil {
						t.Fatal(err)
					}
					replies = append(replies, text)
				}
			}
			portArgs := []string{"--port", ports[0], "--port", ports[1]}
			campaignArgs := append([]string{"--db", fx.dbPath, "campaign", "run", "--json", "--source", fx.src.URL + "/people"}, portArgs...)
			readInArgs := append([]string{"--db", fx.dbPath, "read-in", "--json"}, portArgs...)
			gap := time.Duration(trial*37%100) * time.Millisecond
			var camp, read *proc
			if trial%2 == 0 {
				camp = startTexting(t, bin, campaignArgs...)
				time.Sleep(gap)
				read = startTexting(t, bin, readInArgs...)
			} else {
				read = startTexting(t, bin, readInArgs...)
				time.Sleep(gap)
				camp = startTexting(t, bin, campaignArgs...)
			}
			if code := camp.wait(t); code != 0 {
				t.Errorf("campaign run exit %d\nstdout %s\nstderr %s", code, camp.stdout.String(), camp.stderr.String())
			}
			if code := read.wait(t); code != 0 {
				t.Errorf("read-in exit %d\nstdout %s\nstderr %s", code, read.stdout.String(), read.stderr.String())
			}
			runs := campaignRuns(t, fx.dbPath)
			if len(runs) != 1 || runs[0].Outcome != store.OutcomeOK {
				t.Errorf("runs %+v", runs)
			}
			texted := fx.texted()
			for _, n := range fx.people {
				if texted[n] != 1 {
					t.Errorf("%s texted %d times", n, texted[n])
				}
			}
			// The read-in read what it could; the campaign run, holding the
			// dongles, read the rest: every reply stored exactly once.
			got := map[string]int{}
			for _, text := range inboundTexts(t, fx.dbPath) {
				got[text]++
			}
			for _, r := range replies {
				if got[r] != 1 {
					t.Errorf("reply %q stored %d times (all: %v)\nread-in: %s", r, got[r], got, read.stdout.String())
				}
			}
			for d, m := range fx.emus[:2] {
				// Delivery reports of the last texts may come after the run
				// let the dongle go; the next read-in applies them.
				for _, st := range m.Inbox() {
					if msg, err := pdu.Decode(st.PDU); err != nil || msg.Type != pdu.StatusReport {
						t.Errorf("dongle %d still holds %s", d, st.PDU)
					}
				}
			}
			var res struct {
				Ports []struct {
					Port   string
					HeldBy *struct {
						PID  int
						What string
					} `json:"held_by"`
				}
			}
			if err := json.Unmarshal(read.stdout.Bytes(), &res); err != nil || len(res.Ports) != 2 {
				t.Errorf("read-in output %q: %v", read.stdout.String(), err)
			}
			for _, p := range res.Ports {
				if p.HeldBy != nil && (p.HeldBy.PID != camp.cmd.Process.Pid || !strings.HasPrefix(p.HeldBy.What, "campaign run ")) {
					t.Errorf("port %s held by %+v, want the campaign run (pid %d)", p.Port, p.HeldBy, camp.cmd.Process.Pid)
				}
			}
		})
	}
}

// TestReadInOnHeldDongle: a read-in on a dongle a campaign run holds exits
// 0, says who holds it and that the holder reads that SIM in; the run reads
// the text that waited on its SIM.
func TestReadInOnHeldDongle(t *testing.T) {
	t.Parallel() // its own database, dongles and processes; mostly waiting on them
	bin := textingBinary(t)
	fx := newCampaignFixture(t, 20, 150*time.Millisecond)
	if err := fx.emus[0].Store(deliverPDU(t, "+447700901777", "waiting on the SIM", time.Now().Add(-time.Minute).Truncate(time.Second))); err != nil {
		t.Fatal(err)
	}
	camp := startTexting(t, bin, fx.args()...)
	deadline := time.Now().Add(30 * time.Second)
	for countStates(t, fx.dbPath)[store.StateSending] == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the campaign never started sending: %s", camp.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, format := range []string{"json", "plain"} {
		args := []string{"--db", fx.dbPath, "read-in", "--port", fx.ports[0]}
		if format == "json" {
			args = append(args, "--json")
		}
		read := startTexting(t, bin, args...)
		if code := read.wait(t); code != 0 {
			t.Fatalf("%s read-in exit %d: %s %s", format, code, read.stdout.String(), read.stderr.String())
		}
		want := fmt.Sprintf(`"held_by":{"pid":%d,"what":"campaign run 1"}`, camp.cmd.Process.Pid)
		if format == "plain" {
			want = fmt.Sprintf("%s: held by pid %d (campaign run 1), which reads this SIM in itself", fx.ports[0], camp.cmd.Process.Pid)
		}
		if got := strings.Join(strings.Fields(read.stdout.String()), ""); !strings.Contains(got, strings.Join(strings.Fields(want), "")) {
			t.Errorf("%s read-in said %q, want %q", format, read.stdout.String(), want)
		}
	}
	if code := camp.wait(t); code != 0 {
		t.Fatalf("campaign exit %d: %s", code, camp.stderr.String())
	}
	if got := inboundTexts(t, fx.dbPath); len(got) != 1 || got[0] != "waiting on the SIM" {
		t.Fatalf("inbound %q: the holder did not read its SIM in", got)
	}
}

// TestSecondRunTouchesNothing: a campaign run started while another one
// runs says another run is in progress and opens no dongle.
func TestSecondRunTouchesNothing(t *testing.T) {
	t.Parallel() // its own database, dongles and processes; mostly waiting on them
	bin := textingBinary(t)
	fx := newCampaignFixture(t, 4, 30*time.Millisecond)
	fx.src.setStall(2 * time.Second)
	first := startTexting(t, bin, fx.args()...)
	deadline := time.Now().Add(20 * time.Second)
	for fx.src.getCount() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the first run never fetched: %s", first.stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	// Only opening a dongle sends ATE0 (the first run's own chores go on
	// meanwhile).
	before := fx.emus[0].Count("ATE0")
	second := startTexting(t, bin, fx.args()...)
	code := second.wait(t)
	if code == 0 || !strings.Contains(second.stderr.String(), "another run is in progress") || strings.Contains(second.stderr.String(), "port busy") {
		t.Errorf("second run: exit %d, stderr %s", code, second.stderr.String())
	}
	if after := fx.emus[0].Count("ATE0"); after != before {
		t.Errorf("the second run opened a dongle (%d ATE0)", after-before)
	}
	fx.src.setStall(0)
	if code := first.wait(t); code != 0 {
		t.Errorf("first run exit %d: %s", code, first.stderr.String())
	}
}

// TestSixConcurrentSends: six `texting send`s on one SIM at once each
// report their own text's real outcome, and each text goes once.
func TestSixConcurrentSends(t *testing.T) {
	t.Parallel() // its own database, dongles and processes; mostly waiting on them
	bin := textingBinary(t)
	fx := newCampaignFixture(t, 1, 100*time.Millisecond)
	var wg sync.WaitGroup
	procs := make([]*proc, 6)
	for i := range procs {
		procs[i] = startTexting(t, bin, "--db", fx.dbPath, "send", "--json", "--port", fx.ports[0],
			"--to", fmt.Sprintf("07700900%03d", 500+i), "--text", fmt.Sprintf("text number %d", i))
	}
	codes := make([]int, len(procs))
	for i, p := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = p.wait(t)
		}()
	}
	wg.Wait()
	for i, p := range procs {
		var res []struct {
			Number, State string
		}
		if err := json.Unmarshal(p.stdout.Bytes(), &res); err != nil || len(res) != 1 {
			t.Errorf("send %d: %q %v", i, p.stdout.String(), err)
			continue
		}
		want := fmt.Sprintf("+447700900%03d", 500+i)
		if codes[i] != 0 || res[0].Number != want || (res[0].State != store.StateSent && res[0].State != store.StateDelivered) {
			t.Errorf("send %d: exit %d, %+v; stderr %s", i, codes[i], res[0], p.stderr.String())
		}
	}
	sent := map[string]int{}
	for _, s := range fx.emus[0].Sent() {
		sent[s.Msg.Text]++
	}
	for i := range procs {
		if n := sent[fmt.Sprintf("text number %d", i)]; n != 1 {
			t.Errorf("text %d went %d times", i, n)
		}
	}
}

// TestManualTextDuringRun: a manual text queued (as the TUI does) while a
// campaign run holds the only dongle goes out during that run, from the
// holder.
func TestManualTextDuringRun(t *testing.T) {
	t.Parallel() // its own database, dongles and processes; mostly waiting on them
	if testing.Short() {
		t.Skip("a 20 s campaign run")
	}
	bin := textingBinary(t)
	fx := newCampaignFixture(t, 30, 500*time.Millisecond)
	camp := startTexting(t, bin, fx.args()[:len(fx.args())-4]...) // the first dongle only
	ctx := context.Background()
	db, err := store.Open(ctx, fx.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(30 * time.Second)
	for countStates(t, fx.dbPath)[store.StateSending] == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the campaign never started sending: %s", camp.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	sims, err := db.SIMs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var simID int64
	for _, s := range sims {
		if s.IMSI == "234109990000000" {
			simID = s.ID
		}
	}
	if _, err := db.Queue(ctx, []store.Message{{Direction: store.Out, SIMID: simID, Number: "+447700901999",
		Text: "typed in the TUI", Kind: store.KindManual, Parts: 1}}); err != nil {
		t.Fatal(err)
	}
	if code := camp.wait(t); code != 0 {
		t.Fatalf("campaign exit %d: %s", code, camp.stderr.String())
	}
	sent := fx.emus[0].Sent()
	at := -1
	for i, s := range sent {
		if s.Msg.Text == "typed in the TUI" {
			at = i
		}
	}
	if at < 0 || at == len(sent)-1 {
		t.Fatalf("the manual text went at %d of %d: not during the run", at, len(sent))
	}
}

// TestKillLoops: read-in and campaign run killed (SIGKILL) at random moments
// 50 times, each rerun at once, on a stick whose commands are slow and
// which loses one command in 7, with replies arriving meanwhile. Afterwards
// a normal run and read-in: no dongle reported faulty, every reply stored
// exactly once, nobody texted twice, every recipient texted or listed as
// unknown.
func TestKillLoops(t *testing.T) {
	t.Parallel() // its own database, dongles and processes; mostly waiting on them
	if testing.Short() {
		t.Skip("kills the real binary 50 times")
	}
	bin := textingBinary(t)
	fx := newCampaignFixture(t, 12, 200*time.Millisecond)
	m := fx.emus[0]
	m.AddFault(modemtest.Fault{Command: "AT", Delay: 60 * time.Millisecond, Times: -1})
	campaign := fx.args()[:len(fx.args())-4]
	readIn := []string{"--db", fx.dbPath, "read-in", "--port", fx.ports[0]}
	var replies []string
	ts := time.Now().Add(-time.Minute).Truncate(time.Second)
	const kills = 50
	for i := range kills {
		if i%5 == 0 {
			text := fmt.Sprintf("reply during kill %d", i)
			if err := m.Store(deliverPDU(t, fmt.Sprintf("+4477009020%02d", i), text, ts)); err == nil {
				replies = append(replies, text)
			}
		}
		args := readIn
		if i%2 == 1 {
			args = campaign
		}
		p := startTexting(t, bin, args...)
		time.Sleep(time.Duration(50+(i*137)%900) * time.Millisecond)
		p.cmd.Process.Signal(syscall.SIGKILL)
		p.wait(t)
	}
	m.ClearFaults()
	final := startTexting(t, bin, campaign...)
	if code := final.wait(t); code != 0 {
		t.Errorf("campaign after the kills: exit %d: %s", code, final.stderr.String())
	}
	read := startTexting(t, bin, append(readIn, "--json")...)
	if code := read.wait(t); code != 0 {
		t.Errorf("read-in after the kills: exit %d: %s %s", code, read.stdout.String(), read.stderr.String())
	}
	got := map[string]int{}
	for _, text := range inboundTexts(t, fx.dbPath) {
		got[text]++
	}
	lost, twice := 0, 0
	for _, r := range replies {
		switch {
		case got[r] == 0:
			lost++
		case got[r] > 1:
			twice++
		}
	}
	texted := fx.texted()
	unknown := outboxNumbers(t, bin, fx.dbPath, store.StateUnknown)
	isUnknown := map[string]bool{}
	for _, n := range unknown {
		isUnknown[n] = true
	}
	sentTwice, missing := 0, 0
	for _, n := range fx.people {
		switch {
		case texted[n] > 1:
			sentTwice++
		case texted[n] == 0 && !isUnknown[n]:
			missing++
		}
	}
	t.Logf("%d kills: %d replies, %d lost, %d stored twice; %d people, %d texted twice, %d neither texted nor unknown, %d unknown",
		kills, len(replies), lost, twice, len(fx.people), sentTwice, missing, len(unknown))
	if lost+twice+sentTwice+missing > 0 {
		t.Error("the kill loops lost or doubled something")
	}
}

// TestLongRunWithCronReadIns: a campaign run of 30 texts at 1 s of radio
// time each while a reply arrives every 3 s and cron starts a read-in
// every 10 s: every reply stored once within 60 s of arriving, the SIM
// never full, every delivery report applied, every read-in exits 0.
func TestLongRunWithCronReadIns(t *testing.T) {
	t.Parallel() // its own database, dongles and processes; mostly waiting on them
	if testing.Short() {
		t.Skip("a 40 s soak")
	}
	bin := textingBinary(t)
	fx := newCampaignFixture(t, 30, time.Second)
	m := fx.emus[0]
	camp := startTexting(t, bin, fx.args()[:len(fx.args())-4]...)
	type reply struct {
		text    string
		arrived time.Time
		seen    time.Time
	}
	var mu sync.Mutex
	var replies []*reply
	stop := make(chan struct{})
	var bg sync.WaitGroup
	bg.Add(3)
	go func() { // the network: a reply every 3 s
		defer bg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(3 * time.Second):
			}
			text := fmt.Sprintf("reply %d in the long run", i)
			if err := m.Receive(fmt.Sprintf("+4477009030%02d", i), text); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			replies = append(replies, &reply{text: text, arrived: time.Now()})
			mu.Unlock()
		}
	}()
	maxOnSIM := 0
	go func() { // how full the SIM gets
		defer bg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
			}
			if n := len(m.Inbox()); n > maxOnSIM {
				maxOnSIM = n
			}
		}
	}()
	readIns, failedReadIns := 0, 0
	look := func() {
		seen := map[string]bool{}
		for _, text := range inboundTexts(t, fx.dbPath) {
			seen[text] = true
		}
		mu.Lock()
		for _, r := range replies {
			if seen[r.text] && r.seen.IsZero() {
				r.seen = time.Now()
			}
		}
		mu.Unlock()
	}
	go func() { // cron: read-in every 10 s
		defer bg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Second):
			}
			p := startTexting(t, bin, "--db", fx.dbPath, "read-in", "--json", "--port", fx.ports[0])
			readIns++
			if code := p.wait(t); code != 0 {
				failedReadIns++
				t.Errorf("cron read-in exit %d: %s %s", code, p.stdout.String(), p.stderr.String())
			}
			look()
		}
	}()
	for camp.cmd.ProcessState == nil {
		look()
		time.Sleep(time.Second)
		if camp.cmd.Process != nil {
			if err := camp.cmd.Process.Signal(syscall.Signal(0)); err != nil {
				break
			}
		}
		if countStates(t, fx.dbPath)[store.StateQueued] == 0 && countStates(t, fx.dbPath)[store.StateSending] == 0 && len(fx.texted()) >= 30 {
			break
		}
	}
	if code := camp.wait(t); code != 0 {
		t.Errorf("campaign exit %d: %s", code, camp.stderr.String())
	}
	close(stop)
	bg.Wait()
	final := startTexting(t, bin, "--db", fx.dbPath, "read-in", "--port", fx.ports[0])
	if code := final.wait(t); code != 0 {
		t.Errorf("final read-in exit %d", code)
	}
	look()
	got := map[string]int{}
	for _, text := range inboundTexts(t, fx.dbPath) {
		got[text]++
	}
	slowest := time.Duration(0)
	for _, r := range replies {
		if got[r.text] != 1 {
			t.Errorf("%q stored %d times", r.text, got[r.text])
		}
		if d := r.seen.Sub(r.arrived); d > slowest {
			slowest = d
		}
	}
	c := countStates(t, fx.dbPath)
	t.Logf("%d replies, slowest stored after %v; SIM held at most %d; %d cron read-ins (%d failed); states %v",
		len(replies), slowest.Round(100*time.Millisecond), maxOnSIM, readIns, failedReadIns, c)
	if slowest > 60*time.Second {
		t.Errorf("a reply took %v to be stored", slowest)
	}
	if maxOnSIM >= 30 {
		t.Errorf("the SIM filled up (%d)", maxOnSIM)
	}
	if c[store.StateDelivered] != 30 {
		t.Errorf("%d of 30 delivery reports applied: %v", c[store.StateDelivered], c)
	}
}

// TestSendDuringRunGoesThroughTheHolder: `texting send` while a campaign
// run holds the only dongle queues the text for that dongle's SIM and waits
// for the run (the holder) to send it, then reports it sent and exits 0 —
// it used to say `no SIM connected` and exit 1.
func TestSendDuringRunGoesThroughTheHolder(t *testing.T) {
	t.Parallel() // its own database, dongles and processes; mostly waiting on them
	if testing.Short() {
		t.Skip("a 20 s campaign run")
	}
	bin := textingBinary(t)
	fx := newCampaignFixture(t, 40, 500*time.Millisecond)
	camp := startTexting(t, bin, fx.args()[:len(fx.args())-4]...) // the first dongle only
	deadline := time.Now().Add(30 * time.Second)
	for countStates(t, fx.dbPath)[store.StateSending] == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the campaign never started sending: %s", camp.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	send := startTexting(t, bin, "--db", fx.dbPath, "send", "--port", fx.ports[0], "--to", "07700901998", "--text", "typed during the run")
	if code := send.wait(t); code != 0 || !strings.Contains(send.stdout.String(), "to +447700901998 from O2") {
		t.Errorf("send during the run: exit %d\nstdout %s\nstderr %s", code, send.stdout.String(), send.stderr.String())
	}
	if code := camp.wait(t); code != 0 {
		t.Fatalf("campaign exit %d: %s", code, camp.stderr.String())
	}
	n := 0
	for _, s := range fx.emus[0].Sent() {
		if s.Msg.Text == "typed during the run" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the text went %d times", n)
	}
}
