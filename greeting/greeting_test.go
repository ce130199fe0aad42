package greeting

import (
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	morning = "Have a good morning"
	day     = "Have a good day"
	night   = "Have a good night"
	weekend = "Have a good weekend"
	xmas    = "Merry Christmas"
	easter  = "Happy Easter"
	hallow  = "Happy Halloween"
	valent  = "Happy Valentine's Day"
)

// at is a wall-clock time in UTC, which At takes as local time.
func at(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, time.UTC)
}

func TestAt(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		// Time of day, in a week with no season (Mon 1 – Sun 7 June 2026).
		{"Mon 00:00", at(2026, 6, 1, 0, 0, 0), morning},
		{"Mon 08:29:59", at(2026, 6, 1, 8, 29, 59), morning},
		{"Mon 08:30", at(2026, 6, 1, 8, 30, 0), day},
		{"Mon 16:44:59", at(2026, 6, 1, 16, 44, 59), day},
		{"Mon 16:45", at(2026, 6, 1, 16, 45, 0), night},
		{"Mon 23:59:59", at(2026, 6, 1, 23, 59, 59), night},
		{"Thu 12:00", at(2026, 6, 4, 12, 0, 0), day},
		{"Fri 08:29:59", at(2026, 6, 5, 8, 29, 59), morning},
		{"Fri 08:30", at(2026, 6, 5, 8, 30, 0), day},
		{"Fri 16:44:59", at(2026, 6, 5, 16, 44, 59), day},
		{"Fri 16:45", at(2026, 6, 5, 16, 45, 0), weekend},
		{"Fri 23:59:59", at(2026, 6, 5, 23, 59, 59), weekend},
		{"Sat 00:00", at(2026, 6, 6, 0, 0, 0), weekend},
		{"Sat 12:00", at(2026, 6, 6, 12, 0, 0), weekend},
		{"Sat 16:45", at(2026, 6, 6, 16, 45, 0), weekend},
		{"Sat 23:59:59", at(2026, 6, 6, 23, 59, 59), weekend},
		{"Sun 00:00", at(2026, 6, 7, 0, 0, 0), weekend},
		{"Sun 16:44:59", at(2026, 6, 7, 16, 44, 59), weekend},
		{"Sun 16:45", at(2026, 6, 7, 16, 45, 0), night},
		{"Sun 23:59:59", at(2026, 6, 7, 23, 59, 59), night},
		{"next Mon 00:00", at(2026, 6, 8, 0, 0, 0), morning},

		// Christmas, 15–27 Dec.
		{"Christmas eve of first day", at(2026, 12, 14, 23, 59, 59), night},
		{"Christmas first minute", at(2026, 12, 15, 0, 0, 0), xmas},
		{"Christmas on a Sunday night", at(2026, 12, 27, 20, 0, 0), xmas},
		{"Christmas last minute", at(2026, 12, 27, 23, 59, 59), xmas},
		{"Christmas over", at(2026, 12, 28, 0, 0, 0), morning},
		{"31 Dec has no season", at(2026, 12, 31, 23, 59, 59), night},

		// New Year, 1–12 Jan, with the current year.
		{"New Year first minute", at(2027, 1, 1, 0, 0, 0), "Happy New Year 2027"},
		{"New Year on a weekend", at(2027, 1, 2, 12, 0, 0), "Happy New Year 2027"},
		{"New Year last minute", at(2027, 1, 12, 23, 59, 59), "Happy New Year 2027"},
		{"New Year over", at(2027, 1, 13, 0, 0, 0), morning},
		{"New Year 2026", at(2026, 1, 5, 9, 0, 0), "Happy New Year 2026"},

		// Easter: from 00:00 Sunday-7 until 00:00 Sunday+7; the days around
		// are a Saturday and a Sunday, so Easter beats the weekend.
		{"Easter 2024 before", at(2024, 3, 23, 23, 59, 59), weekend},
		{"Easter 2024 first", at(2024, 3, 24, 0, 0, 0), easter},
		{"Easter 2024 Sunday night", at(2024, 3, 31, 20, 0, 0), easter},
		{"Easter 2024 last", at(2024, 4, 6, 23, 59, 59), easter},
		{"Easter 2024 after", at(2024, 4, 7, 0, 0, 0), weekend},
		{"Easter 2025 before", at(2025, 4, 12, 23, 59, 59), weekend},
		{"Easter 2025 first", at(2025, 4, 13, 0, 0, 0), easter},
		{"Easter 2025 weekday night", at(2025, 4, 16, 22, 0, 0), easter},
		{"Easter 2025 last", at(2025, 4, 26, 23, 59, 59), easter},
		{"Easter 2025 after", at(2025, 4, 27, 0, 0, 0), weekend},
		{"Easter 2026 before", at(2026, 3, 28, 23, 59, 59), weekend},
		{"Easter 2026 first", at(2026, 3, 29, 0, 0, 0), easter},
		{"Easter 2026 last", at(2026, 4, 11, 23, 59, 59), easter},
		{"Easter 2026 after", at(2026, 4, 12, 0, 0, 0), weekend},
		{"Easter 2027 before", at(2027, 3, 20, 23, 59, 59), weekend},
		{"Easter 2027 first", at(2027, 3, 21, 0, 0, 0), easter},
		{"Easter 2027 last", at(2027, 4, 3, 23, 59, 59), easter},
		{"Easter 2027 after", at(2027, 4, 4, 0, 0, 0), weekend},
		{"Easter 2038 (latest) before", at(2038, 4, 17, 23, 59, 59), weekend},
		{"Easter 2038 first", at(2038, 4, 18, 0, 0, 0), easter},
		{"Easter 2038 last, in May", at(2038, 5, 1, 23, 59, 59), easter},
		{"Easter 2038 after", at(2038, 5, 2, 0, 0, 0), weekend},
		{"Easter 2008 (early) before", at(2008, 3, 15, 23, 59, 59), weekend},
		{"Easter 2008 first", at(2008, 3, 16, 0, 0, 0), easter},
		{"Easter 2008 last", at(2008, 3, 29, 23, 59, 59), easter},
		{"Easter 2008 after", at(2008, 3, 30, 0, 0, 0), weekend},
		{"Easter 2285 (earliest) before", at(2285, 3, 14, 23, 59, 59), weekend},
		{"Easter 2285 first", at(2285, 3, 15, 0, 0, 0), easter},
		{"Easter 2285 last", at(2285, 3, 28, 23, 59, 59), easter},
		{"Easter 2285 after", at(2285, 3, 29, 0, 0, 0), weekend},

		// Halloween, 28 Oct – 2 Nov.
		{"Halloween before", at(2026, 10, 27, 23, 59, 59), night},
		{"Halloween first", at(2026, 10, 28, 0, 0, 0), hallow},
		{"Halloween last", at(2026, 11, 2, 23, 59, 59), hallow},
		{"Halloween after", at(2026, 11, 3, 0, 0, 0), morning},

		// Valentine's Day, 14 Feb.
		{"Valentine before (Fri night)", at(2026, 2, 13, 23, 59, 59), weekend},
		{"Valentine first", at(2026, 2, 14, 0, 0, 0), valent},
		{"Valentine last", at(2026, 2, 14, 23, 59, 59), valent},
		{"Valentine after", at(2026, 2, 15, 0, 0, 0), weekend},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := At(tt.in); got != tt.want {
				t.Errorf("At(%s) = %q, want %q", tt.in.Format("Mon 2006-01-02 15:04:05"), got, tt.want)
			}
		})
	}
}

