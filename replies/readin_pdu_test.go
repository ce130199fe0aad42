package replies

import (
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/modem/pdu"
	"github.com/texting-centre/texting/store"
)

// TestReadInPDUsAsSIMsHoldThem reads in, through the emulated dongle, a SIM
// holding PDUs as real SIMs and firmware keep them: one padded with FF to
// its EF-SMS record, a real capture with 30 octets after its user data
// (Gammu's tests/at-sms/39.dump), one whose user data is cut short, and a
// delivery report padded with FF (TP-PI FF). The first two are stored as
// normal texts; the third raw and flagged, with the sender, time and service
// centre that did decode, so that it stays in the sender's history; the
// report marks the text it is about delivered.
func TestReadInPDUsAsSIMsHoldThem(t *testing.T) {
	f := newFixture(t, Options{FragmentTimeout: 24 * time.Hour})
	const imsi = "234109876543211"
	sim, _, err := f.db.SeenSIM(f.ctx, imsi, "", "", "O2 - UK", "")
	if err != nil {
		t.Fatal(err)
	}
	sentID, _, err := f.db.InsertMessage(f.ctx, store.Message{Direction: store.Out, SIMID: sim.ID, Number: "+447700900100",
		Text: "campaign", Kind: store.KindCampaign, State: store.StateSent, Ref: "57"})
	if err != nil {
		t.Fatal(err)
	}
	report, err := pdu.EncodeStatusReport("+447785016005", 57, "+447700900100", sc, sc.Add(time.Minute), 0)
	if err != nil {
		t.Fatal(err)
	}
	report += strings.Repeat("FF", 175-(len(report)/2-8))

	padded := deliver(t, "+447700900011", "Padded to the SIM record", nil)
	smscOctets := 1 + 7 // the length octet and +447785016005
	padded += strings.Repeat("FF", 175-(len(padded)/2-smscOctets))
	const captured = "07914336120011F10404A14949000021807001253040356C76B81D268741F0B29C9C268741E4B20EB49AD16CB19BAD368BD96EA0B71B04BBBD603810284C078162315D2CE70289EBFAE1AC0CB2BFF52C10FC2D0799C3F6B71CC46687DB6550980D8AC962"
	whole := deliver(t, "+447700900012", "This one is cut short by the SIM", nil)
	cut := whole[:len(whole)-4]

	m := emulator(t, imsi, modemtest.WithInbox(padded, captured, cut, report))
	res := readIn(t, f.p, m.Path())
	if len(res.Ports) != 1 {
		t.Fatalf("ports: %+v", res.Ports)
	}
	if r := res.Ports[0]; r.Stored != 3 || r.Undecodable != 1 || r.Reports != 1 || r.Deleted != 4 || len(r.Errors) != 0 {
		t.Fatalf("result %+v", r)
	}
	got := map[string]store.Message{}
	for _, msg := range inbound(t, f.db) {
		got[msg.Number] = msg
	}

	tests := []struct {
		number, text, smsc string
		at                 time.Time
		flags              []string
		raw                string
	}{
		{"+447700900011", "Padded to the SIM record", "+447785016005", sc, nil, ""},
		{"9494", "llamada perdida de: +34617653167 on 07/08  at  11:19.", "+34632100111",
			time.Date(2012, 8, 7, 9, 52, 3, 0, time.UTC), nil, ""},
		{"+447700900012", "", "+447785016005", sc, []string{store.FlagUndecodable}, cut},
	}
	for _, tc := range tests {
		msg, ok := got[tc.number]
		if !ok {
			t.Errorf("nothing stored from %s; stored: %v", tc.number, got)
			continue
		}
		if msg.Text != tc.text || msg.SMSC != tc.smsc || !msg.At.Equal(tc.at) || strings.Join(msg.Flags, ",") != strings.Join(tc.flags, ",") || msg.Raw != tc.raw {
			t.Errorf("%s: text %q smsc %q at %v flags %v raw %q\nwant text %q smsc %q at %v flags %v raw %q",
				tc.number, msg.Text, msg.SMSC, msg.At, msg.Flags, msg.Raw, tc.text, tc.smsc, tc.at, tc.flags, tc.raw)
		}
	}
	if len(got) != len(tests) {
		t.Errorf("%d numbers stored, want %d: %v", len(got), len(tests), got)
	}
	if s := f.message(sentID).State; s != store.StateDelivered {
		t.Errorf("the padded report left the sent text %q", s)
	}
	// The undecodable text is in the sender's history.
	hist, err := f.db.Messages(f.ctx, store.MessageFilter{Number: "+447700900012"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 || !hist[0].HasFlag(store.FlagUndecodable) {
		t.Errorf("history of +447700900012: %+v", hist)
	}
}
