// Package phone turns the numbers operators and data sources type into the
// one form the database keeps: E.164 ("+447700900123"). Alphanumeric senders
// such as "Vodafone" are kept as they are.
package phone

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is the region assumed for numbers written without a country
// code when the operator has not set one.
const DefaultRegion = "GB"

// ErrInvalid is wrapped by every error about a number that is not a phone number.
var ErrInvalid = errors.New("invalid phone number")

// Normalize returns the E.164 form of a phone number written in any usual way:
// "07700 900123", "447700900123", "+44 7700 900123", "0044 7700 900123" and
// "tel:+44-7700-900123" are the same person in region GB (see Canonical). A
// number that cannot be a real number of its country is refused.
//
// Numbers written with digits, the usual punctuation and at most a leading
// plus go through a fast path (see quickParse) that gives the same answer as
// phonenumbers.Parse without its costly regular expressions; anything else,
// and every refusal, goes through Parse.
func Normalize(s, region string) (string, error) {
	in, region, err := precheck(Canonical(s), region)
	if err != nil {
		return "", err
	}
	if e, ok := quickNormalize(in, region); ok {
		return e, nil
	}
	return parseNormalize(s, in, region)
}

// precheck trims s and refuses what cannot be a number at all: no digits
// to speak of, or a character that is neither a digit nor punctuation.
func precheck(s, region string) (in, reg string, err error) {
	in = strings.TrimSpace(s)
	if in == "" {
		return "", "", fmt.Errorf("%w: empty", ErrInvalid)
	}
	if region == "" {
		region = DefaultRegion
	}
	region = strings.ToUpper(region)
	digits := 0
	for _, r := range in {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' || r == ' ' || r == '-' || r == '(' || r == ')' || r == '.' || r == '/':
		default:
			return "", "", fmt.Errorf("%w: %q has a character that is not a digit", ErrInvalid, s)
		}
	}
	if digits < 5 || digits > 17 {
		return "", "", fmt.Errorf("%w: %q", ErrInvalid, s)
	}
	return in, region, nil
}

// parseNormalize is Normalize through phonenumbers.Parse: the reference
// the fast path must agree with, and the only source of error messages.
func parseNormalize(s, in, region string) (string, error) {
	// Most numbers are written the national way ("07700 900123"): try that
	// first, and only then a full international number written without its
	// plus ("447700900123").
	n, err := phonenumbers.Parse(in, region)
	if err == nil && usable(n) {
		return phonenumbers.Format(n, phonenumbers.E164), nil
	}
	if !strings.HasPrefix(in, "+") && !strings.HasPrefix(in, "0") {
		if n2, err2 := phonenumbers.Parse("+"+in, region); err2 == nil && usable(n2) {
			return phonenumbers.Format(n2, phonenumbers.E164), nil
		}
	}
	if err != nil {
		return "", fmt.Errorf("%w: %q (%v)", ErrInvalid, s, err)
	}
	return "", fmt.Errorf("%w: %q is not a number in use in %s", ErrInvalid, s, regionOf(n, region))
}

// quickNormalize is parseNormalize through quickParse for a trimmed,
// prechecked number. ok is false when the answer is not a sure success:
// the caller then asks parseNormalize.
func quickNormalize(in, region string) (e164 string, ok bool) {
	n, sure := quickParse(in, region)
	if !sure {
		return "", false
	}
	if usable(n) {
		return phonenumbers.Format(n, phonenumbers.E164), true
	}
	// Parse would have given this unusable number too: the second try of
	// parseNormalize, with a plus in front.
	if strings.HasPrefix(in, "+") || strings.HasPrefix(in, "0") {
		return "", false
	}
	if n, sure = quickParse("+"+in, region); sure && usable(n) {
		return phonenumbers.Format(n, phonenumbers.E164), true
	}
	return "", false
}

