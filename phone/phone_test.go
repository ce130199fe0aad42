package phone

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, region, want string
		wantErr                bool
	}{
		{"national with space", "07700 900123", "GB", "+447700900123", false},
		{"international without plus", "447700900123", "GB", "+447700900123", false},
		{"international with plus", "+44 7700 900123", "GB", "+447700900123", false},
		{"double zero", "0044 7700 900123", "GB", "+447700900123", false},
		{"dashes and brackets", "(07700) 900-123", "GB", "+447700900123", false},
		{"region default", "07700900123", "", "+447700900123", false},
		{"other region", "0412 345 678", "AU", "+61412345678", false},
		{"us number", "+1 415 555 2671", "GB", "+14155552671", false},
		{"landline", "0115 496 0000", "GB", "+441154960000", false},
		{"too short", "123", "GB", "", true},
		{"a digit short of a mobile", "0745000000", "GB", "", true},
		{"a digit short of a landline", "0115000000", "GB", "", true},
		{"drama range kept", "07700 900999", "GB", "+447700900999", false},
		{"letters", "07700 9OO123", "GB", "", true},
		{"empty", "  ", "GB", "", true},
		{"too long", "07700 9001234567", "GB", "", true},
		{"bad country code", "+999 1234 5678", "GB", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalize(tt.in, tt.region)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("Normalize(%q) = %q, %v; want ErrInvalid", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestSender(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Vodafone", "Vodafone"},
		{"O2", "O2"},
		{"07700900123", "+447700900123"},
		{"+447700900123", "+447700900123"},
		{"88088", "88088"},
	}
	for _, tt := range tests {
		if got := Sender(tt.in, "GB"); got != tt.want {
			t.Errorf("Sender(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkNormalize(b *testing.B) {
	in := []string{"07700 900123", "0115 496 0000", "447700900123", "+44 7700 900123", "07450000000"}
	for i := 0; i < b.N; i++ {
		if _, err := Normalize(in[i%len(in)], "GB"); err != nil {
			b.Fatal(err)
		}
	}
}

var quickCases = flag.Int("quick-cases", 150, "generated inputs per region for TestQuickParseMatchesParse")

// raceBuild is set by race_test.go: the race detector makes Parse ten
// times slower, and the comparison has nothing concurrent in it, so a race
// build compares one region in twenty.
var raceBuild bool

// reference is Normalize through phonenumbers.Parse only.
func reference(s, region string) (string, error) {
	in, reg, err := precheck(s, region)
	if err != nil {
		return "", err
	}
	return parseNormalize(s, in, reg)
}

// sameNumber says how got (quickParse) differs from want (Parse), or "".
func sameNumber(got, want *phonenumbers.PhoneNumber) string {
	if got.GetCountryCode() != want.GetCountryCode() || got.GetNationalNumber() != want.GetNationalNumber() ||
		got.GetItalianLeadingZero() != want.GetItalianLeadingZero() || got.GetNumberOfLeadingZeros() != want.GetNumberOfLeadingZeros() ||
		want.GetExtension() != "" {
		return fmt.Sprintf("quick %v, Parse %v", got, want)
	}
	return ""
}

// checkQuick compares quickParse and Normalize with Parse for one input,
// and reports whether the fast path answered.
func checkQuick(t *testing.T, s, region string) bool {
	t.Helper()
	want, wantErr := reference(s, region)
	got, gotErr := Normalize(s, region)
	if got != want || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		t.Errorf("Normalize(%q, %q) = %q, %v; Parse gives %q, %v", s, region, got, gotErr, want, wantErr)
	}
	in, reg, err := precheck(s, region)
	if err != nil {
		return false
	}
	for _, try := range []string{in, "+" + in} {
		n, sure := quickParse(try, reg)
		if !sure {
			continue
		}
		p, err := phonenumbers.Parse(try, reg)
		if err != nil {
			t.Errorf("quickParse(%q, %q) = %v; Parse fails: %v", try, reg, n, err)
		} else if d := sameNumber(n, p); d != "" {
			t.Errorf("quickParse(%q, %q): %s", try, reg, d)
		}
	}
	_, ok := quickNormalize(in, reg)
	return ok
}

// TestQuickParseTable: the usual ways of writing numbers take the fast path
// and give what Parse gives; the unusual ones are left to Parse.
func TestQuickParseTable(t *testing.T) {
	tests := []struct {
		in, region string
		quick      bool // the fast path answers
	}{
		{"07700 900123", "GB", true},
		{"07700900123", "GB", true},
		{"   07000000000", "GB", true},
		{"+447700900123", "GB", true},
		{"+44 7700 900123", "GB", true},
		{"+44 (0) 7700 900123", "GB", true},
		{"+44 07700 900123", "GB", true},
		{"447700900123", "GB", true},
		{"0044 7700 900123", "GB", true},
		{"(07700) 900-123", "GB", true},
		{"0115 496 0000", "GB", true},
		{"0115.496.0000", "GB", true},
		{"07700/900123", "GB", true},
		{"07700900123", "", true},
		{"07700 900123", "gb", true},
		{"+1 415 555 2671", "GB", true},
		{"14155552671", "GB", true},
		{"(415) 555-2671", "US", true},
		{"1-415-555-2671", "US", true},
		{"011 44 7700 900123", "US", true},
		{"0412 345 678", "AU", true},
		{"0011 44 7700 900123", "AU", true},
		{"030 123456", "DE", true},
		{"06 12 34 56 78", "FR", true},
		{"02 1234 5678", "IT", true},
		{"+39 02 1234 5678", "GB", true},
		{"333 123 4567", "IT", true},
		{"07700 900123", "GG", true},
		{"+800 1234 5678", "GB", true},
		{"+44 1481 123456", "GG", true},
		{"0800 123 4567", "GB", true},
		{"8 (912) 345-67-89", "RU", true},
		{"9 11 1234 5678", "AR", true},
		{"011 15 1234 5678", "AR", true},
		{"0 21 23456789", "BR", true},
		{"021 12 3456 7890", "BR", true},
		// Left to Parse.
		{"+999 1234 5678", "GB", false},
		{"+0044 7700 900123", "GB", false},
		{"(+44) 7700 900123", "GB", false},
		{"0770+0900123", "GB", false},
		{"07700 900123", "XX", false},
		{"07700 900123", "001", false},
		{"00 1", "GB", false},
		{"12345", "GB", false},
	}
	for _, tt := range tests {
		if got := checkQuick(t, tt.in, tt.region); got != tt.quick {
			t.Errorf("fast path for %q in %q: %v, want %v", tt.in, tt.region, got, tt.quick)
		}
	}
}

// TestQuickParseMatchesParse compares the fast path with Parse over inputs
// generated for every region the library knows: its example numbers of
// every type written in the usual ways, and random digits behind the
// region's prefixes, other countries' codes and punctuation. Run with
// -quick-cases=N for more (N per region).
func TestQuickParseMatchesParse(t *testing.T) {
	var regions []string
	for r := range phonenumbers.GetSupportedRegions() {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	regions = append(regions, "", "XX", "001")
	var codes []int
	for c := range phonenumbers.GetSupportedCallingCodes() {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	rng := rand.New(rand.NewPCG(5, 100_000))
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		return string(b)
	}
	punct := []string{" ", " ", " ", "-", ".", "/", "(", ")", "  "}
	// scatter puts punctuation between some digits, maybe around the front.
	scatter := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if i > 0 && s[i-1] != '+' && rng.IntN(4) == 0 {
				b.WriteString(punct[rng.IntN(len(punct))])
			}
			b.WriteByte(s[i])
		}
		out := b.String()
		switch rng.IntN(8) {
		case 0:
			out = "(" + out
		case 1:
			out += ")"
		case 2:
			out = " " + out + " "
		}
		return out
	}
	total, quick := 0, 0
	cases := *quickCases
	if raceBuild {
		// One region in twenty.
		var some []string
		for i := 0; i < len(regions); i += 20 {
			some = append(some, regions[i])
		}
		regions = append(some, "GB")
	}
	for _, region := range regions {
		var inputs []string
		// Example numbers in every usual form.
		for typ := phonenumbers.FIXED_LINE; typ <= phonenumbers.VOICEMAIL; typ++ {
			ex := phonenumbers.GetExampleNumberForType(region, typ)
			if ex == nil {
				continue
			}
			e164 := phonenumbers.Format(ex, phonenumbers.E164)
			nsn := phonenumbers.GetNationalSignificantNumber(ex)
			cc := strconv.Itoa(int(ex.GetCountryCode()))
			inputs = append(inputs,
				e164, e164[1:], "00"+e164[1:], "011"+e164[1:], "0"+nsn, nsn, cc+"0"+nsn, "+"+cc+"0"+nsn,
				phonenumbers.Format(ex, phonenumbers.NATIONAL),
				phonenumbers.Format(ex, phonenumbers.INTERNATIONAL),
				scatter(e164), scatter("0"+nsn), scatter(nsn))
		}
		// Random numbers behind the prefixes of the region and of others.
		var prefixes []string
		if m := phonenumbers.GetCountryCodeForRegion(region); m != 0 {
			prefixes = append(prefixes, strconv.Itoa(m), "+"+strconv.Itoa(m), "0"+strconv.Itoa(m))
		}
		if p := phonenumbers.GetNddPrefixForRegion(region, true); p != "" {
			prefixes = append(prefixes, p, p+p)
		}
		prefixes = append(prefixes, "", "", "+", "0", "00", "000", "011", "0011", "810", "+0", "+00", "1", "8", "9", "15")
		for range cases {
			var s string
			switch rng.IntN(4) {
			case 0: // another country's code
				c := strconv.Itoa(codes[rng.IntN(len(codes))])
				s = []string{"+", "00", "", "011", "+0"}[rng.IntN(5)] + c + digits(3+rng.IntN(12))
			default:
				s = prefixes[rng.IntN(len(prefixes))] + digits(2+rng.IntN(15))
			}
			if rng.IntN(2) == 0 {
				s = scatter(s)
			}
			if rng.IntN(40) == 0 { // a plus where it should not be
				i := rng.IntN(len(s) + 1)
				s = s[:i] + "+" + s[i:]
			}
			inputs = append(inputs, s)
		}
		for _, s := range inputs {
			total++
			if checkQuick(t, s, region) {
				quick++
			}
			if t.Failed() && total%1000 == 0 {
				t.FailNow()
			}
		}
	}
	// Most random inputs are not numbers at all: the table above checks
	// that the usual ones take the fast path.
	t.Logf("%d inputs, %d (%.0f%%) answered by the fast path", total, quick, 100*float64(quick)/float64(total))
}

// TestNormalizeConcurrent: the fast path's metadata is set up once, safely,
// for callers on every CPU (the planner's workers).
func TestNormalizeConcurrent(t *testing.T) {
	in := []string{"07700 900123", "+1 415 555 2671", "0412 345 678", "030 123456"}
	regions := []string{"GB", "GB", "AU", "DE"}
	want := []string{"+447700900123", "+14155552671", "+61412345678", "+4930123456"}
	errs := make(chan error, 8)
	for w := range 8 {
		go func() {
			for i := range 200 {
				k := (w + i) % len(in)
				if got, err := Normalize(in[k], regions[k]); got != want[k] {
					errs <- fmt.Errorf("Normalize(%q) = %q, %v; want %q", in[k], got, err, want[k])
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func BenchmarkNormalizeParse(b *testing.B) {
	in := []string{"07700 900123", "0115 496 0000", "447700900123", "+44 7700 900123", "07450000000"}
	for i := 0; i < b.N; i++ {
		if _, err := reference(in[i%len(in)], "GB"); err != nil {
			b.Fatal(err)
		}
	}
}
