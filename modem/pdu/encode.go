package pdu

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Part is one SMS-SUBMIT ready for the modem.
type Part struct {
	// Hex is the PDU to send after the "> " prompt; it starts with the
	// SMSC octet "00" (use the SMSC stored in the SIM).
	Hex string
	// TPDULength is the number for AT+CMGS=: the PDU's octets without
	// the SMSC octet.
	TPDULength int
}

// SubmitOptions are the optional fields of an SMS-SUBMIT.
type SubmitOptions struct {
	// StatusReport asks the SC for a delivery report (TP-SRR).
	StatusReport bool
	// Validity is how long the SC keeps trying: 0 = no TP-VP (the SC's
	// default); otherwise the relative format, rounded up to the next
	// value it can express (5 minutes to 63 weeks; longer is 63 weeks).
	Validity time.Duration
	// MR is the message reference to put in; modems replace it with
	// their own. Only its low 8 bits are used.
	MR int
	// ConcatRef is the reference shared by the parts of one long text;
	// callers pass a rolling number. Only its low 8 bits are used.
	ConcatRef int
}

// Octets of a concatenation user data header, length octet included: with an
// 8-bit reference (IEI 0x00) and with a 16-bit one (IEI 0x08).
const (
	concatHeader8  = 6
	concatHeader16 = 7
)

// maxParts is the most parts a concatenated text can have.
const maxParts = 255

// EncodeSubmit encodes text to the number to as one SMS-SUBMIT, or as
// concatenated parts when it is too long for one: GSM 7-bit when every
// character fits the default alphabet and its extension table, else UCS-2.
// to is "+" and digits (international) or digits (type 0x81). It fails for
// an empty or invalid number, text that is not UTF-8, a negative validity,
// or a text of more than 255 parts.
func EncodeSubmit(to, text string, opts SubmitOptions) ([]Part, error) {
	var daBuf [12]byte
	da, err := appendAddress(daBuf[:0], to, false, "destination number")
	if err != nil {
		return nil, err
	}
	if !utf8.ValidString(text) {
		return nil, errors.New("pdu: text is not valid UTF-8")
	}
	if opts.Validity < 0 {
		return nil, fmt.Errorf("pdu: negative validity period %v", opts.Validity)
	}
	seg := segment(text, concatHeader8)
	n := seg.parts()
	if n > maxParts {
		return nil, fmt.Errorf("pdu: text needs %d parts, more than %d", n, maxParts)
	}

	fo := byte(0x01) // SMS-SUBMIT
	if opts.Validity > 0 {
		fo |= 0x10 // TP-VPF relative
	}
	if opts.StatusReport {
		fo |= 0x20 // TP-SRR
	}
	if n > 1 {
		fo |= 0x40 // TP-UDHI
	}
	parts := make([]Part, n)
	var work [200]byte
	for k := range parts {
		b := append(work[:0], 0x00, fo, byte(opts.MR))
		b = append(b, da...)
		b = append(b, 0x00, dcsFor(seg.enc, -1)) // TP-PID, TP-DCS
		if opts.Validity > 0 {
			b = append(b, relativeVP(opts.Validity))
		}
		var ies []byte
		if n > 1 {
			ies = concatIE(opts.ConcatRef&0xFF, n, k+1)
		}
		b = seg.appendUserData(b, k, ies)
		parts[k] = Part{Hex: upperHex(b), TPDULength: len(b) - 1}
	}
	return parts, nil
}

// DeliverOptions are the fields of an SMS-DELIVER built by EncodeDeliver.
type DeliverOptions struct {
	// SMSC is the service centre address ("+44..."); "" writes none.
	SMSC string
	// Encoding is the alphabet; "" picks GSM7 when the text fits, else
	// UCS2. With Data8 the text's bytes are the data.
	Encoding Encoding
	// Concat makes the PDU one part of a concatenated text; a Ref above
	// 255 uses the 16-bit reference element.
	Concat *Concat
	// Class is the message class 0-3, or -1 for none. Note that the zero
	// value is class 0 (a flash message).
	Class int
	// Timestamp is the service centre time stamp; it is required, and its
	// UTC offset must be a whole number of quarter hours.
	Timestamp time.Time
}

