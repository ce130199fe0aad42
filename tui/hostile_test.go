package tui_test

import (
	"context"
	"errors"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui"
	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/tuitest"
)

// inj is the escape-injection text of issue 16 (title, bell, red), with an
// 8-bit CSI and a right-to-left override for good measure.
const inj = "\x1b]0;PWNED-TITLE\x07\x1b[31m\u009b1m\u202e"

// seedHostile puts outside text in every field a screen shows: a network's
// name and notes, a SIM's phone, notes, park reason and port, a template, a
// category and its auto-reply, received texts from a number that is not a
// number, a failed text's error.
func seedHostile(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	now := tuitest.Now
	net, err := db.AddNetwork(ctx, store.Network{Name: "Evil" + inj, Notes: "call " + inj})
	if err != nil {
		t.Fatal(err)
	}
	sim, err := db.AddSIM(ctx, store.SIM{NetworkID: net.ID, IMSI: "234109999999999", Phone: "+447700900999", Active: true,
		DailyLimit: 100, LastPort: "/dev/tty" + inj, Notes: "note " + inj, ParkedUntil: now.Add(time.Hour), ParkReason: "CMS 500 " + inj})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddTemplate(ctx, store.Template{Name: "aaa" + inj, Body: "Hi {name} " + inj, Followup: "again " + inj, AltFollowup: "alt " + inj}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddCategory(ctx, store.Category{Name: "Weird" + inj, Followup: "none", AutoReply: "auto " + inj}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddOptOutByHand(ctx, "+447700900991", "asked by phone "+inj); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddOptOutByHand(ctx, "evil"+inj, "note "+inj); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting(ctx, "modem.ports", "/dev/tty"+inj); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting(ctx, "greeting.country", inj); err != nil {
		t.Fatal(err)
	}
	for i, number := range []string{"+447700900990", "evil" + inj} {
		if _, _, err := db.InsertMessage(ctx, store.Message{Direction: store.In, SIMID: sim.ID, Number: number,
			Text: "reply " + inj + "\nsecond line", At: now.Add(-time.Duration(i+1) * time.Second), Kind: store.KindInbound}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.InsertMessage(ctx, store.Message{Direction: store.Out, SIMID: sim.ID, Number: number,
			Text: "out " + inj, At: now.Add(-time.Duration(i+1) * time.Minute), Kind: store.KindManual,
			State: store.StateFailed, Error: "provider: " + inj}); err != nil {
			t.Fatal(err)
		}
	}
}

// checkView fails when a view holds anything that is not plain text: the
// styles are colourless in tests, so any escape at all came from the data.
func checkView(t *testing.T, where, view string) {
	t.Helper()
	for i, r := range view {
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			lo, hi := max(0, i-40), min(len(view), i+40)
			t.Errorf("%s: %U reaches the terminal: %q", where, r, view[lo:hi])
			return
		}
	}
}

// TestHostileTextOnEveryScreen walks every screen of the app over a desk full
// of escape sequences — each row selected in turn, details, edit forms, the
// campaign plan, the status line — and fails when one reaches the view.
func TestHostileTextOnEveryScreen(t *testing.T) {
	c, be := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	seedHostile(t, c.DB)
	be.Suggestion = common.Suggestion{Category: "Weird" + inj, Confidence: 0.95}
	be.ModemList = []common.ModemStatus{
		{Port: "/dev/ttyUSB2" + inj, IMEI: "8612" + inj, IMSI: "234109999999999", Operator: "O2" + inj, Bars: 3, Err: "CME " + inj},
		{Port: "/dev/ttyUSB3", IMSI: "234100000000001", Operator: inj, Bars: 1},
	}
	be.Names = []string{"Eve" + inj, "Bob"}
	be.Result = "done " + inj
	be.Campaign = common.CampaignResult{DryRun: true, Groups: []common.CampaignGroup{
		{Group: "grp" + inj, Recipients: 3, ToSend: 2, Parts: 2, Skipped: map[string]int{"opted_out" + inj: 1}, Error: "no template " + inj}}}
	m := tui.NewApp(c)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	drive(t, m, m.Init())

	seen := map[string]bool{}
	for !seen[m.Active().Title()] {
		title := m.Active().Title()
		seen[title] = true
		view := func(what string) {
			t.Helper()
			checkView(t, title+" "+what+" (screen)", m.Active().View())
			checkView(t, title+" "+what, m.View())
		}
		view("first row")
		for i := 0; i < 12; i++ {
			press(t, m, "down")
			view("row " + string(rune('a'+i)))
		}
		switch title {
		case "Conversations":
			press(t, m, "home")
			for i := 0; i < 12; i++ {
				press(t, m, "enter")
				view("thread")
				press(t, m, "esc", "down")
			}
		case "Outbox":
			press(t, m, "c")
			view("campaign plan")
			press(t, m, "esc")
			press(t, m, "x")
			view("confirm")
			press(t, m, "n")
		case "Send":
			press(t, m, "esc", "ctrl+o")
			view("opt-out list")
			for i := 0; i < 4; i++ {
				press(t, m, "down")
				view("opt-out row")
			}
			press(t, m, "esc")
		case "Modems":
			press(t, m, "home", "r")
			view("read-in result")
		case "Templates", "Networks", "SIMs", "Categories":
			press(t, m, "home", "e")
			view("edit form")
			press(t, m, "esc")
			press(t, m, "d")
			view("confirm delete")
			press(t, m, "n")
		}
		// Errors and status lines from outside reach the root too.
		m.Update(common.ErrMsg{Err: errors.New("gateway said " + inj)})
		view("error line")
		m.Update(common.StatusMsg{Text: "status " + inj})
		view("status line")
		press(t, m, "esc", "tab")
	}
	t.Logf("screens walked: %v", seen)
	if len(seen) < 11 {
		t.Errorf("walked %d screens: %v", len(seen), seen)
	}
}
