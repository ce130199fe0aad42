// Package config resolves Texting Centre's settings: a flag beats the
// environment, which beats the settings table, which beats the default.
package config

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/texting-centre/texting/phone"
)

// MaxParts is the most parts a concatenated SMS can have: the
// concatenation header counts them in one octet (3GPP TS 23.040 9.2.3.24.1).
const MaxParts = 255

// Key describes one setting an operator can configure.
type Key struct {
	Name    string
	Env     string // environment variable, "" for none
	Default string // "" for none
	Secret  bool   // shown masked
	Help    string
	// Check validates a value; nil accepts anything.
	Check func(string) error
}

// Keys lists every setting, in the order `texting config list` shows them.
func Keys() []Key {
	return []Key{
		{Name: "api.url", Env: "TEXTING_API_URL", Help: "campaign data source URL", Check: checkURL},
		{Name: "api.key", Env: "TEXTING_API_KEY", Secret: true, Help: "data source key (sent as given)"},
		{Name: "run", Env: "TEXTING_RUN", Default: "1", Help: "0 = dry run everywhere", Check: checkBool},
		{Name: "managers", Help: "phones that get the run summary, comma-separated", Check: checkNumbers},
		{Name: "region", Default: phone.DefaultRegion, Help: "default region for numbers without a country code", Check: checkRegion},
		{Name: "dedupe.days", Default: "180", Help: "no second campaign text to a number within this many days", Check: checkInt(0, 3650)},
		{Name: "followup.min_days", Default: "1", Help: "campaign texts at least this many days old get a follow-up", Check: checkInt(0, 365)},
		{Name: "followup.max_days", Default: "5", Help: "campaign texts at most this many days old get a follow-up", Check: checkInt(0, 365)},
		{Name: "quiet.hours", Default: "21:00-08:00", Help: "no campaign texts, follow-ups or auto-replies then (unless the category says any hour); off disables", Check: checkQuiet},
		{Name: "autoreply.days", Default: "30", Help: "one auto-reply per number per this many days", Check: checkInt(1, 3650)},
		{Name: "classify.threshold", Default: "0.9", Help: "model confidence needed to categorise on its own", Check: checkFloat01},
		{Name: "fragments.timeout", Default: "24h", Help: "when an incomplete long text is stored as it is", Check: checkDuration(time.Minute, 30*24*time.Hour)},
		{Name: "template.max_parts", Default: "6", Help: "most SMS parts a template may take; a longer one is refused when saved", Check: checkInt(1, MaxParts)},
		{Name: "modem.ports", Help: "comma-separated ports instead of discovery"},
		{Name: "serve.token", Secret: true, Help: "secret that gateway callbacks must carry (generated)", Check: checkToken},
		{Name: "operator", Help: "your name on the tags you make (--as beats it; default: the login name)", Check: CheckOperator},
		{Name: "ssh.authorized_keys", Help: "OpenSSH authorized-keys file of the staff serve --ssh lets in, each key's comment its operator's name (default: texting_authorized_keys beside the database)"},
		{Name: "tui.bell", Default: "0", Help: "1 = the terminal UI rings the bell when a new reply comes in for review", Check: checkBool},
		{Name: "ssh.idle_timeout", Default: "30m", Help: "an SSH session with no key pressed for this long is closed", Check: checkDuration(time.Minute, 7*24*time.Hour)},
		{Name: "greeting.country", Help: "add this country's public holidays to the seasonal greetings (e.g. GB, FR; texting greeting --country XX --year YYYY)"},
		{Name: "greeting.file", Help: "a greetings file: your wording for seasons, holidays and times of day (see texting greeting --help)", Check: checkFile},
	}
}