// EncodeDeliver builds the SMS-DELIVER a modem would hold for a text received
// from from, in modem form (hex, SMSC first). from is "+" and digits, digits,
// or an alphanumeric name of up to 11 GSM 7-bit septets. The text must fit in
// one PDU (with the concatenation header when opts.Concat is set).
func EncodeDeliver(from, text string, opts DeliverOptions) (string, error) {
	enc := opts.Encoding
	if enc != Data8 && !utf8.ValidString(text) {
		return "", errors.New("pdu: text is not valid UTF-8")
	}
	switch enc {
	case "":
		enc = UCS2
		if FitsGSM7(text) {
			enc = GSM7
		}
	case GSM7:
		if !FitsGSM7(text) {
			return "", errors.New("pdu: text does not fit the GSM 7-bit alphabet")
		}
	case UCS2, Data8:
	default:
		return "", fmt.Errorf("pdu: unknown encoding %q", enc)
	}
	var ies []byte
	if c := opts.Concat; c != nil {
		if c.Total < 1 || c.Total > maxParts || c.Seq < 1 || c.Seq > c.Total {
			return "", fmt.Errorf("pdu: bad concatenation part %d of %d", c.Seq, c.Total)
		}
		if c.Ref < 0 || c.Ref > 0xFFFF {
			return "", fmt.Errorf("pdu: concatenation reference %d out of range", c.Ref)
		}
		ies = concatIE(c.Ref, c.Total, c.Seq)
	}
	seg := segments{enc: enc}
	switch enc {
	case GSM7:
		seg.gsm = appendSeptets(nil, text)
	case UCS2:
		seg.u16 = appendUTF16(nil, text)
	case Data8:
		seg.data = []byte(text)
	}
	if room := seg.room(headerLen(ies)); seg.size() > room {
		return "", fmt.Errorf("pdu: text of %d %s does not fit one PDU (%d at most)", seg.size(), seg.unit(), room)
	}
	seg.cuts = []int{0, seg.size()}
	b, err := deliverPDU(opts.SMSC, from, &seg, 0, ies, opts.Class, opts.Timestamp)
	if err != nil {
		return "", err
	}
	return upperHex(b), nil
}

// EncodeDeliverParts splits a long text into the concatenated SMS-DELIVER
// parts a modem would hold (modem form, no SMSC address, no class), with
// reference ref (8-bit element up to 255, 16-bit up to 65535). A text that
// fits one PDU gives one PDU without a header.
func EncodeDeliverParts(from, text string, ref int, ts time.Time) ([]string, error) {
	if !utf8.ValidString(text) {
		return nil, errors.New("pdu: text is not valid UTF-8")
	}
	if ref < 0 || ref > 0xFFFF {
		return nil, fmt.Errorf("pdu: concatenation reference %d out of range", ref)
	}
	header := concatHeader8
	if ref > 0xFF {
		header = concatHeader16
	}
	seg := segment(text, header)
	n := seg.parts()
	if n > maxParts {
		return nil, fmt.Errorf("pdu: text needs %d parts, more than %d", n, maxParts)
	}
	out := make([]string, n)
	for k := range out {
		var ies []byte
		if n > 1 {
			ies = concatIE(ref, n, k+1)
		}
		b, err := deliverPDU("", from, &seg, k, ies, -1, ts)
		if err != nil {
			return nil, err
		}
		out[k] = upperHex(b)
	}
	return out, nil
}

