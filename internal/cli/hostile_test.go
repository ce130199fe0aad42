package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/modem/pdu"
	"github.com/texting-centre/texting/store"
)

// hostileSMS is the escape-injection text of issue 16: set the terminal's
// title, ring its bell, turn what follows red.
const hostileSMS = "\x1b]0;PWNED-TITLE\x07\x1b[31m"

// hostileTexts are what a stranger could put in a text, a callback or the
// data source, each stored as it came.
var hostileTexts = []string{
	"hi " + hostileSMS + " there",
	"\u009b31m8-bit CSI \u009d0;osc\u009c and \u202eRLO\u202c \u2066isolate\u2069",
	"=HYPERLINK(\"http://evil.example/\",\"click\")",
	"@SUM(1+1)*cmd|' /C calc'!A0",
	"\x1b]52;c;cm0gLXJmIH4K\x07clipboard",
}

// checkNoTerminalControls fails when out holds anything a terminal would act
// on: a C0 control other than newline and tab, DEL, a C1 control (as a
// character or a stray byte) or a bidirectional override or isolate.
func checkNoTerminalControls(t *testing.T, what, out string) {
	t.Helper()
	for i, r := range out {
		bad := (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) ||
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0xfffd && out[i] != 0xef
		if bad {
			lo, hi := max(0, i-30), min(len(out), i+30)
			t.Errorf("%s: %U reaches the terminal at byte %d: %q", what, r, i, out[lo:hi])
			return
		}
	}
}