// quickParse returns what phonenumbers.Parse(in, region) returns for a
// number that precheck let through, when sure is true; it is false for
// every case it leaves to Parse (errors among them).
//
// It follows the library's parseHelper (v1.8.1) step by step. The steps
// that cost most there are regular expressions independent of the region:
// finding where the number starts, the viability check, extensions and
// letters for digits. For an input of ASCII digits and the punctuation
// precheck allows, with a plus at most in front, they change nothing: the
// number starts at its first digit or plus, it is viable (three digits and
// more with punctuation between), an extension needs a label, a '#' or a
// comma, and letters there are none. What is left is the region's own
// rules: the international prefix, the country code, the national prefix
// and the possible lengths, applied here from the library's own metadata
// with the same regular expressions. The equivalence is tested against
// Parse over many generated inputs in every region (phone_test.go), so a
// change in a new version of the library shows up there.
func quickParse(in, region string) (n *phonenumbers.PhoneNumber, sure bool) {
	meta := quickMeta()
	if meta == nil || len(in) > phonenumbers.MAX_INPUT_STRING_LENGTH || !phonenumbers.GetSupportedRegions()[region] {
		return nil, false
	}
	// Where the number starts (extractPossibleNumber), and the plus only
	// in front.
	start := -1
	for i := 0; i < len(in); i++ {
		c := in[i]
		switch {
		case c == '+':
			if i != 0 {
				return nil, false
			}
			if start < 0 {
				start = i
			}
		case c >= '0' && c <= '9':
			if start < 0 {
				start = i
			}
		case c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || c == '/':
		default:
			return nil, false
		}
	}
	if start < 0 {
		return nil, false
	}
	number := in[start:]
	rules := meta.region[region]
	if rules == nil || !rules.lengths {
		return nil, false
	}
	cc, national, ok := quickCountryCode(number, rules)
	if !ok {
		return nil, false
	}
	if cc != 0 {
		if r := phonenumbers.GetRegionCodeForCountryCode(cc); r != region {
			if r == "001" {
				rules = meta.nonGeo[cc]
			} else if phonenumbers.GetSupportedRegions()[r] {
				rules = meta.region[r]
			} else {
				rules = nil
			}
		}
	} else {
		national = digitsOnly(number)
		cc = int(rules.meta.GetCountryCode())
	}
	if len(national) < phonenumbers.MIN_LENGTH_FOR_NSN {
		return nil, false
	}
	if rules == nil || !rules.lengths {
		// Parse would keep the number as it is; not a case worth a fast path.
		return nil, false
	}
	if stripped, _ := rules.stripNationalPrefix(national); possibleOrLong(testLength(stripped, rules.meta)) {
		national = stripped
	}
	if len(national) < phonenumbers.MIN_LENGTH_FOR_NSN || len(national) > phonenumbers.MAX_LENGTH_FOR_NSN {
		return nil, false
	}
	nn, err := strconv.ParseUint(national, 10, 64)
	if err != nil {
		return nil, false
	}
	cc32 := int32(cc)
	n = &phonenumbers.PhoneNumber{CountryCode: &cc32, NationalNumber: &nn}
	// setItalianLeadingZerosForPhoneNumber
	if len(national) >= 2 && national[0] == '0' {
		leading := true
		n.ItalianLeadingZero = &leading
		zeros := int32(1)
		for int(zeros) < len(national)-1 && national[zeros] == '0' {
			zeros++
		}
		if zeros != 1 {
			n.NumberOfLeadingZeros = &zeros
		}
	}
	return n, true
}

// possibleOrLong is parseHelper's test for keeping a number with its
// national prefix stripped.
func possibleOrLong(r phonenumbers.ValidationResult) bool {
	return r != phonenumbers.TOO_SHORT && r != phonenumbers.IS_POSSIBLE_LOCAL_ONLY && r != phonenumbers.INVALID_LENGTH
}

