package pdu

import (
	"errors"
	"strings"
	"testing"
)

// TestDecodeTolerated covers what real phones and modems give that a strict
// reading of TS 23.040 refused before issue 17: octets after the user data,
// the FF filler of a SIM record, a user data header bit with no user data.
// The first four rows were rows of TestDecodeMalformed; Gammu decodes each of
// them as below.
func TestDecodeTolerated(t *testing.T) {
	const hello = "0011000B916407281553F80000AA0AE8329BFD4697D9EC37" // submit "hellohello"
	const report = "0006D60B911326880736F4111011719551401110117195714000"
	tests := []struct {
		name     string
		hex      string
		typ      Type
		text     string
		enc      Encoding
		data     string // hex of 8-bit user data
		trailing int
	}{
		{"octets after user data", hello + "00", Submit, "hellohello", GSM7, "", 1},
		{"udl says fewer", "0011000B916407281553F80000AA05E8329BFD4697D9EC37", Submit, "hello", GSM7, "", 4},
		{"UDH on empty data", "0051000B916407281553F80000AA00", Submit, "", GSM7, "", 0},
		{"status report trailing", report + "0000", StatusReport, "", "", "", 1},
		{"SIM record FF filler", hello + strings.Repeat("FF", 150), Submit, "hellohello", GSM7, "", 150},
		{"status report TP-PI FF", report + strings.Repeat("FF", 151), StatusReport, "", "", "", 151},
		{"status report TP-PI 00 then FF", report + "00" + strings.Repeat("FF", 150), StatusReport, "", "", "", 150},
		// TP-PI 06: TP-DCS 00 and TP-UDL 4 ("Test"), then the filler.
		{"status report with text then FF", report + "060004D4F29C0E" + strings.Repeat("FF", 20), StatusReport, "Test", GSM7, "", 20},
		// TP-DCS F9 sets bit 3, which TS 23.038 reserves in group 1111: 18
		// septets would leave 2 of the 18 octets over, so the 18 is octets
		// (Gammu reads any reserved coding as 8-bit data).
		{"reserved DCS length in octets", "0011000B916407281553F800F9AA12" + "042204350441044200200054006500730074", Submit, "", Data8, "042204350441044200200054006500730074", 0},
		// TP-DCS FB, 4 septets in 4 octets: the default alphabet reading
		// leaves an octet over, so it is taken as 8-bit data of 4 octets.
		// With 3 octets of data the reading is 7-bit: "ABC" needs 3.
		{"reserved DCS septets fit", "0011000B916407281553F800FBAA03" + "41E110", Submit, "ABC", GSM7, "", 0},
		{"reserved DCS septets fit then filler", "0011000B916407281553F800FBAA03" + "41E110" + "FFFF", Submit, "ABC", GSM7, "", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode(tc.hex)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if m.Type != tc.typ || m.Text != tc.text || m.Encoding != tc.enc || upperHex(m.Data) != tc.data || m.Trailing != tc.trailing {
				t.Errorf("got %s %q %s data %X trailing %d, want %s %q %s data %s trailing %d",
					m.Type, m.Text, m.Encoding, m.Data, m.Trailing, tc.typ, tc.text, tc.enc, tc.data, tc.trailing)
			}
		})
	}
}

