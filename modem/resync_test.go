package modem_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/modem/pdu"
)

// A dongle opened after a crash is brought back to a known state whatever
// it was doing: the killed process's command is waited out, its late
// answer dropped, and nothing after that is one answer behind (the field
// failure was `SIM check: unexpected answer ""`).
func TestOpenAfterKilledPredecessor(t *testing.T) {
	t.Parallel()
	texts := []string{"one", "two", "three", "four", "five", "six", "seven", "eight"}
	tests := []struct {
		name     string
		opts     []modemtest.Option
		inFlight string        // the command the killed process left running
		busy     time.Duration // how long the stick still works on it
		command  time.Duration // the engine's command timeout
	}{
		{"long listing", nil, "AT+CMGL=4", 1500 * time.Millisecond, 2 * time.Second},
		{"listing longer than a command timeout", nil, "AT+CMGL=4", 1500 * time.Millisecond, 300 * time.Millisecond},
		{"send in flight", nil, "AT+CMGS=23", time.Second, 300 * time.Millisecond},
		{"SIM check", nil, "AT+CPIN?", 800 * time.Millisecond, 300 * time.Millisecond},
		{"a killed process's own sync", nil, "ATS7?", 500 * time.Millisecond, 300 * time.Millisecond},
		{"every command takes 150 ms", []modemtest.Option{modemtest.WithReplyDelay(150 * time.Millisecond)}, "AT+CMGL=4", 2 * time.Second, 250 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each case has its own emulated stick
			var inbox []string
			for i, text := range texts {
				inbox = append(inbox, deliver(t, fmt.Sprintf("+4477009001%02d", i), text))
			}
			m := emulator(t, append([]modemtest.Option{modemtest.WithInbox(inbox...)}, tt.opts...)...)
			m.Busy(tt.inFlight, tt.busy)
			var log syncBuffer
			tmo := fastTimeouts
			tmo.Command = tt.command
			d := open(t, m, modem.WithTimeouts(tmo), modem.WithLogger(debugLogger(&log)))
			if d.IMSI() != "234101234567890" || d.IMEI() != "867530012345674" {
				t.Fatalf("identity %q %q (one answer behind?)\n%s", d.IMSI(), d.IMEI(), log.String())
			}
			ctx := context.Background()
			info, err := d.Info(ctx)
			if err != nil || info.Manufacturer != "huawei" || info.Model != "E173" || info.Operator != "O2 - UK" {
				t.Fatalf("info %+v, %v", info, err)
			}
			sink := newMemSink()
			res, err := d.Drain(ctx, sink)
			got := sink.textSet()
			sort.Strings(got)
			want := slices.Clone(texts)
			sort.Strings(want)
			if err != nil || res.Deleted != len(texts) || !slices.Equal(got, want) || sink.dupes != 0 {
				t.Fatalf("drain %+v, %v: texts %q", res, err, got)
			}
			if h := d.Health(); h.State != modem.Healthy {
				t.Fatalf("a healthy stick reported %+v", h)
			}
		})
	}
}