// TestLocalTime checks that the wall clock of t's own location decides,
// including across daylight saving changes in Europe/London.
func TestLocalTime(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		// Sun 30 Mar 2025: clocks go from 01:00 GMT to 02:00 BST.
		{"London DST day, 00:59:59 GMT", utc("2025-03-30T00:59:59Z").In(london), weekend},
		{"London DST day, 02:00 BST", utc("2025-03-30T01:00:00Z").In(london), weekend},
		{"London DST day, 16:44:59 BST", utc("2025-03-30T15:44:59Z").In(london), weekend},
		{"London DST day, 16:45 BST (15:45 UTC)", utc("2025-03-30T15:45:00Z").In(london), night},
		{"same instant in UTC is still afternoon", utc("2025-03-30T15:45:00Z"), weekend},
		{"Monday after, 08:29:59 BST", utc("2025-03-31T07:29:59Z").In(london), morning},
		{"Monday after, 08:30 BST (07:30 UTC)", utc("2025-03-31T07:30:00Z").In(london), day},
		// Sun 26 Oct 2025: clocks go from 02:00 BST back to 01:00 GMT.
		{"London autumn change, 16:44:59 GMT", utc("2025-10-26T16:44:59Z").In(london), weekend},
		{"London autumn change, 16:45 GMT", utc("2025-10-26T16:45:00Z").In(london), night},
		// Sun 31 Oct 2027: the change falls in Halloween; 01:30 happens twice.
		{"Halloween 01:30 BST", utc("2027-10-31T00:30:00Z").In(london), hallow},
		{"Halloween 01:30 GMT", utc("2027-10-31T01:30:00Z").In(london), hallow},
		// The date is the local one: 23:30 on 14 Dec in New York is 15 Dec in UTC.
		{"New York, night before Christmas season", utc("2026-12-15T04:30:00Z").In(newYork), night},
		{"same instant in UTC is in season", utc("2026-12-15T04:30:00Z"), xmas},
		{"New York, New Year's Eve 23:59", utc("2027-01-01T04:59:00Z").In(newYork), night},
		{"New York, New Year 00:00", utc("2027-01-01T05:00:00Z").In(newYork), "Happy New Year 2027"},
		{"fixed offset keeps its wall clock", utc("2026-06-01T08:30:00+05:30"), day},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := At(tt.in); got != tt.want {
				t.Errorf("At(%s) = %q, want %q", tt.in.Format(time.RFC3339), got, tt.want)
			}
		})
	}
}

