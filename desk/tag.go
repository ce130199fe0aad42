package desk

import (
	"context"
	"fmt"
	"sync"

	"github.com/texting-centre/texting/replies"
	"github.com/texting-centre/texting/store"
)

// pipeline is the inbound pipeline, made on first use and kept so the
// learned model stays cached between calls.
type pipeline struct {
	once sync.Once
	p    *replies.Pipeline
}

// Replies returns the desk's inbound pipeline.
func (d *Desk) Replies() *replies.Pipeline {
	d.pipe.once.Do(func() { d.pipe.p = replies.New(d.DB, replies.OptionsFrom(d.Config, d.Logger)) })
	return d.pipe.p
}

// Tagged is what Tag did.
type Tagged struct {
	replies.Undo
	// KeptOptOuts are the opt-outs of tagged texts' numbers that stay
	// although the new category is not an opt-out one (a STOP re-tagged as
	// Misc): a front end says so (the CLI) or asks (the TUI).
	KeptOptOuts []store.OptOut
}

// Tag puts the text msgID, and every uncategorised text identical to it,
// in category, with what the category asks (opt-out, auto-reply).
func (d *Desk) Tag(ctx context.Context, msgID int64, category string) (Tagged, error) {
	return d.TagWith(ctx, msgID, category, store.TagOptions{})
}

// TagWith is Tag recording opts.Operator as who tagged; with
// opts.OnlyUntagged a group tagged meanwhile is left alone and the error is
// a *store.AlreadyTaggedError (two operators on one queue: the first wins).
func (d *Desk) TagWith(ctx context.Context, msgID int64, category string, opts store.TagOptions) (Tagged, error) {
	u, err := d.Replies().TagWith(ctx, msgID, category, opts)
	if err != nil {
		return Tagged{}, err
	}
	t := Tagged{Undo: u}
	cat, err := d.DB.CategoryByName(ctx, u.Category)
	if err != nil || cat.OptOut {
		return t, nil
	}
	seen := map[string]bool{}
	for _, id := range u.IDs {
		m, err := d.DB.Message(ctx, id)
		if err != nil {
			return t, fmt.Errorf("tag: %w", err)
		}
		if seen[m.Number] {
			continue
		}
		seen[m.Number] = true
		o, ok, err := d.DB.OptOutFor(ctx, m.Number)
		if err != nil {
			return t, err
		}
		if ok {
			t.KeptOptOuts = append(t.KeptOptOuts, o)
		}
	}
	return t, nil
}

// Untag undoes a Tag.
func (d *Desk) Untag(ctx context.Context, u replies.Undo) error { return d.Replies().Undo(ctx, u) }
