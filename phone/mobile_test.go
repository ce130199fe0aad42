package phone

import "testing"

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
