package cli_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/texting-centre/texting/classify"
	"github.com/texting-centre/texting/store"
)

var (
	dayBinOnce sync.Once
	dayBin     string
	dayBinErr  error
)

// tuiBinary builds the binary once for the tmux tests of this file.
func tuiBinary(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dayBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "texting-tui-")
		if err != nil {
			dayBinErr = err
			return
		}
		dayBin = filepath.Join(dir, "texting")
		if out, err := exec.Command("go", "build", "-o", dayBin, "github.com/texting-centre/texting/cmd/texting").CombinedOutput(); err != nil {
			dayBinErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if dayBinErr != nil {
		t.Fatal(dayBinErr)
	}
	t.Cleanup(func() {}) // the binary's directory is left to the OS temp cleaner
	return dayBin
}

// startTUI runs the TUI on dbPath in a w×h tmux session of its own.
func startTUI(t *testing.T, dbPath string, w, h int) *tmux {
	t.Helper()
	bin := tuiBinary(t)
	x := &tmux{t: t, socket: fmt.Sprintf("day-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()), name: "day"}
	cmd := fmt.Sprintf("TERM=xterm-256color %s --db %s", bin, dbPath)
	if out, err := x.run("new-session", "-d", "-s", x.name, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), cmd); err != nil {
		t.Fatalf("new-session: %v: %s", err, out)
	}
	t.Cleanup(func() { x.run("kill-server") })
	return x
}

// statsDesk is a database with eight SIMs (O2 1–4, Vodafone 1–4) and, today
// on O2 1, a text sent and one received.
func statsDesk(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "texting.db")
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var first store.SIM
	for _, network := range []string{"O2", "Vodafone"} {
		n, err := db.AddNetwork(ctx, store.Network{Name: network})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 4; i++ {
			s, err := db.AddSIM(ctx, store.SIM{NetworkID: n.ID, Active: true, DailyLimit: 300})
			if err != nil {
				t.Fatal(err)
			}
			if first.ID == 0 {
				first = s
			}
		}
	}
	now := time.Now()
	for _, m := range []store.Message{
		{Direction: store.Out, SIMID: first.ID, Number: "+447700900301", Text: "Boiler check on Tuesday?", At: now.Add(-time.Minute),
			Kind: store.KindManual, State: store.StateDelivered, Parts: 1},
		{Direction: store.In, SIMID: first.ID, Number: "+447700900301", Text: "Tuesday suits me", At: now,
			Kind: store.KindInbound, Norm: classify.Normalize("Tuesday suits me")},
	} {
		if _, _, err := db.InsertMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	return dbPath
}

// TestTUIStatsColumnsInTmux: at 80, 120 and 200 columns the stats grid
// shows every SIM column that fits, each under its whole name; enter on a
// cell lists that SIM's texts of that day.
func TestTUIStatsColumnsInTmux(t *testing.T) {
	dbPath := statsDesk(t)
	all := []string{"O2 1", "O2 2", "O2 3", "O2 4", "Vodafone 1", "Vodafone 2", "Vodafone 3", "Vodafone 4"}
	for _, tt := range []struct {
		width, shown int
	}{{80, 4}, {120, 7}, {200, 8}} {
		t.Run(fmt.Sprint(tt.width), func(t *testing.T) {
			x := startTUI(t, dbPath, tt.width, 40)
			x.waitFor("the review queue", func(s string) bool { return strings.Contains(s, "Review queue") })
			x.keys("M-8") // the digits categorise on Replies
			s := x.waitFor("the stats grid", func(s string) bool { return strings.Contains(s, "parts sent / daily limit") })
			var head string
			for _, l := range strings.Split(s, "\n") {
				if strings.HasPrefix(l, "Day ") {
					head = l
				}
			}
			for i, name := range all {
				shown := regexp.MustCompile(` ` + regexp.QuoteMeta(name) + `\s`).MatchString(head + " ")
				if shown != (i < tt.shown) {
					t.Errorf("%s shown: %v, want %v; header %q", name, shown, i < tt.shown, head)
				}
			}
			more := fmt.Sprintf("[ ] %d more", len(all)-tt.shown)
			if (tt.shown < len(all)) != strings.Contains(head, more) || strings.Contains(head, "…") {
				t.Errorf("header %q (want %q when SIMs are left out, and no name cut)", head, more)
			}
			if tt.width != 120 {
				return
			}
			// The cursor starts on today's O2 1: enter lists its texts.
			x.keys("Enter")
			// The title shows at once; the list follows its load ("loading…").
			s = x.waitFor("O2 1's texts of today", func(s string) bool {
				return strings.Contains(s, "O2 1 on ") && !strings.Contains(s, "loading…")
			})
			for _, want := range []string{"texts sent and received", "manual delivered", "Boiler check on Tuesday?", "to review", "Tuesday suits me"} {
				if !strings.Contains(s, want) {
					t.Errorf("the cell's texts lack %q:\n%s", want, s)
				}
			}
			x.keys("Escape")
			x.waitFor("the grid again", func(s string) bool { return strings.Contains(s, "Least used") })
		})
	}
}

// TestTUIEleventhCategoryInTmux: with eleven categories, the eleventh is
// given by keyboard: c opens the list of all, b is the eleventh.
func TestTUIEleventhCategoryInTmux(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "texting.db")
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	cats, err := db.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(cats); i < 11; i++ {
		if _, err := db.AddCategory(ctx, store.Category{Name: fmt.Sprintf("Kind %d", i+1)}); err != nil {
			t.Fatal(err)
		}
	}
	id, _, err := db.InsertMessage(ctx, store.Message{Direction: store.In, Number: "+447700900401", Text: "Can you call after 6?",
		Norm: classify.Normalize("Can you call after 6?"), At: time.Now(), Kind: store.KindInbound})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	x := startTUI(t, dbPath, 100, 30)
	x.waitFor("the review queue with the key to every category", func(s string) bool {
		return strings.Contains(s, "Can you call after 6?") && strings.Contains(s, "[c] all 11")
	})
	x.keys("0") // no category, and the queue stays
	x.waitFor("0 refused", func(s string) bool {
		return strings.Contains(s, "0 is no category") && strings.Contains(s, "Review queue")
	})
	x.keys("c")
	x.waitFor("the list of every category", func(s string) bool {
		return strings.Contains(s, "Categorise as") && strings.Contains(s, "[b] Kind 11")
	})
	x.keys("b")
	x.waitFor("the queue to empty", func(s string) bool {
		return strings.Contains(s, "Nothing to review") && strings.Contains(s, "Kind 11: 1 text")
	})
	x.keys("q")

	db, err = store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := db.Message(ctx, id)
	if err != nil || m.Category != "Kind 11" || m.CategoryBy != "operator" {
		t.Fatalf("the text: %q by %q, %v", m.Category, m.CategoryBy, err)
	}
}

