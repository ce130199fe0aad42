package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/store"
)

// newKey makes an ed25519 key pair: the signer for the client and the
// public key's authorized-keys line.
func newKey(t *testing.T) (gossh.Signer, string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return signer, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(sp))) + " someone@laptop"
}

// terminalOutput collects what a session draws.
type terminalOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *terminalOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *terminalOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// eventually polls cond for up to d.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	for start := time.Now(); !cond(); {
		if time.Since(start) > d {
			t.Fatalf("no %s within %v", what, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeSSH starts `serve --ssh` on a free port with a generated key on
// the staff list, connects with x/crypto/ssh, tags a reply through the
// session's desk and reads a dongle in from it, and checks the database
// says who tagged; a key not on the list is refused before any screen and
// changes nothing; a command is refused; and when the session and the
// server are closed no goroutine is left behind.
func TestServeSSH(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "texting.db")
	ann, annLine := newKey(t)
	mallory, _ := newKey(t)
	keyFile := filepath.Join(dir, "ann.pub")
	if err := os.WriteFile(keyFile, []byte(annLine+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, dbPath, nil, "ssh", "add-key", "ann", keyFile); r.code != 0 {
		t.Fatalf("ssh add-key: %s", r.err)
	}
	emu := newEmulator(t, "234101234567890", modemtest.WithInbox(inboxPDUs(t, 2, "Through ssh")...))
	if r := runCLI(t, dbPath, nil, "config", "set", "modem.ports", emu.Path()); r.code != 0 {
		t.Fatalf("config set: %s", r.err)
	}

	var errb terminalOutput
	f := serveFactory(t, dbPath, &errb)
	db, err := f.Store(ctx)
	if err != nil {
		t.Fatal(err)
	}
	group := seedInbound(t, db, time.Now(),
		inbound{"+447700900400", "Thanks so much"}, inbound{"+447700900401", "thanks so much!"}, inbound{"+447700900402", "Who is this"})[:2]
	before := runtime.NumGoroutine()

	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	addr, done := startServe(t, sctx, f, sshOnly)
	if st, err := os.Stat(filepath.Join(dir, hostKeyFile)); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("host key beside the database: %v %v", st, err)
	}
	if !strings.Contains(errb.String(), "(1 staff key in ") {
		t.Fatalf("serve said: %s", errb.String())
	}

	dial := func(signer gossh.Signer) (*gossh.Client, error) { return dialSSH(addr, "desk", signer) }

	// A stranger's key: refused at authentication, nothing changed.
	digestBefore := digestMessages(t, db)
	if c, err := dial(mallory); err == nil {
		c.Close()
		t.Fatal("a key not on the list was let in")
	} else if !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("stranger: %v", err)
	}
	if got := digestMessages(t, db); got != digestBefore {
		t.Fatal("the refused connection changed the database")
	}

	client, err := dial(ann)
	if err != nil {
		t.Fatal(err)
	}
	// A command is not served.
	if s, err := client.NewSession(); err == nil {
		out, err := s.CombinedOutput("ls /")
		if err == nil || !strings.Contains(string(out), "desk only") {
			t.Fatalf("a command ran: %v %q", err, out)
		}
	}
	sess, screen := ptySession(t, client, "xterm-256color", 30, 110)
	stdin, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the review queue over ssh", func() bool {
		return strings.Contains(screen.String(), "2 groups") && strings.Contains(screen.String(), "Thanks so much")
	})
	if _, err := stdin.Write([]byte("1")); err != nil { // Thanks
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "the tag in the database", func() bool {
		m, err := db.Message(ctx, group[1])
		return err == nil && m.TaggedBy != ""
	})
	for _, id := range group {
		m, err := db.Message(ctx, id)
		if err != nil || m.TaggedBy != "ann" || m.Category != "Thanks" {
			t.Fatalf("message %d: %q by %q, %v", id, m.Category, m.TaggedBy, err)
		}
	}
	// A dongle action from the session: read-in on the Modems screen.
	stdin.Write([]byte("\x1b4")) // alt+4: the digits are categories on Replies
	eventually(t, 10*time.Second, "the Modems screen", func() bool { return strings.Contains(screen.String(), emu.Path()) })
	stdin.Write([]byte("r"))
	eventually(t, 10*time.Second, "the read-in's texts", func() bool {
		n, err := db.CountMessages(ctx, store.MessageFilter{Direction: store.In})
		return err == nil && n == 5
	})

	stdin.Write([]byte("q"))
	if err := waitSession(sess, 5*time.Second); err != nil {
		t.Fatalf("session after q: %v", err)
	}
	client.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	emu.Close() // the test's own, not the server's
	said := errb.String()
	for _, want := range []string{"texting serve: ssh: connection from 127.0.0.1:", "ann connected from 127.0.0.1:", "texting serve: ssh: ann left"} {
		if !strings.Contains(said, want) {
			t.Errorf("serve's lines lack %q:\n%s", want, said)
		}
	}
	for start := time.Now(); runtime.NumGoroutine() > before; time.Sleep(20 * time.Millisecond) {
		if time.Since(start) > 5*time.Second {
			var b strings.Builder
			pprof.Lookup("goroutine").WriteTo(&b, 1)
			t.Fatalf("%d goroutines left, %d before the server:\n%s", runtime.NumGoroutine(), before, b.String())
		}
	}
}

