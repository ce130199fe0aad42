package greeting

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Off, as a season's wording, turns the season off: the time of day greets.
const Off = "-"

// Wording is what an operator says instead of the built-in greetings, by key
// (case-insensitive): a season's key (see Season.Key and the Key constants),
// KeyHoliday for every public holiday without its own, or a time of day
// (KeyMorning, KeyDay, KeyNight, KeyWeekend). "YYYY" in a season's wording
// stands for the year.
type Wording map[string]string

func (w Wording) lookup(key string) (string, bool) {
	v, ok := w[strings.ToLower(key)]
	return v, ok
}

// ReadWordingFile reads a greetings file (see ReadWording) for country.
func ReadWordingFile(path, country string) (Wording, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("greetings file: %w", err)
	}
	defer f.Close()
	w, err := ReadWording(f, country)
	if err != nil {
		return nil, fmt.Errorf("greetings file %s: %w", path, err)
	}
	return w, nil
}

// ReadWording reads the wording for country from a greetings file:
//
//	# what {greeting} says; KEY = WORDING, one a line
//	christmas = Season's greetings
//	morning = Good morning
//	[FR]
//	christmas = Joyeux Noël
//	Fête Nationale = Bonne fête nationale
//	halloween = -
//
// Lines before any [XX] line are for every country; those after [XX] for
// country XX only, and win over the others. A key is a season's (christmas,
// new year, easter, halloween, valentine), holiday (every public holiday
// without its own wording), a time of day's (morning, day, night, weekend),
// or a public holiday's name as `texting greeting --country XX --year YYYY`
// lists it. "-" turns a season off. A key that names nothing is an error, so
// a typo does not pass unseen.
func ReadWording(r io.Reader, country string) (Wording, error) {
	country = canonical(country)
	common, own := Wording{}, Wording{}
	section, into := "", common
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = canonical(line[1 : len(line)-1])
			if section == "" {
				return nil, fmt.Errorf("line %d: %s names no country", n, line)
			}
			if err := Supported(section); err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			into = Wording{}
			if section == country {
				into = own
			}
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if !ok || key == "" {
			return nil, fmt.Errorf("line %d: %q is not KEY = WORDING", n, line)
		}
		if val == "" {
			return nil, fmt.Errorf("line %d: %s has no wording (write - to turn a season off)", n, key)
		}
		if err := checkKey(key, val, section, country); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		into[strings.ToLower(key)] = val
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for k, v := range own {
		common[k] = v
	}
	return common, nil
}

// checkKey refuses a key that names nothing: a section's key must be a
// general one or one of that country's holidays; a common key a general one
// or a holiday of the country greeted.
func checkKey(key, val, section, country string) error {
	k := strings.ToLower(key)
	if slices.Contains(timeOfDayKeys[:], k) {
		if val == Off {
			return fmt.Errorf("%s cannot be turned off: it is what greets outside the seasons", key)
		}
		return nil
	}
	if slices.Contains([]string{KeyChristmas, KeyNewYear, KeyEaster, KeyHalloween, KeyValentine, KeyHoliday}, k) {
		return nil
	}
	c := section
	if c == "" {
		c = country
	}
	hs, _ := countryHolidays(c)
	var names []string
	for _, h := range hs {
		if strings.EqualFold(h.Name, key) {
			return nil
		}
		names = append(names, h.Name)
	}
	if c == "" {
		return fmt.Errorf("%q is no greeting key (christmas, new year, easter, halloween, valentine, holiday, morning, day, night, weekend)", key)
	}
	return fmt.Errorf("%q is neither a greeting key (christmas, new year, easter, halloween, valentine, holiday, morning, day, night, weekend) nor a holiday of %s (%s)",
		key, c, strings.Join(names, ", "))
}
