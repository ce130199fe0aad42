package pdu

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// Character pools for random texts: the default alphabet, its extension
// table, and characters only UCS-2 carries (Cyrillic, CJK, look-alikes of
// GSM characters, emoji in surrogate pairs, flags, skin tones, combining
// marks, the edges of Unicode).
var (
	poolGSM   = []rune("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
	poolExt   = []rune("\f^{}\\[~]|€")
	poolUCS2  = []rune("ЖжПривет中文字ç\tΑα—“”…\u00a0\u0301\ufeff\ufffd\U0010ffff😀🙂👍🏽🇬🇧\U0001f600𝄞")
	numbersTo = []string{"+447700900123", "07700900123", "+1", "12345678901234567890"}
)

// randomText draws a text of up to max runes; half are pure GSM 7-bit
// (with extension characters), half mix all three pools.
func randomText(r *rand.Rand, max int) string {
	n := r.IntN(max + 1)
	if r.IntN(3) == 0 {
		// Lengths around the part boundaries matter most.
		n = []int{69, 70, 71, 133, 134, 135, 152, 153, 154, 159, 160, 161, 305, 306, 307}[r.IntN(15)] + r.IntN(3) - 1
	}
	mixed := r.IntN(2) == 0
	var b strings.Builder
	for i := 0; i < n; i++ {
		switch k := r.IntN(20); {
		case k < 3:
			b.WriteRune(poolExt[r.IntN(len(poolExt))])
		case k < 6 && mixed:
			b.WriteRune(poolUCS2[r.IntN(len(poolUCS2))])
		default:
			b.WriteRune(poolGSM[r.IntN(len(poolGSM))])
		}
	}
	return b.String()
}

func TestRoundTripSubmit(t *testing.T) {
	r := rand.New(rand.NewPCG(20261126, 3))
	iterations := 3000
	if testing.Short() {
		iterations = 300
	}
	for it := 0; it < iterations; it++ {
		text := randomText(r, 700)
		to := numbersTo[r.IntN(len(numbersTo))]
		opts := SubmitOptions{StatusReport: r.IntN(2) == 0, MR: r.IntN(1000), ConcatRef: r.IntN(1000)}
		if r.IntN(2) == 0 {
			opts.Validity = time.Duration(r.Int64N(int64(70 * 7 * 24 * time.Hour)))
		}
		parts, err := EncodeSubmit(to, text, opts)
		if err != nil {
			t.Fatalf("EncodeSubmit(%q): %v", text, err)
		}
		c := Counting(text)
		if len(parts) != c.Parts || c.Left < 0 {
			t.Fatalf("%q: %d parts, Counting %+v", text, len(parts), c)
		}
		var joined strings.Builder
		for i, p := range parts {
			if !strings.HasPrefix(p.Hex, "00") || p.TPDULength != len(p.Hex)/2-1 {
				t.Fatalf("part %d: hex %s, TPDU length %d", i+1, p.Hex, p.TPDULength)
			}
			m, err := Decode(p.Hex)
			if err != nil {
				t.Fatalf("%q part %d: %v", text, i+1, err)
			}
			if m.Type != Submit || m.To != to || m.Encoding != c.Encoding || m.MR != opts.MR&0xFF ||
				m.StatusReportRequested != opts.StatusReport || m.SMSC != "" || m.Class != -1 {
				t.Fatalf("part %d decoded %+v for %+v", i+1, m, opts)
			}
			if opts.Validity > 0 && (m.Validity < opts.Validity && m.Validity != 63*7*24*time.Hour) {
				t.Fatalf("validity %v encoded as %v", opts.Validity, m.Validity)
			}
			if len(parts) > 1 {
				if m.Concat == nil || *m.Concat != (Concat{Ref: opts.ConcatRef & 0xFF, Total: len(parts), Seq: i + 1}) {
					t.Fatalf("part %d: concat %+v", i+1, m.Concat)
				}
			} else if m.Concat != nil {
				t.Fatalf("single part with concat %+v", m.Concat)
			}
			joined.WriteString(m.Text)
		}
		if joined.String() != text {
			t.Fatalf("round trip\n got %q\nwant %q", joined.String(), text)
		}
	}
}

func TestRoundTripDeliver(t *testing.T) {
	r := rand.New(rand.NewPCG(20261126, 4))
	iterations := 2000
	if testing.Short() {
		iterations = 200
	}
	for it := 0; it < iterations; it++ {
		text := randomText(r, 500)
		from := randomSender(r)
		ref := r.IntN(0x10000)
		ts := randomTime(r)
		hexes, err := EncodeDeliverParts(from, text, ref, ts)
		if err != nil {
			t.Fatalf("EncodeDeliverParts(%q, %q): %v", from, text, err)
		}
		var joined strings.Builder
		for i, h := range hexes {
			m, err := Decode(h)
			if err != nil {
				t.Fatalf("part %d of %q: %v", i+1, text, err)
			}
			_, wantOff := ts.Zone()
			_, off := m.Timestamp.Zone()
			if m.Type != Deliver || m.From != from || !m.Timestamp.Equal(ts) || off != wantOff {
				t.Fatalf("decoded %+v; want from %q at %v", m, from, ts)
			}
			if len(hexes) > 1 && (m.Concat == nil || *m.Concat != (Concat{Ref: ref, Total: len(hexes), Seq: i + 1})) {
				t.Fatalf("part %d: concat %+v, ref %d", i+1, m.Concat, ref)
			}
			joined.WriteString(m.Text)
		}
		if joined.String() != text {
			t.Fatalf("round trip\n got %q\nwant %q", joined.String(), text)
		}

		// 8-bit data and status reports with the same sender and time.
		data := make([]byte, r.IntN(141))
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		h, err := EncodeDeliver(from, string(data), DeliverOptions{Encoding: Data8, Class: r.IntN(5) - 1, Timestamp: ts})
		if err != nil {
			t.Fatal(err)
		}
		if m, err := Decode(h); err != nil || string(m.Data) != string(data) || m.Text != "" {
			t.Fatalf("8-bit data: %+v, %v", m, err)
		}
		if _, _, err := parseNumber(from, "recipient"); err != nil {
			continue // a status report's recipient is a number
		}
		mr, st, dt := r.IntN(256), r.IntN(256), randomTime(r)
		h, err = EncodeStatusReport("+447785016005", mr, from, ts, dt, st)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Decode(h)
		if err != nil || m.Type != StatusReport || m.MR != mr || m.Status != st || m.Recipient != from ||
			!m.Timestamp.Equal(ts) || !m.DischargeTime.Equal(dt) || m.SMSC != "+447785016005" {
			t.Fatalf("status report: %+v, %v", m, err)
		}
	}
}

func randomSender(r *rand.Rand) string {
	switch r.IntN(3) {
	case 0:
		return "+" + randomDigits(r, 1+r.IntN(20))
	case 1:
		return randomDigits(r, 1+r.IntN(20))
	}
	// Alphanumeric: up to 11 septets, not all digits, not starting with +.
	for {
		var b strings.Builder
		septets := 0
		for n := 1 + r.IntN(11); septets < n; {
			c := poolGSM[r.IntN(len(poolGSM))]
			if r.IntN(8) == 0 && septets+2 <= n {
				c = poolExt[r.IntN(len(poolExt))]
				septets++
			}
			b.WriteRune(c)
			septets++
		}
		s := b.String()
		if s[0] != '+' && !isDigits(s) {
			return s
		}
	}
}

func randomDigits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

func randomTime(r *rand.Rand) time.Time {
	off := (r.IntN(105) - 48) * 15 * 60 // -12:00 to +14:00 in quarter hours
	return time.Date(1990+r.IntN(100), time.Month(1+r.IntN(12)), 1+r.IntN(28),
		r.IntN(24), r.IntN(60), r.IntN(60), 0, time.FixedZone("", off))
}
