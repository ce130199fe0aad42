package termsafe_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/texting-centre/texting/termsafe"
)

// injection is the escape-injection SMS of issue 16: set the window title,
// ring the bell, turn the text red.
const injection = "\x1b]0;PWNED-TITLE\x07\x1b[31m"

func TestString(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Hello, see you at 5", "Hello, see you at 5"},
		{"unicode kept", "Grüße ❤️ مرحبا 你好", "Grüße ❤️ مرحبا 你好"},
		{"newline and tab kept", "a\nb\tc", "a\nb\tc"},
		{"title and colour injection", injection + "hi", "␛]0;PWNED-TITLE␇␛[31mhi"},
		{"osc 52 clipboard", "\x1b]52;c;cm0gLXJmIH4=\x07", "␛]52;c;cm0gLXJmIH4=␇"},
		{"carriage return overwrite", "ok\rFAKE", "ok␍FAKE"},
		{"nul", "Hi Bob\x00eve", "Hi Bob␀eve"},
		{"del", "a\x7fb", `a\u007fb`},
		{"8-bit csi", "\u009b31m red", `\u009b31m red`},
		{"8-bit osc", "\u009d0;t\u009c", `\u009d0;t\u009c`},
		{"rlo", "abc\u202edcba", `abc\u202edcba`},
		{"isolates", "\u2066x\u2067y\u2068z\u2069", `\u2066x\u2067y\u2068z\u2069`},
		{"lrm rlm alm kept", "a\u200eb\u200fc\u061cd", "a\u200eb\u200fc\u061cd"},
		{"invalid utf-8", "a\x9bb\xffc", `a\x9bb\xffc`},
		{"truncated utf-8", "a\xe2\x82", `a\xe2\x82`},
		{"line separator kept", "a\u2028b", "a\u2028b"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := termsafe.String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Thanks!", "Thanks!"},
		{"newline", "line one\nline two", "line one␤line two"},
		{"crlf", "a\r\nb", "a␍␤b"},
		{"tab", "a\tb", "a␉b"},
		{"line separators", "a\u2028b\u2029c", "a␤b␤c"},
		{"injection", injection, "␛]0;PWNED-TITLE␇␛[31m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := termsafe.Line(tt.in); got != tt.want {
				t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFrame(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Texting Centre\nline", "Texting Centre\nline"},
		{"own colours kept", "\x1b[1;38;5;212mTitle\x1b[0m", "\x1b[1;38;5;212mTitle\x1b[0m"},
		{"truecolour kept", "\x1b[38:2::255:0:0mx\x1b[m", "\x1b[38:2::255:0:0mx\x1b[m"},
		{"title change shown", "a\x1b]0;PWNED\x07b", "a␛]0;PWNED␇b"},
		{"cursor move shown", "\x1b[2J\x1b[H", "␛[2J␛[H"},
		{"8-bit csi shown", "\u009b31m", `\u009b31m`},
		{"bidi shown", "\x1b[31m\u202eabc\x1b[0m", "\x1b[31m\\u202eabc\x1b[0m"},
		{"cut sgr", "x\x1b[31", "x␛[31"},
		{"lone esc at end", "x\x1b", "x␛"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := termsafe.Frame(tt.in); got != tt.want {
				t.Errorf("Frame(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCSVCell(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Thanks", "Thanks"},
		{"empty", "", ""},
		{"formula", "=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"},
		{"plus", "+1 555", "'+1 555"},
		{"minus", "-2+3", "'-2+3"},
		{"phone number", "+447700900123", "+447700900123"},
		{"negative number", "-2.5", "-2.5"},
		{"plus command", "+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"lone sign", "-", "'-"},
		{"at", "@SUM(A1)", "'@SUM(A1)"},
		{"tab", "\t=1", "'\t=1"},
		{"cr", "\r=1", "'␍=1"},
		{"equals later is fine", "a=b", "a=b"},
		{"controls", "hi" + injection, "hi␛]0;PWNED-TITLE␇␛[31m"},
		{"newline kept", "a\nb", "a\nb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := termsafe.CSVCell(tt.in); got != tt.want {
				t.Errorf("CSVCell(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSafe(t *testing.T) {
	for _, s := range []string{"", "plain", "a\nb\tc", "ünïcödé"} {
		if !termsafe.Safe(s) {
			t.Errorf("Safe(%q) = false", s)
		}
	}
	for _, s := range []string{injection, "\u009b", "\u202e", "\xff", "\r"} {
		if termsafe.Safe(s) {
			t.Errorf("Safe(%q) = true", s)
		}
	}
}

// TestWriterSplitRunes writes a text byte by byte: characters cut by the
// write boundaries come out whole.
func TestWriterSplitRunes(t *testing.T) {
	in := "Grüße " + injection + " \u202e ❤️ 你好\n"
	var out bytes.Buffer
	w := termsafe.NewWriter(&out)
	for i := 0; i < len(in); i++ {
		if _, err := w.Write([]byte{in[i]}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), termsafe.String(in); got != want {
		t.Errorf("byte-by-byte = %q, want %q", got, want)
	}
	if termsafe.NewWriter(w) != w {
		t.Error("NewWriter wrapped a Writer twice")
	}
	if termsafe.Raw(w) != &out {
		t.Error("Raw did not return the writer under")
	}
}

func TestWriterFlushIncomplete(t *testing.T) {
	var out bytes.Buffer
	w := termsafe.NewWriter(&out)
	w.Write([]byte("ok\xe2\x82"))
	if out.String() != "ok" {
		t.Fatalf("before Flush: %q", out.String())
	}
	w.Flush()
	if out.String() != `ok\xe2\x82` {
		t.Fatalf("after Flush: %q", out.String())
	}
}

// TestJSONStaysExact: JSON passed through the sanitiser decodes to exactly
// the values that were encoded.
func TestJSONStaysExact(t *testing.T) {
	texts := []string{injection, "\u009b31m", "\u202eevil", "a\x7fb", "tab\tnl\n", "\u2028", "plain"}
	b, err := json.Marshal(texts)
	if err != nil {
		t.Fatal(err)
	}
	var back []string
	if err := json.Unmarshal([]byte(termsafe.String(string(b))), &back); err != nil {
		t.Fatalf("sanitised JSON does not parse: %v", err)
	}
	for i := range texts {
		if back[i] != texts[i] {
			t.Errorf("text %d = %q, want %q", i, back[i], texts[i])
		}
	}
}

// checkTerminalSafe fails when out holds anything a terminal would act on.
func checkTerminalSafe(t *testing.T, in, out string, multiline bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%q -> %q: not valid UTF-8", in, out)
	}
	for _, r := range out {
		bad := r < 0x20 && !(multiline && (r == '\n' || r == '\t'))
		bad = bad || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
		if bad {
			t.Fatalf("%q -> %q: %U survives", in, out, r)
		}
	}
}

func FuzzString(f *testing.F) {
	for _, s := range []string{injection, "\u009b", "\u202e", "\xc2\x9b", "\xff\xfe", "a\nb\tc\r", "\u2066", "=1+1", "@x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := termsafe.String(s)
		checkTerminalSafe(t, s, out, true)
		checkTerminalSafe(t, s, termsafe.Line(s), false)
		cell := termsafe.CSVCell(s)
		checkTerminalSafe(t, s, cell, true)
		if cell != "" && strings.ContainsRune("=@", rune(cell[0])) {
			t.Fatalf("CSVCell(%q) = %q starts a formula", s, cell)
		}
		if cell != "" && (cell[0] == '+' || cell[0] == '-') && strings.Trim(cell[1:], "0123456789.") != "" {
			t.Fatalf("CSVCell(%q) = %q starts a formula", s, cell)
		}
		if termsafe.Safe(s) != (out == s) {
			t.Fatalf("Safe(%q) disagrees with String", s)
		}
		// What is safe already is left alone.
		if termsafe.String(out) != out {
			t.Fatalf("String is not idempotent on %q", s)
		}
		// The Writer, fed in two pieces cut anywhere, writes the same.
		for _, cut := range []int{0, len(s) / 2, len(s)} {
			var b bytes.Buffer
			w := termsafe.NewWriter(&b)
			w.Write([]byte(s[:cut]))
			w.Write([]byte(s[cut:]))
			w.Flush()
			if b.String() != out {
				t.Fatalf("Writer cut at %d: %q, want %q", cut, b.String(), out)
			}
		}
		// A frame keeps only SGR sequences: remove them and what is left
		// is terminal-safe.
		frame := termsafe.Frame(s)
		var rest strings.Builder
		for i := 0; i < len(frame); i++ {
			if frame[i] == 0x1b {
				j := i + 2
				for j < len(frame) && frame[j] != 'm' {
					j++
				}
				if i+1 >= len(frame) || frame[i+1] != '[' || j >= len(frame) {
					t.Fatalf("Frame(%q) = %q: an escape that is not SGR", s, frame)
				}
				i = j
				continue
			}
			rest.WriteByte(frame[i])
		}
		checkTerminalSafe(t, s, rest.String(), true)
		// JSON through the sanitiser stays exact.
		if utf8.ValidString(s) {
			b, _ := json.Marshal(s)
			var back string
			if err := json.Unmarshal([]byte(termsafe.String(string(b))), &back); err != nil || back != s {
				t.Fatalf("JSON of %q through String: %q, %v", s, back, err)
			}
		}
	})
}
