package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/modem/pdu"
)

// TestReadInPaddedAndUndecodable runs `texting read-in` on an emulated
// dongle whose SIM holds a text padded with FF to its EF-SMS record and one
// whose user data is cut short, then `texting messages --number`: the padded
// one is a normal text, the cut one is in its sender's history, flagged
// undecodable, at the time its PDU gives.
func TestReadInPaddedAndUndecodable(t *testing.T) {
	ts := time.Date(2026, 11, 26, 13, 30, 0, 0, time.UTC)
	enc := func(from, text string) string {
		h, err := pdu.EncodeDeliver(from, text, pdu.DeliverOptions{SMSC: "+447785016005", Class: -1, Timestamp: ts})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	padded := enc("+447700900021", "Yes please, padded")
	padded += strings.Repeat("FF", 175-(len(padded)/2-8)) // 8: the SMSC octets
	whole := enc("+447700900022", "Cut short on the SIM")
	cut := whole[:len(whole)-6]

	dbPath := filepath.Join(t.TempDir(), "t.db")
	m := newEmulator(t, "234101234567892", modemtest.WithInbox(padded, cut))
	if r := runCLI(t, dbPath, nil, "read-in", "--port", m.Path()); r.code != 0 {
		t.Fatalf("read-in: exit %d: %s", r.code, r.err)
	}
	tests := []struct {
		number, text string
		flags        []string
	}{
		{"+447700900021", "Yes please, padded", []string{}},
		{"+447700900022", "", []string{"undecodable"}},
	}
	for _, tc := range tests {
		r := runCLI(t, dbPath, nil, "messages", "--number", tc.number, "--json")
		if r.code != 0 {
			t.Fatalf("messages --number %s: exit %d: %s", tc.number, r.code, r.err)
		}
		var got []struct {
			Number, Text, At, Direction string
			Flags                       []string
		}
		if err := json.Unmarshal([]byte(r.out), &got); err != nil {
			t.Fatalf("%v\n%s", err, r.out)
		}
		if len(got) != 1 || got[0].Number != tc.number || got[0].Text != tc.text || got[0].Direction != "in" ||
			strings.Join(got[0].Flags, ",") != strings.Join(tc.flags, ",") || got[0].At != ts.Format(time.RFC3339) {
			t.Errorf("messages --number %s: %+v\nwant text %q flags %v at %s", tc.number, got, tc.text, tc.flags, ts.Format(time.RFC3339))
		}
	}
	// The plain listing says what the flagged text is.
	r := runCLI(t, dbPath, nil, "messages", "--number", "+447700900022")
	if r.code != 0 || !strings.Contains(r.out, "undecodable") {
		t.Errorf("messages --number: exit %d\n%s%s", r.code, r.out, r.err)
	}
}
