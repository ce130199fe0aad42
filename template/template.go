// Package template renders a text template: {name} when a text is queued,
// {greeting} when it is sent, the placeholder check made when a template is
// saved, and the SMS parts a text takes. It is a leaf: the TUI, the campaign
// planner and the outbox all use it without pulling in each other.
package template

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/texting-centre/texting/modem/pdu"
)

// Placeholders a template may use.
const (
	PlaceholderName     = "{name}"
	PlaceholderGreeting = "{greeting}"
)

// Check refuses a template body with an unknown or unclosed
// placeholder, naming it, so a typo such as "{nmae}" is caught when the
// template is saved rather than texted to a thousand people.
func Check(body string) error {
	if strings.TrimSpace(body) == "" {
		return fmt.Errorf("template body is empty")
	}
	rest := body
	for {
		i := strings.IndexByte(rest, '{')
		j := strings.IndexByte(rest, '}')
		if i < 0 {
			if j >= 0 {
				return fmt.Errorf("template has a stray %q", "}")
			}
			return nil
		}
		if j >= 0 && j < i {
			return fmt.Errorf("template has a stray %q", "}")
		}
		k := strings.IndexByte(rest[i:], '}')
		if k < 0 {
			return fmt.Errorf("template has an unclosed placeholder %q", clip(rest[i:]))
		}
		ph := rest[i : i+k+1]
		switch ph {
		case PlaceholderName, PlaceholderGreeting:
		default:
			return fmt.Errorf("template has an unknown placeholder %s (use {name} or {greeting})", ph)
		}
		rest = rest[i+k+1:]
	}
}

// MaxParts is the most parts any text can have: the concatenation header
// counts them in one octet (3GPP TS 23.040 9.2.3.24.1), and phones give up
// well before.
const MaxParts = 255

// Sample fillings the size check counts a template with: a longish first
// name and the longest greeting of the built-in wording.
const (
	SampleName     = "Maximilian"
	SampleGreeting = "Happy Valentine's Day"
)

// Size is the parts a template body takes with {name} and {greeting}
// filled with SampleName and SampleGreeting.
func Size(body string) int {
	return Parts(RenderGreeting(RenderName(body, SampleName), SampleGreeting))
}

// CheckSize refuses a template body that cannot be sent: more parts than
// maxParts (the setting template.max_parts; 0 or less means MaxParts), and
// never more than MaxParts. It is checked when a template is saved, so a
// 40,000-character template is refused then instead of failing every text
// at send time.
func CheckSize(body string, maxParts int) error {
	if maxParts <= 0 || maxParts > MaxParts {
		maxParts = MaxParts
	}
	switch n := Size(body); {
	case n > MaxParts:
		return fmt.Errorf("template is %d SMS parts; no text can have more than %d", n, MaxParts)
	case n > maxParts:
		return fmt.Errorf("template is %d SMS parts, more than template.max_parts (%d)", n, maxParts)
	}
	return nil
}

func clip(s string) string {
	if r := []rune(s); len(r) > 12 {
		return string(r[:12]) + "…"
	}
	return s
}

// RenderName fills {name} with the recipient's first name. When the name is
// empty the placeholder goes with one space next to it, so "Hi {name}," becomes
// "Hi," and "{name}, hello" becomes "hello". {greeting} is left for send time.
func RenderName(body, name string) string {
	name = FirstName(name)
	if name != "" {
		return strings.ReplaceAll(body, PlaceholderName, name)
	}
	for {
		i := strings.Index(body, PlaceholderName)
		if i < 0 {
			return body
		}
		end := i + len(PlaceholderName)
		switch {
		case i > 0 && body[i-1] == ' ':
			body = body[:i-1] + body[end:]
		case end < len(body) && body[end] == ' ':
			body = body[:i] + body[end+1:]
		default:
			body = body[:i] + body[end:]
		}
	}
}

// RenderGreeting fills {greeting}; it is called when the text is actually sent.
func RenderGreeting(body, greeting string) string {
	return strings.ReplaceAll(body, PlaceholderGreeting, greeting)
}

// FirstName returns the first word of a name as the data source wrote it:
// "Angharad-Louise Jones" → "Angharad-Louise", "McKenzie" stays. Only a name
// written all in capitals or all in lower case is title-cased, part by part
// after "-" and "'": "O'BRIEN" → "O'Brien", "mcdonald" → "Mcdonald".
func FirstName(name string) string {
	f := strings.Fields(CleanName(name))
	if len(f) == 0 {
		return ""
	}
	first := f[0]
	if strings.ToUpper(first) != first && strings.ToLower(first) != first {
		return first // mixed case: the person's own spelling
	}
	r := []rune(strings.ToLower(first))
	start := true
	for i, c := range r {
		if start && unicode.IsLetter(c) {
			r[i] = unicode.ToTitle(c)
		}
		start = c == '-' || c == '\'' || c == '’'
	}
	return string(r)
}

// CleanName drops from a name what the data source should never have put
// in it: terminal escape sequences whole (ESC [ … final byte, ESC ] … BEL or
// ESC \, their 8-bit forms U+009B and U+009D, and any other ESC and the
// character after it), then every other control character (a NUL would
// cut the stored copy short) and the bidi embedding, override and isolate
// controls. What is left may be empty: the text then has no name.
func CleanName(name string) string {
	clean := true
	for _, r := range name {
		if dropFromName(r) {
			clean = false
			break
		}
	}
	if clean {
		return name
	}
	rs := []rune(name)
	var b strings.Builder
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == 0x1b && i+1 < len(rs) && rs[i+1] == '[', r == 0x9b: // CSI … final byte
			if r == 0x1b {
				i++
			}
			for i+1 < len(rs) && !(rs[i+1] >= 0x40 && rs[i+1] <= 0x7e) {
				i++
			}
			i++ // the final byte
		case r == 0x1b && i+1 < len(rs) && strings.ContainsRune("]PX^_", rs[i+1]), r == 0x9d: // OSC and other strings
			if r == 0x1b {
				i++
			}
			for i+1 < len(rs) && rs[i+1] != 0x07 && rs[i+1] != 0x9c && !(rs[i+1] == 0x1b && i+2 < len(rs) && rs[i+2] == '\\') {
				i++
			}
			switch {
			case i+1 < len(rs) && rs[i+1] == 0x1b:
				i += 2 // ESC \
			case i+1 < len(rs):
				i++ // BEL or ST
			}
		case r == 0x1b:
			i++ // ESC and the character after it
		case dropFromName(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// dropFromName reports whether r has no place in a name: a control
// character or a bidi embedding, override or isolate.
func dropFromName(r rune) bool {
	return unicode.IsControl(r) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// Parts returns the SMS parts a text takes, as the modem will cut it (and as
// networks count a SIM's allowance).
func Parts(text string) int {
	if n := pdu.Counting(text).Parts; n > 0 {
		return n
	}
	return 1
}