// deliverPDU builds part k of seg as an SMS-DELIVER, SMSC first.
func deliverPDU(smsc, from string, seg *segments, k int, ies []byte, class int, ts time.Time) ([]byte, error) {
	if class < -1 || class > 3 {
		return nil, fmt.Errorf("pdu: message class %d is not 0-3 or -1", class)
	}
	b := make([]byte, 0, 200)
	b, err := appendSMSC(b, smsc)
	if err != nil {
		return nil, err
	}
	fo := byte(0x04) // SMS-DELIVER, TP-MMS: no more messages waiting
	if ies != nil {
		fo |= 0x40
	}
	b = append(b, fo)
	if b, err = appendAddress(b, from, true, "sender"); err != nil {
		return nil, err
	}
	b = append(b, 0x00, dcsFor(seg.enc, class))
	if b, err = appendTime(b, ts, "timestamp"); err != nil {
		return nil, err
	}
	return seg.appendUserData(b, k, ies), nil
}

// EncodeStatusReport builds the SMS-STATUS-REPORT a modem would give for the
// text with message reference mr sent to recipient: the SC received it at
// scts, and at discharge it reached status (TP-ST). Modem form, SMSC first.
func EncodeStatusReport(smsc string, mr int, recipient string, scts, discharge time.Time, status int) (string, error) {
	if mr < 0 || mr > 0xFF {
		return "", fmt.Errorf("pdu: message reference %d is not 0-255", mr)
	}
	if status < 0 || status > 0xFF {
		return "", fmt.Errorf("pdu: status %d is not 0-255", status)
	}
	b := make([]byte, 0, 48)
	b, err := appendSMSC(b, smsc)
	if err != nil {
		return "", err
	}
	b = append(b, 0x06, byte(mr)) // SMS-STATUS-REPORT, TP-MMS; TP-MR
	if b, err = appendAddress(b, recipient, false, "recipient"); err != nil {
		return "", err
	}
	if b, err = appendTime(b, scts, "service centre time stamp"); err != nil {
		return "", err
	}
	if b, err = appendTime(b, discharge, "discharge time"); err != nil {
		return "", err
	}
	return upperHex(append(b, byte(status))), nil
}

// segments is a text in its alphabet, cut into SMS parts.
type segments struct {
	enc  Encoding
	gsm  []byte   // septets, escape pairs included (GSM7)
	u16  []uint16 // UTF-16 code units (UCS2)
	data []byte   // octets (Data8)
	// cuts are the part boundaries in units: part k is [cuts[k], cuts[k+1]).
	cuts []int
}

// segment converts text (valid UTF-8) to GSM 7-bit or else UCS-2 and cuts it
// into parts for a concatenation header of header octets. A part never ends
// between an escape septet and its character, nor inside a surrogate pair.
func segment(text string, header int) segments {
	var s segments
	if FitsGSM7(text) {
		s.enc = GSM7
		s.gsm = appendSeptets(make([]byte, 0, len(text)+8), text)
		s.cuts = cut(len(s.gsm), s.room(0), s.room(header), func(p int) bool { return s.gsm[p-1] != esc })
	} else {
		s.enc = UCS2
		s.u16 = appendUTF16(make([]uint16, 0, len(text)), text)
		s.cuts = cut(len(s.u16), s.room(0), s.room(header), func(p int) bool { return s.u16[p-1] < 0xD800 || s.u16[p-1] > 0xDBFF })
	}
	return s
}

// cut splits n units into one part of up to single units, or parts of up to
// per units, moving a cut back by one where canCut says it would split a pair.
func cut(n, single, per int, canCut func(p int) bool) []int {
	if n <= single {
		return []int{0, n}
	}
	cuts := make([]int, 1, n/(per-1)+2)
	for start := 0; start < n; {
		end := start + per
		if end >= n {
			end = n
		} else if !canCut(end) {
			end--
		}
		cuts = append(cuts, end)
		start = end
	}
	return cuts
}

func appendUTF16(dst []uint16, text string) []uint16 {
	for _, r := range text {
		dst = utf16.AppendRune(dst, r)
	}
	return dst
}

func (s *segments) parts() int { return len(s.cuts) - 1 }

