package greeting

import (
	"strings"
	"testing"
	"time"
)

func TestSupported(t *testing.T) {
	tests := []struct {
		name, code string
		ok         bool
	}{
		{"no country", "", true},
		{"France", "FR", true},
		{"lower case", "fr", true},
		{"UK for GB", "uk", true},
		{"Japan", "JP", true},
		{"Australia (every state's)", "AU", true},
		{"nobody knows it", "XX", false},
		{"not a code", "France", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Supported(tt.code)
			if (err == nil) != tt.ok {
				t.Fatalf("Supported(%q) = %v", tt.code, err)
			}
			if err != nil && (!strings.Contains(err.Error(), tt.code) || !strings.Contains(err.Error(), "FR, GB")) {
				t.Errorf("error %q should name the code and those known", err)
			}
		})
	}
}

// TestEveryCountryGreetsItsHolidays: every country rickar/cal knows has at
// least one day in 2026 on which its greeter says something the plain one
// does not, and none fails to build.
func TestEveryCountryGreetsItsHolidays(t *testing.T) {
	plain := New()
	if len(Countries()) < 30 {
		t.Fatalf("only %d countries: %v", len(Countries()), Countries())
	}
	for _, c := range Countries() {
		t.Run(c, func(t *testing.T) {
			g, err := NewForCountry(c)
			if err != nil {
				t.Fatal(err)
			}
			own := 0
			for d := at(2026, 1, 1, 12, 0, 0); d.Year() == 2026; d = d.AddDate(0, 0, 1) {
				if g.At(d) != plain.At(d) {
					own++
				}
			}
			if own == 0 {
				t.Errorf("%s greets no day of 2026 differently", c)
			}
		})
	}
}

func TestCountryHolidays(t *testing.T) {
	fr, err := NewForCountry("FR")
	if err != nil {
		t.Fatal(err)
	}
	jp, err := NewForCountry("jp")
	if err != nil {
		t.Fatal(err)
	}
	gb, err := NewForCountry("GB")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		g    *Greeter
		in   time.Time
		want string
	}{
		{"Bastille Day (a Tuesday)", fr, at(2026, 7, 14, 10, 0, 0), "Have a good holiday"},
		{"the day before", fr, at(2026, 7, 13, 10, 0, 0), day},
		{"Christmas stays Christmas", fr, at(2026, 12, 25, 10, 0, 0), xmas},
		{"Easter Monday is Easter", fr, at(2026, 4, 6, 10, 0, 0), easter},
		{"Ascension Thursday", fr, at(2026, 5, 14, 10, 0, 0), "Have a good holiday"},
		{"Japan: Constitution Memorial Day", jp, at(2026, 5, 3, 10, 0, 0), "Have a good holiday"},
		{"GB keeps its bank holiday wording", gb, at(2026, 5, 2, 10, 0, 0), "Have a good bank holiday weekend"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.g.At(tt.in); got != tt.want {
				t.Errorf("At(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

const frenchFile = `# greetings for the desk
christmas = Season's greetings
night = Good evening
[GB]
christmas = Happy Christmas
[FR]
christmas = Joyeux Noël
new year = Bonne année YYYY
fête nationale = Bonne fête nationale
holiday = Bon jour férié
halloween = -
morning = Bonne matinée
`

func TestWording(t *testing.T) {
	w, err := ReadWording(strings.NewReader(frenchFile), "fr")
	if err != nil {
		t.Fatal(err)
	}
	fr, err := NewForCountry("FR", WithWording(w))
	if err != nil {
		t.Fatal(err)
	}
	wgb, err := ReadWording(strings.NewReader(frenchFile), "GB")
	if err != nil {
		t.Fatal(err)
	}
	gb, err := NewForCountry("GB", WithWording(wgb))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		g    *Greeter
		in   time.Time
		want string
	}{
		{"country wording wins", fr, at(2026, 12, 20, 10, 0, 0), "Joyeux Noël"},
		{"YYYY is the year", fr, at(2027, 1, 3, 10, 0, 0), "Bonne année 2027"},
		{"a holiday by name", fr, at(2026, 7, 14, 10, 0, 0), "Bonne fête nationale"},
		{"holiday for the others", fr, at(2026, 5, 14, 10, 0, 0), "Bon jour férié"},
		{"a season turned off", fr, at(2026, 10, 30, 10, 0, 0), day},
		{"time of day", fr, at(2026, 6, 3, 7, 0, 0), "Bonne matinée"},
		{"common wording", fr, at(2026, 6, 3, 20, 0, 0), "Good evening"},
		{"another country's section", gb, at(2026, 12, 20, 10, 0, 0), "Happy Christmas"},
		{"not another's", gb, at(2026, 7, 14, 10, 0, 0), day},
		{"halloween still on elsewhere", gb, at(2026, 10, 30, 10, 0, 0), hallow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.g.At(tt.in); got != tt.want {
				t.Errorf("At(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestReadWordingRefuses(t *testing.T) {
	tests := []struct{ name, file, country, want string }{
		{"a typo", "chrismas = Hi", "", "no greeting key"},
		{"not a holiday of the section", "[FR]\nFete Nationale = Hi", "FR", "nor a holiday of FR"},
		{"unknown section", "[XX]\nchristmas = Hi", "", `country "XX"`},
		{"no wording", "christmas =", "", "no wording"},
		{"no equals", "christmas Hi", "", "not KEY = WORDING"},
		{"time of day off", "morning = -", "", "cannot be turned off"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadWording(strings.NewReader(tt.file), tt.country)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "line ") {
				t.Fatalf("err %v, want one with a line number and %q", err, tt.want)
			}
		})
	}
}

func TestCalendar(t *testing.T) {
	fr, _ := NewForCountry("FR")
	cal := fr.Calendar(2026)
	var keys []string
	for _, d := range cal {
		keys = append(keys, d.Key)
	}
	got := strings.Join(keys, ",")
	// New Year first; Easter Monday and Noël are inside the default seasons.
	if !strings.HasPrefix(got, "new year,valentine,easter,") || strings.Contains(got, "Noël") || strings.Contains(got, "Lundi de Pâques") ||
		!strings.Contains(got, "Fête Nationale") || !strings.HasSuffix(got, "christmas") {
		t.Fatalf("calendar keys %s", got)
	}
	if d := cal[0]; d.Greeting != "Happy New Year 2026" || d.First != date(2026, 1, 1) || d.Last != date(2026, 1, 12) {
		t.Errorf("first entry %+v", d)
	}
}
