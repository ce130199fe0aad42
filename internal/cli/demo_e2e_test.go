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

	"github.com/texting-centre/texting/store"
)

// TestDemoInTmux runs `texting demo` in a real terminal as a newcomer would:
// it reads the emulated dongles in from the Modems screen, categorises a reply
// on the Replies screen and quits, leaving no process and no temporary file.
func TestDemoInTmux(t *testing.T) {
	t.Parallel() // its own database, ports and processes
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "texting")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/texting-centre/texting/cmd/texting").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	tmp := filepath.Join(dir, "tmp") // the demo's TMPDIR: must be empty again at the end
	os.Mkdir(tmp, 0o700)
	dbPath := filepath.Join(dir, "demo.db") // kept with --db so the test can look inside
	pidFile := filepath.Join(dir, "pid")

	// The learned model would sort some of the new replies on its own, and
	// which ones depends on the seeded history; with the threshold at 1 every
	// reply that no rule or memory answers waits for the operator.
	if out, err := exec.Command(bin, "--db", dbPath, "config", "set", "classify.threshold", "1").CombinedOutput(); err != nil {
		t.Fatalf("config set: %v: %s", err, out)
	}
	x := &tmux{t: t, socket: fmt.Sprintf("texting-demo-%d", os.Getpid()), name: "demo"}
	cmd := fmt.Sprintf("echo $$ > %s; exec env TERM=xterm-256color TMPDIR=%s %s demo --db %s --debug %s",
		pidFile, tmp, bin, dbPath, filepath.Join(dir, "debug.log"))
	if out, err := x.run("new-session", "-d", "-s", x.name, "-x", "100", "-y", "30", cmd); err != nil {
		t.Fatalf("new-session: %v: %s", err, out)
	}
	t.Cleanup(func() { x.run("kill-server") })

	x.waitFor("the review queue", func(s string) bool {
		return strings.Contains(s, "Review queue") && strings.Contains(s, "[1] Thanks")
	})
	// Replies → Threads → Inbox → Modems, then read in.
	x.keys("Tab", "Tab", "Tab")
	x.waitFor("the Modems screen with both dongles", func(s string) bool {
		return strings.Contains(s, "234100000000101") && strings.Contains(s, "234150000000202")
	})
	x.keys("r")
	x.waitFor("the read-in result", func(s string) bool {
		return strings.Contains(s, "stored") && strings.Contains(s, "deleted")
	})
	x.keys("BTab", "BTab", "BTab")
	x.waitFor("a new reply in the queue", func(s string) bool {
		return strings.Contains(s, "Review queue") && strings.Contains(s, "Your Vodafone bill")
	})
	// Move to the bill from Vodafone and put it in 3, Bot.
	screen := x.capture()
	lines := strings.Split(screen, "\n")
	sel, target := -1, -1
	for i, l := range lines {
		if strings.Contains(l, "▸") {
			sel = i
		}
		if strings.Contains(l, "Your Vodafone bill") && target < 0 {
			target = i
		}
	}
	if sel < 0 || target < sel {
		t.Fatalf("cannot find the cursor and the reply on the screen:\n%s", screen)
	}
	for i := sel; i < target; i++ {
		x.keys("Down")
	}
	x.waitFor("the cursor on the reply", func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, "▸") {
				return strings.Contains(l, "Your Vodafone bill")
			}
		}
		return false
	})
	x.keys("3")
	x.waitFor("the reply to leave the queue", func(s string) bool {
		return strings.Contains(s, "Review queue") && !strings.Contains(s, "Your Vodafone bill")
	})
	x.keys("q")

	// The program quits, and with it everything the demo started.
	deadline := time.Now().Add(15 * time.Second)
	for {
		if _, err := x.run("has-session", "-t", x.name); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo did not quit on q:\n%s", x.capture())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if pid, err := os.ReadFile(pidFile); err == nil {
		if out, err := exec.Command("pgrep", "-P", strings.TrimSpace(string(pid))).Output(); err == nil && len(out) > 0 {
			t.Errorf("processes left behind: %s", out)
		}
	}
	if out, _ := exec.Command("pgrep", "-f", bin+" demo").Output(); len(out) > 0 {
		t.Errorf("texting demo still running: %s", out)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}

	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	in, err := db.Messages(ctx, store.MessageFilter{Direction: store.In, Since: time.Now().Add(-2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]store.Message{}
	for _, m := range in {
		found[m.Text] = m
	}
	if m, ok := found["Your Vodafone bill is ready. Log in to My Vodafone to view it."]; !ok || m.Category != "Bot" || m.CategoryBy != "operator" {
		t.Errorf("the categorised reply: %+v (present %v), want Bot by operator", m, ok)
	}
	if m, ok := found["STOP"]; !ok || m.Category != "End" {
		t.Errorf("the STOP read in: %+v (present %v), want End", m, ok)
	}
	long := false
	for text := range found {
		if strings.HasPrefix(text, "Hi, thanks for the message about the boiler") && strings.HasSuffix(text, "Thanks, Sam") {
			long = true
		}
	}
	if !long {
		t.Error("the concatenated reply was not read in whole")
	}
}
