package cli

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
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

// beside runs command in another window of the same tmux server, so that
// keys can go to both in one tmux command.
func (s *screen) beside(name string, w, h int, command string) *screen {
	s.t.Helper()
	o := &screen{t: s.t, socket: s.socket, name: name}
	if out, err := o.run("new-session", "-d", "-s", name, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), command); err != nil {
		s.t.Fatalf("new-session: %v: %s", err, out)
	}
	return o
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
	base, lines, _ := startServeBinary(t, bin, dbPath, `listening on (http://\S+)`, "--addr", "127.0.0.1:0")
	go func() {
		for lines.Scan() {
		}
	}()
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

// TestTwoOperatorsInTmux: two TUIs on one database, as ann and as sam, both
// on the review queue's newest group. Each presses a category on it at the
// same moment: the first tag wins — the database holds one tag of the
// group, by its winner — the other is told who tagged it instead of tagging
// again, and its queue drops the group within 2 s.
func TestTwoOperatorsInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := textingBinary(t)
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "texting.db")
	db := openDB(t, dbPath)
	group := seedInbound(t, db, time.Now(),
		inbound{"+447700900101", "Thanks so much"}, inbound{"+447700900102", "thanks so much!"}, inbound{"+447700900103", "Who is this"})[:2]
	deskOf := func(name string) string {
		return fmt.Sprintf("TERM=xterm-256color %s --db %s --as %s", bin, dbPath, name)
	}
	screens := map[string]*screen{"ann": newScreen(t, "ann", 110, 30, deskOf("ann"))}
	screens["sam"] = screens["ann"].beside("sam", 110, 30, deskOf("sam"))
	for _, sc := range screens {
		sc.waitFor(15*time.Second, "the queue", func(s string) bool {
			return strings.Contains(s, "2 groups") && strings.Contains(markedLine(s), "Thanks so much")
		})
	}
	// ann presses 1 (Thanks), sam 4 (Misc), in one tmux command: at the
	// same moment.
	if out, err := screens["ann"].run("send-keys", "-t", "ann", "1", ";", "send-keys", "-t", "sam", "4"); err != nil {
		t.Fatalf("send-keys: %v: %s", err, out)
	}

	var winner, loser, cat string
	deadline := time.Now().Add(5 * time.Second)
	for winner == "" && time.Now().Before(deadline) {
		m, err := db.Message(ctx, group[0])
		if err != nil {
			t.Fatal(err)
		}
		if m.TaggedBy != "" {
			winner, cat = m.TaggedBy, m.Category
		}
		time.Sleep(10 * time.Millisecond)
	}
	switch winner {
	case "ann":
		loser = "sam"
	case "sam":
		loser = "ann"
	default:
		t.Fatalf("nobody's tag was stored (tagged_by %q)", winner)
	}
	t.Logf("%s's tag won (%s)", winner, cat)
	s, _ := screens[loser].waitFor(2*time.Second, "who tagged it", func(s string) bool {
		return strings.Contains(s, "already tagged: "+cat+" by "+winner)
	})
	if strings.Contains(s, "Thanks so much") {
		// The refused key took the group off the screen at once, and the
		// reload kept it off.
		t.Fatalf("%s's queue still shows the group:\n%s", loser, s)
	}
	_, took := screens[loser].waitFor(2*time.Second, "the queue without the group", func(s string) bool {
		return strings.Contains(s, "1 group ·") && strings.Contains(markedLine(s), "Who is this")
	})
	t.Logf("%s's queue without the group after %v", loser, took)
	for _, id := range group {
		m, err := db.Message(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if m.TaggedBy != winner || m.Category != cat || m.CategoryBy != "operator" {
			t.Fatalf("message %d: %q by %q (%s), want %q by %s", id, m.Category, m.TaggedBy, m.CategoryBy, cat, winner)
		}
	}
	var tagged int
	ms, err := db.Messages(ctx, store.MessageFilter{Direction: store.In})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.TaggedBy != "" {
			tagged++
		}
	}
	if tagged != len(group) {
		t.Fatalf("%d texts tagged, want the group's %d (the loser's key must not tag the next group)", tagged, len(group))
	}
}