// TestEasterDates checks Easter Sunday, as the middle of the Easter season,
// against published dates.
func TestEasterDates(t *testing.T) {
	sundays := map[int]string{
		1818: "03-22", 1943: "04-25", 2000: "04-23", 2001: "04-15", 2002: "03-31",
		2003: "04-20", 2004: "04-11", 2005: "03-27", 2006: "04-16", 2007: "04-08",
		2008: "03-23", 2009: "04-12", 2010: "04-04", 2011: "04-24", 2012: "04-08",
		2013: "03-31", 2014: "04-20", 2015: "04-05", 2016: "03-27", 2017: "04-16",
		2018: "04-01", 2019: "04-21", 2020: "04-12", 2021: "04-04", 2022: "04-17",
		2023: "04-09", 2024: "03-31", 2025: "04-20", 2026: "04-05", 2027: "03-28",
		2028: "04-16", 2029: "04-01", 2030: "04-21", 2038: "04-25", 2285: "03-22",
	}
	easterSeason := DefaultSeasons()[2]
	for year, md := range sundays {
		first, last, ok := easterSeason.Days(year)
		if !ok {
			t.Fatalf("%d: no Easter season", year)
		}
		sunday := first.AddDate(0, 0, 7)
		if got := sunday.Format("01-02"); got != md || sunday.Weekday() != time.Sunday {
			t.Errorf("%d: Easter Sunday %s (%s), want %s", year, got, sunday.Weekday(), md)
		}
		if got := last.Sub(first); got != 13*24*time.Hour {
			t.Errorf("%d: season lasts %v, want 14 whole days", year, got+24*time.Hour)
		}
	}
}