// quickCountryCode is the library's maybeExtractCountryCode for number (a
// plus at most in front, then digits and punctuation) in the region of
// rules: the country code written in the number and the national number
// after it, or 0 and "" when the number has none. ok is false for the
// cases left to Parse (its errors, and its second try after an invalid
// country code).
func quickCountryCode(number string, rules *regionRules) (cc int, national string, ok bool) {
	var full string
	fromDefault := false
	if number[0] == '+' {
		full = digitsOnly(number[1:])
	} else {
		full = digitsOnly(number)
		// parsePrefixAsIdd
		if ind := rules.idd.FindStringIndex(full); len(ind) > 0 && ind[0] == 0 && (ind[1] == len(full) || full[ind[1]] != '0') {
			full = full[ind[1]:]
		} else {
			fromDefault = true
		}
	}
	if !fromDefault {
		if len(full) <= phonenumbers.MIN_LENGTH_FOR_NSN {
			return 0, "", false // ErrTooShortAfterIDD
		}
		// extractCountryCode
		if full[0] != '0' {
			for i := 1; i <= phonenumbers.MAX_LENGTH_COUNTRY_CODE && i <= len(full); i++ {
				c, _ := strconv.Atoi(full[:i])
				if phonenumbers.GetSupportedCallingCodes()[c] {
					return c, full[i:], true
				}
			}
		}
		return 0, "", false // ErrInvalidCountryCode, and Parse's second try
	}
	own := int(rules.meta.GetCountryCode())
	ownStr := strconv.Itoa(own)
	if strings.HasPrefix(full, ownStr) {
		potential, _ := rules.stripNationalPrefix(full[len(ownStr):])
		fullValid := rules.general.MatchString(full)
		nationalValid := rules.general.MatchString(potential)
		if (!fullValid && nationalValid) || testLength(full, rules.meta) == phonenumbers.TOO_LONG {
			return own, potential, true
		}
	}
	return 0, "", true
}

// digitsOnly keeps the ASCII digits of s (all the digits precheck allows).
func digitsOnly(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			b = append(b, c)
		}
	}
	return string(b)
}

// regionRules is what quickParse needs of one region's metadata, with its
// regular expressions compiled once.
type regionRules struct {
	meta      *phonenumbers.PhoneMetadata
	idd       *regexp.Regexp // the international prefix, unanchored as the library has it
	natPrefix *regexp.Regexp // nil when the region has no national prefix for parsing
	general   *regexp.Regexp // the whole national number pattern
	// lengths is false when the general description has no possible
	// lengths, where the library's length test would not return.
	lengths bool
}

type quickMetadata struct {
	region map[string]*regionRules
	nonGeo map[int]*regionRules // by country code, region "001"
}

var quickMeta = sync.OnceValue(func() *quickMetadata {
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return nil // no fast path: every number goes through Parse
	}
	q := &quickMetadata{region: map[string]*regionRules{}, nonGeo: map[int]*regionRules{}}
	for _, m := range coll.GetMetadata() {
		r, err := newRegionRules(m)
		if err != nil {
			return nil
		}
		if m.GetId() == "001" {
			q.nonGeo[int(m.GetCountryCode())] = r
		} else {
			q.region[m.GetId()] = r
		}
	}
	return q
})

func newRegionRules(m *phonenumbers.PhoneMetadata) (*regionRules, error) {
	r := &regionRules{meta: m, lengths: len(m.GetGeneralDesc().GetPossibleLength()) > 0}
	var err error
	if r.idd, err = regexp.Compile(m.GetInternationalPrefix()); err != nil {
		return nil, fmt.Errorf("international prefix of %s: %w", m.GetId(), err)
	}
	if p := m.GetNationalPrefixForParsing(); p != "" {
		if r.natPrefix, err = regexp.Compile("^(?:" + p + ")"); err != nil {
			return nil, fmt.Errorf("national prefix of %s: %w", m.GetId(), err)
		}
	}
	if r.general, err = regexp.Compile("^(?:" + m.GetGeneralDesc().GetNationalNumberPattern() + ")$"); err != nil {
		return nil, fmt.Errorf("number pattern of %s: %w", m.GetId(), err)
	}
	return r, nil
}

