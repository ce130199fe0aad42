package pdu

import (
	"strings"
	"testing"
	"time"
)

func TestEncodeSubmitPublishedVectors(t *testing.T) {
	tests := []struct {
		name string
		to   string
		text string
		opts SubmitOptions
		want []string
	}{{
		// python-gsmmodem test_encodeSmsSubmit.
		name: "gsm7", to: "+27820001111", text: "Hello World!",
		want: []string{"0001000B917228001011F100000CC8329BFD065DDF72363904"},
	}, {
		// python-gsmmodem, 52 weeks; its SMSC prefix replaced by 00.
		name: "ucs2 with validity", to: "+123456789", text: "世界您好！", opts: SubmitOptions{Validity: 52 * 7 * 24 * time.Hour},
		want: []string{"001100099121436587F90008F40A4E16754C60A8597DFF01"},
	}, {
		// oFono test_prepare_7bit, validity A7 (24 hours); its SMSC
		// prefix replaced by 00.
		name: "gsm7 with validity", to: "+358478400241", text: "This is testing !", opts: SubmitOptions{Validity: 24 * time.Hour},
		want: []string{"0011000C915348870420140000A71154747A0E4ACF41F4F29C9E769F4121"},
	}, {
		// dreamfabric: validity AA (4 days).
		name: "hellohello", to: "+46708251358", text: "hellohello", opts: SubmitOptions{Validity: 96 * time.Hour},
		want: []string{"0011000B916407281553F80000AA0AE8329BFD4697D9EC37"},
	}, {
		// python-gsmmodem test_encodeSmsSubmit_concatenated: three 7-bit
		// parts, reference 0. Its first octet 45 sets TP-RD (reject
		// duplicates), which EncodeSubmit does not: 41 here.
		name: "concatenated lorem ipsum", to: "+15125551234",
		text: "Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.Ut enim ad minim veniam, quinostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.Duis aute irure dolor in reprehenderit in voluptate velit esse cillum doloe eu fugiat nulla pariatur.Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum",
		want: []string{
			"0041000B915121551532F40000A0050003000301986F79B90D4AC3E7F53688FC66BFE5A0799A0E0AB7CB741668FC76CFCB637A995E9783C2E4343C3D4F8FD3EE33A8CC4ED359A079990C22BF41E5747DDE7E9341F4721BFE9683D2EE719A9C26D7DD74509D0E6287C56F791954A683C86FF65B5E06B5C36777181466A7E3F5B0AB4A0795DDE936284C06B5D3EE741B642FBBD3E1360B14AFA7DD",
			"0041000B915121551532F40000A0050003000302DE73BABC4E0695F165F9384D0FD3D36F37A8CE6687DBE337881D16BFE5E939C89D9EA741753A28CC4EC7EB6938A88C0795C3A0F1BBDD7E93DFA0F1DB3D2FC7EB61BA8B584FCF41E13ABD0C4ACBEBF23288FC66BFE5A0B41B242FC3E56574D94D2ECBD37450DA0DB2BFD975383D4C2F83EC65769A0E2ACFE765D038CD66D7DB20F29BFD2E83CA",
			"0041000B915121551532F400008C050003000303EA2073FD9C0ED341EE3A9B1D06C1C3F274985E97BB8AF871194E2FD7E5A079DA4D07BDC7E370791CA683C675789A1CA687E920F7DB0D82CBDF6972D94D6781E675371D947683C675363C0C8AD7D3A0B7D99C1EA7C32072795E96D7DD7450FBCD66A7E9A0B03BDD06A5C9A0F29C0E6287C56F79BD0D",
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			parts, err := EncodeSubmit(tc.to, tc.text, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(parts) != len(tc.want) {
				t.Fatalf("%d parts, want %d", len(parts), len(tc.want))
			}
			for i, p := range parts {
				if p.Hex != tc.want[i] {
					t.Errorf("part %d\n got %s\nwant %s", i+1, p.Hex, tc.want[i])
				}
				if p.TPDULength != len(tc.want[i])/2-1 {
					t.Errorf("part %d: TPDU length %d, want %d", i+1, p.TPDULength, len(tc.want[i])/2-1)
				}
			}
		})
	}
}

func TestEncodeSubmitOptions(t *testing.T) {
	parts, err := EncodeSubmit("447700900123", "Hi", SubmitOptions{StatusReport: true, MR: 0x1FE, Validity: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	// 31: SUBMIT, relative validity, status report; MR FE (low 8 bits);
	// 0C 81: twelve digits, type 0x81; VP 0B = 12 × 5 minutes.
	if want := "0031FE0C814477000910320000" + "0B02C834"; parts[0].Hex != want {
		t.Errorf("got %s, want %s", parts[0].Hex, want)
	}
	m, err := Decode(parts[0].Hex)
	if err != nil {
		t.Fatal(err)
	}
	if m.To != "447700900123" || m.MR != 0xFE || !m.StatusReportRequested || m.Validity != time.Hour || m.Text != "Hi" {
		t.Errorf("decoded %+v", m)
	}
}

func TestEncodeSubmitErrors(t *testing.T) {
	tests := []struct {
		name, to, text string
		opts           SubmitOptions
		msg            string
	}{
		{"empty number", "", "x", SubmitOptions{}, "empty destination"},
		{"plus only", "+", "x", SubmitOptions{}, "not \"+\" and digits"},
		{"letters", "+44abc", "x", SubmitOptions{}, "not \"+\" and digits"},
		{"spaces", "+44 7700 900123", "x", SubmitOptions{}, "not \"+\" and digits"},
		{"alphanumeric", "Vodafone", "x", SubmitOptions{}, "not \"+\" and digits"},
		{"21 digits", "+123456789012345678901", "x", SubmitOptions{}, "more than 20 digits"},
		{"bad UTF-8", "+447700900123", "a\xffb", SubmitOptions{}, "not valid UTF-8"},
		{"negative validity", "+447700900123", "x", SubmitOptions{Validity: -time.Second}, "negative validity"},
		{"256 parts", "+447700900123", strings.Repeat("a", 153*255+1), SubmitOptions{}, "256 parts"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			parts, err := EncodeSubmit(tc.to, tc.text, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("got %v, %v; want an error saying %q", parts, err, tc.msg)
			}
		})
	}
	if parts, err := EncodeSubmit("+447700900123", strings.Repeat("a", 153*255), SubmitOptions{}); err != nil || len(parts) != 255 {
		t.Errorf("255 parts: %d, %v", len(parts), err)
	}
}

func TestEncodeSubmitSplitting(t *testing.T) {
	euro9 := strings.Repeat("€", 9)
	tests := []struct {
		name  string
		text  string
		enc   Encoding
		sizes []int // septets or UTF-16 units of text per part
	}{
		{"empty", "", GSM7, []int{0}},
		{"160 septets in one", strings.Repeat("a", 160), GSM7, []int{160}},
		{"161 septets in two", strings.Repeat("a", 161), GSM7, []int{153, 8}},
		{"80 euros in one", strings.Repeat("€", 80), GSM7, []int{160}},
		{"escape pair not split", strings.Repeat("a", 152) + "€" + strings.Repeat("b", 10), GSM7, []int{152, 12}},
		{"escape pair fits exactly", strings.Repeat("a", 151) + "€" + strings.Repeat("b", 10), GSM7, []int{153, 10}},
		{"extension characters", strings.Repeat("[", 77) + euro9, GSM7, []int{152, 20}},
		{"70 ucs2 in one", strings.Repeat("ж", 70), UCS2, []int{70}},
		{"71 ucs2 in two", strings.Repeat("ж", 71), UCS2, []int{67, 4}},
		{"surrogate pair not split", strings.Repeat("ж", 66) + "😀" + strings.Repeat("ж", 5), UCS2, []int{66, 7}},
		{"surrogate pair fits exactly", strings.Repeat("ж", 65) + "😀" + strings.Repeat("ж", 5), UCS2, []int{67, 5}},
		{"one emoji makes ucs2", strings.Repeat("a", 100) + "😀", UCS2, []int{67, 35}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			parts, err := EncodeSubmit("+447700900123", tc.text, SubmitOptions{ConcatRef: 300})
			if err != nil {
				t.Fatal(err)
			}
			if len(parts) != len(tc.sizes) {
				t.Fatalf("%d parts, want %d", len(parts), len(tc.sizes))
			}
			var joined strings.Builder
			for i, p := range parts {
				m, err := Decode(p.Hex)
				if err != nil {
					t.Fatalf("part %d: %v", i+1, err)
				}
				if m.Encoding != tc.enc {
					t.Errorf("part %d: encoding %s, want %s", i+1, m.Encoding, tc.enc)
				}
				if n := units(m.Text, m.Encoding); n != tc.sizes[i] {
					t.Errorf("part %d: %d units, want %d", i+1, n, tc.sizes[i])
				}
				if len(parts) > 1 && (m.Concat == nil || *m.Concat != (Concat{Ref: 300 & 0xFF, Total: len(parts), Seq: i + 1})) {
					t.Errorf("part %d: concat %+v", i+1, m.Concat)
				}
				if len(parts) == 1 && m.Concat != nil {
					t.Errorf("single part with concat %+v", m.Concat)
				}
				joined.WriteString(m.Text)
			}
			if joined.String() != tc.text {
				t.Errorf("joined text differs")
			}
			c := Counting(tc.text)
			if c.Parts != len(parts) || c.Encoding != tc.enc {
				t.Errorf("Counting = %+v, but %d %s parts", c, len(parts), tc.enc)
			}
		})
	}
}

// units is the length of text in septets (gsm7) or UTF-16 units (ucs2).
func units(text string, enc Encoding) int {
	if enc == GSM7 {
		return len(appendSeptets(nil, text))
	}
	return len(appendUTF16(nil, text))
}

func TestRelativeValidity(t *testing.T) {
	// python-gsmmodem's table, the spec's band edges, and rounding up.
	tests := []struct {
		d  time.Duration
		vp byte
	}{
		{time.Second, 0}, {5 * time.Minute, 0}, {30 * time.Minute, 5}, {31 * time.Minute, 6},
		{12 * time.Hour, 143}, {12*time.Hour + time.Second, 144}, {16 * time.Hour, 151},
		{24 * time.Hour, 167}, {25 * time.Hour, 168}, {3 * 24 * time.Hour, 169}, {4 * 24 * time.Hour, 170},
		{30 * 24 * time.Hour, 196}, {31 * 24 * time.Hour, 197}, {5 * 7 * 24 * time.Hour, 197},
		{63 * 7 * 24 * time.Hour, 255}, {1000 * 7 * 24 * time.Hour, 255},
	}
	for _, tc := range tests {
		if got := relativeVP(tc.d); got != tc.vp {
			t.Errorf("relativeVP(%v) = %d, want %d", tc.d, got, tc.vp)
		}
	}
	for vp := 0; vp < 256; vp++ {
		d := relativeValidity(byte(vp))
		if got := relativeVP(d); got != byte(vp) {
			t.Errorf("VP %d = %v encodes back to %d", vp, d, got)
		}
	}
}

func TestEncodeDeliver(t *testing.T) {
	ts := time.Date(2008, 8, 13, 12, 7, 22, 0, time.FixedZone("", 3600))
	// oFono alnum_sender, rebuilt.
	got, err := EncodeDeliver("sipgate", "Testmail", DeliverOptions{SMSC: "+447785016005", Class: -1, Timestamp: ts})
	if err != nil {
		t.Fatal(err)
	}
	if want := "0791447758100650040DD0F334FC1CA6970100008080312170224008D4F29CDE0EA7D9"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// pdu_sms "Tele2", rebuilt; it writes first octet 00 (TP-MMS clear:
	// more messages waiting), EncodeDeliver 04.
	got, err = EncodeDeliver("Tele2", "hello!!!", DeliverOptions{SMSC: "+71234567890", Class: -1,
		Timestamp: time.Date(2015, 11, 17, 13, 51, 41, 0, time.FixedZone("", 3*3600))})
	if err != nil {
		t.Fatal(err)
	}
	if want := "07911732547698F00409D0D432BB2C0300005111713115142108E8329BFD0E8542"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	cases := []struct {
		name string
		from string
		text string
		opts DeliverOptions
		want want
	}{{
		name: "national sender ucs2 forced class 0",
		from: "07700900123", text: "Hello", opts: DeliverOptions{Encoding: UCS2, Class: 0, Timestamp: ts},
		want: want{typ: Deliver, from: "07700900123", addrType: 0x81, text: "Hello", enc: UCS2, class: 0, ts: "2008-08-13T12:07:22+01:00"},
	}, {
		name: "8-bit data",
		from: "+447700900123", text: "\x00\x01binary\xff", opts: DeliverOptions{Encoding: Data8, Class: 1, Timestamp: ts},
		want: want{typ: Deliver, from: "+447700900123", addrType: 0x91, data: []byte("\x00\x01binary\xff"), enc: Data8, class: 1, ts: "2008-08-13T12:07:22+01:00"},
	}, {
		name: "16-bit concat, negative quarter-hour offset, alphanumeric with escape",
		from: "O2 [UK]", text: "part two", opts: DeliverOptions{SMSC: "447785016005", Class: -1, Concat: &Concat{Ref: 4000, Total: 2, Seq: 2},
			Timestamp: time.Date(2026, 11, 26, 14, 3, 5, 0, time.FixedZone("", -(3*3600+45*60)))},
		want: want{typ: Deliver, smsc: "447785016005", from: "O2 [UK]", addrType: 0xD0, text: "part two", enc: GSM7, class: none,
			ts: "2026-11-26T14:03:05-03:45", concat: &Concat{Ref: 4000, Total: 2, Seq: 2}},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, err := EncodeDeliver(tc.from, tc.text, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Decode(h)
			if err != nil {
				t.Fatal(err)
			}
			checkMessage(t, m, tc.want)
		})
	}

	errCases := []struct {
		name, from, text string
		opts             DeliverOptions
		msg              string
	}{
		{"no timestamp", "+44", "x", DeliverOptions{Class: -1}, "timestamp is required"},
		{"odd offset", "+44", "x", DeliverOptions{Class: -1, Timestamp: time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("", 600))}, "quarter hours"},
		{"year 2090", "+44", "x", DeliverOptions{Class: -1, Timestamp: time.Date(2090, 1, 1, 0, 0, 0, 0, time.UTC)}, "1990-2089"},
		{"long name", "ABCDEFGHIJKL", "x", DeliverOptions{Class: -1, Timestamp: ts}, "longer than 11 septets"},
		{"name not gsm7", "Ωmega—", "x", DeliverOptions{Class: -1, Timestamp: ts}, "not in the GSM 7-bit alphabet"},
		{"text not gsm7", "+44", "ж", DeliverOptions{Encoding: GSM7, Class: -1, Timestamp: ts}, "does not fit"},
		{"too long", "+44", strings.Repeat("a", 161), DeliverOptions{Class: -1, Timestamp: ts}, "does not fit one PDU"},
		{"too long with header", "+44", strings.Repeat("a", 154), DeliverOptions{Class: -1, Timestamp: ts, Concat: &Concat{Ref: 1, Total: 2, Seq: 1}}, "does not fit one PDU"},
		{"bad class", "+44", "x", DeliverOptions{Class: 4, Timestamp: ts}, "class 4"},
		{"bad concat", "+44", "x", DeliverOptions{Class: -1, Timestamp: ts, Concat: &Concat{Ref: 1, Total: 2, Seq: 3}}, "part 3 of 2"},
		{"bad encoding", "+44", "x", DeliverOptions{Encoding: "utf8", Class: -1, Timestamp: ts}, "unknown encoding"},
		{"bad SMSC", "+44", "x", DeliverOptions{SMSC: "SMSC", Class: -1, Timestamp: ts}, "SMSC address"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			h, err := EncodeDeliver(tc.from, tc.text, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("got %q, %v; want an error saying %q", h, err, tc.msg)
			}
		})
	}
}

