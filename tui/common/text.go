package common

import (
	"fmt"
	"strings"

	"github.com/texting-centre/texting/modem/pdu"
	"github.com/texting-centre/texting/tui/styles"
)

// gsmTwins maps typographic characters that force UCS-2 to the GSM-7
// characters they stand for.
var gsmTwins = strings.NewReplacer(
	"\u2018", "'", "\u2019", "'", "\u201A", "'", "\u201B", "'", "\u2032", "'", "\u00B4", "'", "\u0060", "'",
	"\u201C", `"`, "\u201D", `"`, "\u201E", `"`, "\u201F", `"`, "\u2033", `"`, "\u00AB", `"`, "\u00BB", `"`,
	"\u2013", "-", "\u2014", "-", "\u2015", "-", "\u2012", "-", "\u2010", "-", "\u2011", "-", "\u2212", "-",
	"\u2026", "...", "\u00A0", " ", "\u2009", " ", "\u202F", " ", "\u2002", " ", "\u2003", " ",
	"\u2022", "-",
)

// GSMTwins replaces smart quotes, dashes, ellipses and odd spaces with their
// GSM-7 twins, so that a text pasted from a word processor stays GSM-7.
func GSMTwins(s string) string { return gsmTwins.Replace(s) }

// CountLine describes a text's count: characters, encoding (and what forced
// UCS-2), parts and what is left in the last part.
func CountLine(st *styles.Styles, c pdu.Count) string {
	enc := "GSM-7"
	if c.Encoding == pdu.UCS2 {
		enc = "UCS-2"
	}
	parts := fmt.Sprintf("%d part", c.Parts)
	if c.Parts != 1 {
		parts += "s"
	}
	s := fmt.Sprintf("%d chars · %s · %s · %d left", c.Chars, enc, parts, c.Left)
	style := st.Good
	if c.Parts > 1 {
		style = st.Warn
	}
	line := style.Render(s)
	if len(c.ForcedBy) > 0 {
		var q []string
		seen := map[rune]bool{}
		for _, r := range c.ForcedBy {
			if !seen[r] && len(q) < 6 {
				seen[r] = true
				q = append(q, fmt.Sprintf("%q", string(r)))
			}
		}
		line += st.Bad.Render(" · UCS-2 forced by " + strings.Join(q, " "))
	}
	return line
}