// stripNationalPrefix is the library's maybeStripNationalPrefixAndCarrierCode
// (without the carrier code): number without its national prefix, and
// whether there was one to strip.
func (r *regionRules) stripNationalPrefix(number string) (string, bool) {
	if len(number) == 0 || r.natPrefix == nil {
		return number, false
	}
	groups := r.natPrefix.FindStringSubmatchIndex(number)
	if groups == nil {
		return number, false
	}
	viable := r.general.MatchString(number)
	last := len(groups)/2 - 1
	rule := r.meta.GetNationalPrefixTransformRule()
	if rule == "" || groups[last*2] < 0 {
		if viable && !r.general.MatchString(number[groups[1]:]) {
			return number, false
		}
		return number[groups[1]:], true
	}
	transformed := r.natPrefix.ReplaceAllString(number, rule)
	if viable && !r.general.MatchString(transformed) {
		return number, false
	}
	return transformed, true
}

// testLength is the library's testNumberLength for the type UNKNOWN: the
// general description's possible lengths.
func testLength(number string, m *phonenumbers.PhoneMetadata) phonenumbers.ValidationResult {
	desc := m.GetGeneralDesc()
	possible := desc.GetPossibleLength() // never empty: regionRules.lengths
	if possible[0] == -1 {
		return phonenumbers.INVALID_LENGTH
	}
	n := int32(len(number))
	for _, l := range desc.GetPossibleLengthLocalOnly() {
		if l == n {
			return phonenumbers.IS_POSSIBLE_LOCAL_ONLY
		}
	}
	switch {
	case possible[0] == n:
		return phonenumbers.IS_POSSIBLE
	case possible[0] > n:
		return phonenumbers.TOO_SHORT
	case possible[len(possible)-1] < n:
		return phonenumbers.TOO_LONG
	}
	for _, l := range possible[1:] {
		if l == n {
			return phonenumbers.IS_POSSIBLE
		}
	}
	return phonenumbers.INVALID_LENGTH
}

// usable reports whether n can be texted: a valid number, or one of the full
// length its country's numbers have. The length rule keeps the ranges
// reserved for drama and documentation (07700 900xxx in the UK), which
// operators use for tests, and new ranges the metadata does not know yet;
// a number a digit short ("0745 000000") is still refused.
//
// The length check is cheap and settles nearly every number; the full
// validation (regular expressions per number type) runs only for the rest.
func usable(n *phonenumbers.PhoneNumber) bool {
	if phonenumbers.IsPossibleNumberWithReason(n) == phonenumbers.IS_POSSIBLE && fullLength(n) {
		return true
	}
	return phonenumbers.IsValidNumber(n)
}

// fullLength reports whether n's national number has the longest length
// numbers of its country have.
func fullLength(n *phonenumbers.PhoneNumber) bool {
	q := quickMeta()
	if q == nil {
		return false
	}
	cc := int(n.GetCountryCode())
	r := q.region[phonenumbers.GetRegionCodeForCountryCode(cc)]
	if r == nil {
		r = q.nonGeo[cc]
	}
	if r == nil {
		return false
	}
	longest := 0
	for _, l := range r.meta.GetGeneralDesc().GetPossibleLength() {
		longest = max(longest, int(l))
	}
	return len(phonenumbers.GetNationalSignificantNumber(n)) == longest
}

func regionOf(n *phonenumbers.PhoneNumber, fallback string) string {
	if r := phonenumbers.GetRegionCodeForNumber(n); r != "" && r != "ZZ" {
		return r
	}
	return fallback
}

// IsAlphanumeric reports whether s is a sender name rather than a number
// ("Vodafone", "O2"): it has a letter in it.
func IsAlphanumeric(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// Sender returns the form in which an inbound sender is stored: E.164 when it
// is a phone number, the name as given when it is alphanumeric, and the
// digits as given for short codes and anything else that does not parse.
func Sender(s, region string) string {
	s = strings.TrimSpace(s)
	if c := Canonical(s); c != "" && !IsAlphanumeric(c) {
		if e, err := Normalize(c, region); err == nil {
			return e
		}
	}
	if s == "" || IsAlphanumeric(s) {
		return s
	}
	if e, err := Normalize(s, region); err == nil {
		return e
	}
	return s
}

// ValidRegion reports whether code is a region phonenumbers knows ("GB", "US" …).
func ValidRegion(code string) bool {
	return phonenumbers.GetCountryCodeForRegion(strings.ToUpper(code)) != 0
}
