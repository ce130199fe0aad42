package modem_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/modem/pdu"
)

var ts = time.Date(2026, 11, 26, 14, 3, 5, 0, time.FixedZone("", 3600))

func deliver(t testing.TB, from, text string) string {
	t.Helper()
	p, err := pdu.EncodeDeliver(from, text, pdu.DeliverOptions{SMSC: "+447785016005", Class: -1, Timestamp: ts})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func deliverParts(t testing.TB, from, text string, ref int) []string {
	t.Helper()
	ps, err := pdu.EncodeDeliverParts(from, text, ref, ts)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

const (
	plainText   = "Hello, are you coming on Saturday?"
	extText     = "Price €5 [approx] {ok} ~ ^ | \\ done"
	emojiText   = "Thanks 😀👍 Ünïcödé ok"
	undecodable = "07914477580010F0040C91447700900123000062" // cut short
)

var (
	longA = strings.Repeat("Long text A goes on and on. ", 12) // 3 parts
	longB = strings.Repeat("Incomplete text B is long. ", 12)  // 3 parts, one missing
)

// fullInbox is the inbox of the "Must show" test: plain, extension table,
// UCS-2 with emoji, a concatenated text stored out of order, two of the three
// parts of another, an undecodable PDU and a stored delivery report.
func fullInbox(t testing.TB) (pdus []string, report string) {
	a := deliverParts(t, "+447700900111", longA, 7)
	b := deliverParts(t, "+447700900222", longB, 8)
	if len(a) != 3 || len(b) != 3 {
		t.Fatalf("want 3 parts each, got %d and %d", len(a), len(b))
	}
	report, err := pdu.EncodeStatusReport("+447785016005", 42, "+447700900333", ts, ts.Add(time.Minute), 0)
	if err != nil {
		t.Fatal(err)
	}
	pdus = []string{
		a[2],
		deliver(t, "+447700900123", plainText),
		b[0],
		deliver(t, "+447700900124", extText),
		a[0],
		undecodable,
		deliver(t, "+447700900125", emojiText),
		b[2],
		report,
		a[1],
	}
	return pdus, report
}

func TestDrainFullSIM(t *testing.T) {
	inbox, _ := fullInbox(t)
	for _, base := range []int{1, 0} {
		t.Run("index base "+strconv.Itoa(base), func(t *testing.T) {
			m := emulator(t, modemtest.WithCapacity(len(inbox)), modemtest.WithInbox(inbox...), modemtest.WithIndexBase(base))
			d := open(t, m)
			ctx := context.Background()
			info, err := d.Info(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if info.StorageUsed != len(inbox) || info.StorageTotal != len(inbox) {
				t.Fatalf("storage %d/%d, want full %d", info.StorageUsed, info.StorageTotal, len(inbox))
			}
			before := len(m.Commands())
			sink := newMemSink()
			res, err := d.Drain(ctx, sink)
			if err != nil {
				t.Fatal(err)
			}
			want := modem.DrainResult{Listed: 10, Stored: 4, Fragments: 5, Reports: 1, Undecodable: 1, Deleted: 10, Errors: []string{}}
			if !equalResult(res, want) {
				t.Fatalf("result %+v, want %+v", res, want)
			}
			got := sink.textSet()
			sort.Strings(got)
			wantTexts := []string{plainText, extText, emojiText, longA, "undecodable:" + undecodable}
			sort.Strings(wantTexts)
			if !slices.Equal(got, wantTexts) {
				t.Fatalf("texts:\n%q\nwant\n%q", got, wantTexts)
			}
			// The incomplete text waits as two fragments.
			var incomplete []modem.Inbound
			for key, parts := range sink.fragments {
				if _, done := sink.joined[key]; !done {
					incomplete = append(incomplete, parts...)
				}
			}
			if len(incomplete) != 2 || incomplete[0].Msg.From != "+447700900222" {
				t.Fatalf("incomplete fragments %+v", incomplete)
			}
			if len(sink.reports) != 1 || sink.reports[0].Msg.MR != 42 || sink.reports[0].Msg.Recipient != "+447700900333" {
				t.Fatalf("reports %+v", sink.reports)
			}
			for _, in := range sink.texts {
				if in.Msg == nil && in.DecodeErr == nil {
					t.Fatal("undecodable text without its decode error")
				}
			}
			if left := m.Inbox(); len(left) != 0 {
				t.Fatalf("SIM still holds %d items", len(left))
			}
			// One listing plus one delete per item, no per-message read;
			// the stick's other memories (ME, SR) are looked at with one
			// selection each and, being empty, not listed.
			cmds := m.Commands()[before:]
			mems := d.Mems()
			if !slices.Equal(mems, []string{"ME", "SR", "SM"}) {
				t.Errorf("memories %q, want ME, SR then the SIM", mems)
			}
			if n := countPrefix(cmds, "AT+CPMS="); n != len(mems) {
				t.Errorf("%d memory selections, want %d", n, len(mems))
			}
			if n := countPrefix(cmds, "AT+CMGL"); n != 1 {
				t.Errorf("%d listings, want 1", n)
			}
			if n := countPrefix(cmds, "AT+CMGD="); n != len(inbox) {
				t.Errorf("%d deletes, want %d", n, len(inbox))
			}
			if n := countPrefix(cmds, "AT+CMGR"); n != 0 {
				t.Errorf("%d per-message reads, want 0", n)
			}
			if len(cmds) != len(mems)+1+len(inbox) {
				t.Errorf("drain used %d commands, want %d: %q", len(cmds), len(mems)+1+len(inbox), cmds)
			}
			if base == 0 && !slices.Contains(cmds, "AT+CMGD=0") {
				t.Errorf("index 0 not deleted: %q", cmds)
			}
		})
	}
}

func equalResult(a, b modem.DrainResult) bool {
	return a.Listed == b.Listed && a.Stored == b.Stored && a.Fragments == b.Fragments && a.Reports == b.Reports &&
		a.Undecodable == b.Undecodable && a.Skipped == b.Skipped && a.Deleted == b.Deleted && slices.Equal(a.Errors, b.Errors)
}

func countPrefix(cmds []string, prefix string) int {
	n := 0
	for _, c := range cmds {
		if strings.HasPrefix(strings.ToUpper(c), prefix) {
			n++
		}
	}
	return n
}

func TestDrainSinkFailureKeepsItem(t *testing.T) {
	m := emulator(t, modemtest.WithInbox(deliver(t, "+447700900123", "one"), deliver(t, "+447700900124", "two")))
	d := open(t, m)
	sink := newMemSink()
	sink.fail = func(in modem.Inbound) error {
		if in.Msg != nil && in.Msg.Text == "two" {
			return errors.New("database is locked")
		}
		return nil
	}
	res, err := d.Drain(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}
	if res.Deleted != 1 || len(res.Errors) != 1 || !strings.Contains(res.Errors[0], "database is locked") {
		t.Fatalf("result %+v", res)
	}
	left := m.Inbox()
	if len(left) != 1 {
		t.Fatalf("SIM holds %d, want the uncommitted one", len(left))
	}
	sink.fail = nil
	if res, err = d.Drain(context.Background(), sink); err != nil || res.Deleted != 1 {
		t.Fatalf("second drain %+v, %v", res, err)
	}
	if got := sink.textSet(); len(got) != 2 || sink.dupes != 0 {
		t.Fatalf("texts %q, dupes %d", got, sink.dupes)
	}
}

func TestDrainSkipsOutgoingDrafts(t *testing.T) {
	parts, err := pdu.EncodeSubmit("+447700900123", "draft", pdu.SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m := emulator(t, modemtest.WithInbox(parts[0].Hex, deliver(t, "+447700900124", "hi")))
	d := open(t, m)
	sink := newMemSink()
	res, err := d.Drain(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}
	if res.Skipped != 1 || res.Stored != 1 || res.Deleted != 1 {
		t.Fatalf("result %+v", res)
	}
	if left := m.Inbox(); len(left) != 1 || left[0].PDU != parts[0].Hex {
		t.Fatalf("SIM holds %+v, want the draft only", left)
	}
}

// TestDrainUnplugMidRead pulls the dongle out after three deletes: the drain
// gives a clear error at once, and the next run (on the replugged dongle,
// which gets a new tty name) completes without losing or duplicating.
func TestDrainUnplugMidRead(t *testing.T) {
	inbox, _ := fullInbox(t)
	m := emulator(t, modemtest.WithCapacity(len(inbox)), modemtest.WithInbox(inbox...))
	d := open(t, m)
	sink := newMemSink()
	m.UnplugAfter(len(d.Mems()) + 1 + 3) // the memory selections, the listing and three deletes, then gone
	start := time.Now()
	res, err := d.Drain(context.Background(), sink)
	if err == nil {
		t.Fatalf("drain on an unplugged dongle succeeded: %+v", res)
	}
	if !errors.Is(err, modem.ErrClosed) || !strings.Contains(err.Error(), "unplugged") {
		t.Fatalf("error %q is not a clear unplug error", err)
	}
	if took := time.Since(start); took > fastTimeouts.Command {
		t.Fatalf("unplug noticed after %v", took)
	}
	if res.Deleted != 3 {
		t.Fatalf("deleted %d before the unplug, want 3", res.Deleted)
	}
	select {
	case <-d.Closed():
	case <-time.After(time.Second):
		t.Fatal("Closed() not closed after the unplug")
	}
	if err := m.Replug(); err != nil {
		t.Fatal(err)
	}
	d2 := open(t, m)
	res2, err := d2.Drain(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}
	if res.Deleted+res2.Deleted != len(inbox) || len(m.Inbox()) != 0 {
		t.Fatalf("deleted %d + %d of %d; SIM holds %d", res.Deleted, res2.Deleted, len(inbox), len(m.Inbox()))
	}
	if sink.dupes != 1 {
		// The item being deleted when the plug was pulled was committed
		// but not deleted: it is listed again and recognised.
		t.Fatalf("dupes %d, want the one committed-but-not-deleted item", sink.dupes)
	}
	got := sink.textSet()
	if len(got) != 5 || len(sink.reports) != 1 {
		t.Fatalf("texts %q reports %d", got, len(sink.reports))
	}
}

// fileSink commits each item as a JSON line, synced to disk, and knows the
// keys already in the file: what a database sink does, in a form that a
// killed child process leaves behind.
type fileSink struct {
	mu   sync.Mutex
	path string
	keys map[string]bool
	// killAfter kills the process (SIGKILL) after this many commits.
	killAfter int
	commits   int
}

type fileRecord struct {
	Key, Kind, PDU, Text, Group string
}

func openFileSink(t testing.TB, path string) *fileSink {
	s := &fileSink{path: path, keys: map[string]bool{}}
	for _, r := range readRecords(t, path) {
		s.keys[r.Key] = true
	}
	return s
}

func readRecords(t testing.TB, path string) []fileRecord {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []fileRecord
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r fileRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("torn record %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

func (s *fileSink) put(kind string, in modem.Inbound) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys[in.Key] {
		return nil
	}
	r := fileRecord{Key: in.Key, Kind: kind, PDU: in.PDU, Group: in.GroupKey}
	if in.Msg != nil {
		r.Text = in.Msg.Text
	}
	b, _ := json.Marshal(r)
	f, err := os.OpenFile(s.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	s.keys[in.Key] = true
	s.commits++
	if s.killAfter > 0 && s.commits == s.killAfter {
		// Killed between the commit and the AT+CMGD.
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	return nil
}

func (s *fileSink) StoreText(ctx context.Context, in modem.Inbound) error {
	return s.put("text", in)
}

func (s *fileSink) StoreFragment(ctx context.Context, in modem.Inbound) error {
	return s.put("fragment", in)
}

func (s *fileSink) StoreReport(ctx context.Context, in modem.Inbound) error {
	return s.put("report", in)
}

// TestDrainChildProcess is the child of TestDrainKilledBetweenCommitAndDelete.
func TestDrainChildProcess(t *testing.T) {
	port := os.Getenv("MODEMTEST_CHILD_PORT")
	if port == "" {
		t.Skip("run by TestDrainKilledBetweenCommitAndDelete")
	}
	kill, _ := strconv.Atoi(os.Getenv("MODEMTEST_CHILD_KILL"))
	d, err := modem.Open(context.Background(), port, modem.WithTimeouts(fastTimeouts))
	if err != nil {
		t.Fatal(err)
	}
	sink := openFileSink(t, os.Getenv("MODEMTEST_CHILD_SINK"))
	sink.killAfter = kill
	if _, err := d.Drain(context.Background(), sink); err != nil {
		t.Fatal(err)
	}
	t.Fatal("the child was meant to be killed mid-drain")
}

// TestDrainKilledBetweenCommitAndDelete kills a real process right after it
// committed an item and before it deleted it from the SIM; the next run
// loses nothing and duplicates nothing.
func TestDrainKilledBetweenCommitAndDelete(t *testing.T) {
	if os.Getenv("MODEMTEST_CHILD_PORT") != "" {
		t.Skip("child")
	}
	inbox, _ := fullInbox(t)
	for _, killAfter := range []int{1, 4, len(inbox)} {
		t.Run("after commit "+strconv.Itoa(killAfter), func(t *testing.T) {
			m := emulator(t, modemtest.WithCapacity(len(inbox)), modemtest.WithInbox(inbox...))
			sinkPath := filepath.Join(t.TempDir(), "sink.jsonl")
			cmd := exec.Command(os.Args[0], "-test.run=^TestDrainChildProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), "MODEMTEST_CHILD_PORT="+m.Path(), "MODEMTEST_CHILD_SINK="+sinkPath,
				"MODEMTEST_CHILD_KILL="+strconv.Itoa(killAfter))
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("child was not killed: %v\n%s", err, out)
			}
			recs := readRecords(t, sinkPath)
			if len(recs) != killAfter {
				t.Fatalf("child committed %d, want %d", len(recs), killAfter)
			}
			if left := len(m.Inbox()); left != len(inbox)-(killAfter-1) {
				t.Fatalf("SIM holds %d after the kill, want %d (the last commit not deleted)", left, len(inbox)-(killAfter-1))
			}
			// The next run.
			d := open(t, m)
			res, err := d.Drain(context.Background(), openFileSink(t, sinkPath))
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Inbox()) != 0 {
				t.Fatalf("SIM not empty after the second run: %+v", res)
			}
			recs = readRecords(t, sinkPath)
			seen := map[string]int{}
			for _, r := range recs {
				seen[r.PDU]++
			}
			for _, p := range inbox {
				if seen[strings.ToUpper(p)] != 1 {
					t.Errorf("PDU %s stored %d times", p, seen[strings.ToUpper(p)])
				}
			}
			if len(recs) != len(inbox) {
				t.Errorf("%d records for %d PDUs", len(recs), len(inbox))
			}
		})
	}
}

// TestDrainSIMFull: a full SIM makes the network's next text wait with
// ^SMMEMFULL; the Dongle says so, a drain makes room, the text arrives
// (+CMTI) and the next drain reads it.
func TestDrainSIMFull(t *testing.T) {
	m := emulator(t, modemtest.WithCapacity(2), modemtest.WithInbox(deliver(t, "+447700900123", "one"), deliver(t, "+447700900124", "two")))
	d := open(t, m)
	inds := make(chan modem.Indication, 16)
	d.OnIndication(func(ind modem.Indication) { inds <- ind })
	if err := m.Receive("+447700900125", "three"); err != nil {
		t.Fatal(err)
	}
	waitInd(t, inds, modem.StorageFull)
	if !d.Health().StorageFull {
		t.Fatal("Health().StorageFull not set")
	}
	sink := newMemSink()
	if _, err := d.Drain(context.Background(), sink); err != nil {
		t.Fatal(err)
	}
	ind := waitInd(t, inds, modem.NewMessage)
	if ind.Mem != "SM" || ind.Index < 1 {
		t.Fatalf("indication %+v", ind)
	}
	if _, err := d.Drain(context.Background(), sink); err != nil {
		t.Fatal(err)
	}
	got := sink.textSet()
	sort.Strings(got)
	if !slices.Equal(got, []string{"one", "three", "two"}) {
		t.Fatalf("texts %q", got)
	}
	if d.Health().StorageFull {
		t.Fatal("StorageFull still set after an empty drain")
	}
}

func waitInd(t testing.TB, ch <-chan modem.Indication, kind modem.IndicationKind) modem.Indication {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ind := <-ch:
			if ind.Kind == kind {
				return ind
			}
		case <-timeout:
			t.Fatalf("no %s indication", kind)
		}
	}
}

// TestDrainPortsParallel drains four slow dongles at once: their busy
// periods overlap, so four take about the time of one.
func TestDrainPortsParallel(t *testing.T) {
	var ms []*modemtest.Modem
	var ports []string
	for i := range 4 {
		var inbox []string
		for j := range 8 {
			inbox = append(inbox, deliver(t, "+4477009001"+strconv.Itoa(10+i), "text "+strconv.Itoa(j)))
		}
		m := emulator(t, modemtest.WithInbox(inbox...), modemtest.WithReplyDelay(10*time.Millisecond),
			modemtest.WithSIM(modemtest.SIM{IMSI: "23410000000000" + strconv.Itoa(i)}))
		ms = append(ms, m)
		ports = append(ports, m.Path())
	}
	sinks := map[string]*memSink{}
	var mu sync.Mutex
	res := modem.DrainPorts(context.Background(), ports, func(ctx context.Context, d *modem.Dongle) (modem.Sink, error) {
		mu.Lock()
		defer mu.Unlock()
		s := newMemSink()
		sinks[d.IMSI()] = s
		return s, nil
	}, modem.WithTimeouts(fastTimeouts))
	var latestStart, earliestEnd time.Time
	for i, r := range res {
		if r.Err != nil || r.Result.Deleted != 8 || r.Port != ports[i] || r.IMSI != "23410000000000"+strconv.Itoa(i) {
			t.Fatalf("port %d: %+v", i, r)
		}
		first, last := ms[i].Activity()
		if latestStart.IsZero() || first.After(latestStart) {
			latestStart = first
		}
		if earliestEnd.IsZero() || last.Before(earliestEnd) {
			earliestEnd = last
		}
	}
	if !latestStart.Before(earliestEnd) {
		t.Fatalf("the four drains did not overlap: last start %v, first end %v", latestStart, earliestEnd)
	}
	if len(sinks) != 4 {
		t.Fatalf("%d sinks", len(sinks))
	}
}
