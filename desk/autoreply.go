package desk

import (
	"context"
	"fmt"
)

// AutoreplyNote says what happens to the auto-replies a tag queued, so that
// the operator does not think them sent: "" when it queued none. An
// auto-reply goes with the next read-in or run that holds its SIM's dongle;
// during quiet hours it waits for them to end unless its category lets it go
// at any hour; from an inactive SIM it waits until the SIM is active again.
func (d *Desk) AutoreplyNote(ctx context.Context, t Tagged) (string, error) {
	ids := t.Answered()
	if len(ids) == 0 {
		return "", nil
	}
	what := "auto-reply queued"
	if len(ids) > 1 {
		what = fmt.Sprintf("%d auto-replies queued", len(ids))
	}
	// The auto-reply leaves from the SIM the text came in on.
	m, err := d.DB.Message(ctx, ids[0])
	if err != nil {
		return "", fmt.Errorf("auto-reply: %w", err)
	}
	if m.SIMID != 0 {
		if sim, err := d.DB.SIM(ctx, m.SIMID); err == nil && !sim.Active {
			return fmt.Sprintf("%s: it waits while %s is inactive (texting sim set %q --active)", what, sim.Label(), sim.Label()), nil
		}
	}
	cat, err := d.DB.CategoryByName(ctx, t.Category)
	if err != nil {
		return "", fmt.Errorf("auto-reply: %w", err)
	}
	now := d.DB.Now().In(d.loc())
	if d.Config.Quiet.In(now) && !cat.AutoReplyAnyHour {
		end := d.Config.Quiet.NextEnd(now)
		return fmt.Sprintf("%s: quiet hours, it goes with the first read-in or run after %s", what, end.Format("15:04")), nil
	}
	return what + ": it goes with the next read-in or run", nil
}
