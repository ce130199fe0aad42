package replies_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/replies"
	"github.com/texting-centre/texting/tui/tuitest"
)

func setup(t *testing.T) (*replies.Model, *tuitest.Backend, tuitest.Fixture, *[]tea.Msg) {
	t.Helper()
	c, be := tuitest.Setup(t)
	f := tuitest.Seed(t, c.DB)
	be.Suggestion = common.Suggestion{Category: "Thanks", Confidence: 0.93}
	m := replies.New(c)
	m.SetSize(100, 26)
	var root []tea.Msg
	tuitest.Run(t, m, m.Init(), func(msg tea.Msg) { root = append(root, msg) })
	return m, be, f, &root
}

func TestGoldenView(t *testing.T) {
	m, _, _, _ := setup(t)
	tuitest.Golden(t, "replies", m.View())
	m.SetSize(80, 21)
	tuitest.Golden(t, "replies_80x24", m.View())
}

func TestCategoriseByDigit(t *testing.T) {
	m, be, f, root := setup(t)
	if !m.Captures(tuitest.Key("1")) || m.Captures(tuitest.Key("q")) {
		t.Fatal("the queue must take the digits and leave q to the root")
	}
	// The newest group is "Thanks!" + "thanks" (two numbers): one key tags both.
	tuitest.Type(t, m, nil, "1")
	if got := be.CallList(); len(got) != 1 || got[0] != fmt.Sprintf("Tag %d Thanks", f.Queue[0]) {
		t.Fatalf("calls = %q", got)
	}
	for _, id := range []int64{f.Queue[0], f.Queue[2]} {
		msg, err := be.DB.Message(context.Background(), id)
		if err != nil || msg.Category != "Thanks" {
			t.Fatalf("message %d: %q, %v", id, msg.Category, err)
		}
	}
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "2 groups · 2 texts") || !strings.Contains(v, "Thanks: 2 texts") {
		t.Fatalf("view after tagging:\n%s", v)
	}
	// Category 4 is Misc; the cursor is on the next group (Who is this?).
	tuitest.Type(t, m, nil, "4")
	msg, _ := be.DB.Message(context.Background(), f.Queue[1])
	if msg.Category != "Misc" {
		t.Fatalf("second group: %q", msg.Category)
	}
	// A digit without a category says so and tags nothing.
	tuitest.Type(t, m, func(msg tea.Msg) { *root = append(*root, msg) }, "9")
	if n := len(be.CallList()); n != 2 {
		t.Fatalf("%d calls after an unknown category", n)
	}
	if len(*root) == 0 || !strings.Contains(fmt.Sprint((*root)[len(*root)-1]), "no category 9") {
		t.Fatalf("root got %v", *root)
	}
}

func TestAcceptSuggestionAndUndo(t *testing.T) {
	m, be, f, _ := setup(t)
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "Suggestion Thanks 93%") {
		t.Fatalf("no suggestion shown:\n%s", v)
	}
	tuitest.Type(t, m, nil, "enter")
	msg, _ := be.DB.Message(context.Background(), f.Queue[0])
	if msg.Category != "Thanks" {
		t.Fatalf("enter did not accept the suggestion: %q", msg.Category)
	}
	tuitest.Type(t, m, nil, "u")
	for _, id := range []int64{f.Queue[0], f.Queue[2]} {
		msg, _ := be.DB.Message(context.Background(), id)
		if msg.Category != "" {
			t.Fatalf("undo left message %d in %q", id, msg.Category)
		}
	}
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "3 groups · 4 texts") || !strings.Contains(v, "undone: 2 texts") {
		t.Fatalf("view after undo:\n%s", v)
	}
	calls := be.CallList()
	if len(calls) != 2 || !strings.HasPrefix(calls[1], "Untag") {
		t.Fatalf("calls = %q", calls)
	}
}

func TestFilterAndMove(t *testing.T) {
	m, _, _, _ := setup(t)
	tuitest.Type(t, m, nil, "/")
	if !m.Captures(tuitest.Key("q")) {
		t.Fatal("the open filter must capture every key")
	}
	tuitest.Text(t, m, "friday")
	tuitest.Type(t, m, nil, "enter")
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "1 group · 1 text") || !strings.Contains(v, "book me in") || strings.Contains(v, "Who is this") {
		t.Fatalf("filtered view:\n%s", v)
	}
	tuitest.Type(t, m, nil, "esc")
	tuitest.Type(t, m, nil, "down", "down")
	v = tuitest.Plain(m.View())
	if !strings.Contains(v, "▸") || !strings.Contains(v, "From +447700900104") {
		t.Fatalf("cursor not on the third group:\n%s", v)
	}
}

func TestTagErrorShowsAndRestores(t *testing.T) {
	m, be, _, _ := setup(t)
	be.Fail = errors.New("database is on fire")
	var got []tea.Msg
	tuitest.Type(t, m, func(msg tea.Msg) { got = append(got, msg) }, "1")
	if len(got) == 0 || !strings.Contains(fmt.Sprint(got), "database is on fire") {
		t.Fatalf("error not reported: %v", got)
	}
	be.Fail = nil
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "3 groups · 4 texts") {
		t.Fatalf("the group must come back after a failed tag:\n%s", v)
	}
}

// TestTagKeepsOptOutAsks: a text from a number on the opt-out list tagged
// into a category that is not an opt-out one leaves the opt-out in place;
// the screen says so and asks: n keeps it, y takes it off through the
// backend.
func TestTagKeepsOptOutAsks(t *testing.T) {
	for _, answer := range []string{"n", "y"} {
		t.Run(answer, func(t *testing.T) {
			ctx := context.Background()
			m, be, f, _ := setup(t)
			first, err := be.DB.Message(ctx, f.Queue[0])
			if err != nil {
				t.Fatal(err)
			}
			if err := be.DB.AddOptOut(ctx, first.Number, 0); err != nil {
				t.Fatal(err)
			}
			tuitest.Type(t, m, nil, "4") // Misc
			v := tuitest.Plain(m.View())
			if !strings.Contains(v, first.Number+" (since 26 Nov 2026) stays opted out. Take it off the list? y/n") {
				t.Fatalf("no question:\n%s", v)
			}
			if !m.Captures(tuitest.Key("q")) {
				t.Fatal("the question must take the keys")
			}
			tuitest.Type(t, m, nil, answer)
			out, _ := be.DB.IsOptedOut(ctx, first.Number)
			if want := answer == "n"; out != want {
				t.Fatalf("after %s: opted out = %v, want %v", answer, out, want)
			}
			if v := tuitest.Plain(m.View()); strings.Contains(v, "Take it off") {
				t.Fatalf("the question stays:\n%s", v)
			}
		})
	}
}
