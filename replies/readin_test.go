package replies

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/modem/pdu"
	"github.com/texting-centre/texting/store"
)

// sc is the service centre time of the texts on the emulated SIMs.
var sc = time.Date(2026, 11, 26, 13, 30, 0, 0, time.FixedZone("", 3600))

func deliver(t *testing.T, from, text string, concat *pdu.Concat) string {
	t.Helper()
	enc := pdu.Encoding("")
	h, err := pdu.EncodeDeliver(from, text, pdu.DeliverOptions{SMSC: "+447785016005", Concat: concat, Class: -1,
		Timestamp: sc, Encoding: enc})
	if err != nil {
		t.Fatalf("encode %q: %v", text, err)
	}
	return h
}

func longParts(t *testing.T, from, text string, ref int) []string {
	t.Helper()
	parts, err := pdu.EncodeDeliverParts(from, text, ref, sc)
	if err != nil {
		t.Fatalf("encode %q: %v", text, err)
	}
	if len(parts) < 2 {
		t.Fatalf("%q fits in one part", text)
	}
	return parts
}

func emulator(t *testing.T, imsi string, opts ...modemtest.Option) *modemtest.Modem {
	t.Helper()
	opts = append([]modemtest.Option{modemtest.WithSIM(modemtest.SIM{IMSI: imsi, ICCID: "8944" + imsi[:15],
		Operator: "O2 - UK", SMSC: "+447785016005"}), modemtest.WithIMEI("86" + imsi[2:15])}, opts...)
	m, err := modemtest.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func readIn(t *testing.T, p *Pipeline, ports ...string) ReadInResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := p.ReadIn(ctx, ReadInOptions{Ports: ports})
	if err != nil {
		t.Fatalf("read-in: %v", err)
	}
	return res
}

