package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/modem/pdu"
	"github.com/texting-centre/texting/replies"
)

// TestReadInReportsHeldParts reads in the first half of a long text: the
// part is stored (and gone from the SIM), read-in says it is held, and
// `messages --held` shows it; when the other half comes, it is a message.
func TestReadInReportsHeldParts(t *testing.T) {
	long := strings.Repeat("Yes please call me about the boiler on Tuesday morning. ", 4)
	parts, err := pdu.EncodeDeliverParts("+447700900777", long, 42, time.Date(2026, 11, 26, 13, 30, 0, 0, time.UTC))
	if err != nil || len(parts) != 2 {
		t.Fatalf("%d parts, %v", len(parts), err)
	}
	dbPath := filepath.Join(t.TempDir(), "t.db")
	a := newEmulator(t, "234101234567890", modemtest.WithInbox(append(inboxPDUs(t, 1, "short"), parts[0])...))

	r := runCLI(t, dbPath, nil, "read-in", "--port", a.Path(), "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var got struct {
		Ports []struct {
			Stored, Deleted, Held, Incomplete int
		} `json:"ports"`
	}
	if err := json.Unmarshal([]byte(r.out), &got); err != nil || len(got.Ports) != 1 {
		t.Fatalf("%v\n%s", err, r.out)
	}
	if p := got.Ports[0]; p.Stored != 1 || p.Deleted != 2 || p.Held != 1 || p.Incomplete != 0 {
		t.Fatalf("read-in %+v, want 1 stored, 2 deleted, 1 held, 0 incomplete", p)
	}

	r = runCLI(t, dbPath, nil, "messages", "--held")
	firstHalf, _ := pdu.Decode(parts[0])
	for _, want := range []string{"+447700900777", "1 of 2", firstHalf.Text[:40], "1 long text waiting"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("messages --held lacks %q:\n%s", want, r.out)
		}
	}
	r = runCLI(t, dbPath, nil, "messages", "--held", "--json")
	var held []heldJSON
	if err := json.Unmarshal([]byte(r.out), &held); err != nil || len(held) != 1 {
		t.Fatalf("%v\n%s", err, r.out)
	}
	if h := held[0]; h.Number != "+447700900777" || h.Total != 2 || len(h.Parts) != 1 || h.Parts[0] != 1 ||
		h.Text != firstHalf.Text+"…" || h.SIM == nil {
		t.Fatalf("held %+v", h)
	}
	if r := runCLI(t, dbPath, nil, "messages", "--held", "--number", "07700900123"); r.out != "no long texts held\n" {
		t.Fatalf("held for another number: %q", r.out)
	}

	// The plain read-in line says so too; the other half joins the text.
	b := newEmulator(t, "234101234567890", modemtest.WithInbox(parts[1]))
	r = runCLI(t, dbPath, nil, "read-in", "--port", b.Path())
	if r.code != 0 || !strings.Contains(r.out, "1 stored, 1 deleted, 0 held") {
		t.Fatalf("second read-in: %q %q", r.out, r.err)
	}
	if r := runCLI(t, dbPath, nil, "messages", "--held"); r.out != "no long texts held\n" {
		t.Fatalf("after joining: %q", r.out)
	}
	if r := runCLI(t, dbPath, nil, "messages", "--number", "07700900777"); !strings.Contains(r.out, "Yes please call me") {
		t.Fatalf("joined text not listed: %q", r.out)
	}
	if r := runCLI(t, dbPath, nil, "messages", "--held", "--out"); r.code != 1 || !strings.Contains(r.err, "--held") {
		t.Fatalf("--held --out: %d %q", r.code, r.err)
	}
}

func TestReadInLineSaysWhereHeldPartsAre(t *testing.T) {
	line := readInLine(replies.PortResult{Port: "/dev/ttyUSB2", Stored: 3, Deleted: 5, Held: 2})
	want := "/dev/ttyUSB2: 3 stored, 5 deleted, 2 held, 0 incomplete, 0 undecodable (held: 2 parts of long texts waiting for the rest, see texting messages --held)"
	if line != want {
		t.Fatalf("got  %q\nwant %q", line, want)
	}
}
