package replies_test

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/replies"
	"github.com/texting-centre/texting/tui/tuitest"
)

// TestAlreadyTaggedByAnother: two operators' queues on one database. Ann
// tags the newest group; Sam's screen, loaded before, still shows it, and
// his key on it says who tagged it and when instead of tagging again; the
// texts keep Ann's tag and Sam's queue drops the group.
func TestAlreadyTaggedByAnother(t *testing.T) {
	ctx := context.Background()
	annC, ann := tuitest.Setup(t)
	f := tuitest.Seed(t, annC.DB)
	ann.Operator = "ann"
	samC := *annC
	samC.Backend = &tuitest.Backend{DB: annC.DB, Operator: "sam"}
	a, s := replies.New(annC), replies.New(&samC)
	for _, m := range []*replies.Model{a, s} {
		m.SetSize(100, 26)
		tuitest.Run(t, m, m.Init(), nil)
	}
	tuitest.Type(t, a, nil, "1") // Thanks, by ann

	var said []string
	tuitest.Type(t, s, func(msg tea.Msg) {
		switch msg := msg.(type) {
		case common.StatusMsg:
			said = append(said, msg.Text)
		case common.ErrMsg:
			said = append(said, "error: "+msg.Err.Error())
		}
	}, "4") // Misc, by sam, on the same group
	if len(said) != 1 || said[0] != "already tagged: Thanks by ann 0 s ago" {
		t.Fatalf("sam's key on ann's group said %q", said)
	}
	for _, id := range []int64{f.Queue[0], f.Queue[2]} {
		m, err := annC.DB.Message(ctx, id)
		if err != nil || m.Category != "Thanks" || m.TaggedBy != "ann" {
			t.Fatalf("message %d: %q by %q, %v", id, m.Category, m.TaggedBy, err)
		}
	}
	v := tuitest.Plain(s.View())
	if strings.Contains(v, "Misc:") || !strings.Contains(v, "2 groups · 2 texts") || strings.Contains(v, "Thanks!") {
		t.Fatalf("sam's screen after the refused key:\n%s", v)
	}
}