func inbound(t *testing.T, db *store.DB) []store.Message {
	t.Helper()
	ms, err := db.Messages(context.Background(), store.MessageFilter{Direction: store.In, Oldest: true})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestReadInFullSIM drains a full SIM holding every kind of item: plain,
// extension-table, UCS-2 and emoji texts, long texts with their parts out
// of order, a long text with a part missing, an undecodable PDU, a delivery
// report and an opt-out.
func TestReadInFullSIM(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{FragmentTimeout: 24 * time.Hour})
	const imsi = "234109876543210"
	// The SIM is known already, with a text it sent that a report is about.
	sim, _, err := f.db.SeenSIM(f.ctx, imsi, "", "", "O2 - UK", "")
	if err != nil {
		t.Fatal(err)
	}
	sentID, _, err := f.db.InsertMessage(f.ctx, store.Message{Direction: store.Out, SIMID: sim.ID, Number: "+447700900100",
		Text: "campaign", Kind: store.KindCampaign, State: store.StateSent, Ref: "41,42", Parts: 2})
	if err != nil {
		t.Fatal(err)
	}

	long := strings.Repeat("This is a long text that needs three parts. ", 10)[:400]
	emoji := strings.Repeat("Good morning 😀👍🏽 ", 6)
	gap := strings.Repeat("Part of a text that never fully arrives. ", 10)
	longP := longParts(t, "+447700900005", long, 7)
	emojiP := longParts(t, "+447700900006", emoji, 300)
	gapP := longParts(t, "+447700900007", gap, 9)
	if len(longP) != 3 || len(gapP) != 3 {
		t.Fatalf("parts: %d and %d, want 3", len(longP), len(gapP))
	}
	report, err := pdu.EncodeStatusReport("+447785016005", 42, "+447700900100", sc, sc.Add(time.Minute), 0)
	if err != nil {
		t.Fatal(err)
	}
	undecodable := "07914477850160050410D0"
	items := []string{
		deliver(t, "+447700900001", "Hello, yes I got it", nil),
		longP[2],
		deliver(t, "+447700900002", "Price €5 [approx] {ok} ~^\\|", nil),
		longP[0],
		deliver(t, "+447700900003", "Спасибо! 😀👍🏽", nil),
		gapP[0],
		undecodable,
		emojiP[1],
		report,
		longP[1],
		deliver(t, "+447700900004", "STOP", nil),
		gapP[2],
	}
	items = append(items, emojiP[0])
	for _, p := range emojiP[2:] {
		items = append(items, p)
	}
	m := emulator(t, imsi, modemtest.WithCapacity(len(items)), modemtest.WithInbox(items...))

	res := readIn(t, f.p, m.Path())
	if len(res.Ports) != 1 {
		t.Fatalf("ports: %+v", res.Ports)
	}
	r := res.Ports[0]
	// Stored: 4 whole texts, 2 joined long texts, 1 undecodable.
	if r.Port != m.Path() || r.IMSI != imsi || r.Stored != 7 || r.Deleted != len(items) || r.Undecodable != 1 ||
		r.Incomplete != 0 || len(r.Errors) != 0 || r.Reports != 1 || r.SIM != sim.Label() {
		t.Fatalf("result %+v", r)
	}
	if left := m.Inbox(); len(left) != 0 {
		t.Fatalf("%d items left on the SIM", len(left))
	}
	got := map[string]store.Message{}
	for _, msg := range inbound(t, f.db) {
		if msg.SIMID != sim.ID {
			t.Fatalf("message %d on SIM %d, want %d", msg.ID, msg.SIMID, sim.ID)
		}
		got[msg.Number] = msg
	}
	want := map[string]string{
		"+447700900001": "Hello, yes I got it",
		"+447700900002": "Price €5 [approx] {ok} ~^\\|",
		"+447700900003": "Спасибо! 😀👍🏽",
		"+447700900004": "STOP",
		"+447700900005": long,
		"+447700900006": emoji,
	}
	for n, text := range want {
		if got[n].Text != text {
			t.Errorf("%s: %q, want %q", n, got[n].Text, text)
		}
		if !got[n].At.Equal(sc) {
			t.Errorf("%s: at %v, want the service centre time %v", n, got[n].At, sc)
		}
	}
	if got["+447700900005"].Parts != 3 || got["+447700900006"].Parts != len(emojiP) {
		t.Errorf("parts %d and %d", got["+447700900005"].Parts, got["+447700900006"].Parts)
	}
	raw := got[""]
	if !raw.HasFlag(store.FlagUndecodable) || raw.Raw != undecodable || raw.Text != "" {
		t.Errorf("undecodable: %+v", raw)
	}
	if _, ok := got["+447700900007"]; ok {
		t.Error("the incomplete text was stored before its time")
	}
	if got["+447700900004"].Category != "End" || !f.optedOut("+447700900004") {
		t.Error("the STOP read in did not opt out")
	}
	if n, _ := f.db.CountFragments(f.ctx); n != 2 {
		t.Errorf("%d parts waiting, want 2", n)
	}
	if h := res.Ports[0].Held; h != 2 {
		t.Errorf("read-in reports %d parts held, want 2", h)
	}
	if s := f.message(sentID).State; s != store.StateDelivered {
		t.Errorf("the report left the sent text %q", s)
	}

	// A day later, the next read-in (the SIM is empty) stores the text whose
	// middle part never came, marked and flagged.
	f.advance(25 * time.Hour)
	res = readIn(t, f.p, m.Path())
	if r := res.Ports[0]; r.Stored != 1 || r.Incomplete != 1 || r.Deleted != 0 || r.Held != 0 {
		t.Fatalf("second read-in %+v", r)
	}
	var inc store.Message
	for _, msg := range inbound(t, f.db) {
		if msg.Number == "+447700900007" {
			inc = msg
		}
	}
	p1, _ := pdu.Decode(gapP[0])
	p3, _ := pdu.Decode(gapP[2])
	if !inc.HasFlag(store.FlagIncomplete) || inc.Text != p1.Text+missingPart+p3.Text || inc.Parts != 2 {
		t.Fatalf("incomplete text %q (flags %v, parts %d)", inc.Text, inc.Flags, inc.Parts)
	}
	if n, _ := f.db.CountFragments(f.ctx); n != 0 {
		t.Fatalf("%d parts still waiting", n)
	}
	// The missing part turns up late: it waits on its own, and the text is
	// not stored again.
	m.ReceivePDU(gapP[2])
	res = readIn(t, f.p, m.Path())
	if r := res.Ports[0]; r.Stored != 0 || r.Deleted != 1 {
		t.Fatalf("part read again: %+v", r)
	}
}

