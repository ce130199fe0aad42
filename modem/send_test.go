package modem_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/modem/modemtest"
)

const to = "+447700900999"

func TestSend(t *testing.T) {
	long := strings.Repeat("A long campaign text with a greeting. ", 6) // 2 parts
	tests := []struct {
		name  string
		opts  []modemtest.Option
		text  string
		parts int
	}{
		{"plain", nil, "Hi Sam, have a good day", 1},
		{"unicode", nil, "Merci 😀 ☺", 1},
		{"long", nil, long, 2},
		{"RSSI inside the CMGS reply", []modemtest.Option{modemtest.WithNoise(modemtest.Noise{InResponses: true})}, long, 2},
		{"prompt split across reads", []modemtest.Option{modemtest.WithSplitPrompt()}, "split prompt", 1},
		{"echo left on", []modemtest.Option{modemtest.WithEchoStuck()}, long, 2},
		{"BOOT spam, CURC refused", []modemtest.Option{modemtest.WithCURCUnsupported(),
			modemtest.WithNoise(modemtest.Noise{Boot: 2 * time.Millisecond, RSSI: 3 * time.Millisecond, Flow: 5 * time.Millisecond})}, long, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := emulator(t, tt.opts...)
			d := open(t, m)
			res, err := d.Send(context.Background(), to, tt.text, modem.SendOptions{})
			if err != nil {
				t.Fatal(err)
			}
			sent := m.Sent()
			if res.Parts != tt.parts || len(res.Refs) != tt.parts || len(sent) != tt.parts || res.Tries != tt.parts {
				t.Fatalf("result %+v, %d sent, want %d parts", res, len(sent), tt.parts)
			}
			var text strings.Builder
			for i, s := range sent {
				if s.Msg.To != to || s.MR != res.Refs[i] {
					t.Fatalf("part %d went to %s with MR %d, refs %v", i, s.Msg.To, s.MR, res.Refs)
				}
				text.WriteString(s.Msg.Text)
			}
			if text.String() != tt.text {
				t.Fatalf("sent %q, want %q", text.String(), tt.text)
			}
		})
	}
}

