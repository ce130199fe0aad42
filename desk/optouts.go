package desk

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/texting-centre/texting/phone"
	"github.com/texting-centre/texting/store"
)

// normalise reads a number as an operator typed it, in the configured region.
func (d *Desk) normalise(number string) (string, error) {
	n, err := phone.Normalize(strings.TrimSpace(number), d.Config.Region)
	if err != nil {
		return "", fmt.Errorf("%q: %w", number, err)
	}
	return n, nil
}

// AddOptOut puts number on the opt-out list at the operator's word, with a
// note (who asked, how), and says what it did.
func (d *Desk) AddOptOut(ctx context.Context, number, note string) (string, error) {
	n, err := d.normalise(number)
	if err != nil {
		return "", fmt.Errorf("opt out: %w", err)
	}
	added, err := d.DB.AddOptOutByHand(ctx, n, strings.TrimSpace(note))
	if err != nil {
		return "", err
	}
	if !added {
		o, _, err := d.DB.OptOutFor(ctx, n)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s is on the opt-out list already, since %s", n, DescribeOptOut(o, d.loc())), nil
	}
	d.Logger.Info("opt-out added by hand", "number", n, "note", note)
	return n + " added to the opt-out list: no campaign, follow-up, auto-reply or unforced manual text will reach it", nil
}

// RemoveOptOut takes number off the opt-out list (the person asked to be
// texted again), with a note, and says what it did.
func (d *Desk) RemoveOptOut(ctx context.Context, number, note string) (string, error) {
	n, err := d.normalise(number)
	if err != nil {
		return "", fmt.Errorf("remove opt-out: %w", err)
	}
	if err := d.DB.RemoveOptOut(ctx, n, strings.TrimSpace(note)); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return "", fmt.Errorf("remove opt-out: %s is not on the opt-out list", n)
		}
		return "", err
	}
	d.Logger.Info("opt-out removed by hand", "number", n, "note", note)
	return n + " removed from the opt-out list", nil
}