// Lookup returns the key named name.
func Lookup(name string) (Key, bool) {
	for _, k := range Keys() {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

// Validate checks that name is a known key and value a valid value for it,
// and returns the value as it should be stored (trimmed).
func Validate(name, value string) (string, error) {
	k, ok := Lookup(name)
	if !ok {
		return "", fmt.Errorf("unknown setting %q (see 'texting config list')", name)
	}
	value = strings.TrimSpace(value)
	if k.Check != nil {
		if err := k.Check(value); err != nil {
			return "", fmt.Errorf("setting %s: %w", name, err)
		}
	}
	return value, nil
}

// Mask hides all but the last few characters of a secret.
func Mask(s string) string {
	if s == "" {
		return ""
	}
	if len(s) <= 4 {
		return "****"
	}
	return "****" + s[len(s)-3:]
}

// Source says where a resolved value came from.
type Source string

// Sources of a value, strongest first.
const (
	FromFlag     Source = "flag"
	FromEnv      Source = "env"
	FromSettings Source = "settings"
	FromDefault  Source = "default"
	FromNone     Source = ""
)

// Value is one resolved setting.
type Value struct {
	Key    Key
	Value  string
	Source Source
}

// Resolve applies the precedence env > stored > default for every key
// (flags are applied by the commands that have them). Invalid stored or
// environment values are errors, so a typo never silently becomes a default.
func Resolve(stored map[string]string, getenv func(string) string) ([]Value, error) {
	var out []Value
	for _, k := range Keys() {
		v := Value{Key: k}
		if e := getenvOr(getenv, k.Env); e != "" {
			v.Value, v.Source = e, FromEnv
		} else if s, ok := stored[k.Name]; ok {
			v.Value, v.Source = s, FromSettings
		} else if k.Default != "" {
			v.Value, v.Source = k.Default, FromDefault
		}
		if v.Source != FromNone && v.Source != FromDefault && k.Check != nil {
			if err := k.Check(v.Value); err != nil {
				return nil, fmt.Errorf("setting %s (from %s): %w", k.Name, v.Source, err)
			}
		}
		out = append(out, v)
	}
	return out, nil
}

func getenvOr(getenv func(string) string, name string) string {
	if name == "" || getenv == nil {
		return ""
	}
	return strings.TrimSpace(getenv(name))
}

// Config is the typed, resolved configuration.
type Config struct {
	APIURL            string
	APIKey            string
	Run               bool // false: dry run everywhere
	Managers          []string
	Region            string
	DedupeDays        int
	FollowupMinDays   int
	FollowupMaxDays   int
	Quiet             QuietHours
	AutoreplyDays     int
	ClassifyThreshold float64
	FragmentsTimeout  time.Duration
	TemplateMaxParts  int // most SMS parts a template may take (template.max_parts)
	ModemPorts        []string
	ServeToken        string
	Operator          string        // "" means the login name
	SSHAuthorizedKeys string        // "" means texting_authorized_keys beside the database
	SSHIdleTimeout    time.Duration // SSH sessions idle this long are closed
	TUIBell           bool          // ring when a new reply waits for review
	GreetingCountry   string
	GreetingFile      string
}

// Check resolves stored (with the environment) as Load would and reports
// the first problem, including those between keys (follow-up days in the
// wrong order): `texting config set` refuses a value that would break every
// later command.
func Check(stored map[string]string, getenv func(string) string) error {
	vals, err := Resolve(stored, getenv)
	if err != nil {
		return err
	}
	_, err = fromValues(vals)
	return err
}

// SettingsReader is the part of the store Load needs.
type SettingsReader interface {
	Settings(ctx context.Context) (map[string]string, error)
}

// Load resolves every setting from the environment, the settings table and
// the defaults.
func Load(ctx context.Context, db SettingsReader, getenv func(string) string) (Config, error) {
	stored, err := db.Settings(ctx)
	if err != nil {
		return Config{}, err
	}
	vals, err := Resolve(stored, getenv)
	if err != nil {
		return Config{}, err
	}
	return fromValues(vals)
}

func fromValues(vals []Value) (Config, error) {
	m := map[string]string{}
	for _, v := range vals {
		m[v.Key.Name] = v.Value
	}
	var c Config
	c.APIURL, c.APIKey = m["api.url"], m["api.key"]
	c.Run = m["run"] != "0" && !strings.EqualFold(m["run"], "false")
	c.Managers = splitList(m["managers"])
	c.Region = strings.ToUpper(m["region"])
	c.DedupeDays, _ = strconv.Atoi(m["dedupe.days"])
	c.FollowupMinDays, _ = strconv.Atoi(m["followup.min_days"])
	c.FollowupMaxDays, _ = strconv.Atoi(m["followup.max_days"])
	if c.FollowupMinDays > c.FollowupMaxDays {
		return c, fmt.Errorf("setting followup.min_days (%d) is after followup.max_days (%d)", c.FollowupMinDays, c.FollowupMaxDays)
	}
	c.Quiet, _ = ParseQuietHours(m["quiet.hours"])
	c.AutoreplyDays, _ = strconv.Atoi(m["autoreply.days"])
	c.ClassifyThreshold, _ = strconv.ParseFloat(m["classify.threshold"], 64)
	c.FragmentsTimeout, _ = time.ParseDuration(m["fragments.timeout"])
	c.TemplateMaxParts, _ = strconv.Atoi(m["template.max_parts"])
	c.ModemPorts = splitList(m["modem.ports"])
	c.ServeToken = m["serve.token"]
	c.Operator = strings.TrimSpace(m["operator"])
	c.SSHAuthorizedKeys = m["ssh.authorized_keys"]
	c.SSHIdleTimeout, _ = time.ParseDuration(m["ssh.idle_timeout"])
	c.TUIBell = m["tui.bell"] == "1" || strings.EqualFold(m["tui.bell"], "true")
	c.GreetingCountry = strings.ToUpper(m["greeting.country"])
	c.GreetingFile = m["greeting.file"]
	return c, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// NewToken returns a fresh random secret for serve.token.
func NewToken() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error()) // never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

// QuietHours is a daily window, in local time, in which campaign and
// follow-up texts wait.
type QuietHours struct {
	Off        bool
	Start, End int // minutes after midnight; Start > End wraps past midnight
}

// ParseQuietHours reads "21:00-08:00" or "off".
func ParseQuietHours(s string) (QuietHours, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "off") || s == "" {
		return QuietHours{Off: true}, nil
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return QuietHours{}, fmt.Errorf("quiet hours must look like 21:00-08:00 or off, not %q", s)
	}
	start, err1 := parseClock(a)
	end, err2 := parseClock(b)
	if err1 != nil || err2 != nil {
		return QuietHours{}, fmt.Errorf("quiet hours must look like 21:00-08:00 or off, not %q", s)
	}
	if start == end {
		return QuietHours{}, fmt.Errorf("quiet hours %q start and end at the same time", s)
	}
	return QuietHours{Start: start, End: end}, nil
}

func parseClock(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

// In reports whether t (in its own location) falls in the quiet hours.
func (q QuietHours) In(t time.Time) bool {
	if q.Off {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	if q.Start < q.End {
		return m >= q.Start && m < q.End
	}
	return m >= q.Start || m < q.End
}

// NextEnd returns when the quiet hours that contain t end (t itself when t
// is not in them).
func (q QuietHours) NextEnd(t time.Time) time.Time {
	if !q.In(t) {
		return t
	}
	end := time.Date(t.Year(), t.Month(), t.Day(), q.End/60, q.End%60, 0, 0, t.Location())
	if !end.After(t) {
		end = end.AddDate(0, 0, 1)
	}
	return end
}

// String formats the quiet hours as they are written in settings.
func (q QuietHours) String() string {
	if q.Off {
		return "off"
	}
	return fmt.Sprintf("%02d:%02d-%02d:%02d", q.Start/60, q.Start%60, q.End/60, q.End%60)
}

func checkURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http or https URL", s)
	}
	return nil
}

// checkFile accepts a readable regular file.
func checkFile(s string) error {
	if s == "" {
		return nil
	}
	st, err := os.Stat(s)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", s, errors.Unwrap(err))
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a file", s)
	}
	return nil
}