// TestTUISettingsInTmux: the Settings screen changes a key with the rules
// of `texting config set`: a bad value is refused with the reason and
// nothing stored, a good one is stored and said; a secret shows nothing of
// itself.
func TestTUISettingsInTmux(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "texting.db")
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting(ctx, "api.key", "hunter2-very-secret"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	x := startTUI(t, dbPath, 120, 40)
	x.waitFor("the review queue", func(s string) bool { return strings.Contains(s, "Review queue") })
	x.keys("BTab") // the last screen
	s := x.waitFor("the settings", func(s string) bool { return strings.Contains(s, "quiet.hours") && strings.Contains(s, "21:00-08:00") })
	if strings.Contains(s, "hunter2") || strings.Contains(s, "****ret") || !strings.Contains(s, "(set)") {
		t.Fatalf("the secret shows:\n%s", s)
	}
	for i := 0; i < 8; i++ { // api.url … quiet.hours is the ninth
		x.keys("Down")
	}
	x.keys("Enter")
	x.waitFor("the field", func(s string) bool { return strings.Contains(s, "quiet.hours = ") })
	x.keys("l", "a", "t", "e", "Enter")
	x.waitFor("the refusal", func(s string) bool {
		return strings.Contains(s, "✗") && strings.Contains(s, "quiet hours must look like")
	})
	x.keys("C-u")
	for _, r := range "22:00-07:00" {
		x.keys(string(r))
	}
	x.keys("Enter")
	x.waitFor("the change said and shown", func(s string) bool {
		return strings.Contains(s, "✓ quiet.hours: 22:00-07:00 (was the default)") && regexp.MustCompile(`quiet\.hours\s+22:00-07:00\s+settings`).MatchString(s)
	})
	x.keys("q")

	db, err = store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.Settings(ctx)
	if err != nil || got["quiet.hours"] != "22:00-07:00" || got["api.key"] != "hunter2-very-secret" {
		t.Fatalf("settings stored: %v %v", got, err)
	}
}
