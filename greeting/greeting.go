// Package greeting renders the {greeting} placeholder: a seasonal greeting when
// one is in season, else one for the time of day and the day of the week.
//
// Everything is computed on the wall clock of the time it is given, so the
// caller decides what "local time" is by the time's location.
package greeting

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/us"
)

// Greeter picks greetings. It is immutable once built and safe for concurrent
// use; the zero value greets by time of day only.
type Greeter struct {
	seasons []Season // checked in order; the first in season wins
	// words replaces the time-of-day greetings (keys morning, day, night,
	// weekend); nil keeps the default ones.
	words map[string]string
}

// Option configures a Greeter built by New.
type Option func(*Greeter)

// WithSeasons adds seasons after those the greeter already has, so the default
// own seasons win where a country's overlap them.
func WithSeasons(s ...Season) Option {
	return func(g *Greeter) { g.seasons = append(g.seasons, s...) }
}

// WithWording replaces greetings by their key (see Wording): a season's
// greeting, or a time of day's. A season whose wording is "-" is dropped, so
// the time of day greets instead. It applies to the seasons added before it.
func WithWording(w Wording) Option {
	return func(g *Greeter) {
		kept := g.seasons[:0:0]
		for _, s := range g.seasons {
			v, ok := w.lookup(s.Key)
			if !ok && s.generic {
				v, ok = w.lookup(KeyHoliday)
			}
			if ok {
				if v == Off {
					continue
				}
				s.Greeting = v
			}
			kept = append(kept, s)
		}
		g.seasons = kept
		for _, k := range timeOfDayKeys {
			if v, ok := w.lookup(k); ok && v != Off {
				if g.words == nil {
					g.words = map[string]string{}
				}
				g.words[k] = v
			}
		}
	}
}

// New returns a greeter with the default seasons followed by those the options add.
func New(opts ...Option) *Greeter {
	g := &Greeter{seasons: DefaultSeasons()}
	for _, o := range opts {
		o(g)
	}
	g.seasons = slices.Clip(g.seasons) // a later append by anyone must copy
	return g
}

// ForSettings returns the greeter the settings describe: country is
// greeting.country ("" for none) and wordingFile greeting.file ("" for
// none), a greetings file read with ReadWording.
func ForSettings(country, wordingFile string) (*Greeter, error) {
	var opts []Option
	if wordingFile != "" {
		w, err := ReadWordingFile(wordingFile, country)
		if err != nil {
			return nil, err
		}
		opts = append(opts, WithWording(w))
	}
	return NewForCountry(country, opts...)
}

// NewForCountry returns a greeter with the default seasons, then the country's
// (see CountrySeasons), then those the options add. An empty code means no
// country: the same as New.
func NewForCountry(code string, opts ...Option) (*Greeter, error) {
	extra, err := CountrySeasons(code)
	if err != nil {
		return nil, err
	}
	return New(append([]Option{WithSeasons(extra...)}, opts...)...), nil
}

// defaultGreeter serves the package-level At; it is never modified.
var defaultGreeter = New()

// At returns the default greeter's greeting for t (the default rules, no country).
func At(t time.Time) string { return defaultGreeter.At(t) }

// At returns the greeting for t, taking t's own location as local time.
func (g *Greeter) At(t time.Time) string {
	if s, ok := g.season(t); ok {
		return s
	}
	k := timeOfDay(t)
	if w, ok := g.words[k]; ok {
		return w
	}
	return timeOfDayGreeting[k]
}

// Keys of the time-of-day greetings, for Wording.
const (
	KeyMorning = "morning"
	KeyDay     = "day"
	KeyNight   = "night"
	KeyWeekend = "weekend"
)

var timeOfDayKeys = [...]string{KeyMorning, KeyDay, KeyNight, KeyWeekend}

// timeOfDayGreeting is the default wording of each time of day. It is never
// modified.
var timeOfDayGreeting = map[string]string{
	KeyMorning: "Have a good morning",
	KeyDay:     "Have a good day",
	KeyNight:   "Have a good night",
	KeyWeekend: "Have a good weekend",
}

// Boundaries of the time of day, in minutes after midnight.
const (
	dayFrom   = 8*60 + 30  // 08:30
	nightFrom = 16*60 + 45 // 16:45
)

// timeOfDay is the key of the greeting outside every season.
func timeOfDay(t time.Time) string {
	h, m, _ := t.Clock()
	mins := h*60 + m
	switch wd := t.Weekday(); {
	case wd == time.Sunday && mins >= nightFrom:
		return KeyNight
	case wd == time.Saturday || wd == time.Sunday || wd == time.Friday && mins >= nightFrom:
		return KeyWeekend
	case mins >= nightFrom:
		return KeyNight
	case mins >= dayFrom:
		return KeyDay
	default:
		return KeyMorning
	}
}

