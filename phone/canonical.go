package phone

import (
	"strings"
	"unicode"
)

// uriSchemes are the URI schemes a provider may put before a number: tel
// (RFC 3966), sms and smsto (RFC 5724 and its common variant).
var uriSchemes = []string{"tel:", "sms:", "smsto:"}

// Canonical rewrites a number as a provider, a phone or a spreadsheet may
// send it into the characters Normalize reads: a tel:, sms: or smsto: URI
// prefix and its parameters (";phone-context=…", "?body=…") go, digits of
// any script (full-width ０-９, Arabic-Indic …) become ASCII digits, a
// full-width plus a plus, Unicode dashes a hyphen, and spaces of any kind
// and invisible format characters (a phone's left-to-right marks around a
// number) are dropped, and other spaces become plain ones. Anything else is kept for Normalize to judge.
func Canonical(s string) string {
	for _, scheme := range uriSchemes {
		if t := strings.TrimSpace(s); len(t) > len(scheme) && strings.EqualFold(t[:len(scheme)], scheme) {
			s = t[len(scheme):]
			if i := strings.IndexAny(s, ";?"); i >= 0 {
				s = s[:i]
			}
			s = strings.TrimPrefix(s, "//")
			break
		}
	}
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s // what Normalize reads already, spaces and all
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case unicode.Is(unicode.Cf, r):
			// dropped
		case unicode.Is(unicode.Nd, r):
			b.WriteRune('0' + digitValue(r))
		case r == '＋' || r == '﹢':
			b.WriteByte('+')
		case unicode.Is(unicode.Pd, r):
			b.WriteByte('-')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// digitValue is the value of a decimal digit of any script: Unicode puts
// each script's digits 0-9 in a row, so it is the distance from the first
// rune of the row that is still a digit.
func digitValue(r rune) rune {
	zero := r
	for zero > r-9 && unicode.Is(unicode.Nd, zero-1) {
		zero--
	}
	return r - zero
}