// size is the length of the whole text in units.
func (s *segments) size() int {
	switch s.enc {
	case GSM7:
		return len(s.gsm)
	case UCS2:
		return len(s.u16)
	}
	return len(s.data)
}

func (s *segments) unit() string {
	switch s.enc {
	case GSM7:
		return "septets"
	case UCS2:
		return "UTF-16 units"
	}
	return "octets"
}

// room is how many units fit one PDU next to a user data header of hdr
// octets (its length octet included; 0 for none): 160 septets or 70 UCS-2
// units alone, 153 or 67 after an 8-bit concatenation header.
func (s *segments) room(hdr int) int {
	switch s.enc {
	case GSM7:
		return 160 - (hdr*8+6)/7
	case UCS2:
		return (140 - hdr) / 2
	}
	return 140 - hdr
}

// appendUserData appends TP-UDL and TP-UD of part k: a user data header of
// the elements ies (none when nil), fill bits for 7-bit text, then the text.
func (s *segments) appendUserData(b []byte, k int, ies []byte) []byte {
	from, to := s.cuts[k], s.cuts[k+1]
	hdr := headerLen(ies)
	switch s.enc {
	case GSM7:
		skip := (hdr*8 + 6) / 7
		udl := skip + to - from
		b = append(b, byte(udl))
		start := len(b)
		b = append(b, make([]byte, (udl*7+7)/8)...)
		ud := b[start:]
		if ies != nil {
			ud[0] = byte(len(ies))
			copy(ud[1:], ies)
		}
		packSeptets(ud, skip, s.gsm[from:to])
	case UCS2:
		b = append(b, byte(hdr+2*(to-from)))
		if ies != nil {
			b = append(append(b, byte(len(ies))), ies...)
		}
		for _, u := range s.u16[from:to] {
			b = append(b, byte(u>>8), byte(u))
		}
	default:
		b = append(b, byte(hdr+to-from))
		if ies != nil {
			b = append(append(b, byte(len(ies))), ies...)
		}
		b = append(b, s.data[from:to]...)
	}
	return b
}

// headerLen is the octets of a user data header holding the elements ies,
// its length octet included; 0 for no header.
func headerLen(ies []byte) int {
	if ies == nil {
		return 0
	}
	return 1 + len(ies)
}

// concatIE is the concatenation information element: 8-bit reference
// (IEI 0x00) when ref fits, else 16-bit (IEI 0x08).
func concatIE(ref, total, seq int) []byte {
	if ref <= 0xFF {
		return []byte{0x00, 0x03, byte(ref), byte(total), byte(seq)}
	}
	return []byte{0x08, 0x04, byte(ref >> 8), byte(ref), byte(total), byte(seq)}
}

// dcsFor is the TP-DCS of an alphabet and class (-1 none): the general data
// coding group, uncompressed.
func dcsFor(enc Encoding, class int) byte {
	var d byte
	switch enc {
	case Data8:
		d = 0x04
	case UCS2:
		d = 0x08
	}
	if class >= 0 {
		d |= 0x10 | byte(class)
	}
	return d
}

// relativeVP is the relative TP-VP that covers d, rounded up (TS 23.040
// §9.2.3.12.1); beyond 63 weeks it is 63 weeks.
func relativeVP(d time.Duration) byte {
	ceil := func(d, unit time.Duration) int { return int((d + unit - 1) / unit) }
	const day = 24 * time.Hour
	switch {
	case d <= 12*time.Hour:
		return byte(max(ceil(d, 5*time.Minute)-1, 0))
	case d <= day:
		return byte(143 + ceil(d-12*time.Hour, 30*time.Minute))
	case d <= 30*day:
		return byte(166 + ceil(d, day))
	case d <= 63*7*day:
		return byte(192 + ceil(d, 7*day))
	}
	return 255
}

// appendSMSC appends the SMSC address field: its length in octets, type of
// address, digits; a lone 00 when smsc is "".
func appendSMSC(b []byte, smsc string) ([]byte, error) {
	if smsc == "" {
		return append(b, 0x00), nil
	}
	digits, toa, err := parseNumber(smsc, "SMSC address")
	if err != nil {
		return nil, err
	}
	b = append(b, byte(1+(len(digits)+1)/2), toa)
	return appendBCD(b, digits), nil
}

