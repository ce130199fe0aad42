package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mtibben/confusables"
	"golang.org/x/text/unicode/norm"
)

// optOutSkeleton folds text to the plain Latin letters a person meant, so
// that an opt-out cannot be dodged by how it is written, by accident or on
// purpose:
//
//  1. NFKC (Unicode compatibility normalisation): full-width ＳＴＯＰ,
//     mathematical 𝐒𝐓𝐎𝐏, circled ⓢⓣⓞⓟ, ligatures and the like become
//     their plain letters.
//  2. Invisible format characters (Unicode Cf: zero-width spaces and
//     joiners, soft hyphens, bidi controls, the BOM) are dropped, and so are
//     combining marks (S̶T̶O̶P̶, ṡṫöṗ).
//  3. Every other non-ASCII letter is replaced by its prototype in the
//     Unicode confusables table of UTS #39 ("Unicode Security Mechanisms",
//     section 4, https://www.unicode.org/reports/tr39/#Confusable_Detection;
//     the table is confusables.txt, as packaged by
//     github.com/mtibben/confusables): Cyrillic SТОР, Greek ΤΟΡ, Cherokee
//     and Lisu look-alikes become Latin. Where the table's prototype is not
//     itself Latin (Latin small capitals such as ᴛ and ᴘ, and ʍ, prototypes
//     of Cyrillic т and м) latinSmallCaps finishes the fold. The table
//     folds capital-I look-alikes to "l" (I and l look alike in many
//     fonts); an upper-case one is folded to "I" here, since in a word in
//     capitals it stands for I. ASCII is never remapped (the table maps
//     "m" to "rn").
//  4. A 0 between letters is an o ("ST0P").
//  5. Letters spaced or dotted apart ("S T O P", "S.T.O.P", "s-t-o-p"):
//     a run of three or more single letters, each separated from the next
//     only by spaces and the punctuation people use to space letters, is
//     joined into one word.
//
// The result is matched by the same phrase rules as any text, so "bus stop"
// and "don't stop" written in look-alikes are still not opt-outs.
func optOutSkeleton(text string) string {
	if isASCII(text) { // the common case: nothing to fold
		return joinSpacedLetters(zeroAsO(text))
	}
	text = norm.NFKC.String(text)
	var b strings.Builder
	b.Grow(len(text))
	for _, r := range text {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case unicode.Is(unicode.Cf, r):
			// invisible: dropped
		default:
			b.WriteString(latinFold(r))
		}
	}
	return joinSpacedLetters(zeroAsO(b.String()))
}

// latinFold folds one non-ASCII rune to its Latin skeleton, without
// combining marks.
func latinFold(r rune) string {
	skel := confusables.Skeleton(string(r)) // NFD, map, NFD
	var b strings.Builder
	for _, s := range skel {
		if unicode.Is(unicode.Mn, s) || unicode.Is(unicode.Me, s) {
			continue
		}
		if l, ok := latinSmallCaps[s]; ok {
			s = l
		}
		if s == 'l' && unicode.IsUpper(r) && skel == "l" {
			s = 'I'
		}
		b.WriteRune(s)
	}
	return b.String()
}

// latinSmallCaps maps the Latin small capitals and turned letters that are
// UTS #39 prototypes (so the table leaves them as they are) to the Latin
// letters they are read as.
var latinSmallCaps = map[rune]rune{
	'ᴀ': 'a', 'ʙ': 'b', 'ᴄ': 'c', 'ᴅ': 'd', 'ᴇ': 'e', 'ꜰ': 'f', 'ɢ': 'g', 'ʜ': 'h', 'ɪ': 'i', 'ᴊ': 'j',
	'ᴋ': 'k', 'ʟ': 'l', 'ᴍ': 'm', 'ɴ': 'n', 'ᴏ': 'o', 'ᴘ': 'p', 'ǫ': 'q', 'ʀ': 'r', 'ꜱ': 's', 'ᴛ': 't',
	'ᴜ': 'u', 'ᴠ': 'v', 'ᴡ': 'w', 'ʏ': 'y', 'ᴢ': 'z', 'ʍ': 'm', 'ɯ': 'm',
}

// singleLetters counts the letters that stand alone (no letter or digit
// either side).
func singleLetters(s string) int {
	n := 0
	prev := false // the rune before was a letter or digit
	for i, r := range s {
		cur := unicode.IsLetter(r) || unicode.IsDigit(r)
		if cur && !prev {
			next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
			if i+utf8.RuneLen(r) >= len(s) || !(unicode.IsLetter(next) || unicode.IsDigit(next)) {
				n++
			}
		}
		prev = cur
	}
	return n
}

// zeroAsO reads a 0 with a letter on either side as the letter o.
func zeroAsO(s string) string {
	if !strings.Contains(s, "0") {
		return s
	}
	rs := []rune(s)
	letter := func(i int) bool { return i >= 0 && i < len(rs) && unicode.IsLetter(rs[i]) }
	for i, r := range rs {
		if r == '0' && (letter(i-1) || letter(i+1)) {
			rs[i] = 'o'
		}
	}
	return string(rs)
}

// isLetterSpacer reports whether r may stand between letters spaced apart.
func isLetterSpacer(r rune) bool {
	switch r {
	case ' ', '\t', '.', '-', '_', '*', '/', '\\', '|', '·', '•', '~', '+', ',', '(', ')', '[', ']', '\u00a0':
		return true
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// joinSpacedLetters joins runs of three or more single letters separated
// only by spacers ("S T O P", "S.T.O.P.") into one word.
func joinSpacedLetters(s string) string {
	if singleLetters(s) < 3 {
		return s // nothing spaced apart: no copy
	}
	rs := []rune(s)
	isLetter := func(i int) bool { return i >= 0 && i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i])) }
	single := func(i int) bool { return isLetter(i) && !isLetter(i-1) && !isLetter(i+1) }
	var out []rune
	for i := 0; i < len(rs); {
		if !single(i) {
			out = append(out, rs[i])
			i++
			continue
		}
		// Collect the run of single letters starting at i.
		letters := []rune{rs[i]}
		end := i + 1 // just after the last letter taken
		for j := end; ; {
			k := j
			for k < len(rs) && isLetterSpacer(rs[k]) && k-j < 3 {
				k++
			}
			if k == j || !single(k) {
				break
			}
			letters = append(letters, rs[k])
			j, end = k+1, k+1
		}
		if len(letters) >= 3 {
			out = append(out, letters...)
		} else {
			out = append(out, rs[i:end]...)
		}
		i = end
	}
	return string(out)
}
