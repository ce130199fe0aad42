package tui_test

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/tui"
	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/tuitest"
)

// drive runs cmd and everything it leads to through the root model; commands
// that block (spinner ticks) are dropped after a short wait.
func drive(t testing.TB, m *tui.Model, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			t.Fatal("commands do not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		var msg tea.Msg
		select {
		case msg = <-done:
		case <-time.After(5 * time.Second):
			continue
		}
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg:
		default:
			if _, ok := msg.(interface{ Tick() }); ok {
				continue
			}
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
}

func press(t testing.TB, m *tui.Model, keys ...string) {
	t.Helper()
	for _, k := range keys {
		_, cmd := m.Update(tuitest.Key(k))
		drive(t, m, cmd)
	}
}

func newApp(t *testing.T, w, h int) (*tui.Model, *tuitest.Backend) {
	t.Helper()
	c, be := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	be.Suggestion = common.Suggestion{Category: "Thanks", Confidence: 0.93}
	be.ModemList = []common.ModemStatus{
		{Port: "/dev/ttyUSB2", IMEI: "861234567890123", IMSI: "234100000000001", Operator: "O2-UK", SignalDBM: -71, Bars: 4, StorageUsed: 3, StorageTotal: 30},
		{Port: "/dev/ttyUSB5", IMEI: "861234567890456", IMSI: "234100000000002", Operator: "O2-UK", SignalDBM: -95, Bars: 2, StorageUsed: 30, StorageTotal: 30},
		{Port: "/dev/ttyUSB8", IMEI: "861234567890789", IMSI: "234209999999999", Operator: "EE", SignalDBM: -80, Bars: 3, StorageUsed: 0, StorageTotal: 30},
	}
	be.Names = []string{"Al", "Bartholomew-Maximilian", "Jo"}
	m := tui.NewApp(c)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	drive(t, m, m.Init())
	return m, be
}

// TestGoldenScreens renders every screen at 100×30 on the seeded desk.
func TestGoldenScreens(t *testing.T) {
	m, _ := newApp(t, 100, 30)
	names := []string{"replies", "conversations", "inbox", "modems", "outbox", "send", "templates", "stats",
		"categories", "sims", "networks"}
	for i, name := range names {
		if i > 0 {
			if i == 6 {
				press(t, m, "esc")
			}
			press(t, m, "tab")
		}
		view := m.View()
		if n := strings.Count(view, "\n") + 1; n != 30 {
			t.Errorf("%s: view is %d lines, want 30", name, n)
		}
		tuitest.Golden(t, "app_"+name, view)
	}
}

func TestGolden80x24AndHelp(t *testing.T) {
	m, _ := newApp(t, 80, 24)
	tuitest.Golden(t, "app_replies_80x24", m.View())
	press(t, m, "?")
	tuitest.Golden(t, "app_replies_help_80x24", m.View())
	for _, line := range strings.Split(tuitest.Plain(m.View()), "\n") {
		if w := len([]rune(line)); w > 80 {
			t.Errorf("line wider than 80: %q", line)
		}
	}
}

func TestRootKeys(t *testing.T) {
	m, be := newApp(t, 100, 30)
	if m.Active().Title() != "Replies" {
		t.Fatalf("opens on %s", m.Active().Title())
	}
	// Digits belong to the review queue: 2 categorises, it does not switch.
	press(t, m, "2")
	if m.Active().Title() != "Replies" || len(be.CallList()) != 1 || !strings.HasSuffix(be.CallList()[0], "End") {
		t.Fatalf("on %s after 2, calls %q", m.Active().Title(), be.CallList())
	}
	press(t, m, "alt+5")
	if m.Active().Title() != "Outbox" {
		t.Fatalf("alt+5 went to %s", m.Active().Title())
	}
	press(t, m, "2")
	if m.Active().Title() != "Conversations" {
		t.Fatalf("2 on the outbox went to %s", m.Active().Title())
	}
	press(t, m, "shift+tab")
	if m.Active().Title() != "Replies" {
		t.Fatalf("shift+tab went to %s", m.Active().Title())
	}
	// t on the queue opens the thread of the selected text's number.
	press(t, m, "t")
	if m.Active().Title() != "Conversations" || !strings.Contains(tuitest.Plain(m.View()), "filter: +447700900103") {
		t.Fatalf("t opened %s:\n%s", m.Active().Title(), tuitest.Plain(m.View()))
	}
	// esc goes back to where t was pressed.
	press(t, m, "esc")
	if m.Active().Title() != "Replies" {
		t.Fatalf("esc after t went to %s", m.Active().Title())
	}
	// The send screen types digits and q; alt+digit still leaves it.
	press(t, m, "alt+6", "q", "1")
	if m.Active().Title() != "Send" || !strings.Contains(tuitest.Plain(m.View()), "q1") {
		t.Fatalf("send screen did not take q and 1:\n%s", tuitest.Plain(m.View()))
	}
	press(t, m, "alt+1")
	_, cmd := m.Update(tuitest.Key("q"))
	if cmd == nil {
		t.Fatal("q on the queue must quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q did not quit")
	}
}

func TestErrorOnStatusLine(t *testing.T) {
	m, _ := newApp(t, 100, 30)
	m.Update(common.ErrMsg{Err: errTest("sending is not available yet")})
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "✗ sending is not available yet") {
		t.Fatalf("no error shown:\n%s", v)
	}
	press(t, m, "down")
	if v := tuitest.Plain(m.View()); strings.Contains(v, "not available") {
		t.Fatal("the error must clear on the next key")
	}
}