// TestSendCMTIBetweenPromptAndPDU: a text arrives right after the prompt;
// the send completes and the +CMTI reaches the listener.
func TestSendCMTIBetweenPromptAndPDU(t *testing.T) {
	m := emulator(t, modemtest.WithArrivalDuringPrompt("+447700900555", "arrived mid-send"))
	d := open(t, m)
	inds := make(chan modem.Indication, 4)
	d.OnIndication(func(ind modem.Indication) { inds <- ind })
	if _, err := d.Send(context.Background(), to, "going out", modem.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	ind := waitInd(t, inds, modem.NewMessage)
	sink := newMemSink()
	res, err := d.Drain(context.Background(), sink)
	if err != nil || res.Stored != 1 || sink.texts[0].Index != ind.Index || sink.texts[0].Msg.Text != "arrived mid-send" {
		t.Fatalf("drain %+v %v, texts %+v, indication %+v", res, err, sink.texts, ind)
	}
	if s := m.Sent(); len(s) != 1 || s[0].Msg.Text != "going out" {
		t.Fatalf("sent %+v", s)
	}
}

func TestSendErrors(t *testing.T) {
	t.Parallel() // each case has its own emulated dongle
	// short is for the cases that wait out a silence (no prompt, no final
	// result): the dongle's timeouts are what they wait.
	short := fastTimeouts
	short.Prompt, short.Final = 200*time.Millisecond, 300*time.Millisecond
	tests := []struct {
		name      string
		fault     modemtest.Fault
		wantErr   bool
		class     modem.Class
		unknown   bool
		cmgs      int // AT+CMGS issued
		wentOut   int // texts the network got
		wantTries int
		timeouts  *modem.Timeouts // nil: fastTimeouts
	}{
		{"transient then fine", modemtest.Fault{Command: "AT+CMGS", Reply: "+CMS ERROR: 42"}, false, modem.ClassNone, false, 2, 1, 2, nil},
		{"transient three times", modemtest.Fault{Command: "AT+CMGS", Reply: "+CMS ERROR: 332", Times: 3}, true, modem.ClassTransient, false, 3, 0, 3, nil},
		{"no prompt: ESC and retry", modemtest.Fault{Command: "AT+CMGS", NoPrompt: true}, false, modem.ClassNone, false, 2, 1, 2, &short},
		{"500 after the text went out", modemtest.Fault{Command: "AT+CMGS", Reply: "+CMS ERROR: 500", WentOut: true}, true, modem.ClassUnknown, true, 1, 1, 1, nil},
		{"silence after Ctrl-Z", modemtest.Fault{Command: "AT+CMGS", Silent: true, WentOut: true}, true, modem.ClassUnknown, true, 1, 1, 1, &short},
		{"unassigned number", modemtest.Fault{Command: "AT+CMGS", Reply: "+CMS ERROR: 1"}, true, modem.ClassRecipient, false, 1, 0, 1, nil},
		{"barred SIM", modemtest.Fault{Command: "AT+CMGS", Reply: "+CMS ERROR: 8"}, true, modem.ClassSIM, false, 1, 0, 1, nil},
		{"memory full", modemtest.Fault{Command: "AT+CMGS", Reply: "+CMS ERROR: 322"}, true, modem.ClassStorage, false, 1, 0, 1, nil},
		{"plain ERROR", modemtest.Fault{Command: "AT+CMGS", Reply: "ERROR", Times: -1}, true, modem.ClassTransient, false, 3, 0, 3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := emulator(t, modemtest.WithFaults(tt.fault))
			var dopt []modem.Option
			if tt.timeouts != nil {
				dopt = append(dopt, modem.WithTimeouts(*tt.timeouts))
			}
			d := open(t, m, dopt...)
			res, err := d.Send(context.Background(), to, "hello", modem.SendOptions{})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, want error %v", err, tt.wantErr)
			}
			if got := modem.ClassOf(err); got != tt.class {
				t.Errorf("class %s, want %s (%v)", got, tt.class, err)
			}
			if errors.Is(err, modem.ErrUnknownOutcome) != tt.unknown {
				t.Errorf("unknown outcome %v, want %v: %v", !tt.unknown, tt.unknown, err)
			}
			if n := m.Count("AT+CMGS"); n != tt.cmgs {
				t.Errorf("%d AT+CMGS, want %d", n, tt.cmgs)
			}
			if n := len(m.Sent()); n != tt.wentOut {
				t.Errorf("%d texts went out, want %d", n, tt.wentOut)
			}
			if res.Tries != tt.wantTries {
				t.Errorf("tries %d, want %d", res.Tries, tt.wantTries)
			}
			// The engine is usable afterwards (a late answer, if any, is drained).
			if _, err := d.AT().Command(context.Background(), "AT+CSQ"); err != nil {
				t.Fatalf("engine broken after the error: %v", err)
			}
		})
	}
}

func TestSendSecondPartFails(t *testing.T) {
	m := emulator(t, modemtest.WithFaults(modemtest.Fault{Command: "AT+CMGS", Nth: 2, Reply: "+CMS ERROR: 500", WentOut: true}))
	d := open(t, m)
	res, err := d.Send(context.Background(), to, strings.Repeat("Two parts for sure. ", 10), modem.SendOptions{})
	if !errors.Is(err, modem.ErrUnknownOutcome) || !strings.Contains(err.Error(), "part 2 of 2") {
		t.Fatalf("err %v", err)
	}
	if len(res.Refs) != 1 || res.Parts != 2 {
		t.Fatalf("result %+v: want the first part's reference", res)
	}
}

