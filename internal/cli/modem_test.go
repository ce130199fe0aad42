package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/modem/pdu"
)

func startEmulator(t *testing.T, opts ...modemtest.Option) *modemtest.Modem {
	t.Helper()
	m, err := modemtest.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestModemStatusJSON(t *testing.T) {
	t.Parallel()
	m1 := startEmulator(t, modemtest.WithSIM(modemtest.SIM{IMSI: "234100000000001", Operator: "O2 - UK", Number: "+447700900001"}),
		modemtest.WithIMEI("353456789012340"), modemtest.WithSignal(17),
		modemtest.WithStored("ME", statusTestDeliver(t)), modemtest.WithStored("SR", statusTestReport(t, 1), statusTestReport(t, 2)))
	m2 := startEmulator(t, modemtest.WithNoSIM())
	dir := t.TempDir()
	r := runCLI(t, filepath.Join(dir, "t.db"), nil, "modem", "status", "--json", "--port", m1.Path(), "--port", m2.Path())
	if r.code != 1 {
		t.Fatalf("exit %d (want 1: one port failed)\nstdout %s\nstderr %s", r.code, r.out, r.err)
	}
	var got struct {
		Modems []map[string]any `json:"modems"`
	}
	if err := json.Unmarshal([]byte(r.out), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.out)
	}
	if len(got.Modems) != 2 {
		t.Fatalf("%d modems", len(got.Modems))
	}
	a := got.Modems[0]
	want := map[string]any{
		"port": m1.Path(), "imsi": "234100000000001", "imei": "353456789012340", "operator": "O2 - UK",
		"own_number": "+447700900001", "signal_dbm": float64(-79), "bars": float64(4), "storage": "SM",
		"storage_used": float64(0), "storage_total": float64(30), "service": "home, WCDMA", "model": "E173",
	}
	for k, v := range want {
		if a[k] != v {
			t.Errorf("%s = %v, want %v", k, a[k], v)
		}
	}
	wantMems := []any{
		map[string]any{"mem": "ME", "used": float64(1), "total": float64(100)},
		map[string]any{"mem": "SR", "used": float64(2), "total": float64(50)},
		map[string]any{"mem": "SM", "used": float64(0), "total": float64(30)},
	}
	if got, _ := json.Marshal(a["storages"]); string(got) != string(must(json.Marshal(wantMems))) {
		t.Errorf("storages %s", got)
	}
	if h, ok := a["health"].(map[string]any); !ok || h["state"] != "ok" {
		t.Errorf("health %v", a["health"])
	}
	if _, ok := a["error"]; ok {
		t.Errorf("error on a good port: %v", a["error"])
	}
	b := got.Modems[1]
	if b["port"] != m2.Path() || !strings.Contains(b["error"].(string), "no SIM card") || !strings.Contains(b["error"].(string), "SIM not inserted") {
		t.Errorf("second port %v", b)
	}
	if !strings.Contains(r.err, "texting: modem status: 1 of 2 ports failed") {
		t.Errorf("stderr %q", r.err)
	}
	if _, err := os.Stat(filepath.Join(dir, "t.db")); !os.IsNotExist(err) {
		t.Errorf("status with --port made a database: %v", err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func statusTestDeliver(t *testing.T) string {
	t.Helper()
	p, err := pdu.EncodeDeliver("+447700900123", "waiting in the stick", pdu.DeliverOptions{Class: -1, Timestamp: time.Now().UTC()})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func statusTestReport(t *testing.T, mr int) string {
	t.Helper()
	now := time.Now()
	p, err := pdu.EncodeStatusReport("+447802000332", mr, "+447700900123", now, now, 0)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestModemStatusPlain(t *testing.T) {
	t.Parallel()
	m := startEmulator(t, modemtest.WithSIM(modemtest.SIM{IMSI: "234100000000009"}), modemtest.WithStored("ME", statusTestDeliver(t)))
	r := runCLI(t, filepath.Join(t.TempDir(), "t.db"), map[string]string{"TEXTING_MODEM_PORTS": m.Path()}, "modem", "status")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, want := range []string{m.Path(), "IMSI:       234100000000009", "operator:   O2 - UK", "storage:    SM 0 of 30 used",
		"waiting:    stick (ME) 1 of 100, reports (SR) 0 of 50, SIM (SM) 0 of 30", "health:     ok"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
}

func TestModemListPorts(t *testing.T) {
	t.Parallel()
	good := startEmulator(t, modemtest.WithSIM(modemtest.SIM{IMSI: "234100000000002"}), modemtest.WithIMEI("353456789012341"))
	busy := startEmulator(t)
	pin := startEmulator(t, modemtest.WithPIN("0000"))
	held, err := modem.Open(context.Background(), busy.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	r := runCLI(t, filepath.Join(t.TempDir(), "t.db"), nil, "modem", "list", "--json", "--port", good.Path(), "--port", busy.Path(), "--port", pin.Path())
	// The PIN port cannot be used: exit 1; the busy one is in use, not broken.
	if r.code != 1 || !strings.Contains(r.err, "1 of 3 ports not usable ("+pin.Path()+": SIM asks for a PIN)") {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var got struct {
		Modems []modem.Candidate `json:"modems"`
	}
	if err := json.Unmarshal([]byte(r.out), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.out)
	}
	if len(got.Modems) != 3 {
		t.Fatalf("%+v", got.Modems)
	}
	g, b, p := got.Modems[0], got.Modems[1], got.Modems[2]
	if !g.Usable || g.IMSI != "234100000000002" || g.IMEI != "353456789012341" || g.Model != "E173" || g.Bars != 5 {
		t.Errorf("good port %+v", g)
	}
	if b.Usable || b.Note != "port busy: another process holds it" {
		t.Errorf("busy port %+v", b)
	}
	if p.Usable || p.Note != "SIM asks for a PIN" {
		t.Errorf("PIN port %+v", p)
	}
	plain := runCLI(t, filepath.Join(t.TempDir(), "t.db"), nil, "modem", "list", "--port", good.Path())
	if plain.code != 0 || !strings.Contains(plain.out, "234100000000002") || !strings.Contains(plain.out, "-73 dBm") {
		t.Fatalf("plain list %d:\n%s%s", plain.code, plain.out, plain.err)
	}
}

func TestPortsFromConfig(t *testing.T) {
	t.Parallel()
	f := NewFactory()
	dir := t.TempDir()
	f.DBPath = filepath.Join(dir, "none.db")
	f.Getenv = func(k string) string {
		if k == "TEXTING_MODEM_PORTS" {
			return " /dev/ttyUSB2, ,/dev/ttyUSB5 "
		}
		return ""
	}
	got, err := portsFromConfig(context.Background(), f)
	if err != nil || strings.Join(got, "|") != "/dev/ttyUSB2|/dev/ttyUSB5" {
		t.Fatalf("%q %v", got, err)
	}
	f.Getenv = func(string) string { return "" }
	got, err = portsFromConfig(context.Background(), f)
	if err != nil || got != nil {
		t.Fatalf("no setting: %q %v", got, err)
	}
	if _, err := os.Stat(f.DBPath); !os.IsNotExist(err) {
		t.Fatal("reading the setting created a database")
	}
	// With a database, the modem.ports setting.
	db := filepath.Join(dir, "t.db")
	if r := runCLI(t, db, nil, "config", "set", "modem.ports", "/dev/ttyUSB7,/dev/ttyUSB8"); r.code != 0 {
		t.Fatalf("config set: %s", r.err)
	}
	f2 := NewFactory()
	f2.DBPath = db
	f2.Getenv = func(string) string { return "" }
	defer f2.Close()
	got, err = portsFromConfig(context.Background(), f2)
	if err != nil || strings.Join(got, "|") != "/dev/ttyUSB7|/dev/ttyUSB8" {
		t.Fatalf("from the setting: %q %v", got, err)
	}
}

// TestModemSimulate runs `texting modem simulate --inbox FILE`, reads the
// port path from stdout, drains it through the real serial code, then
// interrupts it.
func TestModemSimulate(t *testing.T) {
	t.Parallel()
	p, err := pdu.EncodeDeliver("+447700900123", "from the inbox file", pdu.DeliverOptions{Class: -1, Timestamp: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	inbox := filepath.Join(t.TempDir(), "inbox.txt")
	if err := os.WriteFile(inbox, []byte("# one text\n"+p+"\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	var errb bytes.Buffer
	f := NewFactory()
	f.Out, f.Err = pw, &errb
	f.Getenv = func(string) string { return "" }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, f, []string{"modem", "simulate", "--inbox", inbox, "--imsi", "234109999999999", "--send-delay", "10ms"})
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	port := strings.TrimSpace(line)
	d, err := modem.Open(ctx, port)
	if err != nil {
		t.Fatal(err)
	}
	if d.IMSI() != "234109999999999" {
		t.Errorf("IMSI %s", d.IMSI())
	}
	res, err := d.Send(ctx, "+447700900999", "hello", modem.SendOptions{})
	if err != nil || len(res.Refs) != 1 {
		t.Fatalf("send %+v %v", res, err)
	}
	d.Close()
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("simulate did not stop on interrupt")
	}
	if !strings.Contains(errb.String(), "1 texts on its SIM") || !strings.Contains(errb.String(), "1 texts sent") {
		t.Errorf("stderr %q", errb.String())
	}
}

func TestModemSimulateBadInbox(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad.txt")
	os.WriteFile(bad, []byte("not hex\n"), 0o600)
	r := runCLI(t, filepath.Join(t.TempDir(), "t.db"), nil, "modem", "simulate", "--inbox", bad)
	if r.code != 1 || r.out != "" || !strings.Contains(r.err, "not a hex PDU") {
		t.Fatalf("%+v", r)
	}
}

// TestModemListSilentPort: a port where nothing ever answers is listed as
// not answering within 5 s, with the default timeouts, and the exit status
// is 1; the good port beside it is still listed.
func TestModemListSilentPort(t *testing.T) {
	t.Parallel()
	good := startEmulator(t, modemtest.WithSIM(modemtest.SIM{IMSI: "234100000000003"}))
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer slave.Close()
	start := time.Now()
	r := runCLI(t, filepath.Join(t.TempDir(), "t.db"), nil, "modem", "list", "--port", good.Path(), "--port", slave.Name())
	took := time.Since(start)
	if took > 5*time.Second {
		t.Errorf("modem list took %v with a silent port, want at most 5 s", took)
	}
	if r.code != 1 || !strings.Contains(r.err, "1 of 2 ports not usable") || strings.Count(r.err, "\n") != 1 {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	if len(lines) != 4 || !strings.Contains(lines[2], "234100000000003") ||
		!strings.Contains(lines[3], slave.Name()) || !strings.Contains(lines[3], "not answering") {
		t.Fatalf("listing:\n%s", r.out)
	}
	t.Logf("modem list with a silent port took %v", took.Round(10*time.Millisecond))
}
