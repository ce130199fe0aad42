package pdu

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecode feeds the decoder arbitrary octets, and the same as hex and as
// a raw string: it must never panic or hang, every failure must be a
// one-line ErrInvalid or ErrUnsupported, and every success must be a
// coherent message that the hex path decodes the same way. DecodePartial
// fails as Decode does and keeps only coherent fields; a message that
// decodes reads the same with SIM record filler (FF) after it.
func FuzzDecode(f *testing.F) {
	for _, v := range decodeVectors {
		f.Add(mustHex(f, v.hex))
	}
	for _, v := range realDevicePDUs {
		f.Add(mustHex(f, v.hex))
	}
	for _, s := range []string{
		"", "00", "0003", "0791447758100650",
		"0051000B916407281553F80000AA06050003000301",
		"0011000B916407281553F80008AA04D83D0041",
		"0006D60B911326880736F41110117195514011101171957140008F",
		"0006D60B911326880736F411101171955140111011719571400007000004C8329BFD",
		"0006D60B911326880736F4111011719551401110117195714000FFFFFFFF",
		"0051000B916407281553F80000AA00",
		"0011000B916407281553F800F9AA12042204350441044200200054006500730074",
	} {
		f.Add(mustHex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeBytes(b)
		checkDecoded(t, m, err)
		m2, err2 := Decode(upperHex(b))
		checkDecoded(t, m2, err2)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("bytes: %v; hex: %v", err, err2)
		}
		if err == nil && !sameMessage(m, m2) {
			t.Fatalf("bytes and hex differ:\n%+v\n%+v", m, m2)
		}
		m3, err3 := Decode(string(b))
		checkDecoded(t, m3, err3)

		p, errp := DecodePartial(upperHex(b))
		switch {
		case (errp == nil) != (err == nil) || (err != nil && errp.Error() != err.Error()):
			t.Fatalf("DecodePartial: %v; Decode: %v", errp, err)
		case err == nil && !sameMessage(p, m):
			t.Fatalf("DecodePartial and Decode differ:\n%+v\n%+v", p, m)
		case p != nil && (!utf8.ValidString(p.From) || !utf8.ValidString(p.To) || !utf8.ValidString(p.Recipient) ||
			!utf8.ValidString(p.Text) || p.Class < -1 || p.Class > 3 || p.Trailing < 0 || p.Trailing >= len(b)):
			t.Fatalf("incoherent partial message %+v (%v)", p, errp)
		}

		// Filler after a message changes nothing but Trailing, unless a
		// reserved TP-DCS leaves the length's unit to the octets there are.
		if err != nil || reservedDCS(byte(m.DCS)) || len(b) >= maxPDULen {
			return
		}
		k := min(maxPDULen-len(b), 1+len(b)%7)
		mp, err := DecodeBytes(append(append([]byte(nil), b...), bytes.Repeat([]byte{0xFF}, k)...))
		if err != nil || !sameMessage(mp, m) || mp.Trailing != m.Trailing+k {
			t.Fatalf("with %d octets FF after it: %v\n%+v\nwant %+v (trailing %d)", k, err, mp, m, m.Trailing+k)
		}
	})
}

func checkDecoded(t *testing.T, m *Message, err error) {
	t.Helper()
	if err != nil {
		if m != nil {
			t.Fatalf("a message with error %v", err)
		}
		if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrUnsupported) {
			t.Fatalf("error %q wraps neither ErrInvalid nor ErrUnsupported", err)
		}
		if strings.ContainsAny(err.Error(), "\r\n") {
			t.Fatalf("error %q is not one line", err)
		}
		return
	}
	switch {
	case m == nil:
		t.Fatal("nil message without error")
	case m.Type != Deliver && m.Type != Submit && m.Type != StatusReport:
		t.Fatalf("type %q", m.Type)
	case m.Class < -1 || m.Class > 3:
		t.Fatalf("class %d", m.Class)
	case !utf8.ValidString(m.Text) || !utf8.ValidString(m.From) || !utf8.ValidString(m.To) || !utf8.ValidString(m.Recipient):
		t.Fatalf("invalid UTF-8 in %+v", m)
	case m.Encoding == Data8 && m.Text != "", m.Encoding != Data8 && m.Data != nil:
		t.Fatalf("text and data mixed: %+v", m)
	case m.Concat != nil && (m.Concat.Seq < 1 || m.Concat.Seq > m.Concat.Total || m.Concat.Total > 255):
		t.Fatalf("concat %+v", m.Concat)
	case m.MR < 0 || m.MR > 255 || m.Status < 0 || m.Status > 255:
		t.Fatalf("MR %d status %d", m.MR, m.Status)
	case m.Trailing < 0 || m.Trailing > maxPDULen:
		t.Fatalf("trailing %d", m.Trailing)
	case m.Type == Deliver && m.Timestamp.IsZero(), m.Type == StatusReport && m.DischargeTime.IsZero():
		t.Fatalf("missing time in %+v", m)
	case m.Encoding == GSM7 && utf8.RuneCountInString(m.Text) > 160, m.Encoding == UCS2 && utf8.RuneCountInString(m.Text) > 70:
		t.Fatalf("text longer than a PDU holds: %d runes", utf8.RuneCountInString(m.Text))
	}
}

func sameMessage(a, b *Message) bool {
	return a.Type == b.Type && a.SMSC == b.SMSC && a.From == b.From && a.To == b.To &&
		a.Recipient == b.Recipient && a.AddressType == b.AddressType && a.Text == b.Text &&
		bytes.Equal(a.Data, b.Data) && a.Encoding == b.Encoding && a.Class == b.Class &&
		a.PID == b.PID && a.DCS == b.DCS && a.Timestamp.Equal(b.Timestamp) &&
		a.DischargeTime.Equal(b.DischargeTime) && a.MR == b.MR && a.Status == b.Status &&
		a.StatusReportRequested == b.StatusReportRequested && a.Validity == b.Validity &&
		a.ValidUntil.Equal(b.ValidUntil) && (a.Concat == nil) == (b.Concat == nil) &&
		(a.Concat == nil || *a.Concat == *b.Concat)
}

// FuzzEncodeSubmit checks encode→decode on arbitrary texts: any valid UTF-8
// text within 255 parts comes back exactly, in as many parts as Counting
// says.
func FuzzEncodeSubmit(f *testing.F) {
	for _, s := range []string{"", "Hello", "€[]{}", "Привет 😀", strings.Repeat("a", 152) + "€b", strings.Repeat("ж", 66) + "😀ж"} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, text string, ref uint8) {
		parts, err := EncodeSubmit("+447700900123", text, SubmitOptions{ConcatRef: int(ref)})
		if !utf8.ValidString(text) || Counting(text).Parts > 255 {
			if err == nil {
				t.Fatalf("accepted %q", text)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(parts) != Counting(text).Parts {
			t.Fatalf("%d parts, Counting says %d", len(parts), Counting(text).Parts)
		}
		var joined strings.Builder
		for _, p := range parts {
			m, err := Decode(p.Hex)
			if err != nil {
				t.Fatal(err)
			}
			joined.WriteString(m.Text)
		}
		if joined.String() != text {
			t.Fatalf("got %q, want %q", joined.String(), text)
		}
	})
}