func TestSendParksAfterThreeFailures(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	m := emulator(t, modemtest.WithFaults(modemtest.Fault{Command: "AT+CMGS", Reply: "+CMS ERROR: 38", Times: -1}))
	d := open(t, m, modem.WithClock(clock), modem.WithRetry(2, time.Millisecond))
	for i := range 3 {
		if _, err := d.Send(context.Background(), to, "x", modem.SendOptions{}); modem.ClassOf(err) != modem.ClassTransient {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	h := d.Health()
	if h.State != modem.Parked || !h.ParkedUntil.Equal(now.Add(time.Hour)) || h.SendFailures != 3 {
		t.Fatalf("health %+v", h)
	}
	before := m.Count("AT+CMGS")
	if _, err := d.Send(context.Background(), to, "x", modem.SendOptions{}); !errors.Is(err, modem.ErrParked) {
		t.Fatalf("send while parked: %v", err)
	}
	if m.Count("AT+CMGS") != before {
		t.Fatal("a parked dongle sent")
	}
	now = now.Add(time.Hour + time.Second)
	m.ClearFaults()
	if _, err := d.Send(context.Background(), to, "x", modem.SendOptions{}); err != nil {
		t.Fatalf("after the parking: %v", err)
	}
	if h := d.Health(); h.State != modem.Healthy || h.SendFailures != 0 {
		t.Fatalf("health %+v", h)
	}
}

func TestSendRecipientErrorsDoNotPark(t *testing.T) {
	m := emulator(t, modemtest.WithFaults(modemtest.Fault{Command: "AT+CMGS", Reply: "+CMS ERROR: 1", Times: -1}))
	d := open(t, m)
	for range 4 {
		if _, err := d.Send(context.Background(), to, "x", modem.SendOptions{}); modem.ClassOf(err) != modem.ClassRecipient {
			t.Fatal(err)
		}
	}
	if h := d.Health(); h.State != modem.Healthy {
		t.Fatalf("health %+v", h)
	}
}

func TestSendInvalid(t *testing.T) {
	m := emulator(t)
	d := open(t, m)
	_, err := d.Send(context.Background(), "not a number", "x", modem.SendOptions{})
	if !errors.Is(err, modem.ErrInvalidText) || modem.ClassOf(err) != modem.ClassRecipient || m.Count("AT+CMGS") != 0 {
		t.Fatalf("err %v, class %s", err, modem.ClassOf(err))
	}
}

// TestStatusReports: stored reports (+CDSI, CNMI ds=2, the init default)
// come through Drain; direct ones (+CDS, ds=1) through OnIndication. Both
// carry the MR that Send returned.
func TestStatusReports(t *testing.T) {
	t.Run("stored", func(t *testing.T) {
		m := emulator(t)
		d := open(t, m)
		inds := make(chan modem.Indication, 8)
		d.OnIndication(func(ind modem.Indication) { inds <- ind })
		res, err := d.Send(context.Background(), to, "report please", modem.SendOptions{StatusReport: true})
		if err != nil {
			t.Fatal(err)
		}
		waitInd(t, inds, modem.StatusReport)
		sink := newMemSink()
		dr, err := d.Drain(context.Background(), sink)
		if err != nil || dr.Reports != 1 {
			t.Fatalf("drain %+v %v", dr, err)
		}
		r := sink.reports[0].Msg
		if r.MR != res.Refs[0] || r.Recipient != to || r.Status != 0 {
			t.Fatalf("report %+v, refs %v", r, res.Refs)
		}
	})
	t.Run("direct", func(t *testing.T) {
		m := emulator(t, modemtest.WithStatusReports(0x46, 10*time.Millisecond)) // expired
		d := open(t, m)
		if _, err := d.AT().Command(context.Background(), "AT+CNMI=2,1,0,1,0"); err != nil {
			t.Fatal(err)
		}
		inds := make(chan modem.Indication, 8)
		d.OnIndication(func(ind modem.Indication) { inds <- ind })
		res, err := d.Send(context.Background(), to, "report please", modem.SendOptions{StatusReport: true})
		if err != nil {
			t.Fatal(err)
		}
		ind := waitInd(t, inds, modem.StatusReport)
		if ind.Report == nil || ind.Report.Msg == nil || ind.Report.Msg.MR != res.Refs[0] || ind.Report.Msg.Status != 0x46 {
			t.Fatalf("indication %+v", ind)
		}
	})
}
