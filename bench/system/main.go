// Command system runs the desk as an operator's machine runs it, many times
// over, and counts what went wrong: the built binary (as cron, the operator
// and a second operator start it) on one database and two emulated dongles on
// real pseudo-terminals, with replies arriving on the SIMs meanwhile.
//
//	go run ./bench/system [-collide 20] [-sends 5] [-kills 20] [-delay 300ms]
//
// Scenarios:
//   - collide: `read-in` and `campaign run` started within 100 ms of each
//     other (the crontab's */5 and 0 10,13,16 lines meeting).
//   - sends: six `texting send`s at once on the same dongles.
//   - kills: a campaign run and a read-in SIGKILLed at a random moment and
//     started again at once, until the run completes.
//
// After everything: every person texted at most once by a campaign, every
// reply stored exactly once, nothing left on the SIMs but delivery reports,
// no SIM parked, both dongles answering `texting modem status`. The exit
// status is 1 when any check failed.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/modem/pdu"
	"github.com/texting-centre/texting/store"
)

func main() {
	var o options
	flag.IntVar(&o.collide, "collide", 20, "read-in + campaign run collisions")
	flag.IntVar(&o.sends, "sends", 5, "rounds of six concurrent texting send")
	flag.IntVar(&o.kills, "kills", 20, "SIGKILL-and-restart trials")
	flag.IntVar(&o.people, "people", 6, "people per campaign")
	flag.DurationVar(&o.delay, "delay", 300*time.Millisecond, "how long the emulated network takes to accept a text")
	flag.StringVar(&o.bin, "bin", "", "the texting binary (default: built from this checkout)")
	flag.Parse()
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "system:", err)
		os.Exit(1)
	}
}

type options struct {
	collide, sends, kills, people int
	delay                         time.Duration
	bin                           string
}

// bench is one desk: a database, two dongles, a data source.
type bench struct {
	o       options
	dir, db string
	emus    []*modemtest.Modem
	ports   []string
	src     string
	mu      sync.Mutex
	next    int              // next person's number
	doc     []byte           // the data source's current document
	posted  map[string]int   // numbers posted back
	people  map[string]bool  // everyone a campaign was asked to text
	replies map[string]bool  // every reply put on a SIM
	fails   []string         // what went wrong
	counts  map[string][]int // per scenario: trials, failures
	texted  map[string]bool  // people a campaign text reached
	sent    map[string]bool  // people whose campaign text is recorded sent or delivered
	warned  map[string]int   // warnings printed by processes not killed, by first words
}

func run(ctx context.Context, o options) error {
	dir, err := os.MkdirTemp("", "texting-system-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	b := &bench{o: o, dir: dir, db: filepath.Join(dir, "texting.db"), posted: map[string]int{},
		people: map[string]bool{}, replies: map[string]bool{}, counts: map[string][]int{}, texted: map[string]bool{}, sent: map[string]bool{}, warned: map[string]int{}}
	if b.o.bin == "" {
		b.o.bin = filepath.Join(dir, "texting")
		if out, err := exec.Command("go", "build", "-o", b.o.bin, "./cmd/texting").CombinedOutput(); err != nil {
			return fmt.Errorf("build: %v: %s", err, out)
		}
	}
	if err := b.setUp(ctx); err != nil {
		return err
	}
	defer func() {
		for _, e := range b.emus {
			e.Close()
		}
	}()
	start := time.Now()
	b.scenario("collide", o.collide, b.collide)
	b.scenario("sends", o.sends, b.sixSends)
	b.scenario("kills", o.kills, b.kill)
	b.scenario("final", 1, b.final)
	fmt.Printf("\n%-8s %6s %8s\n", "scenario", "trials", "failures")
	for _, s := range []string{"collide", "sends", "kills", "final"} {
		fmt.Printf("%-8s %6d %8d\n", s, b.counts[s][0], b.counts[s][1])
	}
	if len(b.warned) > 0 {
		fmt.Println("\nwarnings printed by processes that were not killed:")
		for w, n := range b.warned {
			fmt.Printf("%4d× %s\n", n, w)
		}
	}
	b.mu.Lock()
	var twice, never int
	for n := range b.sent {
		switch c := b.posted["0"+strings.TrimPrefix(n, "+44")] + b.posted[n]; {
		case c == 0:
			never++
		case c > 1:
			twice++
		}
	}
	fmt.Printf("post-back: the network took campaign texts to %d numbers, %d recorded sent or delivered (the rest unknown: killed mid-send); %d of those never posted back, %d posted more than once\n",
		len(b.texted), len(b.sent), never, twice)
	b.mu.Unlock()
	fmt.Printf("%d people texted by campaigns, %d replies put on the SIMs, %s\n", len(b.people), len(b.replies), time.Since(start).Round(time.Second))
	if len(b.fails) > 0 {
		return fmt.Errorf("%d failure(s)", len(b.fails))
	}
	return nil
}

