package classify

import (
	"strings"
	"testing"
)

// TestOptOutDodges: ways of writing an opt-out that a person may use, by
// accident (a phone's full-width keyboard, a pasted accent) or on purpose
// (look-alike letters, letters spaced apart), all opt out.
func TestOptOutDodges(t *testing.T) {
	dodges := []struct{ name, text string }{
		{"full-width", "ＳＴＯＰ"},
		{"full-width lower", "ｓｔｏｐ"},
		{"full-width with please", "ｐｌｅａｓｅ ｓｔｏｐ"},
		{"mathematical bold", "𝐒𝐓𝐎𝐏"},
		{"mathematical italic", "𝑠𝑡𝑜𝑝"},
		{"mathematical sans", "𝖲𝖳𝖮𝖯"},
		{"mathematical monospace", "𝚂𝚃𝙾𝙿"},
		{"circled", "ⓢⓣⓞⓟ"},
		{"squared", "🅂🅃🄾🄿"},
		{"parenthesised", "⒮⒯⒪⒫"},
		{"cyrillic T O P", "SТОР"},
		{"cyrillic all", "ЅТОР"},
		{"cyrillic lower", "ѕтор"},
		{"greek T O P", "SΤΟΡ"},
		{"cyrillic end", "ЕND"},
		{"cyrillic quit with I", "QUІT"},
		{"cyrillic lower quit", "qսіt"},
		{"cyrillic cancel", "САNСЕL"},
		{"cyrillic unsubscribe", "UNЅUВЅСRІВЕ"},
		{"small capitals", "ꜱᴛᴏᴘ"},
		{"small capitals end", "ᴇɴᴅ"},
		{"lisu S", "ꓢTOP"},
		{"spaced", "S T O P"},
		{"spaced lower", "s t o p"},
		{"spaced wide", "S  T  O  P"},
		{"dotted", "S.T.O.P"},
		{"dotted end", "S.T.O.P."},
		{"dotted spaced", "S. T. O. P."},
		{"hyphenated", "S-T-O-P"},
		{"underscored", "s_t_o_p"},
		{"starred", "S*T*O*P"},
		{"slashed", "s/t/o/p"},
		{"bulleted", "S•T•O•P"},
		{"spaced unsubscribe", "U N S U B S C R I B E"},
		{"spaced quit", "Q U I T"},
		{"spaced end", "E N D"},
		{"spaced full-width", "Ｓ Ｔ Ｏ Ｐ"},
		{"spaced with please", "please S T O P"},
		{"spaced cyrillic", "S Т О Р"},
		{"zero-width space", "S\u200bT\u200bO\u200bP"},
		{"zero-width joiner", "ST\u200dOP"},
		{"soft hyphen", "ST\u00adOP"},
		{"word joiner", "S\u2060TOP"},
		{"bidi marks", "\u202eSTOP\u202c"},
		{"BOM", "\ufeffSTOP"},
		{"strikethrough marks", "S\u0336T\u0336O\u0336P\u0336"},
		{"accents", "ṡṫöṗ"},
		{"accented end", "ÉND"},
		{"zero for o", "ST0P"},
		{"zero lower", "st0p texting me"},
		{"full-width sentence", "ｓｔｏｐ ｔｅｘｔｉｎｇ ｍｅ"},
		{"cyrillic sentence", "stор tехting mе"},
		{"held down and spaced", "S T O O O P"},
		{"non-breaking spaces", "S\u00a0T\u00a0O\u00a0P"},
		{"ideographic space", "S\u3000T\u3000O\u3000P"},
		{"after a question", "Who is this? Ｓ Ｔ Ｏ Ｐ"},
	}
	if len(dodges) < 40 {
		t.Fatalf("only %d dodges", len(dodges))
	}
	for _, d := range dodges {
		t.Run(d.name, func(t *testing.T) {
			if !IsOptOut(d.text) {
				t.Errorf("IsOptOut(%q) = false (skeleton %q), want true", d.text, optOutSkeleton(d.text))
			}
		})
	}
}

