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
}

// Option configures a Greeter built by New.
type Option func(*Greeter)

// WithSeasons adds seasons after those the greeter already has, so the default
// own seasons win where a country's overlap them.
func WithSeasons(s ...Season) Option {
	return func(g *Greeter) { g.seasons = append(g.seasons, s...) }
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
	return timeOfDay(t)
}

// Boundaries of the time of day, in minutes after midnight.
const (
	dayFrom   = 8*60 + 30  // 08:30
	nightFrom = 16*60 + 45 // 16:45
)

// timeOfDay is the greeting outside every season.
func timeOfDay(t time.Time) string {
	h, m, _ := t.Clock()
	mins := h*60 + m
	switch wd := t.Weekday(); {
	case wd == time.Sunday && mins >= nightFrom:
		return "Have a good night"
	case wd == time.Saturday || wd == time.Sunday || wd == time.Friday && mins >= nightFrom:
		return "Have a good weekend"
	case mins >= nightFrom:
		return "Have a good night"
	case mins >= dayFrom:
		return "Have a good day"
	default:
		return "Have a good morning"
	}
}

// season returns the greeting of the first season that t falls in.
func (g *Greeter) season(t time.Time) (string, bool) {
	y, _, _ := t.Date()
	today := dayKey(t)
	for _, s := range g.seasons {
		// A season that begins late in the year before may still run.
		for _, sy := range [2]int{y, y - 1} {
			first, last, ok := s.Days(sy)
			if ok && dayKey(first) <= today && today <= dayKey(last) {
				return strings.ReplaceAll(s.Greeting, "YYYY", strconv.Itoa(y)), true
			}
		}
	}
	return "", false
}

// dayKey orders calendar days by their date alone, whatever their location.
func dayKey(t time.Time) int {
	y, m, d := t.Date()
	return y*10000 + int(m)*100 + d
}

// Season is a run of whole days, in local time, with its own greeting.
type Season struct {
	// Greeting is what {greeting} becomes in season. "YYYY" in it stands for
	// the year of the day greeted.
	Greeting string
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
	return Season{Greeting: greeting, Days: func(year int) (time.Time, time.Time, bool) {
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
	return Season{Greeting: greeting, Days: func(year int) (time.Time, time.Time, bool) {
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
	return Season{Greeting: greeting, Days: func(year int) (time.Time, time.Time, bool) {
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

// DefaultSeasons returns the default seasons (docs/ARCHITECTURE.md,
// Greeting), in the order they are checked.
// Easter runs from 00:00 seven days before Easter Sunday until 00:00 seven days
// after it: the whole days from Sunday-7 to Sunday+6.
func DefaultSeasons() []Season {
	return []Season{
		Annual("Merry Christmas", time.December, 15, time.December, 27),
		Annual("Happy New Year YYYY", time.January, 1, time.January, 12),
		AroundHoliday(aa.Easter, "Happy Easter", 7, 6),
		Annual("Happy Halloween", time.October, 28, time.November, 2),
		Annual("Happy Valentine's Day", time.February, 14, time.February, 14),
	}
}

// Countries lists the codes CountrySeasons knows, in order.
func Countries() []string { return []string{"GB", "US"} }

// CountrySeasons returns the extra seasons of a country, by its ISO 3166 code
// (case-insensitive; "UK" is taken for GB). They come from the country's public
// holidays in github.com/rickar/cal. An empty code has none; an unknown code is
// an error naming those known.
func CountrySeasons(code string) ([]Season, error) {
	switch strings.ToUpper(strings.TrimSpace(code)) {
	case "":
		return nil, nil
	case "GB", "UK":
		const bh = "Have a good bank holiday weekend"
		// Christmas, Boxing Day, New Year and Easter are in the default seasons.
		return []Season{
			LongWeekend(gb.EarlyMay, bh),
			LongWeekend(gb.VEDay, bh),
			LongWeekend(gb.CoronationDay, bh),
			LongWeekend(gb.SpringHoliday, bh),
			LongWeekend(gb.SpringHoliday2022, bh),
			LongWeekend(gb.PlatinumJubilee, bh),
			LongWeekend(gb.SummerHoliday, bh),
		}, nil
	case "US":
		return []Season{
			LongWeekend(us.MemorialDay, "Have a good Memorial Day weekend"),
			AroundHoliday(us.IndependenceDay, "Happy 4th of July", 0, 0),
			LongWeekend(us.LaborDay, "Have a good Labor Day weekend"),
			AroundHoliday(us.ThanksgivingDay, "Happy Thanksgiving", 3, 0),
		}, nil
	}
	return nil, fmt.Errorf("greeting: unknown country %q (known: %s)", code, strings.Join(Countries(), ", "))
}
