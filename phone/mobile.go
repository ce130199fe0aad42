package phone

import (
	"strconv"

	"github.com/nyaruka/phonenumbers"
)

// Kind is what a number is for, as libphonenumber's metadata says it.
type Kind string

// Kinds of numbers. Only KindMobile, KindFixedOrMobile (the regions, such
// as the US, whose mobile and fixed numbers share ranges) and KindUnknown
// (a range the metadata does not know yet, or one reserved for drama and
// documentation such as the UK's 07700 900xxx: Normalize accepts those by
// their length) may get a campaign text.
const (
	KindMobile        Kind = "mobile"
	KindFixedOrMobile Kind = "fixed line or mobile"
	KindUnknown       Kind = "unknown"
	KindFixed         Kind = "landline"
	KindFreephone     Kind = "freephone"
	KindPremium       Kind = "premium-rate"
	KindSharedCost    Kind = "shared-cost"
	KindVoIP          Kind = "VoIP"
	KindPersonal      Kind = "personal number"
	KindPager         Kind = "pager"
	KindUAN           Kind = "company number (UAN)"
	KindVoicemail     Kind = "voicemail access"
)

var kinds = map[phonenumbers.PhoneNumberType]Kind{
	phonenumbers.MOBILE:               KindMobile,
	phonenumbers.FIXED_LINE_OR_MOBILE: KindFixedOrMobile,
	phonenumbers.UNKNOWN:              KindUnknown,
	phonenumbers.FIXED_LINE:           KindFixed,
	phonenumbers.TOLL_FREE:            KindFreephone,
	phonenumbers.PREMIUM_RATE:         KindPremium,
	phonenumbers.SHARED_COST:          KindSharedCost,
	phonenumbers.VOIP:                 KindVoIP,
	phonenumbers.PERSONAL_NUMBER:      KindPersonal,
	phonenumbers.PAGER:                KindPager,
	phonenumbers.UAN:                  KindUAN,
	phonenumbers.VOICEMAIL:            KindVoicemail,
}

// KindOf returns what an E.164 number is for (KindUnknown when it does not
// parse or its range is not in the metadata).
func KindOf(e164 string) Kind {
	n := fromE164(e164)
	if n == nil {
		var err error
		if n, err = phonenumbers.Parse(e164, "ZZ"); err != nil {
			return KindUnknown
		}
	}
	if k, ok := kinds[phonenumbers.GetNumberType(n)]; ok {
		return k
	}
	return KindUnknown
}

// fromE164 splits an E.164 number ("+" and digits, as Normalize makes them)
// into its country code and national number without phonenumbers.Parse and
// its regular expressions; nil when s is not in that form.
func fromE164(s string) *phonenumbers.PhoneNumber {
	if len(s) < 4 || s[0] != '+' {
		return nil
	}
	var nat uint64
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return nil
		}
	}
	for l := 1; l <= 3 && l < len(s)-1; l++ {
		cc, err := strconv.Atoi(s[1 : 1+l])
		if err != nil || phonenumbers.GetRegionCodeForCountryCode(cc) == "ZZ" {
			continue
		}
		rest := s[1+l:]
		if rest[0] == '0' || len(rest) > 17 {
			return nil // a leading zero is kept by Parse as a flag: let it decide
		}
		nat, err = strconv.ParseUint(rest, 10, 64)
		if err != nil {
			return nil
		}
		c32, n64 := int32(cc), nat
		return &phonenumbers.PhoneNumber{CountryCode: &c32, NationalNumber: &n64}
	}
	return nil
}

// Textable reports whether a campaign may text a number of this kind: a
// mobile, or a number that may be one.
func (k Kind) Textable() bool {
	return k == KindMobile || k == KindFixedOrMobile || k == KindUnknown
}
