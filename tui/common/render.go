package common

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/texting-centre/texting/termsafe"
	"github.com/texting-centre/texting/tui/styles"
)

func itoa(n int) string { return strconv.Itoa(n) }

// OneLine folds a text's line breaks and runs of spaces into single spaces,
// and shows what a terminal would act on visibly (Clean).
func OneLine(s string) string { return Clean(strings.Join(strings.Fields(s), " ")) }

// Clean is how a screen shows one line of text from outside (an SMS, a
// name, a number, an error): controls, escape sequences and bidi overrides
// shown visibly, never acted on by the terminal (termsafe.Line). Every
// store or backend string a screen renders goes through Clean, OneLine or
// Text; the root's View then lets only SGR colours through (termsafe.Frame).
func Clean(s string) string { return termsafe.Line(s) }

// Text is Clean for a text shown on several lines: line breaks are kept.
func Text(s string) string { return termsafe.String(s) }

// Truncate cuts s to w terminal cells, ending it with "…" when cut.
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}

// Pad truncates or pads s with spaces to exactly w cells.
func Pad(s string, w int) string {
	s = Truncate(s, w)
	if n := lipgloss.Width(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// Cell is a table column w cells wide: s cut to w-1 cells and padded, so
// that at least one space always separates it from the next column.
func Cell(s string, w int) string { return Pad(Truncate(s, w-1), w) }

// PadLeft is Pad aligned right.
func PadLeft(s string, w int) string {
	s = Truncate(s, w)
	if n := lipgloss.Width(s); n < w {
		s = strings.Repeat(" ", w-n) + s
	}
	return s
}

// When formats t for a list: the time today, the weekday this week, the
// date otherwise.
func When(t, now time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "never"
	}
	t, now = t.In(loc), now.In(loc)
	switch {
	case t.Year() == now.Year() && t.YearDay() == now.YearDay():
		return t.Format("15:04")
	case now.Sub(t) < 6*24*time.Hour && now.After(t):
		return t.Format("Mon 15:04")
	case t.Year() == now.Year():
		return t.Format("2 Jan")
	default:
		return t.Format("2 Jan 2006")
	}
}

// Rows renders list rows to width, marking the cursor's row with the cursor
// marker (kept without colour) and the selection style.
func Rows(st *styles.Styles, rows []string, cursor, width int) string {
	var b strings.Builder
	for i, r := range rows {
		if i > 0 {
			b.WriteByte('\n')
		}
		mark := "  "
		if i == cursor {
			mark = st.Cursor
		}
		line := Pad(mark+r, width)
		if i == cursor {
			line = st.Selected.Render(line)
		}
		b.WriteString(line)
	}
	return b.String()
}

// Fit cuts or pads a block of text to exactly h lines of at most w cells.
func Fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			lines[i] = Truncate(l, w)
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// Wrap word-wraps s to w cells.
func Wrap(s string, w int) string {
	if w < 1 {
		return s
	}
	return ansi.Wordwrap(s, w, "")
}

// Signal renders signal bars (0–5) as a small chart.
func Signal(bars int) string {
	const glyphs = "▁▂▃▄▅"
	r := []rune(glyphs)
	var b strings.Builder
	for i := 0; i < 5; i++ {
		if i < bars {
			b.WriteRune(r[i])
		} else {
			b.WriteRune('·')
		}
	}
	return b.String()
}

// Percent formats a share as "12%".
func Percent(f float64) string { return strconv.Itoa(int(f*100+0.5)) + "%" }
