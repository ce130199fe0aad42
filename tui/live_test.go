package tui_test

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/classify"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui"
	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/tuitest"
)

// probe wraps the root model in a real program and keeps its last frame,
// so a test can watch the screen as the operator would.
type probe struct {
	*tui.Model
	mu    sync.Mutex
	last  string
	bells int // frames that carried the terminal's bell
}

func (p *probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.Model.Update(msg)
	return p, cmd
}

func (p *probe) View() string {
	v := p.Model.View()
	p.mu.Lock()
	p.last = tuitest.Plain(v)
	p.bells += strings.Count(v, "\a")
	p.mu.Unlock()
	return v
}

func (p *probe) rang() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.bells
}

func (p *probe) frame() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last
}

// waitFor waits up to within for a frame that ok accepts and returns it
// and how long it took.
func (p *probe) waitFor(t *testing.T, within time.Duration, what string, ok func(string) bool) (string, time.Duration) {
	t.Helper()
	start := time.Now()
	for time.Since(start) < within {
		if f := p.frame(); ok(f) {
			return f, time.Since(start)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %s within %v; the screen:\n%s", what, within, p.frame())
	return "", 0
}

// cursorLine is the line of the frame with the row marker.
func cursorLine(frame string) string {
	for _, l := range strings.Split(frame, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "▸") {
			return l
		}
	}
	return ""
}

// TestFollowsTheDatabase runs the program with a real watcher on a real
// file: texts another process stores show on the screen on show within 2 s
// with no key pressed, the cursor staying on the item it was on, and the
// Replies tab counts them on every screen.
func TestFollowsTheDatabase(t *testing.T) {
	ctx := context.Background()
	texts := 0
	newText := func(number, text string) func(*store.DB) error {
		return func(db *store.DB) error {
			texts++
			_, _, err := db.InsertMessage(ctx, store.Message{Direction: store.In, Kind: store.KindInbound, Number: number,
				Text: text, Norm: classify.Normalize(text), At: tuitest.Now.Add(time.Duration(texts) * time.Second)})
			return err
		}
	}
	cases := []struct {
		name   string
		keys   []string // to the screen and the row
		cursor string   // the row the cursor is on, before and after
		change func(*store.DB) error
		shows  string // what the change shows on the screen
		badge  string // the Replies tab after the change
		bell   bool   // the setting tui.bell: a new reply rings once
	}{
		{"replies", []string{"alt+1", "j"}, "Who is this?", newText("+447700900150", "Can I bring my dog?"), "Can I bring my dog?", "Replies·5", false},
		{"conversations", []string{"alt+2", "j"}, "+447700900103", newText("+447700900151", "Running late"), "+447700900151", "Replies·5", false},
		{"inbox", []string{"alt+3", "j"}, "+447700900103", newText("+447700900152", "Table for 6"), "Table for 6", "Replies·5", false},
		{"outbox", []string{"alt+5", "j"}, "Winter sale", func(db *store.DB) error {
			_, _, err := db.InsertMessage(ctx, store.Message{Direction: store.Out, Kind: store.KindManual, Number: "+447700900153",
				Text: "Your table is held", State: store.StateQueued, At: tuitest.Now.Add(time.Minute)})
			return err
		}, "Your table is held", "Replies·4", false},
		{"stats", []string{"alt+8"}, "", newText("+447700900154", "Ok"), "", "Replies·5", false},
		{"bell", []string{"alt+2"}, "", newText("+447700900155", "Ring ring"), "Ring ring", "Replies·5", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, be := tuitest.Setup(t)
			tuitest.Seed(t, c.DB)
			be.Suggestion = common.Suggestion{Category: "Thanks", Confidence: 0.9}
			w, err := c.DB.Watch(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			c.Watch = w
			c.Bell = tc.bell
			pctx, cancel := context.WithCancel(ctx)
			defer cancel()
			c.Ctx = pctx
			p := &probe{Model: tui.NewApp(c)}
			prog := tea.NewProgram(p, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithContext(pctx))
			done := make(chan struct{})
			go func() { defer close(done); prog.Run() }()
			defer func() { cancel(); <-done }()
			prog.Send(tea.WindowSizeMsg{Width: 120, Height: 30})
			p.waitFor(t, 5*time.Second, "first frame", func(f string) bool { return strings.Contains(f, "Replies·4") })
			for _, k := range tc.keys {
				prog.Send(tuitest.Key(k))
				time.Sleep(200 * time.Millisecond) // the screen's page loads
			}
			if tc.cursor != "" {
				p.waitFor(t, 5*time.Second, "cursor on "+tc.cursor, func(f string) bool {
					return strings.Contains(cursorLine(f), tc.cursor)
				})
			}
			// Another process writes: its own handle on the file.
			other, err := store.Open(ctx, c.DB.Path())
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			if err := tc.change(other); err != nil {
				t.Fatal(err)
			}
			f, took := p.waitFor(t, 2*time.Second, "change on screen", func(f string) bool {
				return strings.Contains(f, tc.shows) && strings.Contains(strings.SplitN(f, "\n", 2)[0], tc.badge)
			})
			t.Logf("change to screen: %v", took)
			if tc.cursor != "" && !strings.Contains(cursorLine(f), tc.cursor) {
				t.Fatalf("the cursor left %q:\n%s", tc.cursor, f)
			}
			if got := p.rang(); (got > 0) != tc.bell {
				t.Fatalf("%d frames rang the bell; tui.bell %v", got, tc.bell)
			}
		})
	}
}

// TestOperatorInTabBar: a wide tab bar says whose desk it is (over SSH
// several people use one).
func TestOperatorInTabBar(t *testing.T) {
	c, _ := tuitest.Setup(t)
	c.Operator = "Sam Lee"
	m := tui.NewApp(c)
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 30})
	if bar := strings.SplitN(tuitest.Plain(m.View()), "\n", 2)[0]; !strings.HasPrefix(bar, "Texting Centre · Sam Lee  1 Replies") {
		t.Fatalf("tab bar: %q", bar)
	}
}
