// Package termsafe makes text from outside (an SMS, a gateway callback, the
// campaign data source, anything read back from the database) safe to write
// to a terminal or a spreadsheet.
//
// Text is stored as it arrived; it passes through this package on its way to
// a terminal. Everything a terminal would act on instead of showing is shown
// visibly instead:
//
//   - C0 controls (U+0000–U+001F) become their Unicode control pictures
//     (ESC → ␛, BEL → ␇, CR → ␍), one cell wide each. Newline and tab are kept
//     by String (multi-line output) and shown as ␤ and ␉ by Line (one cell of
//     a table or a status line).
//   - DEL (U+007F), the C1 controls (U+0080–U+009F, among them U+009B, the
//     8-bit CSI, and U+009D, the 8-bit OSC) and the bidirectional embedding,
//     override and isolate controls (U+202A–U+202E, U+2066–U+2069: the
//     "Trojan Source" set, CVE-2021-42574) become `\uXXXX`.
//   - A byte that is not valid UTF-8 becomes `\xNN`, so a lone 0x9B can
//     never reach a terminal that reads 8-bit controls.
//
// The left-to-right, right-to-left and Arabic letter marks (U+200E, U+200F,
// U+061C) are kept: they are invisible, only set the direction of the
// neutral characters next to them, cannot reorder a run of text the way an
// override or an isolate does, and genuine Arabic and Hebrew texts use them.
// U+2028 and U+2029 (line and paragraph separators) are kept by String and
// shown as ␤ by Line.
//
// `\uXXXX` is also JSON's escape for the same character, so JSON text passed
// through String (or a Writer) decodes to exactly the values it encoded: a
// JSON encoder never leaves a C0 control raw, and every other rune this
// package rewrites inside a JSON string is rewritten as a valid JSON escape
// of itself.
package termsafe

import (
	"io"
	"strings"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// String returns s with every character a terminal would act on shown
// visibly; newlines and tabs are kept. Use it for multi-line output.
func String(s string) string { return clean(s, true) }

// Line is String for one line of output (a table cell, a status line, a
// progress line): newlines, tabs and line separators are shown as ␤ and ␉.
func Line(s string) string { return clean(s, false) }

// Safe reports whether s would be written unchanged by String.
func Safe(s string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			return false
		}
		if r != '\n' && r != '\t' && neutralised(r) {
			return false
		}
		i += n
	}
	return true
}

// neutralised reports whether a terminal could act on r instead of showing it.
func neutralised(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// clean is the one function every output path goes through: String and Line
// differ only in whether line breaks and tabs stay as they are.
func clean(s string, multiline bool) string {
	// The common case, plain text, costs one scan and no allocation.
	if multiline && Safe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			if n == 0 {
				return b.String()
			}
			c := s[i]
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		case (r == '\n' || r == '\t') && multiline:
			b.WriteRune(r)
		case r == '\n' || r == 0x2028 || r == 0x2029:
			b.WriteRune('␤')
		case r < 0x20:
			b.WriteRune(0x2400 + r) // the control pictures block, in C0 order
		case neutralised(r):
			b.WriteString(`\u`)
			for shift := 12; shift >= 0; shift -= 4 {
				b.WriteByte(hexDigits[(r>>shift)&0xf])
			}
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// Frame is String for a frame a full-screen program drew with its own
// colours: an SGR sequence (ESC [ digits and semicolons m, which only sets
// colours and attributes) is kept; every other control, escape sequence and
// bidi override is shown as String shows it. It is the last line of defence
// of a TUI whose screens clean what they show: whatever a screen forgot can
// at worst colour text, never set the title, write the clipboard or move
// the cursor.
func Frame(s string) string {
	if Safe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for len(s) > 0 {
		i := strings.IndexByte(s, 0x1b)
		if i < 0 {
			b.WriteString(String(s))
			break
		}
		b.WriteString(String(s[:i]))
		if n := sgrLen(s[i:]); n > 0 {
			b.WriteString(s[i : i+n])
			s = s[i+n:]
			continue
		}
		b.WriteString(String(s[i : i+1]))
		s = s[i+1:]
	}
	return b.String()
}

// sgrLen is the length of the SGR sequence s starts with, or 0.
func sgrLen(s string) int {
	if len(s) < 3 || s[0] != 0x1b || s[1] != '[' {
		return 0
	}
	for i := 2; i < len(s); i++ {
		switch c := s[i]; {
		case c == 'm':
			return i + 1
		case c >= '0' && c <= '9', c == ';', c == ':':
		default:
			return 0
		}
	}
	return 0
}

// CSVCell returns s as a spreadsheet may safely read it from a CSV file:
// controls shown as String shows them (a newline stays: CSV quotes it, and a
// text's lines are part of it), and a cell that a spreadsheet would run as a
// formula — starting with =, +, -, @, a tab or a carriage return (OWASP's
// "CSV injection") — prefixed with a single quote, which spreadsheets take
// as "this cell is text". A plain signed number ("+447700900123", "-2.5")
// is left as it is: a spreadsheet reads it as a number, never as a formula.
func CSVCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		s = "'" + s
	case '+', '-':
		if !isNumber(s[1:]) {
			s = "'" + s
		}
	}
	return String(s)
}

// isNumber reports whether s is digits with at most one decimal point.
func isNumber(s string) bool {
	if s == "" {
		return false
	}
	dot := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.' && !dot:
			dot = true
		case c < '0' || c > '9':
			return false
		}
	}
	return true
}

// Writer writes everything through String. It keeps an incomplete UTF-8
// sequence at the end of one Write for the next, so a multi-byte character
// split by a buffer boundary is written whole.
type Writer struct {
	w       io.Writer
	pending []byte
}

// NewWriter returns a Writer on w. A Writer given to NewWriter again is
// returned as it is.
func NewWriter(w io.Writer) *Writer {
	if tw, ok := w.(*Writer); ok {
		return tw
	}
	return &Writer{w: w}
}

// Raw returns the writer under a Writer, for output that is made of our own
// terminal controls (a progress line's "erase line"). Anything else is
// returned as it is.
func Raw(w io.Writer) io.Writer {
	if tw, ok := w.(*Writer); ok {
		return tw.w
	}
	return w
}

// Write writes p through String. It reports len(p) when everything was
// written (or kept for the next Write).
func (tw *Writer) Write(p []byte) (int, error) {
	buf := p
	if len(tw.pending) > 0 {
		buf = append(tw.pending, p...)
		tw.pending = nil
	}
	// Keep a trailing incomplete (but so far valid) UTF-8 sequence back.
	keep := 0
	for k := 1; k <= 3 && k <= len(buf); k++ {
		c := buf[len(buf)-k]
		if c < 0x80 {
			break
		}
		if c >= 0xc0 { // a lead byte: is its sequence cut short?
			if !utf8.FullRune(buf[len(buf)-k:]) {
				keep = k
			}
			break
		}
	}
	out := buf[:len(buf)-keep]
	if keep > 0 {
		tw.pending = append([]byte(nil), buf[len(buf)-keep:]...)
	}
	if len(out) > 0 {
		if _, err := io.WriteString(tw.w, String(string(out))); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush writes out a sequence kept back by Write (shown as `\xNN`, since
// nothing will complete it).
func (tw *Writer) Flush() error {
	if len(tw.pending) == 0 {
		return nil
	}
	s := String(string(tw.pending))
	tw.pending = nil
	_, err := io.WriteString(tw.w, s)
	return err
}