// scenario runs trials of f, counting those that failed.
func (b *bench) scenario(name string, trials int, f func(ctx context.Context, trial int) []string) {
	b.counts[name] = []int{trials, 0}
	for i := range trials {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		probs := f(ctx, i)
		cancel()
		if len(probs) > 0 {
			b.counts[name][1]++
			for _, p := range probs {
				msg := fmt.Sprintf("%s %d: %s", name, i+1, p)
				fmt.Println("FAIL", msg)
				b.fails = append(b.fails, msg)
			}
		} else {
			fmt.Printf("ok   %s %d\n", name, i+1)
		}
	}
}

func (b *bench) setUp(ctx context.Context) error {
	db, err := store.Open(ctx, b.db)
	if err != nil {
		return err
	}
	defer db.Close()
	for k, v := range map[string]string{"quiet.hours": "off", "region": "GB", "managers": "07700900999"} {
		if err := db.SetSetting(ctx, k, v); err != nil {
			return err
		}
	}
	if _, err := db.AddTemplate(ctx, store.Template{Name: "Group A", Body: "Hi {name}, a test. Reply STOP to opt out. {greeting}"}); err != nil {
		return err
	}
	for i, op := range []string{"O2 - UK", "Vodafone UK"} {
		emu, err := modemtest.New(modemtest.WithSIM(modemtest.SIM{IMSI: fmt.Sprintf("2341%d0000000%03d", 0+5*i, i+1), Operator: op, SMSC: "+447802000332"}),
			modemtest.WithIMEI(fmt.Sprintf("86753090000%04d", i+1)), modemtest.WithSendDelay(b.o.delay))
		if err != nil {
			return err
		}
		b.emus = append(b.emus, emu)
		b.ports = append(b.ports, emu.Path())
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/people", func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		defer b.mu.Unlock()
		if r.Method == http.MethodPost {
			r.ParseForm()
			for _, n := range strings.Split(r.Form.Get("numbers"), ",") {
				b.posted[n]++
			}
			fmt.Fprintln(w, "OK")
			return
		}
		w.Write(b.doc)
	})
	go http.Serve(ln, mux)
	b.src = "http://" + ln.Addr().String() + "/people"
	return nil
}

// newPeople makes the data source offer n people nobody has texted.
func (b *bench) newPeople(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var list [][]string
	for range n {
		num := fmt.Sprintf("07700%06d", 100000+b.next)
		b.next++
		list = append(list, []string{num, fmt.Sprintf("P%d", b.next)})
		b.people["+44"+num[1:]] = true
	}
	b.doc, _ = json.Marshal(map[string][][]string{"Group A": list})
}

// newReplies puts k replies on each SIM, from people texted before.
func (b *bench) newReplies(tag string, k int) []string {
	var out []string
	for d, e := range b.emus {
		for i := range k {
			text := fmt.Sprintf("reply %s/%d/%d", tag, d, i)
			p, err := pdu.EncodeDeliver(fmt.Sprintf("+4477009%05d", 50000+d*100+i), text,
				pdu.DeliverOptions{SMSC: "+447802000332", Timestamp: time.Now().Truncate(time.Second), Class: -1})
			if err == nil {
				err = e.Store(p)
			}
			if err != nil {
				return []string{err.Error()}
			}
			b.replies[text] = true
			out = append(out, text)
		}
	}
	return out
}

type result struct {
	code           int
	stdout, stderr string
	killed         bool
}

func (b *bench) args(cmd ...string) []string {
	a := append([]string{"--db", b.db}, cmd...)
	for _, p := range b.ports {
		a = append(a, "--port", p)
	}
	return a
}