// A stick that loses one command in 7 (no echo, no answer) still opens,
// drains completely, sends every text exactly once and stays healthy: a
// command with no answer is asked again after a resync.
func TestSwallowingStickStillDrains(t *testing.T) {
	var inbox []string
	for i := range 20 {
		inbox = append(inbox, deliver(t, fmt.Sprintf("+4477009002%02d", i), fmt.Sprintf("reply %d", i)))
	}
	m := emulator(t, modemtest.WithSwallow(7), modemtest.WithInbox(inbox...))
	tmo := fastTimeouts
	tmo.Command, tmo.Prompt = 300*time.Millisecond, 300*time.Millisecond
	d := open(t, m, modem.WithTimeouts(tmo), modem.WithRetry(3, 10*time.Millisecond))
	ctx := context.Background()
	sink := newMemSink()
	for try := 0; len(m.Inbox()) > 0 && try < 3; try++ {
		if _, err := d.Drain(ctx, sink); err != nil {
			t.Fatalf("drain: %v", err)
		}
	}
	if left := len(m.Inbox()); left != 0 || len(sink.textSet()) != len(inbox) || sink.dupes != 0 {
		t.Fatalf("%d left on the SIM, %d stored, %d twice", left, len(sink.textSet()), sink.dupes)
	}
	for i := range 5 {
		if _, err := d.Send(ctx, to, fmt.Sprintf("text %d", i), modem.SendOptions{}); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	sent := map[string]int{}
	for _, s := range m.Sent() {
		sent[s.Msg.Text]++
	}
	for i := range 5 {
		if n := sent[fmt.Sprintf("text %d", i)]; n != 1 {
			t.Fatalf("text %d went %d times", i, n)
		}
	}
	if m.Swallowed() < 4 {
		t.Fatalf("only %d commands swallowed; the test proves nothing", m.Swallowed())
	}
	if h := d.Health(); h.State != modem.Healthy {
		t.Fatalf("health %+v", h)
	}
}

// Texts a stick files in its own memory (ME) and delivery reports it files
// in its status-report memory (SR) are read in like the SIM's, each
// committed before it is deleted, and the SIM is selected again after.
func TestDrainEveryStorage(t *testing.T) {
	now := time.Now()
	report := func(mr int) string {
		r, err := pdu.EncodeStatusReport("+447802000332", mr, to, now, now, 0)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	m := emulator(t,
		modemtest.WithInbox(deliver(t, "+447700900301", "on the SIM")),
		modemtest.WithStored("ME", deliver(t, "+447700900302", "in the stick"), deliver(t, "+447700900303", "in the stick too")),
		modemtest.WithStored("SR", report(7), report(8)),
		modemtest.WithReportStorage("SR"))
	d := open(t, m)
	ctx := context.Background()
	use, err := d.Storages(ctx)
	want := []modem.StorageUse{{Mem: "ME", Used: 2, Total: 100}, {Mem: "SR", Used: 2, Total: 50}, {Mem: "SM", Used: 1, Total: 30}}
	if err != nil || !slices.Equal(use, want) {
		t.Fatalf("storages %+v, %v; want %+v", use, err, want)
	}
	sink := newMemSink()
	res, err := d.Drain(ctx, sink)
	if err != nil || res.Stored != 3 || res.Reports != 2 || res.Deleted != 5 || res.Mems["ME"] != 2 || res.Mems["SR"] != 2 || res.Mems["SM"] != 1 {
		t.Fatalf("drain %+v, %v", res, err)
	}
	got := sink.textSet()
	sort.Strings(got)
	if !slices.Equal(got, []string{"in the stick", "in the stick too", "on the SIM"}) {
		t.Fatalf("texts %q", got)
	}
	var mrs []int
	for _, r := range sink.reports {
		mrs = append(mrs, r.Msg.MR)
		if r.Mem != "SR" {
			t.Fatalf("report read from %q", r.Mem)
		}
	}
	if !slices.Equal(mrs, []int{7, 8}) {
		t.Fatalf("reports %v", mrs)
	}
	for _, mem := range []string{"SM", "ME", "SR"} {
		if left := m.Storage(mem); len(left) != 0 {
			t.Fatalf("%s still holds %d", mem, len(left))
		}
	}
	info, err := d.AT().Command(ctx, "AT+CPMS?")
	if err != nil || len(info) != 1 || !strings.HasPrefix(info[0], `+CPMS: "SM"`) {
		t.Fatalf("the SIM is not selected again: %q, %v", info, err)
	}

	// A delivery report the stick files in SR as it comes (+CDSI: "SR")
	// is read in from there.
	inds := make(chan modem.Indication, 8)
	d.OnIndication(func(ind modem.Indication) { inds <- ind })
	sent, err := d.Send(ctx, to, "report me", modem.SendOptions{StatusReport: true})
	if err != nil {
		t.Fatal(err)
	}
	if ind := waitInd(t, inds, modem.StatusReport); ind.Mem != "SR" {
		t.Fatalf("indication %+v", ind)
	}
	sink = newMemSink()
	if res, err := d.Drain(ctx, sink); err != nil || res.Reports != 1 || sink.reports[0].Msg.MR != sent.Refs[0] {
		t.Fatalf("drain %+v, %v, reports %+v", res, err, sink.reports)
	}
}

// A SIM that says "SIM busy" (CME 14) after a stick boots is waited for as
// long as a stick takes to boot (30 s by default; shortened here), and
// given up with a clear error after that.
func TestSIMBusyWaitedOut(t *testing.T) {
	if got := modem.DefaultTimeouts().SIMBusy; got != 30*time.Second {
		t.Fatalf("default SIM busy wait %v, want 30s", got)
	}
	t.Run("busy for a while", func(t *testing.T) {
		// Twelve busy answers: well past the old five tries.
		m := emulator(t, modemtest.WithFaults(modemtest.Fault{Command: "AT+CPIN?", Reply: "+CME ERROR: 14", Times: 12}))
		d := open(t, m)
		if d.IMSI() == "" || m.Count("AT+CPIN?") != 13 {
			t.Fatalf("IMSI %q after %d AT+CPIN?", d.IMSI(), m.Count("AT+CPIN?"))
		}
	})
	t.Run("busy for good", func(t *testing.T) {
		m := emulator(t, modemtest.WithFaults(modemtest.Fault{Command: "AT+CPIN?", Reply: "+CME ERROR: 14", Times: -1}))
		tmo := fastTimeouts
		tmo.SIMBusy = 500 * time.Millisecond
		start := time.Now()
		_, err := modem.Open(context.Background(), m.Path(), modem.WithTimeouts(tmo))
		var cme *modem.CMEError
		if !errors.As(err, &cme) || cme.Code != 14 || !strings.Contains(err.Error(), "still busy after 500ms") {
			t.Fatalf("err %v", err)
		}
		if took := time.Since(start); took < 500*time.Millisecond || took > 5*time.Second {
			t.Fatalf("gave up after %v", took)
		}
	})
}
