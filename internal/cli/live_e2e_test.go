package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/classify"
	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/store"
)

// screen is a terminal in a detached tmux session on a private server, for
// the tests that watch the real binary as an operator would.
type screen struct {
	t      *testing.T
	socket string
	name   string
}

// newScreen runs command in a w×h tmux window; the server is killed when
// the test ends.
func newScreen(t *testing.T, name string, w, h int, command string) *screen {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	s := &screen{t: t, socket: fmt.Sprintf("live-%s-%d", name, os.Getpid()), name: name}
	if out, err := s.run("new-session", "-d", "-s", name, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), command); err != nil {
		t.Fatalf("new-session: %v: %s", err, out)
	}
	t.Cleanup(func() { s.run("kill-server") })
	return s
}

func (s *screen) run(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	return string(out), err
}

func (s *screen) capture() string {
	out, err := s.run("capture-pane", "-p", "-t", s.name)
	if err != nil {
		s.t.Fatalf("capture-pane: %v: %s", err, out)
	}
	return out
}

func (s *screen) keys(keys ...string) {
	if out, err := s.run(append([]string{"send-keys", "-t", s.name}, keys...)...); err != nil {
		s.t.Fatalf("send-keys: %v: %s", err, out)
	}
}

// waitFor polls the screen until cond holds, for at most within; it returns
// the screen and how long it took.
func (s *screen) waitFor(within time.Duration, what string, cond func(string) bool) (string, time.Duration) {
	s.t.Helper()
	start := time.Now()
	for {
		sc := s.capture()
		if cond(sc) {
			return sc, time.Since(start)
		}
		if time.Since(start) > within {
			s.t.Fatalf("no %s within %v; the screen shows:\n%s", what, within, sc)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// markedLine is the screen's line with the cursor's row marker.
func markedLine(sc string) string {
	for _, l := range strings.Split(sc, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "▸") {
			return l
		}
	}
	return ""
}

// TestTUIFollowsReadInAndServe: the TUI is open on Replies with the cursor
// on a group; `texting read-in` (another process, an emulated dongle) and a
// callback to `texting serve` (a third process) store replies; the screen
// shows each within 2 s with no key pressed, the cursor still on its group.
func TestTUIFollowsReadInAndServe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := textingBinary(t)
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "texting.db")
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for i, text := range []string{"Thanks, got it", "Who is this?"} {
		if _, _, err := db.InsertMessage(ctx, store.Message{Direction: store.In, Kind: store.KindInbound,
			Number: fmt.Sprintf("+44770090010%d", i), Text: text, Norm: classify.Normalize(text),
			At: now.Add(time.Duration(-10*(i+1)) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	sc := newScreen(t, "follow", 110, 30, fmt.Sprintf("TERM=xterm-256color %s --db %s", bin, dbPath))
	sc.waitFor(15*time.Second, "the review queue", func(s string) bool { return strings.Contains(s, "2 groups") })
	sc.keys("j")
	sc.waitFor(5*time.Second, "the cursor on the second group", func(s string) bool {
		return strings.Contains(markedLine(s), "Who is this?")
	})

	// read-in in another process, from an emulated dongle.
	emu, err := modemtest.New(modemtest.WithSIM(modemtest.SIM{IMSI: "234101234567890", Operator: "O2 - UK"}),
		modemtest.WithInbox(inboxPDUs(t, 2, "Running late")...))
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	if out, err := exec.Command(bin, "--db", dbPath, "read-in", "--port", emu.Path()).CombinedOutput(); err != nil {
		t.Fatalf("read-in: %v\n%s", err, out)
	}
	s, took := sc.waitFor(2*time.Second, "the read-in's texts", func(s string) bool {
		return strings.Contains(s, "Running late 0") && strings.Contains(s, "Running late 1")
	})
	t.Logf("read-in to screen: %v", took)
	if !strings.Contains(markedLine(s), "Who is this?") {
		t.Fatalf("the cursor left its group after the read-in:\n%s", s)
	}

	// A gateway callback to serve, a third process.
	tok, err := exec.Command(bin, "--db", dbPath, "config", "get", "serve.token").Output()
	if err != nil {
		t.Fatal(err)
	}
	srv := exec.Command(bin, "--db", dbPath, "serve", "--addr", "127.0.0.1:0")
	stderr, err := srv.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { srv.Process.Kill(); srv.Wait() }()
	var base string
	for lines := bufio.NewScanner(stderr); base == "" && lines.Scan(); {
		if m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(lines.Text()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatal("serve showed no address")
	}
	go io.Copy(io.Discard, stderr)
	form := url.Values{"to": {"61400000001"}, "from": {"61412345678"}, "message": {"Can I come on Friday"}}
	resp, err := http.PostForm(base+"/api/inbound?token="+url.QueryEscape(strings.TrimSpace(string(tok))), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("callback: %d", resp.StatusCode)
	}
	s, took = sc.waitFor(2*time.Second, "the callback's text", func(s string) bool {
		return strings.Contains(s, "Can I come on Friday")
	})
	t.Logf("callback to screen: %v", took)
	if !strings.Contains(markedLine(s), "Who is this?") {
		t.Fatalf("the cursor left its group after the callback (a newer text came in above it):\n%s", s)
	}
}
