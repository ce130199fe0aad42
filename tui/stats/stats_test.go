package stats_test

import (
	"strings"
	"testing"

	"github.com/texting-centre/texting/tui/stats"
	"github.com/texting-centre/texting/tui/tuitest"
)

func TestStatsGrid(t *testing.T) {
	c, _ := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	m := stats.New(c)
	m.SetSize(100, 26)
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "loading") {
		t.Fatalf("no skeleton before the data:\n%s", v)
	}
	tuitest.Run(t, m, m.Init(), nil)
	v := tuitest.Plain(m.View())
	for _, want := range []string{"Wed 25 Nov    2/300    1/200", "Least used (12 days): O2 1 2 parts", "welcome             4       4        3"} {
		if !strings.Contains(v, want) {
			t.Fatalf("stats lack %q:\n%s", want, v)
		}
	}
	// ] scrolls the SIM columns.
	tuitest.Type(t, m, nil, "]")
	if v := tuitest.Plain(m.View()); strings.Contains(v, "O2 1 ") && strings.Contains(strings.Split(v, "\n")[1], " O2 1") {
		t.Fatalf("first column still O2 1:\n%s", v)
	}
}
