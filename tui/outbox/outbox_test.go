package outbox_test

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/tui/outbox"
	"github.com/texting-centre/texting/tui/tuitest"
)

func TestResendAndMarkFailed(t *testing.T) {
	c, be := tuitest.Setup(t)
	f := tuitest.Seed(t, c.DB)
	m := outbox.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	v := tuitest.Plain(m.View())
	for _, want := range []string{"queued", "failed", "unknown", "+CMS ERROR: 28"} {
		if !strings.Contains(v, want) {
			t.Fatalf("outbox lacks %q:\n%s", want, v)
		}
	}
	var root []tea.Msg
	sink := func(msg tea.Msg) { root = append(root, msg) }
	// r on a queued text does nothing but say why.
	tuitest.Type(t, m, sink, "r")
	if len(be.CallList()) != 0 || !strings.Contains(fmt.Sprint(root), "queued ones go by themselves") {
		t.Fatalf("calls %q, root %v", be.CallList(), root)
	}
	// The failed text (second row) is resent.
	tuitest.Type(t, m, sink, "down", "r")
	// x on the unknown-outcome text asks first; n keeps it, y marks it failed.
	tuitest.Type(t, m, sink, "down", "x")
	if !m.Captures(tuitest.Key("q")) || !strings.Contains(tuitest.Plain(m.View()), "Mark the text to +447700900106 failed?") {
		t.Fatalf("no confirmation:\n%s", tuitest.Plain(m.View()))
	}
	tuitest.Type(t, m, sink, "n", "x", "y")
	want := []string{fmt.Sprintf("Resend %d", f.Failed), fmt.Sprintf("MarkFailed %d", f.Lost)}
	if got := be.CallList(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("calls = %q, want %q", got, want)
	}
}

func TestFilterOutbox(t *testing.T) {
	c, _ := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	m := outbox.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	tuitest.Type(t, m, nil, "/")
	tuitest.Text(t, m, "winter")
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "Winter sale") || strings.Contains(v, "See you Friday") {
		t.Fatalf("filter not applied:\n%s", v)
	}
}
