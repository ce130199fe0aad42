package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/texting-centre/texting/classify"
	"github.com/texting-centre/texting/store"
)

// serveFactory is a Factory on the database at dbPath that writes what it
// says to said and reads no environment; it is closed when the test ends.
func serveFactory(t *testing.T, dbPath string, said io.Writer) *Factory {
	t.Helper()
	f := NewFactory()
	f.DBPath = dbPath
	f.Err = said
	f.Getenv = func(string) string { return "" }
	t.Cleanup(func() { f.Close() })
	return f
}

// startServe runs `texting serve` in process on f until ctx ends, setup
// choosing its options (and handing listening to the listener it opens),
// and waits for the address. It returns the address and where serve's
// result arrives; serve ending before it listens fails the test.
func startServe(t *testing.T, ctx context.Context, f *Factory, setup func(o *serveOptions, listening func(string)) error) (string, <-chan error) {
	t.Helper()
	addrc := make(chan string, 1)
	cmd := newCmdServe(f, func(ctx context.Context, o *serveOptions) error {
		if err := setup(o, func(a string) { addrc <- a }); err != nil {
			return err
		}
		return serve(ctx, o)
	})
	cmd.SetArgs(nil)
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	select {
	case addr := <-addrc:
		return addr, done
	case err := <-done:
		said := ""
		if s, ok := f.Err.(fmt.Stringer); ok {
			said = s.String()
		}
		t.Fatalf("serve ended: %v\n%s", err, said)
		return "", nil
	}
}

// sshOnly has serve open only the SSH desk, on a free local port.
func sshOnly(o *serveOptions, listening func(string)) error {
	o.SSH, o.HTTP = "127.0.0.1:0", false
	o.SSHListening = listening
	return nil
}

// dialSSH connects to the SSH desk at addr as user with key.
func dialSSH(addr, user string, key gossh.Signer) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{User: user, Auth: []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second})
}

// ptySession opens a session on client with a term pty of rows×cols whose
// output lands on the returned screen; the caller starts the shell.
func ptySession(t *testing.T, client *gossh.Client, term string, rows, cols int) (*gossh.Session, *terminalOutput) {
	t.Helper()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	screen := &terminalOutput{}
	sess.Stdout = screen
	if err := sess.RequestPty(term, rows, cols, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	return sess, screen
}

// startServeBinary starts bin's serve with args on dbPath and reads its
// standard error until a line matches listening, returning the first
// submatch, the rest of standard error and the process (killed when the
// test ends).
func startServeBinary(t *testing.T, bin, dbPath, listening string, args ...string) (string, *bufio.Scanner, *exec.Cmd) {
	t.Helper()
	srv := exec.Command(bin, append([]string{"--db", dbPath, "serve"}, args...)...)
	stderr, err := srv.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	re := regexp.MustCompile(listening)
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		if m := re.FindStringSubmatch(lines.Text()); m != nil {
			return m[1], lines, srv
		}
	}
	t.Fatalf("serve %s showed no address", strings.Join(args, " "))
	return "", nil, nil
}

// openDB opens the database at dbPath, closed when the test ends.
func openDB(t *testing.T, dbPath string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// inbound is a text received from number, for seedInbound.
type inbound struct{ number, text string }

// seedInbound stores texts as received, the first at now and each next a
// minute older, and returns their ids in the same order.
func seedInbound(t *testing.T, db *store.DB, now time.Time, texts ...inbound) []int64 {
	t.Helper()
	ids := make([]int64, 0, len(texts))
	for i, m := range texts {
		id, _, err := db.InsertMessage(context.Background(), store.Message{Direction: store.In, Kind: store.KindInbound,
			Number: m.number, Text: m.text, Norm: classify.Normalize(m.text), At: now.Add(time.Duration(-i) * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}
