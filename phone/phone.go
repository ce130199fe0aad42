// Package phone turns the numbers operators and data sources type into the
// one form the database keeps: E.164 ("+447700900123"). Alphanumeric senders
// such as "Vodafone" are kept as they are.
package phone

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is the region assumed for numbers written without a country
// code when the operator has not set one.
const DefaultRegion = "GB"

// ErrInvalid is wrapped by every error about a number that is not a phone number.
var ErrInvalid = errors.New("invalid phone number")

// Normalize returns the E.164 form of a phone number written in any usual way:
// "07700 900123", "447700900123", "+44 7700 900123" and "0044 7700 900123" are
// the same person in region GB. A number that cannot be a real number of its
// country is refused.
func Normalize(s, region string) (string, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return "", fmt.Errorf("%w: empty", ErrInvalid)
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
			return "", fmt.Errorf("%w: %q has a character that is not a digit", ErrInvalid, s)
		}
	}
	if digits < 5 || digits > 17 {
		return "", fmt.Errorf("%w: %q", ErrInvalid, s)
	}
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

// usable reports whether n can be texted: a valid number, or one of the
// right length for its country. The length rule keeps the ranges reserved for
// drama and documentation (07700 900xxx in the UK), which operators use for
// tests, and new ranges the metadata does not know yet.
//
// The length check is cheap and settles nearly every number; the full
// validation (regular expressions per number type) runs only for the rest.
func usable(n *phonenumbers.PhoneNumber) bool {
	return phonenumbers.IsPossibleNumberWithReason(n) == phonenumbers.IS_POSSIBLE || phonenumbers.IsValidNumber(n)
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