// TestOperatorTagShowsElsewhere: one operator tags; another TUI open on the queue drops
// the group within 2 s with no key pressed.
func TestOperatorTagShowsElsewhere(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := textingBinary(t)
	dbPath := filepath.Join(t.TempDir(), "texting.db")
	db := openDB(t, dbPath)
	seedInbound(t, db, time.Now(), inbound{"+447700900200", "Great, see you"}, inbound{"+447700900201", "Stop texting me"})
	a := newScreen(t, "ann", 110, 30, fmt.Sprintf("TERM=xterm-256color %s --db %s --as ann", bin, dbPath))
	b := newScreen(t, "sam", 110, 30, fmt.Sprintf("TERM=xterm-256color %s --db %s --as sam", bin, dbPath))
	for _, sc := range []*screen{a, b} {
		sc.waitFor(15*time.Second, "the queue", func(s string) bool { return strings.Contains(s, "2 groups") })
	}
	a.keys("1")
	_, took := b.waitFor(2*time.Second, "ann's tag on sam's screen", func(s string) bool {
		return strings.Contains(s, "1 group ·") && !strings.Contains(s, "Great, see you")
	})
	t.Logf("ann's tag off sam's queue after %v", took)
}

// TestSystemSSHInTmux: the desk over SSH as staff reach it — `texting serve
// --ssh` as its own process, the system's ssh client in a tmux terminal
// with a key ssh-keygen made and `texting ssh add-key` listed. The operator
// tags a group; the database says who; SIGTERM to serve with the session
// still open ends it (ssh exits) and serve stops promptly and cleanly.
func TestSystemSSHInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	for _, tool := range []string{"ssh", "ssh-keygen", "tmux"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (.ci/run installs openssh-client and tmux)", tool)
		}
	}
	bin := textingBinary(t)
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "texting.db")
	key := filepath.Join(dir, "id_ed25519")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "kim@laptop", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "--db", dbPath, "ssh", "add-key", "kim", key+".pub").CombinedOutput(); err != nil {
		t.Fatalf("ssh add-key: %v\n%s", err, out)
	}
	db := openDB(t, dbPath)
	id := seedInbound(t, db, time.Now(), inbound{"+447700900501", "Lovely, thanks"})[0]

	addr, lines, srv := startServeBinary(t, bin, dbPath, `SSH desk listening on (\S+)`, "--ssh", "127.0.0.1:0")
	rest := make(chan string, 1)
	go func() {
		var b strings.Builder
		for lines.Scan() {
			b.WriteString(lines.Text() + "\n")
		}
		rest <- b.String()
	}()
	host, port, _ := strings.Cut(addr, ":")
	sc := newScreen(t, "sshc", 110, 30, fmt.Sprintf("ssh -p %s -i %s -o IdentitiesOnly=yes -o BatchMode=yes "+
		"-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -t desk@%s", port, key, host))
	sc.waitFor(15*time.Second, "the desk over ssh", func(s string) bool {
		return strings.Contains(s, "Review queue") && strings.Contains(markedLine(s), "Lovely, thanks")
	})
	sc.keys("1")
	sc.waitFor(5*time.Second, "the tag on screen", func(s string) bool { return strings.Contains(s, "Thanks: 1 text") })
	m, err := db.Message(ctx, id)
	if err != nil || m.TaggedBy != "kim" || m.Category != "Thanks" {
		t.Fatalf("the text: %q by %q, %v", m.Category, m.TaggedBy, err)
	}
	stop := time.Now()
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := srv.Wait(); err != nil {
		t.Fatalf("serve: %v\n%s", err, <-rest)
	}
	if took := time.Since(stop); took > 3*time.Second {
		t.Errorf("serve took %v to stop with a session open", took)
	}
	if out := <-rest; !strings.Contains(out, "ssh: kim left") || !strings.Contains(out, "stopped") {
		t.Fatalf("serve said: %s", out)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := sc.run("has-session", "-t", sc.name); err != nil {
			break // ssh exited: the session ended
		}
		if time.Now().After(deadline) {
			t.Fatalf("ssh did not exit when serve stopped:\n%s", sc.capture())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
