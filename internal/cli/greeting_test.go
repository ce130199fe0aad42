package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/greeting"
)

func TestGreetingCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "texting.db")
	tests := []struct {
		name string
		at   string
		want string
	}{
		{"Christmas", "2026-12-24T09:00:00+01:00", "Merry Christmas\n"},
		{"New Year has the year", "2027-01-01T00:00:00Z", "Happy New Year 2027\n"},
		{"weekday morning", "2026-06-01T08:29:59Z", "Have a good morning\n"},
		// 08:30 at +02:00 is 06:30 UTC: the given offset's wall clock counts.
		{"offset's wall clock is local time", "2026-06-01T08:30:00+02:00", "Have a good day\n"},
		{"Friday from 16:45", "2026-06-05T16:45:00-07:00", "Have a good weekend\n"},
		{"Sunday from 16:45", "2026-06-07T16:45:00+00:00", "Have a good night\n"},
		{"fractional seconds", "2026-06-01T16:44:59.999+01:00", "Have a good day\n"},
		{"no country: no bank holiday", "2026-05-02T12:00:00+01:00", "Have a good weekend\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, db, nil, "greeting", "--at", tt.at)
			if r.code != 0 || r.out != tt.want || r.err != "" {
				t.Errorf("greeting --at %s = %+v, want (0, %q, \"\")", tt.at, r, tt.want)
			}
		})
	}
}

func TestGreetingCommandCountry(t *testing.T) {
	db := filepath.Join(t.TempDir(), "texting.db")
	if r := runCLI(t, db, nil, "config", "set", "greeting.country", "GB"); r.code != 0 {
		t.Fatalf("config set: %+v", r)
	}
	// Saturday before the Early May bank holiday (Monday 4 May 2026).
	r := runCLI(t, db, nil, "greeting", "--at", "2026-05-02T12:00:00+01:00")
	if r.code != 0 || r.out != "Have a good bank holiday weekend\n" {
		t.Errorf("greeting with greeting.country GB = %+v", r)
	}

	if r := runCLI(t, db, nil, "config", "set", "greeting.country", "XX"); r.code != 0 {
		t.Skipf("config set refuses an unknown country: %+v", r)
	}
	r = runCLI(t, db, nil, "greeting", "--at", "2026-05-02T12:00:00+01:00")
	if r.code != 1 || r.out != "" || !strings.Contains(r.err, "greeting.country") || strings.Count(r.err, "\n") != 1 {
		t.Errorf("greeting with an unknown country = %+v, want exit 1 and a one-line error naming the setting", r)
	}
}

func TestGreetingCommandBadAt(t *testing.T) {
	// The database is never opened for a bad --at: its path is a directory.
	dir := t.TempDir()
	for _, at := range []string{"tomorrow", "2026-12-24", "2026-12-24 09:00", "2026-12-24T09:00:00", "2026-13-01T00:00:00Z"} {
		t.Run(at, func(t *testing.T) {
			r := runCLI(t, dir, nil, "greeting", "--at", at)
			if r.code != 1 || r.out != "" {
				t.Errorf("greeting --at %q = %+v, want exit 1 and nothing on stdout", at, r)
			}
			if !strings.HasPrefix(r.err, "texting: greeting: --at") || strings.Count(r.err, "\n") != 1 {
				t.Errorf("stderr = %q, want one line naming --at", r.err)
			}
		})
	}
	if r := runCLI(t, dir, nil, "greeting", "extra"); r.code != 1 || strings.Count(r.err, "\n") != 1 {
		t.Errorf("greeting extra = %+v, want exit 1 with a one-line error", r)
	}
}

func TestGreetingRunNow(t *testing.T) {
	// Without --at the clock's time is used as it is, in its own location.
	var out bytes.Buffer
	now := time.Date(2026, 10, 31, 12, 0, 0, 0, time.Local)
	err := greetingRun(context.Background(), &greetingOptions{
		Out:     &out,
		Now:     func() time.Time { return now },
		Greeter: func(context.Context) (*greeting.Greeter, error) { return greeting.New(), nil },
	})
	if err != nil || out.String() != "Happy Halloween\n" {
		t.Errorf("greetingRun = (%v, %q), want Happy Halloween", err, out.String())
	}

	var got *greetingOptions
	cmd := newCmdGreeting(NewFactory(), func(_ context.Context, o *greetingOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--at", "2026-06-01T08:30:00Z"})
	if err := cmd.Execute(); err != nil || got == nil || got.At != "2026-06-01T08:30:00Z" || got.Now == nil || got.Greeter == nil {
		t.Errorf("flags parsed into %+v, %v", got, err)
	}
}

func TestGreetingCountryPreviewAndWording(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "texting.db")
	file := filepath.Join(dir, "greetings.txt")
	if err := os.WriteFile(file, []byte("[FR]\nFête Nationale = Bonne fête nationale\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("chrismas = Hi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const bastille = "2026-07-14T10:00:00+02:00"
	tests := []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"preview a country", []string{"greeting", "--country", "fr", "--at", bastille}, 0, "Have a good holiday\n", ""},
		{"no country set", []string{"greeting", "--at", bastille}, 0, "Have a good day\n", ""},
		{"unknown country", []string{"greeting", "--country", "XX", "--at", bastille}, 1, "", `unknown country "XX"`},
		{"config set refuses an unknown country", []string{"config", "set", "greeting.country", "XX"}, 1, "", `unknown country "XX"`},
		{"config set a country", []string{"config", "set", "greeting.country", "FR"}, 0, "greeting.country: FR (was unset)\n", ""},
		{"the setting greets", []string{"greeting", "--at", bastille}, 0, "Have a good holiday\n", ""},
		{"config set refuses a bad greetings file", []string{"config", "set", "greeting.file", bad}, 1, "", "line 1"},
		{"config set refuses a missing file", []string{"config", "set", "greeting.file", filepath.Join(dir, "none")}, 1, "", "cannot read"},
		{"config set a greetings file", []string{"config", "set", "greeting.file", file}, 0, "greeting.file: " + file + " (was unset)\n", ""},
		{"the file's wording", []string{"greeting", "--at", bastille}, 0, "Bonne fête nationale\n", ""},
		{"its wording is for France only", []string{"greeting", "--country", "BE", "--at", "2026-07-21T10:00:00+02:00"}, 0, "Have a good holiday\n", ""},
		{"year and at", []string{"greeting", "--year", "2026", "--at", bastille}, 1, "", "cannot be used together"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, db, nil, tt.args...)
			if r.code != tt.code || r.out != tt.out || !strings.Contains(r.err, tt.err) || (tt.err == "") != (r.err == "") {
				t.Fatalf("%v = %+v, want (%d, %q, %q)", tt.args, r, tt.code, tt.out, tt.err)
			}
			if tt.code != 0 && strings.Count(r.err, "\n") != 1 {
				t.Errorf("error is not one line: %q", r.err)
			}
		})
	}
	r := runCLI(t, db, nil, "greeting", "--year", "2026")
	for _, want := range []string{"Tue 14 Jul", "Bonne fête nationale", "Fête Nationale", "Thu 14 May", "Ascension"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("--year lacks %q:\n%s", want, r.out)
		}
	}
}