// start runs the binary; kill (if >0) SIGKILLs it after that long.
func (b *bench) start(ctx context.Context, kill time.Duration, args ...string) <-chan result {
	ch := make(chan result, 1)
	cmd := exec.CommandContext(ctx, b.o.bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		ch <- result{code: -1, stderr: err.Error()}
		return ch
	}
	var killed bool
	var t *time.Timer
	if kill > 0 {
		t = time.AfterFunc(kill, func() { killed = cmd.Process.Signal(syscall.SIGKILL) == nil })
	}
	go func() {
		err := cmd.Wait()
		if t != nil {
			t.Stop()
		}
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			code = -1
		}
		if !killed {
			b.noteWarnings(args[2], errb.String())
		}
		ch <- result{code: code, stdout: out.String(), stderr: errb.String(), killed: killed && code == -1}
	}()
	return ch
}

func (b *bench) collide(ctx context.Context, trial int) []string {
	b.newPeople(b.o.people)
	b.newReplies(fmt.Sprintf("c%d", trial), 2)
	gap := time.Duration(rand.IntN(100)) * time.Millisecond
	var camp, read <-chan result
	if trial%2 == 0 {
		camp = b.start(ctx, 0, b.args("campaign", "run", "--source", b.src)...)
		time.Sleep(gap)
		read = b.start(ctx, 0, b.args("read-in")...)
	} else {
		read = b.start(ctx, 0, b.args("read-in")...)
		time.Sleep(gap)
		camp = b.start(ctx, 0, b.args("campaign", "run", "--source", b.src)...)
	}
	var probs []string
	for name, ch := range map[string]<-chan result{"campaign run": camp, "read-in": read} {
		if r := <-ch; r.code != 0 {
			probs = append(probs, fmt.Sprintf("%s (gap %s) exit %d: %s", name, gap, r.code, firstLine(r.stderr)))
		}
	}
	return append(probs, b.check(ctx, false)...)
}

func (b *bench) sixSends(ctx context.Context, trial int) []string {
	chs := make([]<-chan result, 6)
	for i := range chs {
		chs[i] = b.start(ctx, 0, b.args("send", "--to", fmt.Sprintf("07700%06d", 800000+trial*10+i), "--text", fmt.Sprintf("manual %d/%d", trial, i))...)
	}
	var probs []string
	for i, ch := range chs {
		if r := <-ch; r.code != 0 {
			probs = append(probs, fmt.Sprintf("send %d exit %d: %s", i, r.code, firstLine(r.stderr+r.stdout)))
		}
	}
	sent := map[string]int{}
	for _, e := range b.emus {
		for _, s := range e.Sent() {
			sent[s.Msg.Text]++
		}
	}
	for i := range chs {
		if n := sent[fmt.Sprintf("manual %d/%d", trial, i)]; n != 1 {
			probs = append(probs, fmt.Sprintf("manual text %d went %d times", i, n))
		}
	}
	return probs
}

// kill SIGKILLs a campaign run and a read-in at random moments, starts
// them again at once, and finally lets the run finish.
func (b *bench) kill(ctx context.Context, trial int) []string {
	b.newPeople(b.o.people)
	b.newReplies(fmt.Sprintf("k%d", trial), 2)
	var probs []string
	for range 2 {
		at := time.Duration(rand.IntN(int(b.o.delay)*b.o.people/2+500e6)) + 50*time.Millisecond
		camp := b.start(ctx, at, b.args("campaign", "run", "--source", b.src)...)
		read := b.start(ctx, time.Duration(rand.IntN(800e6))+20*time.Millisecond, b.args("read-in")...)
		<-camp
		<-read
	}
	// Restarted at once until the run completes: a run killed with texts
	// of unknown outcome leaves them to the operator, not resent.
	for i := 0; ; i++ {
		r := <-b.start(ctx, 0, b.args("campaign", "run", "--source", b.src)...)
		if r.code == 0 {
			break
		}
		if i == 3 {
			probs = append(probs, fmt.Sprintf("campaign run after the kills exit %d: %s", r.code, firstLine(r.stderr)))
			break
		}
	}
	if r := <-b.start(ctx, 0, b.args("read-in")...); r.code != 0 {
		probs = append(probs, fmt.Sprintf("read-in after the kills exit %d: %s", r.code, firstLine(r.stderr)))
	}
	return append(probs, b.check(ctx, false)...)
}

