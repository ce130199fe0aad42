package messages_test

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/messages"
	"github.com/texting-centre/texting/tui/tuitest"
)

func TestInboxSentPerSIM(t *testing.T) {
	c, _ := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	m := messages.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "Inbox · every SIM  1–5") || !strings.Contains(v, "book me in") {
		t.Fatalf("inbox of every SIM:\n%s", v)
	}
	// ] moves to the first SIM (O2 1): its inbox only.
	tuitest.Type(t, m, nil, "]")
	v = tuitest.Plain(m.View())
	if !strings.Contains(v, "Inbox · O2 1") || strings.Contains(v, "book me in") || !strings.Contains(v, "Thanks!") {
		t.Fatalf("O2 1 inbox:\n%s", v)
	}
	// i toggles to its sent texts, with their states.
	tuitest.Type(t, m, nil, "i")
	v = tuitest.Plain(m.View())
	if !strings.Contains(v, "Sent · O2 1") || !strings.Contains(v, "See you Friday!") || !strings.Contains(v, "queued") {
		t.Fatalf("O2 1 sent:\n%s", v)
	}
	// [ goes back to every SIM.
	tuitest.Type(t, m, nil, "[")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "Sent · every SIM") {
		t.Fatalf("after [:\n%s", v)
	}
	// enter opens the thread of the text's number.
	var root []tea.Msg
	tuitest.Type(t, m, func(msg tea.Msg) { root = append(root, msg) }, "enter")
	if len(root) != 1 || root[0] != (common.SwitchMsg{Title: "Conversations", Arg: "+447700900101"}) {
		t.Fatalf("root got %#v", root)
	}
}

func TestPagingInSQL(t *testing.T) {
	c, _ := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	m := messages.New(c)
	m.SetSize(100, 7) // two rows a page
	tuitest.Run(t, m, m.Init(), nil)
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "1–2, more below") {
		t.Fatalf("first page:\n%s", v)
	}
	tuitest.Type(t, m, nil, "down", "down")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "3–4, more below") || !strings.Contains(v, "▸ 13:04") {
		t.Fatalf("second page:\n%s", v)
	}
	tuitest.Type(t, m, nil, "pgdown")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "5–5") {
		t.Fatalf("last page:\n%s", v)
	}
	tuitest.Type(t, m, nil, "up")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "3–4, more below") {
		t.Fatalf("back up a page:\n%s", v)
	}
}

// TestColumnsKeepAGap: a category longer than its column is cut with a
// space before the text.
func TestColumnsKeepAGap(t *testing.T) {
	c, be := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	rows, err := c.DB.MessagePage(c.Context(), store.MessageFilter{Direction: store.In, Limit: 1}, "")
	if err != nil || len(rows) == 0 {
		t.Fatalf("%v %v", rows, err)
	}
	if _, err := be.Tag(c.Context(), rows[0].ID, "Followup reply"); err != nil {
		t.Fatal(err)
	}
	m := messages.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "Followup re… "+rows[0].Text) {
		t.Fatalf("no gap after the category:\n%s", v)
	}
}