func TestEncodeDeliverParts(t *testing.T) {
	ts := time.Date(2026, 11, 26, 14, 3, 5, 0, time.FixedZone("", 3600))
	text := strings.Repeat("Grüße aus Köln, 20€ {sic}. ", 12)
	for _, ref := range []int{7, 300} {
		hexes, err := EncodeDeliverParts("+447700900123", text, ref, ts)
		if err != nil {
			t.Fatal(err)
		}
		if len(hexes) != 3 {
			t.Fatalf("ref %d: %d parts", ref, len(hexes))
		}
		var joined strings.Builder
		for i, h := range hexes {
			m, err := Decode(h)
			if err != nil {
				t.Fatal(err)
			}
			checkMessage(t, m, want{typ: Deliver, from: "+447700900123", addrType: 0x91, text: m.Text, enc: GSM7,
				class: none, ts: "2026-11-26T14:03:05+01:00", concat: &Concat{Ref: ref, Total: 3, Seq: i + 1}})
			joined.WriteString(m.Text)
		}
		if joined.String() != text {
			t.Errorf("ref %d: joined text differs", ref)
		}
	}
	hexes, err := EncodeDeliverParts("Vodafone", "short", 7, ts)
	if err != nil || len(hexes) != 1 {
		t.Fatalf("short text: %v, %v", hexes, err)
	}
	if m, err := Decode(hexes[0]); err != nil || m.Concat != nil || m.From != "Vodafone" || m.Text != "short" {
		t.Errorf("short text decoded %+v, %v", m, err)
	}
	if _, err := EncodeDeliverParts("+44", "x", 70000, ts); err == nil {
		t.Error("reference 70000 accepted")
	}
}