func TestCountries(t *testing.T) {
	gbG, err := NewForCountry("gb")
	if err != nil {
		t.Fatal(err)
	}
	ukG, err := NewForCountry(" UK ")
	if err != nil {
		t.Fatal(err)
	}
	usG, err := NewForCountry("US")
	if err != nil {
		t.Fatal(err)
	}
	noneG, err := NewForCountry("")
	if err != nil {
		t.Fatal(err)
	}
	const bh = "Have a good bank holiday weekend"
	tests := []struct {
		name string
		g    *Greeter
		in   time.Time
		want string
	}{
		// Early May bank holiday 2026 is Monday 4 May.
		{"GB Friday before", gbG, at(2026, 5, 1, 23, 59, 59), weekend},
		{"GB Saturday", gbG, at(2026, 5, 2, 0, 0, 0), bh},
		{"UK is GB", ukG, at(2026, 5, 2, 0, 0, 0), bh},
		{"GB Sunday night", gbG, at(2026, 5, 3, 20, 0, 0), bh},
		{"GB bank holiday Monday", gbG, at(2026, 5, 4, 23, 59, 59), bh},
		{"GB Tuesday after", gbG, at(2026, 5, 5, 0, 0, 0), morning},
		{"GB 2020: Early May moved to Friday 8 May", gbG, at(2020, 5, 10, 12, 0, 0), bh},
		{"GB 2020: no bank holiday on Monday 4 May", gbG, at(2020, 5, 4, 12, 0, 0), day},
		{"GB Christmas stays the default season's", gbG, at(2026, 12, 25, 9, 0, 0), xmas},
		{"GB Easter stays the default season's", gbG, at(2026, 4, 6, 9, 0, 0), easter},
		{"default has no bank holiday", New(), at(2026, 5, 4, 12, 0, 0), day},
		{"no country is the default", noneG, at(2026, 5, 4, 12, 0, 0), day},
		// US, 2026: Thanksgiving is Thursday 26 Nov; 4 July is a Saturday.
		{"US Thanksgiving week", usG, at(2026, 11, 23, 0, 0, 0), "Happy Thanksgiving"},
		{"US Thanksgiving day", usG, at(2026, 11, 26, 20, 0, 0), "Happy Thanksgiving"},
		{"US day after Thanksgiving", usG, at(2026, 11, 27, 12, 0, 0), day},
		{"US 4th of July", usG, at(2026, 7, 4, 12, 0, 0), "Happy 4th of July"},
		{"US Labor Day weekend", usG, at(2026, 9, 5, 12, 0, 0), "Have a good Labor Day weekend"},
		{"US Memorial Day", usG, at(2026, 5, 25, 12, 0, 0), "Have a good Memorial Day weekend"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.g.At(tt.in); got != tt.want {
				t.Errorf("At(%s) = %q, want %q", tt.in.Format("Mon 2006-01-02 15:04:05"), got, tt.want)
			}
		})
	}

	if _, err := NewForCountry("XX"); err == nil || !strings.Contains(err.Error(), `"XX"`) {
		t.Errorf("NewForCountry(XX) error = %v, want one naming the code", err)
	}
	for _, code := range Countries() {
		if _, err := CountrySeasons(code); err != nil {
			t.Errorf("CountrySeasons(%s): %v", code, err)
		}
	}
}

func TestWithSeasons(t *testing.T) {
	wrap := Annual("Festive YYYY", time.December, 29, time.January, 3)
	g := New(WithSeasons(wrap))
	tests := []struct {
		name string
		g    *Greeter
		in   time.Time
		want string
	}{
		{"added season", g, at(2026, 12, 30, 12, 0, 0), "Festive 2026"},
		{"a default season wins an overlap", g, at(2027, 1, 2, 12, 0, 0), "Happy New Year 2027"},
		{"season across the year end", &Greeter{seasons: []Season{wrap}}, at(2027, 1, 3, 23, 59, 0), "Festive 2027"},
		{"and not after it", &Greeter{seasons: []Season{wrap}}, at(2027, 1, 4, 0, 0, 0), morning},
		{"zero Greeter greets by time of day", &Greeter{}, at(2026, 12, 25, 12, 0, 0), day},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.g.At(tt.in); got != tt.want {
				t.Errorf("At(%s) = %q, want %q", tt.in.Format("Mon 2006-01-02 15:04:05"), got, tt.want)
			}
		})
	}
}

func TestConcurrentUse(t *testing.T) {
	g, err := NewForCountry("GB")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for d := range 400 {
				g.At(at(2026, 1, 1, i, 0, 0).AddDate(0, 0, d))
			}
		})
	}
	wg.Wait()
}
