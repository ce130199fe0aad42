package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// IsOptOut reports whether text asks for no more texts: one of the opt-out
// words STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT or OPT OUT, alone or in
// the common ways people write them ("Stop.", "STOP!!", "stop pls", "please
// stop texting me", "unsubscribe me", "remove me from your list", "no more
// texts", "don't text me again"), in any case, spacing and punctuation, with
// letters held down ("stoppp"). Each sentence or comma-separated part of the
// text is judged alone, and must be such a request as a whole, so "don't stop",
// "non-stop", "bus stop" and "stop by later" are not opt-outs.
//
// The text is first folded to its Latin skeleton (optOutSkeleton), so that
// full-width, look-alike, accented, zero-width-split and spaced-apart
// spellings ("ＳＴＯＰ", "SТОР" in Cyrillic, "S T O P", "S.T.O.P") are
// read as what they say.
func IsOptOut(text string) bool {
	for clause := range strings.FieldsFuncSeq(optOutSkeleton(text), isClauseBreak) {
		if optOutClause(clauseWords(clause)) {
			return true
		}
	}
	return false
}

// IsOptOutStart is IsOptOut for the first part of a long text whose other
// parts have not arrived: only the clauses that end within it are judged,
// since the rest of the text may continue the last one ("Please stop" +
// " by the shop" is no opt-out). A clause judged here is judged exactly as
// it will be in the whole text, so the first part can opt a number out at
// once without ever disagreeing with the joined text.
func IsOptOutStart(part string) bool {
	skel := optOutSkeleton(part)
	end := strings.LastIndexFunc(skel, isClauseBreak)
	if end < 0 {
		return false
	}
	for clause := range strings.FieldsFuncSeq(skel[:end], isClauseBreak) {
		if optOutClause(clauseWords(clause)) {
			return true
		}
	}
	return false
}

func isClauseBreak(r rune) bool {
	switch r {
	case '.', '!', '?', ',', ';', ':', '\n', '\r', '¡', '¿', '…':
		return true
	}
	return false
}

// clauseWords returns the clause's normalised words with every run of a
// letter squeezed to one ("stoppp" → "stop") and repeats of a word dropped
// ("stop stop stop"); emoji and other symbols are left out.
func clauseWords(clause string) []string {
	var words []string
	forTokens(clause, func(tok []byte) {
		r, _ := utf8.DecodeRune(tok)
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return
		}
		w := squeeze(string(tok))
		if n := len(words); n > 0 && words[n-1] == w {
			return
		}
		words = append(words, w)
	})
	return words
}

// squeeze cuts every run of one letter to a single letter.
func squeeze(s string) string {
	var b strings.Builder
	var last rune = -1
	for _, r := range s {
		if r != last {
			b.WriteRune(r)
		}
		last = r
	}
	return b.String()
}

// optOutClause strips politeness from both ends and matches what is left
// against the opt-out phrases.
func optOutClause(words []string) bool {
	for len(words) > 0 && optOutRules.leading[words[0]] {
		words = words[1:]
	}
	for len(words) > 0 && optOutRules.trailing[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	if len(words) == 0 {
		return false
	}
	for _, p := range optOutRules.phrases {
		if p.match(words) {
			return true
		}
	}
	return false
}

// optOutRules is built once and only read afterwards.
var optOutRules = compileOptOut()

type optOutSet struct {
	leading, trailing map[string]bool
	phrases           []phrase
}

func compileOptOut() optOutSet {
	// Word sets the phrases use, written plainly; they are squeezed like the words
	// they are matched against.
	words := map[string]string{
		"$kw":   "stop stopall remove unsubscribe unsub unsubcribe unsuscribe unsubscibe unsubscribed cancel end quit optout",
		"$all":  "all everything it this that them these",
		"$verb": "texting txting texing messaging msging sending contacting calling ringing spamming bothering harassing harrassing pestering emailing",
		"$send": "text txt message msg contact call ring sms email send bother spam",
		"$noun": "texts text txts txt messages message msgs msg sms smss spam marketing promotions promos offers adverts ads subscription notifications alerts",
		"$det":  "all the these this your ur my more any",
		"$tail": "me us my our number no num phone mobile details data name contact this these those them all any more anymore again ever to from on at your ur the of list lists database db mailing contacts system records please now texts text txts txt messages message msgs msg sms spam marketing",
		"$me":   "me us my our",
	}
	set := func(list string) map[string]bool {
		m := map[string]bool{}
		for _, w := range strings.Fields(list) {
			m[squeeze(w)] = true
		}
		return m
	}
	var s optOutSet
	s.leading = set("please pls plz plez plse pleas kindly ok okay k just hi hello hey sorry so then and but yes yeah can could will would you u i want wanna wish like id to said")
	s.trailing = set("please pls plz plez plse now thanks thank you u thx ty tnx thankyou cheers x xx asap immediately right away ok okay then sorry mate bye already ffs")
	for _, p := range []string{
		"$kw",
		"$kw $all",
		"stop|quit|cease|end $verb $tail*",
		"stop|cancel|end|quit|no|unsubscribe|unsub $det? $noun $tail*",
		"unsubscribe|unsub|remove|delete|erase|scrub $me $tail*",
		"unsubscribe|unsub|optout from|of $tail*",
		"take $me number|no? off $tail*",
		"opt $me out $tail*",
		"opt out $tail*",
		"dont|never $send $me $tail*",
		"do not $send $me $tail*",
	} {
		var ph phrase
		for _, slot := range strings.Fields(p) {
			var sl phraseSlot
			switch {
			case strings.HasSuffix(slot, "?"):
				sl.optional, slot = true, strings.TrimSuffix(slot, "?")
			case strings.HasSuffix(slot, "*"):
				sl.optional, sl.repeat, slot = true, true, strings.TrimSuffix(slot, "*")
			}
			var alts []string
			for _, a := range strings.Split(slot, "|") {
				if w, ok := words[a]; ok {
					alts = append(alts, w)
				} else {
					alts = append(alts, a)
				}
			}
			sl.words = set(strings.Join(alts, " "))
			ph = append(ph, sl)
		}
		s.phrases = append(s.phrases, ph)
	}
	return s
}

// phrase is a sequence of slots that must cover a clause's words exactly.
type phrase []phraseSlot

type phraseSlot struct {
	words            map[string]bool
	optional, repeat bool // "?" and "*"
}

func (p phrase) match(words []string) bool {
	if len(p) == 0 {
		return len(words) == 0
	}
	s := p[0]
	if s.repeat {
		// Take as many as fit, then give back until the rest matches.
		n := 0
		for n < len(words) && s.words[words[n]] {
			n++
		}
		for ; n >= 0; n-- {
			if p[1:].match(words[n:]) {
				return true
			}
		}
		return false
	}
	if len(words) > 0 && s.words[words[0]] && p[1:].match(words[1:]) {
		return true
	}
	return s.optional && p[1:].match(words)
}