// TestReadInCrashBetweenCommitAndDelete unplugs the dongle in the middle of
// the deletes (as if the process died after a commit) and reads it again:
// nothing is lost and nothing is stored twice, long texts included.
func TestReadInCrashBetweenCommitAndDelete(t *testing.T) {
	t.Parallel()
	for unplugAt := 1; unplugAt <= 6; unplugAt++ {
		t.Run(fmt.Sprintf("unplug at delete %d", unplugAt), func(t *testing.T) {
			f := newFixture(t, Options{})
			long := longParts(t, "+447700900020", strings.Repeat("Long text in three parts. ", 15), 33)
			if len(long) != 3 {
				t.Fatalf("%d parts, want 3", len(long))
			}
			items := []string{
				deliver(t, "+447700900021", "one", nil),
				long[1],
				deliver(t, "+447700900022", "two", nil),
				long[0],
				long[2],
				deliver(t, "+447700900023", "three", nil),
			}
			m := emulator(t, "234105555500001", modemtest.WithInbox(items...),
				modemtest.WithFaults(modemtest.Fault{Command: "AT+CMGD", Nth: unplugAt, Unplug: true}))
			first := readIn(t, f.p, m.Path())
			if len(first.Ports[0].Errors) == 0 || !first.Failed() {
				t.Fatalf("the unplug was not reported: %+v", first.Ports[0])
			}
			if left := len(m.Inbox()); left != len(items)-(unplugAt-1) {
				t.Fatalf("%d items left on the SIM, want %d", left, len(items)-(unplugAt-1))
			}
			m.ClearFaults()
			if err := m.Replug(); err != nil {
				t.Fatal(err)
			}
			second := readIn(t, f.p, m.Path())
			if len(second.Ports[0].Errors) != 0 || len(m.Inbox()) != 0 {
				t.Fatalf("second read-in %+v, %d left", second.Ports[0], len(m.Inbox()))
			}
			if n := first.Ports[0].Stored + second.Ports[0].Stored; n != 4 {
				t.Fatalf("stored %d + %d, want 4 in all: %+v %+v", first.Ports[0].Stored, second.Ports[0].Stored, first.Ports[0], second.Ports[0])
			}
			var texts []string
			for _, msg := range inbound(t, f.db) {
				texts = append(texts, msg.Number)
			}
			sort.Strings(texts)
			want := []string{"+447700900020", "+447700900021", "+447700900022", "+447700900023"}
			if strings.Join(texts, " ") != strings.Join(want, " ") {
				t.Fatalf("stored from %v, want each of %v once", texts, want)
			}
			if n, _ := f.db.CountFragments(f.ctx); n != 0 {
				t.Fatalf("%d parts left waiting", n)
			}
		})
	}
}

// TestReadInParallel reads four dongles at once.
func TestReadInParallel(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	const perSIM = 10
	var mods []*modemtest.Modem
	var ports []string
	for d := 0; d < 4; d++ {
		var items []string
		for i := 0; i < perSIM; i++ {
			items = append(items, deliver(t, fmt.Sprintf("+4477009%02d%03d", d, i), fmt.Sprintf("text %d from dongle %d", i, d), nil))
		}
		// A slow dongle makes a serial read-in take four times as long.
		m := emulator(t, fmt.Sprintf("23410777770000%d", d), modemtest.WithInbox(items...),
			modemtest.WithReplyDelay(20*time.Millisecond))
		mods = append(mods, m)
		ports = append(ports, m.Path())
	}
	// One port that does not exist: reported, the others still read.
	ports = append(ports, "/dev/texting-no-such-port")
	res := readIn(t, f.p, ports...)
	if !res.Failed() || len(res.Ports) != 5 || len(res.Ports[4].Errors) == 0 {
		t.Fatalf("missing port not reported: %+v", res.Ports)
	}
	sims := map[string]bool{}
	for i, r := range res.Ports[:4] {
		if r.Stored != perSIM || r.Deleted != perSIM || len(r.Errors) != 0 || !r.NewSIM {
			t.Fatalf("port %d: %+v", i, r)
		}
		sims[r.SIM] = true
	}
	if len(sims) != 4 {
		t.Fatalf("SIMs %v, want 4 new ones", sims)
	}
	if n := len(inbound(t, f.db)); n != 4*perSIM {
		t.Fatalf("%d texts stored, want %d", n, 4*perSIM)
	}
	// The four sessions overlapped in time.
	var latestStart, earliestEnd time.Time
	for _, m := range mods {
		first, last := m.Activity()
		if first.After(latestStart) {
			latestStart = first
		}
		if earliestEnd.IsZero() || last.Before(earliestEnd) {
			earliestEnd = last
		}
	}
	if !latestStart.Before(earliestEnd) {
		t.Fatalf("dongles were read one after another: last start %v, first end %v", latestStart, earliestEnd)
	}
}

// TestSinkRereadAccepted checks the Sink contract directly: an item whose
// key was committed is accepted again without a second row.
func TestSinkRereadAccepted(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	s := f.p.Sink(f.sim1, false)
	h := deliver(t, "+447700900030", "hello", nil)
	msg, err := pdu.Decode(h)
	if err != nil {
		t.Fatal(err)
	}
	in := modem.Inbound{PDU: h, Msg: msg, Key: modem.ItemKey("imsi", h)}
	for i := 0; i < 3; i++ {
		if err := s.StoreText(f.ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	if c := s.Counts(); c.Stored != 1 || c.Duplicates != 2 {
		t.Fatalf("counts %+v", c)
	}
	if n := len(inbound(t, f.db)); n != 1 {
		t.Fatalf("%d rows", n)
	}
}