func checkBool(s string) error {
	switch strings.ToLower(s) {
	case "0", "1", "true", "false":
		return nil
	}
	return fmt.Errorf("must be 1 or 0, not %q", s)
}

func checkInt(min, max int) func(string) error {
	return func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < min || n > max {
			return fmt.Errorf("must be a whole number from %d to %d, not %q", min, max, s)
		}
		return nil
	}
}

// checkFloat01 accepts a number from 0 to 1. NaN is no number (every
// comparison with it is false, so a NaN threshold would silently stop the
// model from ever sorting a text), nor are the infinities.
func checkFloat01(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1 {
		return fmt.Errorf("must be a number from 0 to 1, not %q", s)
	}
	return nil
}

// checkDuration accepts a duration from min to max.
func checkDuration(min, max time.Duration) func(string) error {
	return func(s string) error {
		d, err := time.ParseDuration(s)
		if err != nil || d < min || d > max {
			return fmt.Errorf("must be a duration from %s to %s (such as 24h or 90m), not %q", fmtDuration(min), fmtDuration(max), s)
		}
		return nil
	}
}

// fmtDuration writes whole hours and minutes the way people type them.
func fmtDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	case d%time.Minute == 0:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	}
	return d.String()
}

func checkQuiet(s string) error {
	_, err := ParseQuietHours(s)
	return err
}

func checkRegion(s string) error {
	if !phone.ValidRegion(s) {
		return fmt.Errorf("%q is not a region code such as GB or US", s)
	}
	return nil
}

// CheckOperator validates an operator's name (the operator setting, --as,
// an SSH key's comment): one to 40 letters, digits, spaces and . _ @ ' -,
// so that it reads on one line wherever a tag is shown.
func CheckOperator(s string) error {
	name := strings.TrimSpace(s)
	if name == "" || utf8.RuneCountInString(name) > 40 {
		return fmt.Errorf("an operator's name must be 1 to 40 characters, not %q", s)
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(" ._@'-", r) {
			return fmt.Errorf("an operator's name has only letters, digits, spaces and . _ @ ' -, not %q", s)
		}
	}
	return nil
}

func checkToken(s string) error {
	if len(s) < 16 {
		return fmt.Errorf("must be at least 16 characters")
	}
	return nil
}

func checkNumbers(s string) error {
	for _, n := range splitList(s) {
		if _, err := phone.Normalize(n, phone.DefaultRegion); err != nil {
			return err
		}
	}
	return nil
}