// season returns the greeting of the first season that t falls in.
func (g *Greeter) season(t time.Time) (string, bool) {
	i, ok := g.seasonIndex(t)
	if !ok {
		return "", false
	}
	return strings.ReplaceAll(g.seasons[i].Greeting, "YYYY", strconv.Itoa(t.Year())), true
}

// dayKey orders calendar days by their date alone, whatever their location.
func dayKey(t time.Time) int {
	y, m, d := t.Date()
	return y*10000 + int(m)*100 + d
}

// Season is a run of whole days, in local time, with its own greeting.
type Season struct {
	// Key names the season for Wording: "christmas", "new year", "easter",
	// "halloween", "valentine", or a public holiday's name as
	// github.com/rickar/cal spells it ("Fête Nationale").
	Key string
	// Greeting is what {greeting} becomes in season. "YYYY" in it stands for
	// the year of the day greeted.
	Greeting string
	// generic is set on a public holiday's season greeting with the
	// "holiday" wording unless it has its own.
	generic bool
	// Days gives the first and the last day, both inclusive, of the season
	// that begins in year; only their dates count, not their time or
	// location. ok is false when there is no such season that year.
	Days func(year int) (first, last time.Time, ok bool)
}

// Annual is a season on the same dates every year, from fromMonth/fromDay to
// toMonth/toDay inclusive; it runs into the next year when it ends before it
// begins (e.g. 28 Dec to 3 Jan).
func Annual(greeting string, fromMonth time.Month, fromDay int, toMonth time.Month, toDay int) Season {
	wraps := toMonth < fromMonth || toMonth == fromMonth && toDay < fromDay
	return Season{Key: strings.ToLower(greeting), Greeting: greeting, Days: func(year int) (time.Time, time.Time, bool) {
		end := year
		if wraps {
			end++
		}
		return date(year, fromMonth, fromDay), date(end, toMonth, toDay), true
	}}
}

// AroundHoliday is a season from `before` days before a holiday until `after`
// days after it, inclusive, on the holiday's actual (not observed) date. It has
// no days in the years the holiday is not held.
func AroundHoliday(h *cal.Holiday, greeting string, before, after int) Season {
	return Season{Key: h.Name, Greeting: greeting, Days: func(year int) (time.Time, time.Time, bool) {
		actual, _ := h.Calc(year)
		if actual.IsZero() {
			return time.Time{}, time.Time{}, false
		}
		d := date(actual.Date())
		return d.AddDate(0, 0, -before), d.AddDate(0, 0, after), true
	}}
}

// LongWeekend is a season for a public holiday that gives a long weekend: a
// Monday holiday's season runs from the Saturday before, a Friday holiday's to
// the Sunday after; a holiday on another day is a season of that day alone.
// The holiday's observed date counts, as that is the day off.
func LongWeekend(h *cal.Holiday, greeting string) Season {
	return Season{Key: h.Name, Greeting: greeting, Days: func(year int) (time.Time, time.Time, bool) {
		_, observed := h.Calc(year)
		if observed.IsZero() {
			return time.Time{}, time.Time{}, false
		}
		d := date(observed.Date())
		switch d.Weekday() {
		case time.Monday:
			return d.AddDate(0, 0, -2), d, true
		case time.Friday:
			return d, d.AddDate(0, 0, 2), true
		}
		return d, d, true
	}}
}

// date is midnight UTC of a calendar day: a date with no daylight saving
// surprises in its arithmetic.
func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Keys of the default seasons, for Wording.
const (
	KeyChristmas = "christmas"
	KeyNewYear   = "new year"
	KeyEaster    = "easter"
	KeyHalloween = "halloween"
	KeyValentine = "valentine"
	// KeyHoliday is the wording of a country's public holiday that has no
	// wording of its own.
	KeyHoliday = "holiday"
)

// DefaultSeasons returns the default seasons (docs/ARCHITECTURE.md,
// Greeting), in the order they are checked.
// Easter runs from 00:00 seven days before Easter Sunday until 00:00 seven days
// after it: the whole days from Sunday-7 to Sunday+6.
func DefaultSeasons() []Season {
	keyed := func(key string, s Season) Season { s.Key = key; return s }
	return []Season{
		keyed(KeyChristmas, Annual("Merry Christmas", time.December, 15, time.December, 27)),
		keyed(KeyNewYear, Annual("Happy New Year YYYY", time.January, 1, time.January, 12)),
		keyed(KeyEaster, AroundHoliday(aa.Easter, "Happy Easter", 7, 6)),
		keyed(KeyHalloween, Annual("Happy Halloween", time.October, 28, time.November, 2)),
		keyed(KeyValentine, Annual("Happy Valentine's Day", time.February, 14, time.February, 14)),
	}
}

