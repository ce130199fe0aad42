package modem_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/modem/modemtest"
)

// TestProbe probes a working dongle, one without a SIM, and a port where
// nothing answers (a terminal that is not a modem).
func TestProbe(t *testing.T) {
	good := emulator(t, modemtest.WithSIM(modemtest.SIM{IMSI: "234100000000077"}), modemtest.WithSignal(9))
	nosim := emulator(t, modemtest.WithNoSIM())
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer slave.Close()
	to := fastTimeouts
	to.Command = 200 * time.Millisecond
	start := time.Now()
	got := modem.Probe(context.Background(), []string{good.Path(), nosim.Path(), slave.Name()}, modem.WithTimeouts(to))
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("probing took %v (ports are probed in parallel)", took)
	}
	if c := got[0]; !c.Usable || c.IMSI != "234100000000077" || c.SignalDBM != -95 || c.Bars != 2 || c.Note != "" {
		t.Errorf("good: %+v", c)
	}
	if c := got[1]; c.Usable || c.Note != "no SIM card" || c.IMEI == "" {
		t.Errorf("no SIM: %+v", c)
	}
	if c := got[2]; c.Usable || !strings.HasPrefix(c.Note, "not answering: no reply to AT within 4s") {
		t.Errorf("silent port: %+v", c)
	}
}
