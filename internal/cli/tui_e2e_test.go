package cli_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/classify"
	"github.com/texting-centre/texting/store"
)

// tmux drives a real terminal: the built binary runs in a detached tmux
// session on a private server, keys are sent with send-keys and the screen is
// read with capture-pane.
type tmux struct {
	t      *testing.T
	socket string
	name   string
}

func (x *tmux) run(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", x.socket}, args...)...).CombinedOutput()
	return string(out), err
}

func (x *tmux) capture() string {
	out, err := x.run("capture-pane", "-p", "-t", x.name)
	if err != nil {
		x.t.Fatalf("capture-pane: %v: %s", err, out)
	}
	return out
}

func (x *tmux) keys(keys ...string) {
	if out, err := x.run(append([]string{"send-keys", "-t", x.name}, keys...)...); err != nil {
		x.t.Fatalf("send-keys: %v: %s", err, out)
	}
}

// waitFor polls until cond holds or the deadline passes, showing the screen
// when it fails.
func (x *tmux) waitFor(what string, cond func(screen string) bool) string {
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := x.capture()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			x.t.Fatalf("waiting for %s; the screen shows:\n%s", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestTUIEndToEndCategoriseInTmux(t *testing.T) {
	t.Parallel() // its own database, ports and processes
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "texting")
	build := exec.Command("go", "build", "-o", bin, "github.com/texting-centre/texting/cmd/texting")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}

	ctx := context.Background()
	dbPath := filepath.Join(dir, "texting.db")
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	texts := []string{"Thanks, got it", "Great thank you!", "Cheers mate", "Who is this?"}
	ids := map[string][]int64{}
	for i, text := range texts {
		for copies := 0; copies <= i%2; copies++ { // every second text twice, to group
			id, _, err := db.InsertMessage(ctx, store.Message{Direction: store.In, Number: fmt.Sprintf("+4477009001%02d", i*2+copies),
				Text: text, Norm: classify.Normalize(text), At: now.Add(time.Duration(-i*10-copies) * time.Minute),
				Kind: store.KindInbound})
			if err != nil {
				t.Fatal(err)
			}
			ids[text] = append(ids[text], id)
		}
	}
	db.Close()

	x := &tmux{t: t, socket: fmt.Sprintf("texting-e2e-%d", os.Getpid()), name: "tc"}
	cmd := fmt.Sprintf("TERM=xterm-256color %s --db %s --debug %s", bin, dbPath, filepath.Join(dir, "debug.log"))
	if out, err := x.run("new-session", "-d", "-s", x.name, "-x", "100", "-y", "30", cmd); err != nil {
		t.Fatalf("new-session: %v: %s", err, out)
	}
	t.Cleanup(func() { x.run("kill-server") })

	x.waitFor("the review queue", func(s string) bool {
		return strings.Contains(s, "Review queue") && strings.Contains(s, "4 groups") && strings.Contains(s, "[1] Thanks")
	})
	// The newest three texts are the thanks ones; one keystroke each puts
	// them (and the identical twin of the second) in category 1, Thanks.
	x.keys("1")
	x.keys("1")
	x.keys("1")
	x.waitFor("the queue to shrink to one group", func(s string) bool {
		return strings.Contains(s, "1 group ·") && strings.Contains(s, "Who is this?")
	})
	x.keys("q")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if out, err := x.run("has-session", "-t", x.name); err != nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("the program did not quit on q: %s\n%s", out, x.capture())
		}
		time.Sleep(50 * time.Millisecond)
	}

	db, err = store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, text := range texts[:3] {
		for _, id := range ids[text] {
			m, err := db.Message(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if m.Category != "Thanks" || m.CategoryBy != "operator" {
				t.Errorf("%q (id %d): category %q by %q, want Thanks by operator", text, id, m.Category, m.CategoryBy)
			}
		}
	}
	m, err := db.Message(ctx, ids["Who is this?"][0])
	if err != nil {
		t.Fatal(err)
	}
	if m.Category != "" {
		t.Errorf("the text not keyed got category %q", m.Category)
	}
}
