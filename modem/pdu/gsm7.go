package pdu

import "unicode/utf8"

// The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038
// §6.2.1 and §6.2.1.1). Index = septet value.
var gsm7Default = [128]rune{
	'@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
	'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', 0x1B, 'Æ', 'æ', 'ß', 'É',
	' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
	'¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
	'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
	'¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
}

// gsm7Ext is the extension table reached through the escape septet 0x1B; 0
// marks a code with no character of its own.
var gsm7Ext = [128]rune{
	0x0A: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2F: '\\',
	0x3C: '[', 0x3D: '~', 0x3E: ']', 0x40: '|', 0x65: '€',
}

const (
	esc = 0x1B

	// encValid marks an entry of the encoding table; encEscaped marks a
	// character of the extension table (two septets: ESC, code).
	encValid   = 0x8000
	encEscaped = 0x0100

	// encTableSize covers Latin-1 and the Greek capitals of the alphabet;
	// the euro sign is the only character above it.
	encTableSize = 0x3AA
)

// gsm7Enc maps a rune below encTableSize to its septet(s): 0 means the rune
// is not in the alphabet. Built once from the two decoding tables so that
// encoding and decoding cannot disagree; never written after init.
var gsm7Enc = buildGSM7Enc()

func buildGSM7Enc() *[encTableSize]uint16 {
	var t [encTableSize]uint16
	for code, r := range gsm7Default {
		if code != esc {
			t[r] = encValid | uint16(code)
		}
	}
	for code, r := range gsm7Ext {
		if r != 0 && r < encTableSize {
			t[r] = encValid | encEscaped | uint16(code)
		}
	}
	return &t
}

// gsm7Lookup returns the septet code of r, whether it needs the escape
// prefix, and whether r is in the alphabet at all.
func gsm7Lookup(r rune) (code byte, escaped, ok bool) {
	if r >= 0 && r < encTableSize {
		e := gsm7Enc[r]
		return byte(e), e&encEscaped != 0, e&encValid != 0
	}
	if r == '€' {
		return 0x65, true, true
	}
	return 0, false, false
}

// FitsGSM7 reports whether every character of text is in the GSM 7-bit
// default alphabet or its extension table, so that the text can be sent
// without UCS-2. Invalid UTF-8 does not fit.
func FitsGSM7(text string) bool {
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if gsm7Enc[c]&encValid == 0 {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		if _, _, ok := gsm7Lookup(r); !ok {
			return false
		}
		i += size
	}
	return true
}

// appendSeptets appends the septets of text (escape pairs as two septets).
// The caller has checked that text fits.
func appendSeptets(dst []byte, text string) []byte {
	for _, r := range text {
		code, escaped, _ := gsm7Lookup(r)
		if escaped {
			dst = append(dst, esc)
		}
		dst = append(dst, code)
	}
	return dst
}

// packSeptets writes septets into dst starting at septet position start
// (bit start*7); dst must be zeroed and long enough. Bits before the start
// position, such as fill bits after a user data header, are left as they are.
func packSeptets(dst []byte, start int, septets []byte) {
	bit := start * 7
	for _, s := range septets {
		i, shift := bit>>3, uint(bit&7)
		dst[i] |= s << shift
		if shift > 1 {
			dst[i+1] |= s >> (8 - shift)
		}
		bit += 7
	}
}

// septetAt returns septet k of packed data; the caller has checked that
// the septet lies within b.
func septetAt(b []byte, k int) byte {
	bit := k * 7
	i, shift := bit>>3, uint(bit&7)
	v := b[i] >> shift
	if shift > 1 {
		v |= b[i+1] << (8 - shift)
	}
	return v & 0x7F
}

// decodeGSM7 unpacks septets [from, to) of packed data b into UTF-8,
// resolving escape pairs. allowEscapes is false when a national language
// single shift table was announced, which this package does not carry: an
// escape then cannot be decoded faithfully.
func decodeGSM7(dst []byte, b []byte, from, to int, allowEscapes bool) ([]byte, error) {
	for k := from; k < to; k++ {
		s := septetAt(b, k)
		if s != esc {
			dst = utf8.AppendRune(dst, gsm7Default[s])
			continue
		}
		if !allowEscapes {
			return dst, errf(ErrUnsupported, "escape septet with a national language single shift table")
		}
		k++
		if k >= to {
			return dst, errf(ErrInvalid, "7-bit text ends with an escape septet")
		}
		s = septetAt(b, k)
		switch r := gsm7Ext[s]; {
		case r != 0:
			dst = utf8.AppendRune(dst, r)
		case s == esc:
			// Reserved for a further extension table: TS 23.038 says to
			// show a space.
			dst = append(dst, ' ')
		default:
			// No extension character: TS 23.038 says to show the
			// default-alphabet character.
			dst = utf8.AppendRune(dst, gsm7Default[s])
		}
	}
	return dst, nil
}
