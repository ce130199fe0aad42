package conversations_test

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/tui/conversations"
	"github.com/texting-centre/texting/tui/tuitest"
)

func TestThreadAndReply(t *testing.T) {
	c, be := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	be.Result = "1 queued"
	m := conversations.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)

	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "+447700900101  3 texts") || !strings.Contains(v, "Hi Alice, have a good day!") {
		t.Fatalf("first thread not shown:\n%s", v)
	}
	// Moving down loads the next number's thread.
	tuitest.Type(t, m, nil, "down")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "+447700900103  2 texts") || !strings.Contains(v, "to review") {
		t.Fatalf("second thread not shown:\n%s", v)
	}
	// r opens the reply box, which captures keys; ctrl+s sends from the SIM
	// the person last texted with.
	tuitest.Type(t, m, nil, "r")
	if !m.Captures(tuitest.Key("q")) {
		t.Fatal("the reply box must capture q")
	}
	tuitest.Text(t, m, "It's the shop, sorry!")
	var root []tea.Msg
	tuitest.Type(t, m, func(msg tea.Msg) { root = append(root, msg) }, "ctrl+s")
	calls := be.CallList()
	if len(calls) != 1 || calls[0] != "Send +447700900103 It's the shop, sorry! Vodafone 1" {
		t.Fatalf("calls = %q", calls)
	}
	if m.Captures(tuitest.Key("q")) {
		t.Fatal("the reply box must close after sending")
	}
	if len(root) == 0 || !strings.Contains(strings.Join(strings.Fields(fmtMsgs(root)), " "), "reply queued: 1 queued") {
		t.Fatalf("root got %v", root)
	}
}

func TestOpenFiltersToNumber(t *testing.T) {
	c, _ := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	m := conversations.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Open("+447700900104"), nil)
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "filter: +447700900104") || strings.Contains(v, "+447700900101") {
		t.Fatalf("not filtered to the number:\n%s", v)
	}
	tuitest.Type(t, m, nil, "esc")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "+447700900101") {
		t.Fatalf("esc did not clear the filter:\n%s", v)
	}
}

func fmtMsgs(ms []tea.Msg) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(strings.TrimSpace(strings.ReplaceAll(fmtAny(m), "\n", " ")) + " ")
	}
	return b.String()
}

// TestReplyToOptedOutAsks: a reply to a number on the opt-out list is asked
// about first; n sends nothing, y sends it forced.
func TestReplyToOptedOutAsks(t *testing.T) {
	c, be := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	if err := c.DB.AddOptOut(context.Background(), "+447700900101", 0); err != nil {
		t.Fatal(err)
	}
	m := conversations.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	tuitest.Type(t, m, nil, "r")
	tuitest.Text(t, m, "One more thing")
	tuitest.Type(t, m, nil, "ctrl+s")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "on the opt-out list since 26 Nov 2026") || !strings.Contains(v, "y/n") {
		t.Fatalf("no question:\n%s", v)
	}
	tuitest.Type(t, m, nil, "n")
	if calls := be.CallList(); len(calls) != 0 {
		t.Fatalf("n sent: %q", calls)
	}
	tuitest.Type(t, m, nil, "ctrl+s", "y")
	if calls := be.CallList(); len(calls) != 1 || !strings.HasSuffix(calls[0], "force") {
		t.Fatalf("calls = %q, want one forced send", calls)
	}
}