// appendAddress appends a TP address field. "+digits" is international
// (0x91), digits are 0x81; with allowAlnum anything else of up to 11 septets
// of the GSM 7-bit alphabet is an alphanumeric address (0xD0).
func appendAddress(b []byte, number string, allowAlnum bool, what string) ([]byte, error) {
	digits, toa, err := parseNumber(number, what)
	if err == nil {
		b = append(b, byte(len(digits)), toa)
		return appendBCD(b, digits), nil
	}
	if !allowAlnum || number == "" || strings.HasPrefix(number, "+") || isDigits(number) {
		return nil, err
	}
	if !FitsGSM7(number) {
		return nil, fmt.Errorf("pdu: %s %q is not in the GSM 7-bit alphabet", what, number)
	}
	var buf [24]byte
	septets := appendSeptets(buf[:0], number)
	if len(septets) > 11 {
		return nil, fmt.Errorf("pdu: %s %q is longer than 11 septets", what, number)
	}
	b = append(b, byte((len(septets)*7+3)/4), 0xD0)
	start := len(b)
	b = append(b, make([]byte, (len(septets)*7+7)/8)...)
	packSeptets(b[start:], 0, septets)
	return b, nil
}

// parseNumber splits "+digits" or "digits" into the digits and the type of
// address.
func parseNumber(number, what string) (string, byte, error) {
	digits, toa := number, byte(0x81)
	if strings.HasPrefix(number, "+") {
		digits, toa = number[1:], 0x91
	}
	switch {
	case number == "":
		return "", 0, fmt.Errorf("pdu: empty %s", what)
	case !isDigits(digits):
		return "", 0, fmt.Errorf("pdu: %s %q is not \"+\" and digits or digits", what, number)
	case len(digits) > 20:
		return "", 0, fmt.Errorf("pdu: %s %q has more than 20 digits", what, number)
	}
	return digits, toa, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// appendBCD appends decimal digits as semi-octets, low nibble first, with
// an 0xF fill when their number is odd.
func appendBCD(b []byte, digits string) []byte {
	for i := 0; i < len(digits); i += 2 {
		lo := digits[i] - '0'
		hi := byte(0x0F)
		if i+1 < len(digits) {
			hi = digits[i+1] - '0'
		}
		b = append(b, hi<<4|lo)
	}
	return b
}

// appendTime appends t as a 7-octet TP-SCTS-style time in t's own offset.
func appendTime(b []byte, t time.Time, what string) ([]byte, error) {
	if t.IsZero() {
		return nil, fmt.Errorf("pdu: %s is required", what)
	}
	_, off := t.Zone()
	if off%(15*60) != 0 || off/(15*60) > 79 || off/(15*60) < -79 {
		return nil, fmt.Errorf("pdu: %s offset %ds is not a whole number of quarter hours within ±19:45", what, off)
	}
	if y := t.Year(); y < 1990 || y > 2089 {
		return nil, fmt.Errorf("pdu: %s year %d is not 1990-2089", what, y)
	}
	for _, v := range [6]int{t.Year() % 100, int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second()} {
		b = append(b, byte(v%10)<<4|byte(v/10))
	}
	q := off / (15 * 60)
	sign := byte(0)
	if q < 0 {
		q, sign = -q, 0x08
	}
	return append(b, byte(q%10)<<4|byte(q/10)|sign), nil
}

const hexDigits = "0123456789ABCDEF"

func upperHex(b []byte) string {
	var buf [2 * maxPDULen]byte
	out := buf[:0]
	if 2*len(b) > len(buf) {
		out = make([]byte, 0, 2*len(b))
	}
	for _, c := range b {
		out = append(out, hexDigits[c>>4], hexDigits[c&0x0F])
	}
	return string(out)
}
