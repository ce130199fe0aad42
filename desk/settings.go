package desk

import (
	"context"
	"fmt"
	"strings"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/greeting"
)

// SetSetting stores a setting after checking it: its own rule, its fit with
// the other stored settings (follow-up days in order), and what only the
// program can tell (a greeting country the greeting package serves). An
// empty value removes the setting, so its default applies. It returns the
// stored value before and after ("" for none).
func (d *Desk) SetSetting(ctx context.Context, key, value string) (was, now string, err error) {
	stored, err := d.DB.Settings(ctx)
	if err != nil {
		return "", "", err
	}
	was = stored[key]
	if _, ok := config.Lookup(key); ok && value == "" {
		return was, "", d.DB.DeleteSetting(ctx, key)
	}
	v, err := config.Validate(key, value)
	if err != nil {
		return was, "", err
	}
	stored[key] = v
	if err := config.Check(stored, func(string) string { return "" }); err != nil {
		return was, "", err
	}
	if strings.HasPrefix(key, "greeting.") {
		// A country nobody knows, or a greetings file that does not read,
		// is refused now rather than failing every send.
		if _, err := greeting.ForSettings(stored["greeting.country"], stored["greeting.file"]); err != nil {
			return was, "", fmt.Errorf("%s: %w", key, err)
		}
	}
	return was, v, d.DB.SetSetting(ctx, key, v)
}