func TestEncodeStatusReport(t *testing.T) {
	scts := time.Date(2011, 1, 11, 17, 59, 15, 0, time.FixedZone("", 3600))
	dt := time.Date(2011, 1, 11, 17, 59, 17, 0, time.FixedZone("", 3600))
	got, err := EncodeStatusReport("", 214, "+31628870634", scts, dt, 0)
	if err != nil {
		t.Fatal(err)
	}
	// python-gsmmodem's status report, rebuilt.
	if want := "0006D60B911326880736F4111011719551401110117195714000"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	got, err = EncodeStatusReport("+447785016005", 12, "07700900123", scts, dt, 0x46)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Decode(got)
	if err != nil {
		t.Fatal(err)
	}
	checkMessage(t, m, want{typ: StatusReport, smsc: "+447785016005", recipient: "07700900123", addrType: 0x81, mr: 12,
		status: 0x46, class: none, ts: "2011-01-11T17:59:15+01:00", dt: "2011-01-11T17:59:17+01:00"})
	if StatusCategory(m.Status) != "failed" || !strings.HasPrefix(StatusText(m.Status), "expired") {
		t.Errorf("status 0x46: %s, %s", StatusCategory(m.Status), StatusText(m.Status))
	}
	for _, bad := range []struct {
		mr, st int
		to     string
	}{{256, 0, "+44"}, {-1, 0, "+44"}, {0, 256, "+44"}, {0, 0, "O2"}, {0, 0, ""}} {
		if _, err := EncodeStatusReport("", bad.mr, bad.to, scts, dt, bad.st); err == nil {
			t.Errorf("EncodeStatusReport(mr %d, %q, st %d) accepted", bad.mr, bad.to, bad.st)
		}
	}
}

