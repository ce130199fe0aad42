package modem_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/modem/modemtest"
)

// Engine robustness cases found by running an independent emulator against
// the engine.
//
// A dongle that is merely slow answers an abandoned command late. That
// answer must never be taken for the next command's, however long after the
// abandon it comes (within the abandoned command's bound): these cases come
// from an independent emulator run where a quiet-period resync alone handed
// "+CMGS: 1" to the AT+CGSN after a cancelled send.

func TestLateAnswerAfterTimeout(t *testing.T) {
	// The dongle answers AT+CGMR 500 ms late, and only then reads the next
	// command, as a busy firmware does.
	m := emulator(t, modemtest.WithFaults(modemtest.Fault{Command: "AT+CGMR", Delay: 500 * time.Millisecond}))
	d := open(t, m)
	_, err := d.AT().CommandTimeout(context.Background(), "AT+CGMR", 200*time.Millisecond)
	if !errors.Is(err, modem.ErrTimeout) {
		t.Fatalf("want a timeout, got %v", err)
	}
	info, err := d.AT().Command(context.Background(), "AT+CGSN")
	if err != nil || len(info) != 1 || info[0] != d.IMEI() {
		t.Fatalf("AT+CGSN after the timed-out AT+CGMR got %q, %v", info, err)
	}
}

func TestLateAnswerBoundWhenNoneComes(t *testing.T) {
	a, _ := newScripted(t, map[string][]string{
		"AT+CGMR": {},
		"AT+CGMM": {"\r\nE173\r\n\r\nOK\r\n"},
	})
	if _, err := a.CommandTimeout(context.Background(), "AT+CGMR", 50*time.Millisecond); !errors.Is(err, modem.ErrTimeout) {
		t.Fatalf("want a timeout, got %v", err)
	}
	// No late answer at all: the next command waits at most the abandoned
	// command's timeout, then runs.
	start := time.Now()
	info, err := a.Command(context.Background(), "AT+CGMM")
	if err != nil || !slices.Equal(info, []string{"E173"}) {
		t.Fatalf("next command got %q, %v", info, err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("next command waited %v for a late answer that never came", d)
	}
}

func TestLateAnswerAfterCancelledSend(t *testing.T) {
	m := emulator(t, modemtest.WithSendDelay(time.Second))
	d := open(t, m)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := d.Send(ctx, to, "Hello", modem.SendOptions{}); !errors.Is(err, modem.ErrUnknownOutcome) {
		t.Fatalf("cancelled after the PDU: want unknown outcome, got %v", err)
	}
	// The "+CMGS: <mr>" and OK arrive about 800 ms later.
	info, err := d.AT().Command(context.Background(), "AT+CGSN")
	if err != nil || len(info) != 1 || info[0] != d.IMEI() {
		t.Fatalf("AT+CGSN after the cancelled send got %q, %v", info, err)
	}
	if n := len(m.Sent()); n != 1 {
		t.Fatalf("%d texts went out, want 1 (the cancelled one did go)", n)
	}
}

// A +CDS header whose PDU line never comes (a text-mode report, a lost
// line) must not swallow the final result that follows as its "PDU": the
// command would otherwise time out and leave a late-answer wait behind.
func TestTwoLineIndicationWithoutPDU(t *testing.T) {
	a, _ := newScripted(t, map[string][]string{
		"AT+CSQ": {"\r\n+CDS: 6,12,\"+447700900123\",145\r\n", "\r\n+CSQ: 20,99\r\n\r\nOK\r\n"},
	})
	got := make(chan modem.Unsolicited, 1)
	a.Handle("+CDS:", func(u modem.Unsolicited) { got <- u })
	info, err := a.CommandTimeout(context.Background(), "AT+CSQ", time.Second)
	if err != nil || !slices.Equal(info, []string{"+CSQ: 20,99"}) {
		t.Fatalf("AT+CSQ got %q, %v", info, err)
	}
	select {
	case u := <-got:
		if u.PDU != "" {
			t.Fatalf("+CDS took %q for its PDU", u.PDU)
		}
	case <-time.After(time.Second):
		t.Fatal("the +CDS header was not handed on")
	}
}
