package modems_test

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/modems"
	"github.com/texting-centre/texting/tui/tuitest"
)

func TestBoardReadInAndTestText(t *testing.T) {
	c, be := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	be.ModemList = []common.ModemStatus{
		{Port: "/dev/ttyUSB2", IMEI: "861", IMSI: "234100000000001", Operator: "O2-UK", Bars: 4, SignalDBM: -71, StorageUsed: 3, StorageTotal: 30},
		{Port: "/dev/ttyUSB5", IMSI: "234100000000002", Operator: "O2-UK", Bars: 1, Recovering: true},
		{Port: "/dev/ttyUSB8", Err: "port busy"},
	}
	be.Result = "/dev/ttyUSB2: 2 stored, 2 deleted"
	m := modems.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	v := tuitest.Plain(m.View())
	for _, want := range []string{"3 dongle(s) found", "▁▂▃▄·", "3/30", "0/300", "recovering", "error", "Vodafone 1"} {
		if !strings.Contains(v, want) {
			t.Fatalf("board lacks %q:\n%s", want, v)
		}
	}
	tuitest.Type(t, m, nil, "r")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "✓ /dev/ttyUSB2: 2 stored, 2 deleted") {
		t.Fatalf("no read-in result:\n%s", v)
	}
	// t asks for a number, validates it and sends from the dongle's SIM.
	tuitest.Type(t, m, nil, "t")
	if !m.Captures(tuitest.Key("q")) {
		t.Fatal("the number prompt must capture keys")
	}
	tuitest.Text(t, m, "07700 900555")
	tuitest.Type(t, m, nil, "enter")
	calls := be.CallList()
	if len(calls) != 2 || calls[0] != "ReadIn" || !strings.HasPrefix(calls[1], "Send +447700900555 Texting Centre test text from O2 1") {
		t.Fatalf("calls = %q", calls)
	}
	// A dongle with an unknown SIM cannot send a test text.
	var root []tea.Msg
	tuitest.Type(t, m, func(msg tea.Msg) { root = append(root, msg) }, "down", "down", "t")
	if !strings.Contains(fmt.Sprint(root), "pick a dongle whose SIM is known") {
		t.Fatalf("root got %v", root)
	}
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "error: port busy") {
		t.Fatalf("the selected dongle's error is not spelled out:\n%s", v)
	}
}
