package phone

import "testing"

// TestNormalizeProviderForms: the forms a gateway or a phone sends a number
// in all give the one E.164 number.
func TestNormalizeProviderForms(t *testing.T) {
	const want = "+447700900219"
	for _, in := range []string{
		"tel:+447700900219",
		"TEL:+44-7700-900219",
		"tel:+44.7700.900219;phone-context=example.com",
		"sms:+447700900219?body=hello",
		"smsto:07700900219",
		"+44 7700 900219",
		"+44 (0)7700 900219",
		"0044 7700 900219",
		"00447700900219",
		"447700900219",
		"07700 900219",
		"07700-900-219",
		"\u200e+44 7700 900219\u200e", // left-to-right marks a phone puts around it
		"+44\u00a07700\u202f900219",   // no-break and narrow no-break spaces
		"＋４４７７００９００２１９",               // full-width
		"+44\u20117700\u2011900219",   // non-breaking hyphens
		"+٤٤٧٧٠٠٩٠٠٢١٩",               // Arabic-Indic digits
		" tel:+447700900219 ",
	} {
		got, err := Normalize(in, "GB")
		if err != nil || got != want {
			t.Errorf("Normalize(%q) = %q, %v; want %s", in, got, err, want)
		}
		if s := Sender(in, "GB"); s != want {
			t.Errorf("Sender(%q) = %q, want %s", in, s, want)
		}
	}
}

func TestSenderKeepsWhatIsNotANumber(t *testing.T) {
	for in, want := range map[string]string{
		"Vodafone":  "Vodafone",
		"tel:hello": "tel:hello",
		"87654":     "87654",
		"":          "",
		"tel:":      "tel:",
	} {
		if got := Sender(in, "GB"); got != want {
			t.Errorf("Sender(%q) = %q, want %q", in, got, want)
		}
	}
}
