package phone

import (
	"testing"

	"github.com/nyaruka/phonenumbers"
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		number string
		want   Kind
	}{
		{"+447911123456", KindMobile},
		{"+447700900123", KindUnknown}, // the UK drama range: tests and demos text it
		{"+448001234567", KindFreephone},
		{"+449098790000", KindPremium},
		{"+448431234567", KindPremium},
		{"+442079460000", KindFixed},
		{"+443001234567", KindUAN},
		{"+447000123456", KindPersonal},
		{"+447640123456", KindPager},
		{"+4915123456789", KindMobile},
		{"+4930123456", KindFixed},
		{"+4980012345678", KindFreephone},
		{"+33612345678", KindMobile},
		{"+33123456789", KindFixed},
		{"+33800123456", KindFreephone},
		{"+61412345678", KindMobile},
		{"+61212345678", KindFixed},
		{"+611800123456", KindFreephone},
		{"+12015550123", KindFixedOrMobile},
		{"+18005550199", KindFreephone},
		{"+19005550199", KindPremium},
		{"not a number", KindUnknown},
	}
	for _, tt := range tests {
		k := KindOf(tt.number)
		if k != tt.want {
			t.Errorf("KindOf(%s) = %s, want %s", tt.number, k, tt.want)
		}
		textable := tt.want == KindMobile || tt.want == KindFixedOrMobile || tt.want == KindUnknown
		if k.Textable() != textable {
			t.Errorf("%s (%s).Textable() = %v", tt.number, k, k.Textable())
		}
	}
}

// BenchmarkKindOf is the number-type check the planner makes for each
// candidate of a campaign (UK mobiles, the common case).
func BenchmarkKindOf(b *testing.B) {
	numbers := make([]string, 1000)
	for i := range numbers {
		numbers[i] = "+4479" + string(rune('0'+i%10)) + "1234" + string(rune('0'+i/100%10)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10))
	}
	i := 0
	for b.Loop() {
		KindOf(numbers[i%len(numbers)])
		i++
	}
}

// TestFromE164MatchesParse: the number KindOf builds without Parse has the
// type Parse's has, over numbers of many countries and kinds.
func TestFromE164MatchesParse(t *testing.T) {
	var numbers []string
	for _, cc := range []string{"1", "7", "20", "27", "33", "39", "44", "49", "52", "55", "61", "81", "86", "91", "234", "353", "852", "971"} {
		for _, nat := range []string{"2012345678", "612345678", "7911123456", "8001234567", "9098790000", "3123456789", "612345", "0612345678", "412345678", "1512345678"} {
			numbers = append(numbers, "+"+cc+nat)
		}
	}
	for _, s := range numbers {
		p, err := phonenumbers.Parse(s, "ZZ")
		if err != nil {
			continue
		}
		want := phonenumbers.GetNumberType(p)
		if n := fromE164(s); n != nil {
			if got := phonenumbers.GetNumberType(n); got != want {
				t.Errorf("%s: type %v without Parse, %v with it", s, got, want)
			}
		}
	}
}