// TestDecodeStillRefused: tolerance stops where the message itself is
// broken: a length beyond the octets there are, a header that overruns
// itself or the user data, an address cut short.
func TestDecodeStillRefused(t *testing.T) {
	tests := []struct {
		name string
		hex  string
		msg  string
	}{
		{"7-bit UDL longer than the octets", "0011000B916407281553F80000AA0BE8329BFD4697D9EC37", "user data cut short"},
		{"UCS-2 UDL longer than the octets", "0011000B916407281553F80008AA0A00480069", "user data cut short"},
		{"header overruns itself", "0051000B916407281553F80008AA0A06000501020300480069", "longer than the header"},
		{"header longer than the user data", "0051000B916407281553F80008AA040A000301", "longer than the user data"},
		{"address cut short", "00040B91134661", "cut short in originating address"},
		{"status report TP-PI extension runs out", "0006D60B911326880736F4111011719551401110117195714000" + "80", "parameter indicator"},
		// python-gsmmodem test/test_pdu.py: a UCS-2 submit whose UDL (160)
		// is more than a PDU holds; that library reads what is there,
		// Gammu 1.42 refuses it.
		{"UCS-2 UDL over 140 (python-gsmmodem)", "0041010C910661345542F60008A0050003000301306F3044", "more than 140"},
		// ModemManager src/tests/test-sms-part-3gpp.c, its invalid PDUs
		// (its "wrong UDH" ones are a header bit with no user data, which
		// Gammu reads as an empty text, and so do we).
		{"insufficient data (ModemManager)", "07912143658709F1040B918100551512F20000111010214365000BE8329BFD4697D9EC37", "user data cut short"},
		{"no address (ModemManager)", "000ABF00", "cut short in"},
		{"wrong address size (ModemManager)", "001C011C", "cut short in originating address"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode(tc.hex)
			if err == nil {
				t.Fatalf("decoded as %+v", m)
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q, want one saying %q", err, tc.msg)
			}
		})
	}
}

// TestDecodePartial: a PDU that does not decode keeps the fields before the
// failure, so that it can be stored with its sender, time and SMSC.
func TestDecodePartial(t *testing.T) {
	const deliver = "07911326040000F0040B911346610089F60000208062917314080CC8329BFD065DDF72363904" // "Hello World!"
	tests := []struct {
		name string
		hex  string
		want *want // nil: no partial message
		msg  string
	}{
		{"not hex", "07911326040000F0040G", nil, "not a hex digit"},
		{"SMSC cut short", "0791132604", nil, "no TPDU"},
		{"SMSC only", "07911326040000F0", &want{smsc: "+31624000000", class: none}, "no TPDU"},
		{"reserved type", "07911326040000F003", &want{smsc: "+31624000000", class: none}, "reserved message type"},
		{"sender cut short", "07911326040000F0040B9113466100", &want{typ: Deliver, smsc: "+31624000000", class: none}, "originating address"},
		{"bad time stamp", "07911326040000F0040B911346610089F60000209962917314080CC8", &want{typ: Deliver, smsc: "+31624000000",
			from: "+31641600986", addrType: 0x91, enc: GSM7, class: none}, "no such time"},
		{"user data cut short", deliver[:len(deliver)-4], &want{typ: Deliver, smsc: "+31624000000", from: "+31641600986",
			addrType: 0x91, enc: GSM7, class: none, ts: "2002-08-26T19:37:41Z"}, "user data cut short"},
		{"UCS-2 lone surrogate", "07911326040000F0040B911346610089F6000820806291731408040041DC00", &want{typ: Deliver,
			smsc: "+31624000000", from: "+31641600986", addrType: 0x91, enc: UCS2, class: none, ts: "2002-08-26T19:37:41Z"}, "low surrogate"},
		{"status report cut in discharge time", "0006D60B911326880736F4111011719551401110117195", &want{typ: StatusReport,
			recipient: "+31628870634", addrType: 0x91, mr: 214, class: none, ts: "2011-01-11T17:59:15+01:00"}, "discharge time"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.hex)%2 != 0 {
				t.Fatalf("odd hex %s", tc.hex)
			}
			p, err := DecodePartial(tc.hex)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v, want one saying %q", err, tc.msg)
			}
			if m, err2 := Decode(tc.hex); m != nil || err2.Error() != err.Error() {
				t.Errorf("Decode: %+v, %v", m, err2)
			}
			if tc.want == nil {
				if p != nil {
					t.Errorf("partial %+v, want none", p)
				}
				return
			}
			if p == nil {
				t.Fatal("no partial message")
			}
			checkMessage(t, p, *tc.want)
		})
	}
}