// Countries lists the codes CountrySeasons knows, in order: every country
// whose public holidays github.com/rickar/cal knows.
func Countries() []string { return calCountries() }

// Supported returns nil when code names a country CountrySeasons knows (or is
// empty: no country), and otherwise an error saying which codes are known.
// `texting config set greeting.country` calls it, so a country nobody knows
// is refused when it is set rather than failing every send.
func Supported(code string) error {
	c := canonical(code)
	if c == "" {
		return nil
	}
	if _, ok := countryHolidays(c); ok {
		return nil
	}
	return fmt.Errorf("unknown country %q: no public holidays known for it (known: %s)", strings.TrimSpace(code),
		strings.Join(Countries(), ", "))
}

// canonical is a country code in upper case, "UK" taken for GB.
func canonical(code string) string {
	c := strings.ToUpper(strings.TrimSpace(code))
	if c == "UK" {
		return "GB"
	}
	return c
}

// CountrySeasons returns the extra seasons of a country, by its ISO 3166 code
// (case-insensitive; "UK" is taken for GB): one for each of the country's
// public holidays in github.com/rickar/cal, keyed by the holiday's name and
// greeting "Have a good holiday" (GB and US have their own wording for
// theirs). Holidays in the default seasons (Christmas, New Year, Easter) greet
// as those, which are checked first. An empty code has none; an unknown code
// is an error naming those known.
func CountrySeasons(code string) ([]Season, error) {
	if err := Supported(code); err != nil {
		return nil, err
	}
	c := canonical(code)
	if c == "" {
		return nil, nil
	}
	var out []Season
	switch c {
	case "GB":
		const bh = "Have a good bank holiday weekend"
		out = []Season{
			LongWeekend(gb.EarlyMay, bh),
			LongWeekend(gb.VEDay, bh),
			LongWeekend(gb.CoronationDay, bh),
			LongWeekend(gb.SpringHoliday, bh),
			LongWeekend(gb.SpringHoliday2022, bh),
			LongWeekend(gb.PlatinumJubilee, bh),
			LongWeekend(gb.SummerHoliday, bh),
		}
	case "US":
		out = []Season{
			LongWeekend(us.MemorialDay, "Have a good Memorial Day weekend"),
			AroundHoliday(us.IndependenceDay, "Happy 4th of July", 0, 0),
			LongWeekend(us.LaborDay, "Have a good Labor Day weekend"),
			AroundHoliday(us.ThanksgivingDay, "Happy Thanksgiving", 3, 0),
		}
	}
	hs, _ := countryHolidays(c)
	for _, h := range hs {
		if h.Type == cal.ObservanceOther || slices.ContainsFunc(out, func(s Season) bool { return s.Key == h.Name }) {
			continue
		}
		s := LongWeekend(h, "Have a good holiday")
		s.generic = true
		out = append(out, s)
	}
	return out, nil
}

// Dated is one season's days in a given year, as Calendar lists them.
type Dated struct {
	Key         string // what a greetings file calls it
	Greeting    string // "YYYY" rendered
	First, Last time.Time
}

// Calendar returns the seasons that greet on at least one day of year, in
// date order: each with the days it greets (a season's days that an earlier
// season covers are not counted, so a holiday inside Christmas is not
// listed). It is what `texting greeting --year` prints.
func (g *Greeter) Calendar(year int) []Dated {
	var out []Dated
	idx := map[int]int{} // season index → its entry in out
	for d := date(year, time.January, 1); d.Year() == year; d = d.AddDate(0, 0, 1) {
		i, ok := g.seasonIndex(d)
		if !ok {
			continue
		}
		j, seen := idx[i]
		if !seen || !out[j].Last.Equal(d.AddDate(0, 0, -1)) {
			s := g.seasons[i]
			out = append(out, Dated{Key: s.Key, Greeting: strings.ReplaceAll(s.Greeting, "YYYY", strconv.Itoa(year)), First: d, Last: d})
			idx[i] = len(out) - 1
			continue
		}
		out[j].Last = d
	}
	return out
}

// seasonIndex returns the index of the first season that t falls in.
func (g *Greeter) seasonIndex(t time.Time) (int, bool) {
	y, _, _ := t.Date()
	today := dayKey(t)
	for i, s := range g.seasons {
		for _, sy := range [2]int{y, y - 1} {
			first, last, ok := s.Days(sy)
			if ok && dayKey(first) <= today && today <= dayKey(last) {
				return i, true
			}
		}
	}
	return 0, false
}