func TestStatus(t *testing.T) {
	tests := []struct {
		st       int
		category string
		text     string
	}{
		{0x00, "delivered", "delivered: received by the recipient"},
		{0x01, "delivered", "delivered: forwarded to the recipient, delivery not confirmed"},
		{0x05, "delivered", "delivered: reserved status 0x05"},
		{0x1A, "delivered", "delivered: service-centre-specific status 0x1A"},
		{0x20, "pending", "pending: congestion"},
		{0x30, "pending", "pending: service-centre-specific status 0x30"},
		{0x40, "failed", "failed: remote procedure error"},
		{0x45, "failed", "failed: no interworking available"},
		{0x46, "failed", "expired: validity period expired"},
		{0x49, "failed", "failed: message does not exist"},
		{0x4C, "failed", "failed: reserved status 0x4C"},
		{0x63, "failed", "failed: service rejected, no more attempts"},
		{0x7F, "failed", "failed: service-centre-specific status 0x7F"},
		{0x80, "failed", "failed: reserved status 0x80 (taken as service rejected)"},
		{0xFF, "failed", "failed: reserved status 0xFF (taken as service rejected)"},
		{-1, "failed", "invalid status -1"},
	}
	for _, tc := range tests {
		if got := StatusCategory(tc.st); got != tc.category {
			t.Errorf("StatusCategory(%#x) = %q, want %q", tc.st, got, tc.category)
		}
		if got := StatusText(tc.st); got != tc.text {
			t.Errorf("StatusText(%#x) = %q, want %q", tc.st, got, tc.text)
		}
	}
}

