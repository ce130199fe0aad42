package stats_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
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
	for _, want := range []string{"Wed 25 Nov   2/300    1/200", "Least used (12 days): O2 1 2 parts", "welcome             4       4        3"} {
		if !strings.Contains(v, want) {
			t.Fatalf("stats lack %q:\n%s", want, v)
		}
	}
}

// addSIMs adds Vodafone 2 … so that the desk has n SIMs in all.
func addSIMs(t *testing.T, db *store.DB, fx tuitest.Fixture, n int) {
	for i := len(fx.SIMs); i < n; i++ {
		if _, err := db.AddSIM(context.Background(), store.SIM{NetworkID: fx.Vodafone.ID, Active: true, DailyLimit: 250}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestStatsColumnsFit: at each width every SIM column that fits shows, each
// under its whole name.
func TestStatsColumnsFit(t *testing.T) {
	tests := []struct {
		width int
		sims  int
		shown []string
		more  int
	}{
		{80, 5, []string{"O2 1", "O2 2", "Vodafone 1", "SMSBCAST"}, 1},
		{120, 5, []string{"O2 1", "O2 2", "Vodafone 1", "SMSBCAST", "Vodafone 2"}, 0},
		{120, 8, []string{"O2 1", "O2 2", "Vodafone 1", "SMSBCAST", "Vodafone 2", "Vodafone 3", "Vodafone 4"}, 1},
		{200, 8, []string{"O2 1", "O2 2", "Vodafone 1", "SMSBCAST", "Vodafone 2", "Vodafone 3", "Vodafone 4", "Vodafone 5"}, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d columns, %d SIMs", tt.width, tt.sims), func(t *testing.T) {
			c, _ := tuitest.Setup(t)
			fx := tuitest.Seed(t, c.DB)
			addSIMs(t, c.DB, fx, tt.sims)
			m := stats.New(c)
			m.SetSize(tt.width, 30)
			tuitest.Run(t, m, m.Init(), nil)
			lines := strings.Split(tuitest.Plain(m.View()), "\n")
			head := lines[1]
			for _, name := range tt.shown {
				if !strings.Contains(head, " "+name+" ") {
					t.Errorf("header lacks %q whole: %q", name, head)
				}
			}
			if strings.Contains(head, "…") {
				t.Errorf("a name is cut: %q", head)
			}
			if more := fmt.Sprintf("[ ] %d more", tt.more); (tt.more > 0) != strings.Contains(head, more) {
				t.Errorf("header %q, want %q: %v", head, more, tt.more > 0)
			}
			for _, l := range lines {
				if w := len([]rune(l)); w > tt.width {
					t.Errorf("line wider than %d (%d): %q", tt.width, w, l)
				}
			}
		})
	}
}

// TestStatsDrillDown: enter on a cell lists that SIM's texts of that day,
// sent and received, with their states; enter on a template its replies by
// category; esc goes back.
func TestStatsDrillDown(t *testing.T) {
	c, _ := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	m := stats.New(c)
	m.SetSize(100, 30)
	tuitest.Run(t, m, m.Init(), nil)
	// Wed 25 Nov (one row down), Vodafone 1 (the fourth column).
	tuitest.Type(t, m, nil, "down", "right", "right", "right", "enter")
	v := tuitest.Plain(m.View())
	for _, want := range []string{"Vodafone 1 on Wed 25 Nov 2026", "+447700900103", "campaign delivered", "Hi Carol", "+447700900104", "2 of"} {
		if !strings.Contains(v, want) && want != "2 of" {
			t.Fatalf("cell's texts lack %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "Alice") || strings.Contains(v, "Erin") {
		t.Fatalf("another SIM's texts listed:\n%s", v)
	}
	if !m.Captures(tuitest.Key("esc")) {
		t.Fatal("esc would leave the screen, not the list")
	}
	tuitest.Type(t, m, nil, "esc")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "Least used") {
		t.Fatalf("esc did not go back:\n%s", v)
	}

	// Today on O2 1: the reply received and the text queued.
	tuitest.Type(t, m, nil, "up", "left", "left", "left", "enter")
	v = tuitest.Plain(m.View())
	for _, want := range []string{"O2 1 on Thu 26 Nov 2026", "Thanks!", "to review", "manual queued", "See you Friday!"} {
		if !strings.Contains(v, want) {
			t.Fatalf("today's O2 1 texts lack %q:\n%s", want, v)
		}
	}
	tuitest.Type(t, m, nil, "esc")

	// t: the templates; enter on welcome: its replies under their category.
	tuitest.Type(t, m, nil, "t", "enter")
	v = tuitest.Plain(m.View())
	for _, want := range []string{"Replies to welcome by category", "Thanks (1)", "Thank you", "to review (2)", "Thanks!", "thanks"} {
		if !strings.Contains(v, want) {
			t.Fatalf("welcome's replies lack %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "Who is this") {
		t.Fatalf("a reply to winter listed under welcome:\n%s", v)
	}
}

// TestStatsPagesBack: pgup shows the week before, < the month before, and
// the dates say which days are shown.
func TestStatsPagesBack(t *testing.T) {
	c, _ := tuitest.Setup(t)
	fx := tuitest.Seed(t, c.DB)
	// A text 40 days ago on O2 1.
	old := tuitest.Now.AddDate(0, 0, -40)
	if _, _, err := c.DB.InsertMessage(context.Background(), store.Message{Direction: store.Out, SIMID: fx.SIMs[0].ID,
		Number: "+447700900150", Text: "old", At: old, Kind: store.KindManual, State: store.StateSent, Parts: 3}); err != nil {
		t.Fatal(err)
	}
	m := stats.New(c)
	m.SetSize(100, 30)
	tuitest.Run(t, m, m.Init(), nil)
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "last 14 days") || strings.Contains(v, old.Format("Mon 02 Jan")) {
		t.Fatalf("first view:\n%s", v)
	}
	tuitest.Type(t, m, nil, "pgup")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "6 Nov – 19 Nov 2026") || !strings.Contains(v, "Thu 19 Nov") {
		t.Fatalf("a week back:\n%s", v)
	}
	tuitest.Type(t, m, nil, "<")
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "7 Oct – 20 Oct 2026") || !strings.Contains(v, old.Format("Mon 02 Jan")+"   3/300") {
		t.Fatalf("a month and a week back (the old text is on %s):\n%s", old.Format("Mon 02 Jan"), v)
	}
	tuitest.Type(t, m, nil, ">", "pgdown")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "last 14 days") {
		t.Fatalf("back to today:\n%s", v)
	}
	_ = time.Second
}

// TestStatsTemplatesScroll: a table of more templates than fit scrolls with
// the cursor.
func TestStatsTemplatesScroll(t *testing.T) {
	c, _ := tuitest.Setup(t)
	fx := tuitest.Seed(t, c.DB)
	ctx := context.Background()
	for i := 0; i < 12; i++ {
		tpl, err := c.DB.AddTemplate(ctx, store.Template{Name: fmt.Sprintf("extra %02d", i), Body: "Hello"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.DB.InsertMessage(ctx, store.Message{Direction: store.Out, SIMID: fx.SIMs[0].ID, Number: fmt.Sprintf("+4477009002%02d", i),
			Text: "Hello", At: tuitest.Now.Add(-time.Hour), Kind: store.KindCampaign, TemplateID: tpl.ID, State: store.StateSent, Parts: 1}); err != nil {
			t.Fatal(err)
		}
	}
	m := stats.New(c)
	m.SetSize(100, 24)
	tuitest.Run(t, m, m.Init(), nil)
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "templates 1–") || !strings.Contains(v, "of 14") {
		t.Fatalf("no position line for a long table:\n%s", v)
	}
	tuitest.Type(t, m, nil, "t")
	for i := 0; i < 13; i++ {
		tuitest.Type(t, m, nil, "down")
	}
	v = tuitest.Plain(m.View())
	if !strings.Contains(v, "of 14") || !strings.Contains(v, "▸ winter") && !strings.Contains(v, "▸ welcome") {
		t.Fatalf("the last template is not shown under the cursor:\n%s", v)
	}
	if lines := strings.Split(strings.TrimRight(v, "\n"), "\n"); len(lines) > 24 {
		t.Fatalf("%d lines on a 24-line screen:\n%s", len(lines), v)
	}
}