func (b *bench) final(ctx context.Context, _ int) []string {
	var probs []string
	if r := <-b.start(ctx, 0, b.args("read-in")...); r.code != 0 {
		probs = append(probs, fmt.Sprintf("read-in exit %d: %s", r.code, firstLine(r.stderr)))
	}
	r := <-b.start(ctx, 0, b.args("modem", "status", "--json")...)
	if r.code != 0 {
		probs = append(probs, fmt.Sprintf("modem status exit %d: %s %s", r.code, firstLine(r.stderr), r.stdout))
	}
	return append(probs, b.check(ctx, true)...)
}

// check holds the invariants over the whole history so far.
func (b *bench) check(ctx context.Context, final bool) []string {
	var probs []string
	texted := map[string]int{}
	for _, e := range b.emus {
		for _, s := range e.Sent() {
			if strings.HasPrefix(s.Msg.Text, "Hi ") {
				texted[s.Msg.To]++
				b.mu.Lock()
				b.texted[s.Msg.To] = true
				b.mu.Unlock()
			}
		}
	}
	for n, c := range texted {
		if c > 1 {
			probs = append(probs, fmt.Sprintf("%s texted %d times by campaigns", n, c))
		}
	}
	db, err := store.Open(ctx, b.db)
	if err != nil {
		return append(probs, err.Error())
	}
	defer db.Close()
	in, err := db.Messages(ctx, store.MessageFilter{Direction: store.In})
	if err != nil {
		return append(probs, err.Error())
	}
	stored := map[string]int{}
	for _, m := range in {
		stored[m.Text]++
	}
	for t := range b.replies {
		onSIM := false
		for _, e := range b.emus {
			for _, st := range e.Inbox() {
				if m, err := pdu.Decode(st.PDU); err == nil && m.Text == t {
					onSIM = true
				}
			}
		}
		if stored[t] > 1 || (stored[t] == 0 && (!onSIM || final)) {
			probs = append(probs, fmt.Sprintf("reply %q stored %d times (still on a SIM: %v)", t, stored[t], onSIM))
		}
	}
	sims, err := db.SIMs(ctx)
	if err != nil {
		return append(probs, err.Error())
	}
	for _, s := range sims {
		if s.ParkedUntil.After(time.Now()) {
			probs = append(probs, fmt.Sprintf("SIM %s parked: %s", s.Label(), s.ParkReason))
		}
	}
	runs, err := db.Runs(ctx, "campaign", 0)
	if err != nil {
		return append(probs, err.Error())
	}
	var outcomes []string
	for _, r := range runs {
		if r.Outcome != store.OutcomeOK {
			outcomes = append(outcomes, r.Outcome)
		}
	}
	if final {
		out, err := db.Messages(ctx, store.MessageFilter{Direction: store.Out, Kind: store.KindCampaign, States: []string{store.StateSent, store.StateDelivered}})
		if err != nil {
			return append(probs, err.Error())
		}
		b.mu.Lock()
		for _, m := range out {
			b.sent[m.Number] = true
		}
		b.mu.Unlock()
		sort.Strings(outcomes)
		fmt.Printf("campaign runs: %d, not ok: %q\n", len(runs), outcomes)
		q, err := db.Outbox(ctx, []string{store.StateQueued, store.StateSending, store.StateUnknown})
		if err == nil {
			states := map[string]int{}
			for _, m := range q {
				states[m.State]++
			}
			fmt.Printf("outbox left: %v\n", states)
		}
	}
	return probs
}

// noteWarnings counts what a process that was not killed printed on
// stderr besides its summary.
func (b *bench) noteWarnings(cmd, stderr string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, l := range strings.Split(stderr, "\n") {
		if l = strings.TrimSpace(l); strings.Contains(l, "warning") || strings.Contains(l, "unexpected") || strings.Contains(l, "busy") {
			if len(l) > 110 {
				l = l[:110]
			}
			b.warned[cmd+": "+l]++
		}
	}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func init() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}
