// Package classify holds what sorting inbound replies into the operator's
// categories is made of: the normalised form of a text (the key of the exact
// memory), opt-out words, and a learned model with a calibrated confidence.
// The order the rules apply in is decided in one place, replies' decide (see
// docs/ARCHITECTURE.md, Receiving).
//
// It is a leaf: it imports nothing of ours and does no I/O.
package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxRepeat is how many times in a row one letter (or one emoji) is kept:
// "sooooo" and "soo" normalise alike, while "too" and "good" survive.
const maxRepeat = 2

// Normalize returns text in the form under which two replies count as the
// same: lower case, punctuation and symbols dropped (apostrophes join their
// word: "don't" → "dont"), letters repeated more than twice cut to two,
// whitespace folded to single spaces, and each emoji (or currency sign) kept as
// a token of its own, without its skin tone or presentation selector.
func Normalize(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	forTokens(text, func(tok []byte) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.Write(tok)
	})
	return b.String()
}

// Runes that change nothing about the emoji before them.
const (
	zwj        = '\u200d'
	vs15, vs16 = '\ufe0e', '\ufe0f'
	keycap     = '\u20e3'
)

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}
func isSkinTone(r rune) bool          { return r >= 0x1F3FB && r <= 0x1F3FF }
func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '\u2019', '\u2018', '`', '\u00b4', '\u02bc':
		return true
	}
	return false
}

// isSymbolToken reports whether r stands as a token of its own: emoji and
// other pictographs (Unicode So) and currency signs (Sc), which say a lot
// about a text ("£", "😂", "❤").
func isSymbolToken(r rune) bool {
	return unicode.In(r, unicode.So, unicode.Sc)
}

// forTokens calls fn with each token of Normalize(text), in order; the token's
// bytes are only valid during the call. Word tokens are lower-case letters,
// digits and combining marks; symbol tokens are one emoji (with any ZWJ
// sequence or flag pair it forms) or one currency sign.
func forTokens(text string, fn func([]byte)) {
	var (
		word     []byte // the word being built
		last     rune   // last letter written to word
		run      int    // how many times last is repeated at the end of word
		prevSym  string // previous token, if a symbol, to cap repeated emoji
		symRun   int
		scratch  [64]byte
		emitWord = func() {
			if len(word) > 0 {
				fn(word)
				word = word[:0]
				prevSym, symRun = "", 0
			}
			last, run = 0, 0
		}
		emitSym = func(sym string) {
			if sym == prevSym {
				symRun++
			} else {
				prevSym, symRun = sym, 1
			}
			if symRun <= maxRepeat {
				fn(append(word[:0], sym...))
			}
		}
	)
	word = scratch[:0]
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		} else if !isASCIIAlnum(r) && r != '\'' && r != '`' && r != '$' {
			// ASCII punctuation, symbols and spaces: the common case of
			// the last branch below, without its table look-ups.
			i++
			emitWord()
			continue
		}
		i += size
		switch {
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			r = unicode.ToLower(r)
			if r == last && unicode.IsLetter(r) {
				run++
				if run > maxRepeat {
					continue
				}
			} else {
				last, run = r, 1
			}
			word = utf8.AppendRune(word, r)
		case r == vs15 || r == vs16 || r == keycap || isSkinTone(r):
			// Presentation only: "1️⃣" is "1", a stray skin tone nothing.
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
			if len(word) > 0 { // an accent on the letter before; alone it is noise
				word = utf8.AppendRune(word, r)
			}
		case isApostrophe(r):
			// "don't" → "dont": the word goes on.
		case isSymbolToken(r) && !isSkinTone(r):
			emitWord()
			start := i - size
			end := i
			// Extend over what belongs to this emoji: a second regional
			// indicator (a flag), selectors, skin tones, keycaps, and ZWJ
			// followed by another pictograph.
			paired := false
			for end < len(text) {
				n, nsize := utf8.DecodeRuneInString(text[end:])
				switch {
				case isRegionalIndicator(r) && isRegionalIndicator(n) && !paired:
					paired = true
				case n == vs15 || n == vs16 || isSkinTone(n) || n == keycap:
				case n == zwj && end+nsize < len(text):
					_, asize := utf8.DecodeRuneInString(text[end+nsize:])
					nsize += asize
				default:
					goto done
				}
				end += nsize
			}
		done:
			i = end
			emitSym(stripEmojiModifiers(text[start:end]))
		default: // punctuation, spaces, other symbols, controls, selectors
			emitWord()
		}
	}
	emitWord()
}

// stripEmojiModifiers drops presentation selectors and skin tones, so that
// "👍🏽" and "👍" or "❤️" and "❤" are the same token.
func stripEmojiModifiers(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r == vs15 || r == vs16 || isSkinTone(r) }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == vs15 || r == vs16 || isSkinTone(r) {
			return -1
		}
		return r
	}, s)
}