type errTest string

func (e errTest) Error() string { return string(e) }

// TestKeysArrivingTogether: "111" read in one go is three keystrokes, each
// categorising the next group.
func TestKeysArrivingTogether(t *testing.T) {
	m, be := newApp(t, 100, 30)
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("111")})
	drive(t, m, cmd)
	if n := len(be.CallList()); n != 3 {
		t.Fatalf("%d tags for three keystrokes: %q", n, be.CallList())
	}
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "0 groups · 0 texts") {
		t.Fatalf("queue not emptied:\n%s", v)
	}
}

// TestFooterFits: on every screen, at 100 and at 60 columns, the short help
// fits the width and still ends with the help and quit keys (ctrl+c where a
// text field has the keys).
func TestFooterFits(t *testing.T) {
	for _, w := range []int{100, 60} {
		m, _ := newApp(t, w, 30)
		for i := 0; i < 11; i++ {
			if i > 0 {
				press(t, m, "alt+1")
				for j := 0; j < i; j++ {
					if m.Active().Captures(tuitest.Key("tab")) {
						press(t, m, "esc")
					}
					press(t, m, "tab")
				}
			}
			lines := strings.Split(strings.TrimRight(tuitest.Plain(m.View()), "\n"), "\n")
			foot := lines[len(lines)-1]
			if n := len([]rune(foot)); n > w {
				t.Errorf("%s at %d: footer %d wide: %q", m.Active().Title(), w, n, foot)
			}
			want := "? help • q quit"
			if m.Active().Captures(tuitest.Key("q")) {
				want = "ctrl+c quit"
			}
			if !strings.HasSuffix(foot, want) {
				t.Errorf("%s at %d: footer %q does not end with %q", m.Active().Title(), w, foot, want)
			}
		}
	}
}

// TestStatusForgottenOnReturn: what a screen's last action did does not stay
// on it after other screens acted and it was shown again.
func TestStatusForgottenOnReturn(t *testing.T) {
	m, be := newApp(t, 100, 30)
	be.Result = "/dev/ttyUSB2: 2 stored"
	press(t, m, "1", "u")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "✓ undone: 2 texts back in the queue") {
		t.Fatalf("no undo result:\n%s", v)
	}
	press(t, m, "alt+4", "r")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "✓ /dev/ttyUSB2: 2 stored") {
		t.Fatalf("no read-in result:\n%s", v)
	}
	press(t, m, "alt+1")
	if v := tuitest.Plain(m.View()); strings.Contains(v, "undone") {
		t.Fatalf("stale status on Replies:\n%s", v)
	}
	press(t, m, "alt+4")
	if v := tuitest.Plain(m.View()); strings.Contains(v, "2 stored") {
		t.Fatalf("stale read-in result on Modems:\n%s", v)
	}
}

// TestTabBarNames: at 100 columns the bar fits, shows the texts waiting for
// review and names the reply types as the screen calls them, the screens
// without a digit shortened first; at 120 it says how those are reached.
func TestTabBarNames(t *testing.T) {
	m, _ := newApp(t, 100, 30)
	bar := strings.Split(tuitest.Plain(m.View()), "\n")[0]
	if n := len([]rune(bar)); n > 100 || !strings.Contains(bar, "1 Replies·4 ") || !strings.Contains(bar, "9 Types") ||
		!strings.HasSuffix(bar, "0 SIMs Net Set") {
		t.Fatalf("tab bar (%d wide): %q", n, bar)
	}
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	if bar := strings.Split(tuitest.Plain(m.View()), "\n")[0]; !strings.HasSuffix(bar, "tab Networks tab Settings") {
		t.Fatalf("tab bar at 120: %q", bar)
	}
	press(t, m, "alt+9")
	if head := strings.Split(tuitest.Plain(m.View()), "\n")[1]; !strings.HasPrefix(head, "Reply types") {
		t.Fatalf("screen 9 is headed %q", head)
	}
}
