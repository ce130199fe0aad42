package phone

import (
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
	n, err := phonenumbers.Parse(e164, "ZZ")
	if err != nil {
		return KindUnknown
	}
	if k, ok := kinds[phonenumbers.GetNumberType(n)]; ok {
		return k
	}
	return KindUnknown
}

// Textable reports whether a campaign may text a number of this kind: a
// mobile, or a number that may be one.
func (k Kind) Textable() bool {
	return k == KindMobile || k == KindFixedOrMobile || k == KindUnknown
}
