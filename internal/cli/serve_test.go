package cli

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
)

// TestServeBinary starts the built binary, reads the address it prints,
// sends callbacks with the token `config get serve.token` shows, and stops it
// with SIGTERM.
func TestServeBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := textingBinary(t)
	dbPath := filepath.Join(t.TempDir(), "t.db")
	tok, err := exec.Command(bin, "--db", dbPath, "config", "get", "serve.token").Output()
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(string(tok))
	if len(token) < 16 {
		t.Fatalf("token %q", token)
	}
	cmd := exec.Command(bin, "--db", dbPath, "serve", "--addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout strings.Builder
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(stderr)
	var base string
	var shown []string
	for lines.Scan() {
		shown = append(shown, lines.Text())
		if m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(lines.Text()); m != nil {
			base = m[1]
		}
		if strings.Contains(lines.Text(), "status callback") {
			break
		}
	}
	if base == "" {
		t.Fatalf("no address shown: %q", shown)
	}
	for _, l := range shown {
		if strings.Contains(l, token) {
			t.Fatalf("the token was printed: %q", l)
		}
	}
	rest := make(chan string)
	go func() {
		b, _ := io.ReadAll(stderr)
		rest <- string(b)
	}()

	form := url.Values{"to": {"61400000001"}, "from": {"61412345678"}, "message": {"STOP"}}
	resp, err := http.PostForm(base+"/api/inbound?token="+url.QueryEscape(token), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("inbound: %d", resp.StatusCode)
	}
	resp, err = http.PostForm(base+"/api/inbound?token=wrong-token-0000000000", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("wrong token: %d", resp.StatusCode)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve exited with %v; stderr %s", err, <-rest)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
	if !strings.Contains(<-rest, "stopped") || stdout.Len() != 0 {
		t.Fatalf("stdout %q", stdout.String())
	}
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, err := db.Messages(context.Background(), store.MessageFilter{Direction: store.In})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Number != "+61412345678" || ms[0].Category != "End" || ms[0].SIMID != 0 {
		t.Fatalf("stored %+v", ms)
	}
	if out, _ := db.IsOptedOut(context.Background(), "+61412345678"); !out {
		t.Fatal("not opted out")
	}
}

// TestServeCommandInProcess runs serve through its options, on port 0, and
// stops it by cancelling the context.
func TestServeCommandInProcess(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "t.db")
	var errb strings.Builder
	f := serveFactory(t, dbPath, &errb)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done := startServe(t, ctx, f, func(o *serveOptions, listening func(string)) error {
		o.Addr = "127.0.0.1:0"
		o.Listening = listening
		return nil
	})
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz: %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	db, err := f.Store(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tok, ok, _ := db.Setting(context.Background(), "serve.token"); !ok || len(tok) < 16 {
		t.Fatalf("no token generated: %q", tok)
	}
}