// TestOptOutNearMisses: texts that mention the words without asking to be
// left alone, in plain and in folded spellings, are not opt-outs.
func TestOptOutNearMisses(t *testing.T) {
	misses := []string{
		"don't stop", "DON'T STOP", "ｄｏｎ'ｔ ｓｔｏｐ", "don’t stop", "bus stop", "ᴀᴛ ᴛʜᴇ ʙᴜꜱ ꜱᴛᴏᴘ", "BUS SТОР",
		"non-stop", "ｎｏｎ-ｓｔｏｐ", "nonstop", "non stop fun", "I'll stop by later", "stop by the shop",
		"can't stop laughing", "the end", "T H E  E N D", "the end of the week", "weekend", "backend", "stopwatch",
		"cancel my appointment", "I quit smoking", "opt in", "O P T  I N", "yes please", "Y E S", "A B C",
		"U S A", "p.s. see you", "e.g. friday", "2 stops", "st 0p", "10 for 2", "stopped by", "please text me tomorrow",
		"Thanks!", "Ｔｈａｎｋｓ", "спасибо", "Стоп-кран", "STOPS", "S T O P S",
	}
	if len(misses) < 20 {
		t.Fatalf("only %d near misses", len(misses))
	}
	for _, s := range misses {
		if IsOptOut(s) {
			t.Errorf("IsOptOut(%q) = true (skeleton %q), want false", s, optOutSkeleton(s))
		}
	}
}

func FuzzIsOptOut(f *testing.F) {
	for _, s := range []string{"STOP", "S T O P", "ＳＴＯＰ", "SТОР", "S.T.O.P", "don't stop", "bus stop", "\u202e", "st0p", "a b", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := IsOptOut(s)
		if IsOptOut(s) != got {
			t.Fatalf("IsOptOut(%q) is not deterministic", s)
		}
		skel := optOutSkeleton(s)
		if optOutSkeleton(s) != skel {
			t.Fatalf("optOutSkeleton(%q) is not deterministic", s)
		}
		// Writing it full-width or with zero-width spaces changes nothing.
		if IsOptOut(strings.ToUpper(s)) != IsOptOut(strings.ToLower(s)) && strings.ToValidUTF8(s, "") == s && isASCII(s) {
			t.Fatalf("IsOptOut differs by case on %q", s)
		}
		if isASCII(s) && IsOptOut(fullWidth(s)) != got {
			t.Fatalf("IsOptOut(%q) = %v but full-width %q = %v", s, got, fullWidth(s), !got)
		}
	})
}

// fullWidth writes ASCII letters and digits in their full-width forms.
func fullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '!' && r <= '~' && (r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return r - '!' + '！'
		}
		return r
	}, s)
}

func TestIsOptOutStart(t *testing.T) {
	tests := []struct {
		part string
		want bool
	}{
		{"STOP. I never asked for these", true},
		{"Ｓ Ｔ Ｏ Ｐ, who gave you my number and why do you", true},
		{"Hi there. Stop texting me! I told you last week that I", true},
		{"Hi. I will be in town on Friday, please stop", false}, // "…stopping by" in part 2
		{"STOP", false}, // the clause may go on: "STOPwatch for sale"
		{"Don't stop. We love the offers and", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsOptOutStart(tt.part); got != tt.want {
			t.Errorf("IsOptOutStart(%q) = %v, want %v", tt.part, got, tt.want)
		}
	}
}

// BenchmarkIsOptOut measures the opt-out check on typical replies (ASCII,
// the common case) and on folded ones (full-width, look-alikes, spaced).
func BenchmarkIsOptOut(b *testing.B) {
	for _, bc := range []struct{ name, text string }{
		{"ascii", "Thanks, see you on Friday evening at the shop!"},
		{"ascii-stop", "Please stop texting me"},
		{"folded", "ｐｌｅａｓｅ SТОР S T O P"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				IsOptOut(bc.text)
			}
		})
	}
}
