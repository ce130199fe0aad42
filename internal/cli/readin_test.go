package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/modem/pdu"
	"github.com/texting-centre/texting/store"
)

func inboxPDUs(t *testing.T, n int, prefix string) []string {
	t.Helper()
	ts := time.Date(2026, 11, 26, 13, 30, 0, 0, time.UTC)
	var out []string
	for i := 0; i < n; i++ {
		h, err := pdu.EncodeDeliver(fmt.Sprintf("+4477009%05d", i), fmt.Sprintf("%s %d", prefix, i),
			pdu.DeliverOptions{Class: -1, Timestamp: ts})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, h)
	}
	return out
}

func newEmulator(t *testing.T, imsi string, opts ...modemtest.Option) *modemtest.Modem {
	t.Helper()
	opts = append([]modemtest.Option{modemtest.WithSIM(modemtest.SIM{IMSI: imsi, Operator: "O2 - UK"})}, opts...)
	m, err := modemtest.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func countInbound(t *testing.T, dbPath string) int {
	t.Helper()
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n, err := db.CountMessages(context.Background(), store.MessageFilter{Direction: store.In})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestReadInCommandJSON checks the `read-in --json` contract and the exit
// status when one port fails.
func TestReadInCommandJSON(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "t.db")
	a := newEmulator(t, "234101234567890", modemtest.WithInbox(inboxPDUs(t, 3, "a")...))
	b := newEmulator(t, "234101234567891", modemtest.WithInbox(inboxPDUs(t, 2, "b")...))
	r := runCLI(t, dbPath, nil, "read-in", "--port", a.Path(), "--port", b.Path(), "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var got struct {
		Ports []map[string]any `json:"ports"`
	}
	if err := json.Unmarshal([]byte(r.out), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.out)
	}
	if len(got.Ports) != 2 {
		t.Fatalf("ports %v", got.Ports)
	}
	keys := []string{"port", "imsi", "stored", "deleted", "held", "incomplete", "undecodable", "errors"}
	for _, p := range got.Ports {
		if len(p) != len(keys) {
			t.Fatalf("fields %v, want exactly %v", p, keys)
		}
		for _, k := range keys {
			if _, ok := p[k]; !ok {
				t.Fatalf("field %q missing in %v", k, p)
			}
		}
	}
	if p := got.Ports[0]; p["port"] != a.Path() || p["imsi"] != "234101234567890" || p["stored"] != 3.0 || p["deleted"] != 3.0 {
		t.Fatalf("first port %v", p)
	}
	if p := got.Ports[1]; p["stored"] != 2.0 || len(p["errors"].([]any)) != 0 {
		t.Fatalf("second port %v", p)
	}

	// A missing port: reported in its entry, exit status 1, the other port
	// still read; stdout is still the JSON.
	c := newEmulator(t, "234101234567892", modemtest.WithInbox(inboxPDUs(t, 1, "c")...))
	r = runCLI(t, dbPath, nil, "read-in", "--port", "/dev/texting-no-such-port", "--port", c.Path(), "--json")
	if r.code != 1 || !strings.Contains(r.err, "1 of 2 ports failed") {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
	if err := json.Unmarshal([]byte(r.out), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.out)
	}
	if len(got.Ports[0]["errors"].([]any)) == 0 || got.Ports[1]["stored"] != 1.0 {
		t.Fatalf("ports %v", got.Ports)
	}

	// Plain output: one line per port.
	d := newEmulator(t, "234101234567893", modemtest.WithInbox(inboxPDUs(t, 2, "d")...))
	r = runCLI(t, dbPath, nil, "read-in", "--port", d.Path())
	if r.code != 0 || strings.Count(r.out, "\n") != 1 || !strings.Contains(r.out, "2 stored, 2 deleted") {
		t.Fatalf("plain: exit %d\n%s%s", r.code, r.out, r.err)
	}
	// modem.ports from the settings when no --port is given.
	e := newEmulator(t, "234101234567894", modemtest.WithInbox(inboxPDUs(t, 4, "e")...))
	if r := runCLI(t, dbPath, nil, "config", "set", "modem.ports", e.Path()); r.code != 0 {
		t.Fatalf("config set: %s", r.err)
	}
	r = runCLI(t, dbPath, nil, "read-in")
	if r.code != 0 || !strings.Contains(r.out, e.Path()) || !strings.Contains(r.out, "4 stored") {
		t.Fatalf("from modem.ports: exit %d\n%s%s", r.code, r.out, r.err)
	}
	if n := countInbound(t, dbPath); n != 3+2+1+2+4 {
		t.Fatalf("%d texts in the database", n)
	}
}

// TestReadInKilled runs the built binary, kills it with SIGKILL after its
// first delete from the SIM (texts committed, not all deleted), and runs it
// again: every text is in the database exactly once.
func TestReadInKilled(t *testing.T) {
	t.Parallel() // its own database, ports and processes
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := textingBinary(t)
	dbPath := filepath.Join(t.TempDir(), "t.db")
	const n = 12
	m := newEmulator(t, "234101234500000", modemtest.WithInbox(inboxPDUs(t, n, "text")...),
		modemtest.WithReplyDelay(30*time.Millisecond))
	cmd := exec.Command(bin, "--db", dbPath, "read-in", "--port", m.Path())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for m.Count("AT+CMGD") < 2 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the read-in never deleted anything")
		}
		time.Sleep(2 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	left := len(m.Inbox())
	if left == 0 || left == n {
		t.Fatalf("killed with %d of %d texts on the SIM: not in the middle", left, n)
	}
	stored := countInbound(t, dbPath)
	if stored < n-left {
		t.Fatalf("%d texts deleted from the SIM but only %d stored", n-left, stored)
	}
	// The port lock of the killed process is gone with it.
	out, err := exec.Command(bin, "--db", dbPath, "read-in", "--port", m.Path(), "--json").CombinedOutput()
	if err != nil {
		t.Fatalf("second read-in: %v\n%s", err, out)
	}
	if len(m.Inbox()) != 0 {
		t.Fatalf("%d texts left after the second read-in", len(m.Inbox()))
	}
	if got := countInbound(t, dbPath); got != n {
		t.Fatalf("%d texts in the database after the kill and a second read-in, want %d (stored %d before the kill, %d were left on the SIM)",
			got, n, stored, left)
	}
}
