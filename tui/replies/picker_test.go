package replies_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/replies"
	"github.com/texting-centre/texting/tui/tuitest"
)

// TestEveryCategoryReachable: with eleven categories the legend offers c,
// which lists them all with keys 1–9 then a, b…; b tags with the eleventh,
// ↑/↓ enter with any; 0 neither tags nor leaves the screen.
func TestEveryCategoryReachable(t *testing.T) {
	c, be := tuitest.Setup(t)
	f := tuitest.Seed(t, c.DB)
	ctx := context.Background()
	cats, err := c.DB.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(cats); i < 11; i++ {
		if _, err := c.DB.AddCategory(ctx, store.Category{Name: fmt.Sprintf("Extra category %d", i+1)}); err != nil {
			t.Fatal(err)
		}
	}
	m := replies.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "[c] all 11") || strings.Contains(v, "[9] Co…") {
		t.Fatalf("legend:\n%s", v)
	}
	if !m.Captures(tuitest.Key("0")) {
		t.Fatal("0 would leave the review queue")
	}
	var status []string
	tuitest.Type(t, m, func(msg tea.Msg) { status = append(status, fmt.Sprint(msg)) }, "0")
	if len(be.CallList()) != 0 || len(status) != 1 || !strings.Contains(status[0], "0 is no category") {
		t.Fatalf("0: calls %v, status %v", be.CallList(), status)
	}

	tuitest.Type(t, m, nil, "c")
	v = tuitest.Plain(m.View())
	for _, want := range []string{"Categorise as", "[a] Extra category 10", "[b] Extra category 11"} {
		if !strings.Contains(v, want) {
			t.Fatalf("picker lacks %q:\n%s", want, v)
		}
	}
	if !m.Captures(tuitest.Key("q")) || !m.Captures(tuitest.Key("b")) {
		t.Fatal("the open picker must take every key")
	}
	tuitest.Type(t, m, nil, "b")
	got := be.CallList()
	if len(got) != 1 || got[0] != fmt.Sprintf("Tag %d Extra category 11", f.Queue[0]) {
		t.Fatalf("calls %q", got)
	}
	if msg, _ := c.DB.Message(ctx, f.Queue[0]); msg.Category != "Extra category 11" {
		t.Fatalf("tagged %q", msg.Category)
	}
	// ↓ ten times and enter: the eleventh again, on the next group.
	tuitest.Type(t, m, nil, "c")
	for i := 0; i < 10; i++ {
		tuitest.Type(t, m, nil, "down")
	}
	tuitest.Type(t, m, nil, "enter")
	if got := be.CallList(); len(got) != 2 || !strings.HasSuffix(got[1], "Extra category 11") {
		t.Fatalf("calls %q", got)
	}
	// esc closes the picker without tagging.
	tuitest.Type(t, m, nil, "c", "esc")
	if got := be.CallList(); len(got) != 2 || strings.Contains(tuitest.Plain(m.View()), "Categorise as") {
		t.Fatalf("esc: calls %q", got)
	}
}
