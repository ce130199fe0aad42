package modems_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/modems"
	"github.com/texting-centre/texting/tui/tuitest"
)

// TestHeldDongleAndFailedReadIn: a dongle another process holds says no
// IMSI; the board shows the SIM last seen on its port (marked ?), never
// "new"; a read-in that failed on a port shows as a failure, not with ✓.
func TestHeldDongleAndFailedReadIn(t *testing.T) {
	c, be := tuitest.Setup(t)
	tuitest.Seed(t, c.DB) // O2 1 was last seen on /dev/ttyUSB2
	be.ModemList = []common.ModemStatus{
		{Port: "/dev/ttyUSB2", Err: "port busy: another process holds it"},
		{Port: "/dev/ttyUSB9", Err: "port busy: another process holds it"},
	}
	be.Result = "/dev/ttyUSB2: 0 stored, 0 deleted, port busy"
	m := modems.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	v := tuitest.Plain(m.View())
	if strings.Contains(v, "new") || !strings.Contains(v, "O2 1?") {
		t.Fatalf("held dongles:\n%s", v)
	}
	be.Fail = errors.New("1 of 1 ports failed")
	tuitest.Type(t, m, nil, "r")
	v = tuitest.Plain(m.View())
	if strings.Contains(v, "✓") || !strings.Contains(v, "✗") || !strings.Contains(v, "1 of 1 ports failed") {
		t.Fatalf("a failed read-in:\n%s", v)
	}
}

// TestDongleHeldByARun: a dongle a campaign run holds shows as held, by
// whom, and that the run reads its SIM in — not as an error.
func TestDongleHeldByARun(t *testing.T) {
	c, be := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	be.ModemList = []common.ModemStatus{
		{Port: "/dev/ttyUSB2", Err: "port busy: another process holds it", HeldBy: "pid 812 (campaign run 14)"},
	}
	m := modems.New(c)
	m.SetSize(120, 26)
	tuitest.Run(t, m, m.Init(), nil)
	v := tuitest.Plain(m.View())
	if strings.Contains(v, "error") || !strings.Contains(v, "held") || !strings.Contains(v, "held by pid 812 (campaign run 14), which reads this SIM in") {
		t.Fatalf("a dongle held by a run:\n%s", v)
	}
}
