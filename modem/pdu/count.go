package pdu

import "unicode/utf8"

// Count is how a text will be sent: its alphabet, number of SMS parts and
// room left in the last part, for the templates editor and campaign planning.
type Count struct {
	Encoding Encoding
	// Parts is the number of SMS parts: 1 for "" (it may exceed 255, the
	// most EncodeSubmit sends).
	Parts int
	// Chars is the number of characters (runes) of the text.
	Chars int
	// Units is the length in septets (gsm7, an extension character counting
	// 2) or UTF-16 units (ucs2, an emoji counting 2).
	Units int
	// Left is the septets or units still free in the last part.
	Left int
	// ForcedBy lists, for ucs2, the characters that are not in GSM 7-bit,
	// distinct and in first-seen order, so the editor can point at them.
	ForcedBy []rune
}

// Counting counts text the way EncodeSubmit cuts it: 160 septets or 70 UCS-2
// units in a single part, 153 or 67 per part of a concatenated text, a part
// never ending inside an escape pair or a surrogate pair.
func Counting(text string) Count {
	seg := segment(text, concatHeader8)
	n := seg.parts()
	c := Count{
		Encoding: seg.enc,
		Parts:    n,
		Chars:    utf8.RuneCountInString(text),
		Units:    seg.size(),
	}
	hdr := 0
	if n > 1 {
		hdr = concatHeader8
	}
	c.Left = seg.room(hdr) - (seg.cuts[n] - seg.cuts[n-1])
	if seg.enc == UCS2 {
		for _, r := range text {
			if _, _, ok := gsm7Lookup(r); !ok && !containsRune(c.ForcedBy, r) {
				c.ForcedBy = append(c.ForcedBy, r)
			}
		}
	}
	return c
}

func containsRune(rs []rune, r rune) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}
