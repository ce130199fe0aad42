package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigSetSaysWhatChanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	for _, tt := range []struct {
		name    string
		env     map[string]string
		args    []string
		out     string
		errHas  string // on stderr, "" for nothing
		noValue string // a secret that must not be printed
	}{
		{"from the default", nil, []string{"quiet.hours", "22:00-07:00"}, "quiet.hours: 22:00-07:00 (was 21:00-08:00 (the default))\n", "", ""},
		{"changed again", nil, []string{"quiet.hours", "23:00-07:00"}, "quiet.hours: 23:00-07:00 (was 22:00-07:00)\n", "", ""},
		{"unchanged", nil, []string{"quiet.hours", "23:00-07:00"}, "quiet.hours: 23:00-07:00 (unchanged)\n", "", ""},
		{"removed", nil, []string{"quiet.hours", ""}, "quiet.hours: 21:00-08:00 (the default) (was 23:00-07:00)\n", "", ""},
		{"removed twice", nil, []string{"quiet.hours", ""}, "quiet.hours: not set, nothing changed; 21:00-08:00 (the default) applies\n", "", ""},
		{"no default", nil, []string{"managers", "07700900123"}, "managers: 07700900123 (was unset)\n", "", ""},
		{"secret masked", nil, []string{"api.key", "supersecretkey"}, "api.key: ****key (was unset)\n", "", "supersecretkey"},
		{"environment overrides", map[string]string{"TEXTING_RUN": "1"}, []string{"run", "0"}, "run: 0 (was 1 (the default))\n",
			"TEXTING_RUN is set in the environment and overrides this setting", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, path, tt.env, append([]string{"config", "set"}, tt.args...)...)
			if r.code != 0 || r.out != tt.out {
				t.Fatalf("exit %d, out %q, want %q (stderr %q)", r.code, r.out, tt.out, r.err)
			}
			if (tt.errHas == "") != (r.err == "") || !strings.Contains(r.err, tt.errHas) {
				t.Errorf("stderr %q, want %q", r.err, tt.errHas)
			}
			if tt.noValue != "" && strings.Contains(r.out+r.err, tt.noValue) {
				t.Errorf("secret printed: %q", r.out)
			}
		})
	}
	// A refused value prints no change line.
	if r := runCLI(t, path, nil, "config", "set", "quiet.hours", "late"); r.code != 1 || r.out != "" {
		t.Fatalf("bad value: %d %q %q", r.code, r.out, r.err)
	}
}
