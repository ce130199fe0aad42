package pdu

import (
	"strings"
	"time"
	"unicode/utf8"
)

// maxPDULen bounds the octets Decode accepts before looking at them: a modem
// PDU is at most a 12-octet SMSC address and a TPDU of under 180 octets.
const maxPDULen = 255

// Decode decodes one PDU in the form a modem gives it in PDU mode: hex
// digits (either case) of the SMSC address octets followed by the TPDU.
// Surrounding whitespace is ignored, and so is whatever follows the end of
// the message (see Message.Trailing). On error the Message is nil.
func Decode(hexPDU string) (*Message, error) {
	m, err := DecodePartial(hexPDU)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// DecodePartial is Decode that keeps, when the PDU does not decode, the
// fields that did decode before the failure: the SMSC, the type, the
// sender or recipient, the time stamp, … (the fields after the failure are
// zero). The Message is nil when not even the SMSC address decoded. A
// caller that stores an undecodable PDU keeps these fields beside it.
func DecodePartial(hexPDU string) (*Message, error) {
	s := strings.TrimSpace(hexPDU)
	if len(s)%2 != 0 {
		return nil, errf(ErrInvalid, "odd number of hex digits (%d)", len(s))
	}
	if len(s) > 2*maxPDULen {
		return nil, errf(ErrInvalid, "%d octets is longer than any PDU", len(s)/2)
	}
	b := make([]byte, len(s)/2)
	for i := range b {
		hi, lo := hexValue[s[2*i]], hexValue[s[2*i+1]]
		if hi|lo > 0x0F {
			bad := 2 * i
			if hi <= 0x0F {
				bad++
			}
			return nil, errf(ErrInvalid, "not a hex digit at position %d: %q", bad+1, s[bad])
		}
		b[i] = hi<<4 | lo
	}
	return decode(b, true)
}

// hexValue maps an ASCII hex digit to its value and anything else to 0xFF;
// never written after init.
var hexValue = func() (t [256]byte) {
	for c := range t {
		v, ok := unhex(byte(c))
		t[c] = 0xFF
		if ok {
			t[c] = v
		}
	}
	return t
}()

// DecodeBytes decodes one PDU given as octets (SMSC address first), as
// Decode does. The returned Message does not alias b.
func DecodeBytes(b []byte) (*Message, error) {
	m, err := decode(b, false)
	if err != nil {
		return nil, err
	}
	return m, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decoded holds a Message and its Concat in one allocation.
type decoded struct {
	m Message
	c Concat
}

// decode decodes b; owned says whether b may be kept (for Message.Data). On
// error it returns what decoded so far, or nil when the SMSC address did not.
func decode(b []byte, owned bool) (*Message, error) {
	if len(b) == 0 {
		return nil, errf(ErrInvalid, "empty PDU")
	}
	if len(b) > maxPDULen {
		return nil, errf(ErrInvalid, "%d octets is longer than any PDU", len(b))
	}
	d := &decoded{}
	m := &d.m
	m.Class = -1

	n := int(b[0]) // SMSC address length in octets, type of address included
	if n > 11 {
		return nil, errf(ErrInvalid, "SMSC address length %d octets is more than 11", n)
	}
	if 1+n > len(b) {
		return nil, errf(ErrInvalid, "cut short: no TPDU after the %d-octet SMSC address", n)
	}
	if n > 1 {
		smsc, err := decodeNumber(b[1], b[2:1+n], 2*(n-1), "SMSC address")
		if err != nil {
			return nil, err
		}
		m.SMSC = smsc
	}
	if 1+n == len(b) {
		return m, errf(ErrInvalid, "cut short: no TPDU after the %d-octet SMSC address", n)
	}

	c := cursor{b: b[1+n:], owned: owned}
	var err error
	switch fo := c.b[0]; fo & 0x03 {
	case 0x00:
		err = c.deliver(d, fo)
	case 0x01:
		err = c.submit(d, fo)
	case 0x02:
		err = c.statusReport(d, fo)
	default:
		err = errf(ErrInvalid, "reserved message type (TP-MTI 3, first octet 0x%02X)", fo)
	}
	if err != nil {
		return m, err
	}
	return m, nil
}

// cursor reads a TPDU front to back; i is the next octet.
type cursor struct {
	b     []byte
	i     int
	owned bool
}

// need checks that n more octets are there.
func (c *cursor) need(n int, what string) error {
	if len(c.b)-c.i < n {
		return errf(ErrInvalid, "cut short in %s: %d octets needed, %d left", what, n, len(c.b)-c.i)
	}
	return nil
}

func (c *cursor) octet(what string) (byte, error) {
	if err := c.need(1, what); err != nil {
		return 0, err
	}
	c.i++
	return c.b[c.i-1], nil
}

func (c *cursor) deliver(d *decoded, fo byte) error {
	m := &d.m
	m.Type = Deliver
	m.StatusReportRequested = fo&0x20 != 0 // TP-SRI
	c.i = 1
	var err error
	if m.From, m.AddressType, err = c.address("originating address"); err != nil {
		return err
	}
	if err = c.pidDCS(m); err != nil {
		return err
	}
	if m.Timestamp, err = c.timestamp("service centre time stamp"); err != nil {
		return err
	}
	return c.userData(d, fo&0x40 != 0)
}

func (c *cursor) submit(d *decoded, fo byte) error {
	m := &d.m
	m.Type = Submit
	m.StatusReportRequested = fo&0x20 != 0 // TP-SRR
	c.i = 1
	mr, err := c.octet("message reference")
	if err != nil {
		return err
	}
	m.MR = int(mr)
	if m.To, m.AddressType, err = c.address("destination address"); err != nil {
		return err
	}
	if err = c.pidDCS(m); err != nil {
		return err
	}
	switch (fo >> 3) & 0x03 { // TP-VPF
	case 0x02:
		vp, err := c.octet("validity period")
		if err != nil {
			return err
		}
		m.Validity = relativeValidity(vp)
	case 0x01:
		if err := c.need(7, "enhanced validity period"); err != nil {
			return err
		}
		if m.Validity, err = enhancedValidity(c.b[c.i : c.i+7]); err != nil {
			return err
		}
		c.i += 7
	case 0x03:
		if m.ValidUntil, err = c.timestamp("absolute validity period"); err != nil {
			return err
		}
	}
	return c.userData(d, fo&0x40 != 0)
}

func (c *cursor) statusReport(d *decoded, fo byte) error {
	m := &d.m
	m.Type = StatusReport
	c.i = 1
	mr, err := c.octet("message reference")
	if err != nil {
		return err
	}
	m.MR = int(mr)
	if m.Recipient, m.AddressType, err = c.address("recipient address"); err != nil {
		return err
	}
	if m.Timestamp, err = c.timestamp("service centre time stamp"); err != nil {
		return err
	}
	if m.DischargeTime, err = c.timestamp("discharge time"); err != nil {
		return err
	}
	st, err := c.octet("status")
	if err != nil {
		return err
	}
	m.Status = int(st)
	if c.i == len(c.b) {
		return nil
	}
	// Optional parameters, announced by TP-PI (TS 23.040 §9.2.3.27): bit
	// 0 TP-PID, bit 1 TP-DCS, bit 2 TP-UDL and TP-UD; bit 7 says another
	// TP-PI octet follows, whose bits this version of the spec reserves.
	// A TP-PI of FF is no parameter indicator but the filler of a SIM
	// record (TS 31.102 EF-SMS: unused octets are FF): read literally it
	// would announce TP-PI octets without end, so it is taken as absent
	// and the padding ignored.
	pi := c.b[c.i]
	if pi == 0xFF {
		m.Trailing = len(c.b) - c.i
		return nil
	}
	c.i++
	for ext := pi; ext&0x80 != 0; {
		if ext, err = c.octet("parameter indicator"); err != nil {
			return err
		}
	}
	if pi&0x01 != 0 {
		pid, err := c.octet("protocol identifier")
		if err != nil {
			return err
		}
		m.PID = int(pid)
	}
	if pi&0x02 != 0 {
		dcs, err := c.octet("data coding scheme")
		if err != nil {
			return err
		}
		if err := setDCS(m, dcs); err != nil {
			return err
		}
	}
	if pi&0x04 == 0 {
		m.Trailing = len(c.b) - c.i
		return nil
	}
	if pi&0x02 == 0 {
		m.Encoding = GSM7 // TP-DCS absent: the default alphabet
	}
	return c.userData(d, fo&0x40 != 0)
}

// pidDCS reads TP-PID and TP-DCS.
func (c *cursor) pidDCS(m *Message) error {
	if err := c.need(2, "protocol identifier and data coding scheme"); err != nil {
		return err
	}
	m.PID = int(c.b[c.i])
	dcs := c.b[c.i+1]
	c.i += 2
	return setDCS(m, dcs)
}

// reservedDCS reports whether TS 23.038 §4 reserves the coding dcs, or a
// bit of it that decides the alphabet: a reserved alphabet in the general
// data coding groups, the reserved groups 1000-1011, bit 2 of the message
// waiting groups, bit 3 of group 1111.
func reservedDCS(dcs byte) bool {
	switch dcs >> 4 {
	case 0x0, 0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7:
		return dcs&0x0C == 0x0C
	case 0x8, 0x9, 0xA, 0xB:
		return true
	case 0xC, 0xD, 0xE:
		return dcs&0x04 != 0
	}
	return dcs&0x08 != 0
}

// setDCS sets the alphabet and class from TP-DCS (TS 23.038 §4).
func setDCS(m *Message, dcs byte) error {
	m.DCS = int(dcs)
	m.Class = -1
	switch dcs >> 4 {
	case 0x0, 0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7:
		// General data coding, and the same marked for automatic deletion.
		if dcs&0x20 != 0 {
			return errf(ErrUnsupported, "compressed user data (TP-DCS 0x%02X)", dcs)
		}
		switch (dcs >> 2) & 0x03 {
		case 0x00:
			m.Encoding = GSM7
		case 0x01:
			m.Encoding = Data8
		case 0x02:
			m.Encoding = UCS2
		default:
			// Reserved alphabet: TS 23.038 says to take any reserved
			// coding as 00000000, the default alphabet without class.
			m.Encoding = GSM7
			return nil
		}
		if dcs&0x10 != 0 {
			m.Class = int(dcs & 0x03)
		}
	case 0xC, 0xD: // message waiting indication, discard or store
		m.Encoding = GSM7
	case 0xE: // message waiting indication, store, UCS-2
		m.Encoding = UCS2
	case 0xF: // data coding and message class
		m.Encoding = GSM7
		if dcs&0x04 != 0 {
			m.Encoding = Data8
		}
		m.Class = int(dcs & 0x03)
	default: // 1000-1011: reserved groups, taken as 00000000
		m.Encoding = GSM7
	}
	return nil
}

// address reads an address field (TS 23.040 §9.1.2.5): length in useful
// semi-octets, type of address, value.
func (c *cursor) address(what string) (string, int, error) {
	if err := c.need(2, what); err != nil {
		return "", 0, err
	}
	n, toa := int(c.b[c.i]), c.b[c.i+1]
	if n > 20 {
		return "", 0, errf(ErrInvalid, "%s length %d semi-octets is more than 20", what, n)
	}
	c.i += 2
	octets := (n + 1) / 2
	if err := c.need(octets, what); err != nil {
		return "", 0, err
	}
	v := c.b[c.i : c.i+octets]
	c.i += octets
	if toa&0x70 == 0x50 {
		// Alphanumeric: GSM 7-bit packed, n semi-octets of it.
		var buf [64]byte
		text, err := decodeGSM7(buf[:0], v, 0, n*4/7, true)
		if err != nil {
			return "", 0, errf(ErrInvalid, "%s ends with an escape septet", what)
		}
		return string(text), int(toa), nil
	}
	s, err := decodeNumber(toa, v, n, what)
	return s, int(toa), err
}

// semiOctetDigits maps a semi-octet to its character (TS 23.040 §9.1.2.3).
const semiOctetDigits = "0123456789*#abc"

// decodeNumber reads digits semi-octets of v, low nibble first. A 0xF
// semi-octet is fill: it may only be followed by more fill.
func decodeNumber(toa byte, v []byte, digits int, what string) (string, error) {
	var buf [24]byte
	out := buf[:0]
	if toa&0x70 == 0x10 {
		out = append(out, '+')
	}
	fill := false
	for k := 0; k < digits; k++ {
		d := v[k>>1]
		if k&1 == 0 {
			d &= 0x0F
		} else {
			d >>= 4
		}
		if d == 0x0F {
			fill = true
			continue
		}
		if fill {
			return "", errf(ErrInvalid, "%s: digit after the fill semi-octet", what)
		}
		out = append(out, semiOctetDigits[d])
	}
	if len(out) == 1 && out[0] == '+' {
		return "", nil
	}
	return string(out), nil
}

// timestamp reads a 7-octet TP-SCTS-style time (TS 23.040 §9.2.3.11).
func (c *cursor) timestamp(what string) (time.Time, error) {
	if err := c.need(7, what); err != nil {
		return time.Time{}, err
	}
	v := c.b[c.i : c.i+7]
	c.i += 7
	var f [6]int
	for k := range f {
		lo, hi := v[k]&0x0F, v[k]>>4
		if lo > 9 || hi > 9 {
			return time.Time{}, errf(ErrInvalid, "%s: semi-octets %02X are not decimal", what, v[k])
		}
		f[k] = int(lo)*10 + int(hi)
	}
	year := 2000 + f[0]
	if f[0] >= 90 {
		year = 1900 + f[0]
	}
	month, day, hour, min, sec := f[1], f[2], f[3], f[4], f[5]
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || min > 59 || sec > 59 {
		return time.Time{}, errf(ErrInvalid, "%s: no such time %02d-%02d-%02d %02d:%02d:%02d", what, f[0], month, day, hour, min, sec)
	}
	// Time zone in quarter hours: the low semi-octet holds the sign (bit
	// 3) and the tens, the high one the units. A units semi-octet above 9
	// is counted as 0, as Android does: some service centres send one.
	tz := v[6]
	units := int(tz >> 4)
	if units > 9 {
		units = 0
	}
	q := int(tz&0x07)*10 + units
	if tz&0x08 != 0 {
		q = -q
	}
	return time.Date(year, time.Month(month), day, hour, min, sec, 0, time.FixedZone("", q*15*60)), nil
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// relativeValidity is TP-VP in relative format (TS 23.040 §9.2.3.12.1).
func relativeValidity(vp byte) time.Duration {
	v := time.Duration(vp)
	switch {
	case vp <= 143:
		return (v + 1) * 5 * time.Minute
	case vp <= 167:
		return 12*time.Hour + (v-143)*30*time.Minute
	case vp <= 196:
		return (v - 166) * 24 * time.Hour
	default:
		return (v - 192) * 7 * 24 * time.Hour
	}
}

// enhancedValidity is TP-VP in enhanced format (TS 23.040 §9.2.3.12.3);
// reserved formats give 0.
func enhancedValidity(v []byte) (time.Duration, error) {
	switch v[0] & 0x07 {
	case 0x01:
		return relativeValidity(v[1]), nil
	case 0x02:
		return time.Duration(v[1]) * time.Second, nil
	case 0x03:
		var f [3]int
		for k := range f {
			lo, hi := v[1+k]&0x0F, v[1+k]>>4
			if lo > 9 || hi > 9 {
				return 0, errf(ErrInvalid, "enhanced validity period: semi-octets %02X are not decimal", v[1+k])
			}
			f[k] = int(lo)*10 + int(hi)
		}
		return time.Duration(f[0])*time.Hour + time.Duration(f[1])*time.Minute + time.Duration(f[2])*time.Second, nil
	}
	return 0, nil
}

// userData reads TP-UDL and TP-UD, the last fields of every TPDU. Octets
// after TP-UD are ignored and counted in Message.Trailing: a SIM record is
// padded to its size, some firmware appends to what it stores, and TS
// 23.040 §9.2.3.27 has the receiver discard what follows TP-UD.
func (c *cursor) userData(d *decoded, udhi bool) error {
	m := &d.m
	udl, err := c.octet("user data length")
	if err != nil {
		return err
	}
	var octets int
	if m.Encoding == GSM7 {
		if udl > 160 {
			return errf(ErrInvalid, "7-bit user data length %d septets is more than 160", udl)
		}
		octets = (int(udl)*7 + 7) / 8
	} else {
		if udl > 140 {
			return errf(ErrInvalid, "user data length %d octets is more than 140", udl)
		}
		octets = int(udl)
	}
	left := len(c.b) - c.i
	if left < octets {
		return errf(ErrInvalid, "user data cut short: length %d needs %d octets, %d left", udl, octets, left)
	}
	if m.Encoding == GSM7 && left > octets && int(udl) == left && udl <= 140 && reservedDCS(byte(m.DCS)) {
		// A reserved TP-DCS is read as the default alphabet (TS 23.038
		// §4), but when its length counts exactly the octets there are
		// and, read as septets, leaves octets over, the sender meant
		// octets: 8-bit data, as Gammu reads every reserved coding.
		m.Encoding, octets = Data8, int(udl)
	}
	ud := c.b[c.i : c.i+octets : c.i+octets]
	c.i += octets
	m.Trailing = left - octets

	hdr := 0 // octets of user data header, its length octet included
	var single, locking bool
	if udhi && octets > 0 {
		// With no user data at all there is no header to read either: an
		// empty text (Gammu reads it so; phones store such submits).
		hdr = 1 + int(ud[0])
		if hdr > octets {
			return errf(ErrInvalid, "user data header of %d octets is longer than the user data (%d octets)", hdr, octets)
		}
		if single, locking, err = parseUDH(d, ud[1:hdr]); err != nil {
			return err
		}
	}

	switch m.Encoding {
	case GSM7:
		// The text starts at the first septet boundary after the header:
		// the bits in between are fill.
		skip := (hdr*8 + 6) / 7
		if skip > int(udl) {
			return errf(ErrInvalid, "user data header of %d octets is longer than the user data (%d septets)", hdr, udl)
		}
		if locking {
			return errf(ErrUnsupported, "7-bit text in a national language locking shift table")
		}
		var buf [512]byte
		text, err := decodeGSM7(buf[:0], ud, skip, int(udl), !single)
		if err != nil {
			return err
		}
		m.Text = string(text)
	case UCS2:
		text, err := decodeUTF16(ud[hdr:])
		if err != nil {
			return err
		}
		m.Text = text
	case Data8:
		if c.owned {
			m.Data = ud[hdr:]
		} else {
			m.Data = append(make([]byte, 0, octets-hdr), ud[hdr:]...)
		}
	}
	return nil
}

// parseUDH reads the information elements of a user data header (without
// its length octet), keeping concatenation and noting national language
// shift tables; other elements are skipped.
func parseUDH(d *decoded, h []byte) (single, locking bool, err error) {
	for j := 0; j < len(h); {
		if len(h)-j < 2 {
			return false, false, errf(ErrInvalid, "user data header: information element cut short")
		}
		iei, n := h[j], int(h[j+1])
		j += 2
		if len(h)-j < n {
			return false, false, errf(ErrInvalid, "user data header: information element 0x%02X of %d octets is longer than the header", iei, n)
		}
		v := h[j : j+n]
		j += n
		switch {
		case iei == 0x00 && n == 3:
			setConcat(d, int(v[0]), int(v[1]), int(v[2]))
		case iei == 0x08 && n == 4:
			setConcat(d, int(v[0])<<8|int(v[1]), int(v[2]), int(v[3]))
		case iei == 0x24:
			single = true
		case iei == 0x25:
			locking = true
		}
	}
	return single, locking, nil
}

// setConcat records a concatenation element. TS 23.040 §9.2.3.24.1: an
// element with 0 parts, or a sequence number of 0 or above the number of
// parts, is ignored; a repeated one replaces the earlier.
func setConcat(d *decoded, ref, total, seq int) {
	if total == 0 || seq == 0 || seq > total {
		return
	}
	d.c = Concat{Ref: ref, Total: total, Seq: seq}
	d.m.Concat = &d.c
}

// decodeUTF16 decodes big-endian UTF-16 (UCS-2 with surrogate pairs).
func decodeUTF16(b []byte) (string, error) {
	if len(b)%2 != 0 {
		return "", errf(ErrInvalid, "UCS-2 user data has an odd number of octets (%d)", len(b))
	}
	var buf [512]byte
	out := buf[:0]
	for k := 0; k < len(b); k += 2 {
		u := rune(b[k])<<8 | rune(b[k+1])
		switch {
		case u < 0xD800 || u > 0xDFFF:
			out = utf8.AppendRune(out, u)
		case u < 0xDC00:
			if k+3 >= len(b) {
				return "", errf(ErrInvalid, "UCS-2 text ends inside a surrogate pair")
			}
			u2 := rune(b[k+2])<<8 | rune(b[k+3])
			if u2 < 0xDC00 || u2 > 0xDFFF {
				return "", errf(ErrInvalid, "UCS-2 high surrogate %04X not followed by a low one", u)
			}
			out = utf8.AppendRune(out, 0x10000+(u-0xD800)<<10+(u2-0xDC00))
			k += 2
		default:
			return "", errf(ErrInvalid, "UCS-2 low surrogate %04X without a high one", u)
		}
	}
	return string(out), nil
}
