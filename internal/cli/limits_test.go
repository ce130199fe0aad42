package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestTemplateTooLongAndNaNRefused: a template that no phone could take,
// or over template.max_parts, is refused when saved, with a one-line reason,
// and nothing is stored; a NaN or infinite threshold is refused by config
// set.
func TestTemplateTooLongAndNaNRefused(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "t.db")
	huge := strings.Repeat("x", 40000)
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"template", "add", "huge", "--body", huge}, "262 SMS parts; no text can have more than 255"},
		{[]string{"template", "add", "seven", "--body", strings.Repeat("word ", 210)}, "7 SMS parts, more than template.max_parts (6)"},
		{[]string{"template", "add", "ok", "--body", "Hi {name}", "--followup", strings.Repeat("word ", 210)}, "follow-up: template is 7 SMS parts"},
		{[]string{"config", "set", "classify.threshold", "NaN"}, "must be a number from 0 to 1"},
		{[]string{"config", "set", "classify.threshold", "+Inf"}, "must be a number from 0 to 1"},
		{[]string{"config", "set", "template.max_parts", "300"}, "from 1 to 255"},
	}
	for _, tt := range tests {
		r := runCLI(t, dbPath, nil, tt.args...)
		if r.code == 0 || !strings.Contains(r.err, tt.wantErr) || strings.Count(strings.TrimSpace(r.err), "\n") > 0 {
			t.Errorf("%s: exit %d, stderr %q; want a one-line error with %q", tt.args[:3], r.code, r.err, tt.wantErr)
		}
	}
	if r := runCLI(t, dbPath, nil, "template", "list"); strings.Contains(r.out, "huge") || strings.Contains(r.out, "seven") {
		t.Fatalf("a refused template was stored:\n%s", r.out)
	}
	// Raising the setting lets the seven-part template in.
	if r := runCLI(t, dbPath, nil, "config", "set", "template.max_parts", "8"); r.code != 0 {
		t.Fatalf("config set: %s", r.err)
	}
	if r := runCLI(t, dbPath, nil, "template", "add", "seven", "--body", strings.Repeat("word ", 210)); r.code != 0 {
		t.Fatalf("seven parts with max_parts 8: %s", r.err)
	}
}