// hostileDesk seeds a database with outside text in every place a command
// prints: texts read in from an emulated dongle (UCS-2), a failed outgoing
// text's error, a network's notes, a category's auto-reply, a template, a
// SIM's operator name, a data source's group and names.
func hostileDesk(t *testing.T) (dbPath string, dongle *modemtest.Modem, source string) {
	t.Helper()
	dbPath = filepath.Join(t.TempDir(), "t.db")
	ts := time.Date(2026, 11, 26, 13, 30, 0, 0, time.UTC)
	var inbox []string
	for i, text := range hostileTexts {
		h, err := pdu.EncodeDeliver(fmt.Sprintf("+4477009001%02d", i), text,
			pdu.DeliverOptions{Class: -1, Timestamp: ts, Encoding: pdu.UCS2})
		if err != nil {
			t.Fatal(err)
		}
		inbox = append(inbox, h)
	}
	dongle = newEmulator(t, "234101234567890",
		modemtest.WithSIM(modemtest.SIM{IMSI: "234101234567890", Operator: "O2" + hostileSMS}),
		modemtest.WithInbox(inbox...))
	r := runCLI(t, dbPath, nil, "read-in", "--port", dongle.Path())
	if r.code != 0 {
		t.Fatalf("read-in: exit %d: %s", r.code, r.err)
	}
	checkNoTerminalControls(t, "read-in", r.out+r.err)

	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, _, err := db.InsertMessage(ctx, store.Message{Direction: store.Out, Number: "+447700900100",
		Text: "reply " + hostileSMS, Kind: store.KindManual, State: store.StateFailed,
		Error: "provider said: " + hostileSMS + "\u202e", Parts: 1}); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"network", "add", "Evil", "--note", "call " + hostileSMS + "\u009b"},
		{"category", "add", "Weird", "--autoreply", "thanks " + hostileSMS},
		{"template", "add", "grp", "--body", "Hi {name} " + hostileSMS},
		{"config", "set", "managers", "+447700900999"},
	} {
		if r := runCLI(t, dbPath, nil, args...); r.code != 0 {
			t.Logf("%v refused (fine, nothing stored): %s", args, r.err)
		} else {
			checkNoTerminalControls(t, strings.Join(args[:2], " "), r.out+r.err)
		}
	}
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"grp":[["+447700900200","Eve\u001b]0;pwn\u0007"]],"evil\u001b[31m\u202e":[["+447700900201","Bob"]]}`)
	}))
	t.Cleanup(src.Close)
	return dbPath, dongle, src.URL
}

// TestHostileTextNeverReachesTheTerminal runs every command that prints
// stored or outside text, in its plain and CSV forms and on its error paths,
// over a desk full of escape sequences, and fails when any control reaches
// the output. A command added to the tree must be run here or listed in
// notRun with the reason, or the test fails.
func TestHostileTextNeverReachesTheTerminal(t *testing.T) {
	t.Parallel() // its own database, ports and processes
	dbPath, dongle, source := hostileDesk(t)
	hostileHex, err := pdu.EncodeDeliver("+447700900100", hostileTexts[0],
		pdu.DeliverOptions{Class: -1, Timestamp: time.Date(2026, 11, 26, 13, 30, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	runs := [][]string{
		{"messages"}, {"messages", "--csv"}, {"messages", "--in"}, {"messages", "--number", "+447700900100"},
		{"messages", "--since", hostileSMS},
		{"stats"}, {"stats", "--csv"},
		{"outbox"}, {"outbox", "--state", "failed"}, {"outbox", "resend", "1"}, {"outbox", "fail", "999"}, {"outbox", "archive", "--older-than", hostileSMS},
		{"network", "list"}, {"network", "add", hostileSMS}, {"network", "set", hostileSMS, "--note", "x"}, {"network", "rm", hostileSMS},
		{"sim", "list"}, {"sim", "add", "--network", hostileSMS}, {"sim", "set", hostileSMS, "--limit", "3"}, {"sim", "rm", hostileSMS},
		{"category", "list"}, {"category", "add", hostileSMS}, {"category", "set", hostileSMS}, {"category", "rm", hostileSMS}, {"category", "move", hostileSMS, "up"}, {"category", "move", "Thanks", hostileSMS},
		{"category", "merge", hostileSMS, "Weird"}, {"category", "merge", "Weird", hostileSMS},
		{"optout", "add", "+447700900123", "--note", hostileSMS}, {"optout", "add", hostileSMS}, {"optout", "list"},
		{"optout", "rm", hostileSMS}, {"optout", "rm", "+447700900123", "--note", hostileSMS}, {"optout"},
		{"template", "list"}, {"template", "add", hostileSMS, "--body", "{" + hostileSMS + "}"}, {"template", "set", hostileSMS}, {"template", "rm", hostileSMS},
		{"config", "list"}, {"config", "get", "managers"}, {"config", "get", hostileSMS}, {"config", "set", "region", hostileSMS},
		{"replies", "list"}, {"messages", "--held"}, {"replies", "tag", "1", hostileSMS}, {"replies", "tag", "2", "Weird"}, {"replies", "recategorise"},
		{"classify", "eval"},
		{"pdu", "decode", hostileHex}, {"pdu", "decode", hostileSMS},
		{"pdu", "encode", "--to", "+447700900100", "--text", hostileTexts[1]}, {"pdu", "encode", "--to", hostileSMS, "--text", "x"},
		{"send", "--to", hostileSMS, "--text", "x"}, {"send", "--to", "+447700900100", "--text", hostileSMS, "--sim", hostileSMS},
		{"campaign", "run", "--dry-run", "--source", source, "--port", dongle.Path()},
		{"followup", "run", "--dry-run", "--port", dongle.Path()},
		{"read-in", "--port", dongle.Path()},
		{"modem", "status", "--port", dongle.Path()}, {"modem", "list", "--port", dongle.Path()},
		{"gateway", "balance"},
		{"greeting", "--at", hostileSMS},
		{"version"},
		{"backup", filepath.Join(t.TempDir(), "no such dir", hostileSMS)}, {"restore", filepath.Join(t.TempDir(), hostileSMS)},
		{hostileSMS},
		{"category"}, {"classify"}, {"config"}, {"gateway"}, {"network"}, {"replies"}, {"sim"}, {"template"},
		{"ssh"}, {"ssh", "add-key", hostileSMS, "-"}, {"ssh", "add-key", "ann", filepath.Join(t.TempDir(), hostileSMS)},
		{"ssh", "keys"}, {"ssh", "rm-key", hostileSMS},
	}
	// notRun: commands that print no stored or outside text of their own,
	// or that need a terminal or run until interrupted.
	notRun := map[string]string{
		"texting":                       "opens the TUI (needs a terminal; the TUI's screens are tested in tui)",
		"texting tui":                   "needs a terminal; the TUI's screens are tested in tui",
		"texting demo":                  "needs a terminal",
		"texting serve":                 "runs until interrupted; prints only its own address lines",
		"texting modem simulate":        "runs until interrupted; prints only the pty path",
		"texting completion bash":       "cobra's shell script, no data",
		"texting completion fish":       "cobra's shell script, no data",
		"texting completion zsh":        "cobra's shell script, no data",
		"texting completion powershell": "cobra's shell script, no data",
		"texting help":                  "cobra's help, no data",
	}
	covered := map[string]bool{}
	for _, args := range runs {
		name := strings.Join(args, " ")
		t.Run(strings.ReplaceAll(termsafeName(name), "/", "_"), func(t *testing.T) {
			r := runCLI(t, dbPath, nil, args...)
			checkNoTerminalControls(t, "stdout", r.out)
			checkNoTerminalControls(t, "stderr", r.err)
		})
		covered["texting "+commandPath(args)] = true
	}
	var missing []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		if c.Runnable() && !covered[c.CommandPath()] && notRun[c.CommandPath()] == "" {
			missing = append(missing, c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(NewRootCmd(NewFactory()))
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("commands not run over hostile text (add them to runs, or to notRun with the reason): %v", missing)
	}
}

// commandPath is the command words at the start of args (up to the first
// flag or argument that is not a subcommand).
func commandPath(args []string) string {
	root := NewRootCmd(NewFactory())
	c, _, err := root.Find(args)
	if err != nil || c == root {
		return ""
	}
	return strings.TrimPrefix(c.CommandPath(), "texting ")
}

func termsafeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return '?'
		}
		return r
	}, s)
}

// TestHostileTextJSONExact: --json gives back exactly the text that came in,
// escape sequences included, and yet passes none of them to a terminal raw.
func TestHostileTextJSONExact(t *testing.T) {
	dbPath, _, _ := hostileDesk(t)
	r := runCLI(t, dbPath, nil, "messages", "--in", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	checkNoTerminalControls(t, "messages --json", r.out)
	var got []messageJSON
	if err := json.Unmarshal([]byte(r.out), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.out)
	}
	texts := map[string]bool{}
	for _, m := range got {
		texts[m.Text] = true
	}
	for _, want := range hostileTexts {
		if !texts[want] {
			t.Errorf("--json lost the exact text %q; got %v", want, texts)
		}
	}
}

// TestHostileCSV: cells a spreadsheet would run as a formula are prefixed,
// numbers stay numbers.
func TestHostileCSV(t *testing.T) {
	dbPath, _, _ := hostileDesk(t)
	r := runCLI(t, dbPath, nil, "messages", "--csv", "--in")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, want := range []string{`'=HYPERLINK(`, `'@SUM(1+1)`, "+447700900102,", "hi ␛]0;PWNED-TITLE␇␛[31m there"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("--csv lacks %q:\n%s", want, r.out)
		}
	}
	for _, line := range strings.Split(r.out, "\n") {
		for _, cell := range strings.Split(line, ",") {
			cell = strings.TrimPrefix(cell, `"`)
			if cell != "" && strings.ContainsRune("=@", rune(cell[0])) {
				t.Errorf("formula cell %q in %q", cell, line)
			}
		}
	}
}