func TestGSM7Packing(t *testing.T) {
	// python-gsmmodem's packing table and TS 23.038's "hellohello".
	tests := []struct {
		text   string
		packed string
	}{
		{"123", "31D90C"},
		{"12345678", "31D98C56B3DD70"},
		{"123456789", "31D98C56B3DD7039"},
		{"Hello World!", "C8329BFD065DDF72363904"},
		{"hellohello", "E8329BFD4697D9EC37"},
		{"[{abc}]~", "1BDE0615168F37A98D6FD303"},
		{"123456789012345678901234567890", "31D98C56B3DD7039584C36A3D56C375C0E1693CD6835DB0D978301"},
		{"{åΦΓΛΩΠΨΣΘ€}", "1BD44332A1542C174C6653DEA400"},
		{"a[]{}€", "E10D6FE3DBA036A94D19"},
	}
	for _, tc := range tests {
		septets := appendSeptets(nil, tc.text)
		packed := make([]byte, (len(septets)*7+7)/8)
		packSeptets(packed, 0, septets)
		if got := upperHex(packed); got != tc.packed {
			t.Errorf("pack %q = %s, want %s", tc.text, got, tc.packed)
		}
		text, err := decodeGSM7(nil, mustHex(t, tc.packed), 0, len(septets), true)
		if err != nil || string(text) != tc.text {
			t.Errorf("unpack %s = %q, %v; want %q", tc.packed, text, err, tc.text)
		}
	}
}

func TestFitsGSM7(t *testing.T) {
	all := []rune("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà\f^{}\\[~]|€")
	if !FitsGSM7(string(all)) {
		t.Error("the whole alphabet does not fit")
	}
	for _, r := range all {
		if !FitsGSM7(string(r)) {
			t.Errorf("%q does not fit", r)
		}
	}
	for _, s := range []string{"ç", "\t", "\x1b", "`", "Α" /* Greek capital alpha */, "ä\u0308", "😀", "\u00a0", "€\xff", "—"} {
		if FitsGSM7(s) {
			t.Errorf("%q fits", s)
		}
	}
}