// waitSession waits for the remote end to close the session.
func waitSession(s *gossh.Session, d time.Duration) error {
	ended := make(chan error, 1)
	go func() { ended <- s.Wait() }()
	select {
	case err := <-ended:
		if _, ok := err.(*gossh.ExitMissingError); ok {
			return nil
		}
		return err
	case <-time.After(d):
		return fmt.Errorf("still open after %v", d)
	}
}

// digestMessages is every message as JSON, to tell whether anything changed.
func digestMessages(t *testing.T, db *store.DB) string {
	t.Helper()
	ms, err := db.Messages(context.Background(), store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(ms)
	return string(b)
}

// TestServeSSHIdleTimeout: a session in which no key is pressed for
// ssh.idle_timeout (read from the setting; shortened here) is closed by the
// server.
func TestServeSSHIdleTimeout(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "texting.db")
	ann, annLine := newKey(t)
	keyFile := filepath.Join(dir, "ann.pub")
	if err := os.WriteFile(keyFile, []byte(annLine), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"ssh", "add-key", "ann", keyFile}, {"config", "set", "ssh.idle_timeout", "2m"}} {
		if r := runCLI(t, dbPath, nil, args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
	said := &terminalOutput{}
	f := serveFactory(t, dbPath, said)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done := startServe(t, ctx, f, func(o *serveOptions, listening func(string)) error {
		if o.Config.SSHIdleTimeout != 2*time.Minute {
			return fmt.Errorf("ssh.idle_timeout read as %v", o.Config.SSHIdleTimeout)
		}
		// The setting's least is a minute; the test does not wait that long.
		o.Config.SSHIdleTimeout = time.Second
		return sshOnly(o, listening)
	})
	client, err := dialSSH(addr, "ann", ann)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	sess, screen := ptySession(t, client, "xterm", 30, 100)
	start := time.Now()
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	if err := waitSession(sess, 5*time.Second); err != nil {
		t.Fatalf("idle session: %v", err)
	}
	if took := time.Since(start); took < time.Second {
		t.Fatalf("closed after %v, before the idle timeout", took)
	}
	if !strings.Contains(screen.String(), "Review queue") {
		t.Fatalf("the desk was never drawn: %q", screen.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(said.String(), "ann closed after 1s with no key pressed") {
		t.Fatalf("serve said:\n%s", said.String())
	}
}

// TestServeSSHStopsWithSessionOpen: serve stopped (SIGTERM's context) while
// a session is open ends the session, releases its desk and returns
// promptly, leaving no goroutine behind.
func TestServeSSHStopsWithSessionOpen(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "texting.db")
	ann, annLine := newKey(t)
	if r := runCLIWithInput(t, dbPath, annLine, "ssh", "add-key", "ann", "-"); r.code != 0 {
		t.Fatalf("add-key: %s", r.err)
	}
	said := &terminalOutput{}
	f := serveFactory(t, dbPath, said)
	if _, err := f.Store(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done := startServe(t, ctx, f, sshOnly)
	client, err := dialSSH(addr, "ann", ann)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	sess, screen := ptySession(t, client, "xterm", 30, 100)
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the desk", func() bool { return strings.Contains(screen.String(), "Review queue") })
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		var b strings.Builder
		pprof.Lookup("goroutine").WriteTo(&b, 1)
		t.Fatalf("serve did not stop:\n%s", b.String())
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("serve took %v to stop with a session open", took)
	}
	if !strings.Contains(said.String(), "ann left") {
		t.Fatalf("serve said:\n%s", said.String())
	}
	client.Close()
	for start := time.Now(); runtime.NumGoroutine() > before; time.Sleep(20 * time.Millisecond) {
		if time.Since(start) > 5*time.Second {
			var b strings.Builder
			pprof.Lookup("goroutine").WriteTo(&b, 1)
			t.Fatalf("%d goroutines left, %d before:\n%s", runtime.NumGoroutine(), before, b.String())
		}
	}
}
