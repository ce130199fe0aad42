package replies

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/texting-centre/texting/store"
)

// Undo is what a Tag changed, enough to put it back.
type Undo struct {
	// Tagged is how many texts the tag categorised.
	Tagged int
	// IDs are the texts it categorised, the one the operator chose first.
	IDs []int64
	// Category is the category given.
	Category string
	// Operator is who tagged ("" when no name was given): an undo puts back
	// only the texts that still carry this operator's tag.
	Operator string

	before   []store.CategoryState
	optedOut []int64 // texts that put their number on the opt-out list
	replies  []int64 // texts whose auto-replies the tag queued
}

// Answered returns the texts whose auto-replies the tag queued (their ids).
func (u Undo) Answered() []int64 { return append([]int64(nil), u.replies...) }

// Tag gives the inbound text msgID the category named category, as the
// operator's choice, and gives it also to every uncategorised text that is the
// same after normalisation. It does what the category asks for each of them
// (opt-out, auto-reply) and makes the learned model learn it. It returns how
// many texts were categorised.
func Tag(ctx context.Context, db *store.DB, msgID int64, category string) (tagged int, err error) {
	p, err := NewFromSettings(ctx, db, nil)
	if err != nil {
		return 0, err
	}
	u, err := p.Tag(ctx, msgID, category)
	return u.Tagged, err
}

// Untag makes the given texts uncategorised again: they go back to the
// review queue. For those the operator had categorised, it also takes off the
// opt-out list the numbers they put there and removes their auto-replies that
// are still queued (an opt-out that a rule found stays: the person asked).
// Pipeline.Undo restores a Tag exactly.
func Untag(ctx context.Context, db *store.DB, ids []int64) error {
	err := db.Intake(ctx, func(tx *store.Intake) error {
		var byOperator []int64
		states := make([]store.CategoryState, len(ids))
		for i, id := range ids {
			m, err := tx.Message(ctx, id)
			if err != nil {
				return err
			}
			if m.Direction != store.In {
				return fmt.Errorf("message %d is not a received text", id)
			}
			if m.CategoryBy == store.ByOperator {
				byOperator = append(byOperator, id)
			}
			states[i] = store.CategoryState{ID: id}
		}
		if err := tx.RestoreCategories(ctx, states); err != nil {
			return err
		}
		if _, err := tx.RemoveOptOutsBy(ctx, byOperator); err != nil {
			return err
		}
		_, err := tx.DeleteQueuedReplies(ctx, byOperator)
		return err
	})
	if err != nil {
		return fmt.Errorf("untag: %w", err)
	}
	return nil
}

// Tag is the operator's categorisation of msgID (see the function Tag); the
// returned Undo puts everything back as it was.
func (p *Pipeline) Tag(ctx context.Context, msgID int64, category string) (Undo, error) {
	return p.TagWith(ctx, msgID, category, store.TagOptions{})
}

// TagWith is Tag recording opts.Operator as who tagged; with
// opts.OnlyUntagged a text categorised meanwhile (by another operator, or a
// rule) is left as it is and the error is a *store.AlreadyTaggedError.
func (p *Pipeline) TagWith(ctx context.Context, msgID int64, category string, opts store.TagOptions) (Undo, error) {
	u := Undo{Category: category, Operator: opts.Operator}
	err := p.db.Intake(ctx, func(tx *store.Intake) error {
		u = Undo{Category: category, Operator: opts.Operator}
		e := &env{}
		if err := e.loadCategories(ctx, tx); err != nil {
			return err
		}
		var cat store.Category
		found := false
		for _, c := range e.byID {
			if strings.EqualFold(c.Name, strings.TrimSpace(category)) {
				cat, found = c, true
				break
			}
		}
		if !found {
			return fmt.Errorf("category %q: %w", category, store.ErrNotFound)
		}
		u.Category = cat.Name
		before, err := tx.TagSimilarAs(ctx, msgID, cat.ID, opts)
		if err != nil {
			return err
		}
		u.before = before
		for _, b := range before {
			u.IDs = append(u.IDs, b.ID)
			m, err := tx.Message(ctx, b.ID)
			if err != nil {
				return err
			}
			optedOut, reply, err := p.follow(ctx, tx, m, cat, false)
			if err != nil {
				return err
			}
			if optedOut {
				u.optedOut = append(u.optedOut, m.ID)
			}
			if reply != 0 {
				u.replies = append(u.replies, m.ID)
			}
		}
		u.Tagged = len(u.IDs)
		return nil
	})
	if err != nil {
		return Undo{}, fmt.Errorf("tag message %d: %w", msgID, err)
	}
	p.opts.Logger.Info("texts tagged", "message", msgID, "category", u.Category, "tagged", u.Tagged, "operator", u.Operator)
	return u, nil
}

// Undo puts back what the Tag that returned u changed: the categories the
// texts had before, the opt-outs it added, and its auto-replies that are still
// queued (one already sent cannot be taken back). A text that no longer
// carries u's operator's tag (another operator re-tagged it since) is left
// as it is: an undo undoes only your own tags.
func (p *Pipeline) Undo(ctx context.Context, u Undo) error {
	if len(u.IDs) == 0 {
		return errors.New("undo: nothing to undo")
	}
	err := p.db.Intake(ctx, func(tx *store.Intake) error {
		before, optedOut, replies := u.before, u.optedOut, u.replies
		if u.Operator != "" {
			by, err := tx.TaggedBy(ctx, u.IDs)
			if err != nil {
				return err
			}
			mine := func(id int64) bool { return by[id] == u.Operator }
			before = keep(before, func(s store.CategoryState) bool { return mine(s.ID) })
			optedOut = keep(optedOut, mine)
			replies = keep(replies, mine)
			if len(before) == 0 {
				return fmt.Errorf("those texts were tagged again since, not by %s: nothing of yours to undo", u.Operator)
			}
		}
		if err := tx.RestoreCategories(ctx, before); err != nil {
			return err
		}
		if _, err := tx.RemoveOptOutsBy(ctx, optedOut); err != nil {
			return err
		}
		_, err := tx.DeleteQueuedReplies(ctx, replies)
		return err
	})
	if err != nil {
		return fmt.Errorf("undo tag: %w", err)
	}
	return nil
}

// keep returns the elements of xs that ok accepts.
func keep[T any](xs []T, ok func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if ok(x) {
			out = append(out, x)
		}
	}
	return out
}

// RecategoriseResult counts what Recategorise did.
type RecategoriseResult struct {
	Checked     int            // uncategorised texts looked at
	Categorised int            // of those, categorised now
	ByCategory  map[string]int // how many went to each category
	OptedOut    int            // numbers put on the opt-out list
	Autoreplies int            // auto-replies queued
}

// Recategorise runs the automatic rules again over every uncategorised
// inbound text (after the operator taught the model, added memory, or changed
// the threshold), in batches of one transaction each.
func (p *Pipeline) Recategorise(ctx context.Context) (RecategoriseResult, error) {
	res := RecategoriseResult{ByCategory: map[string]int{}}
	e, err := p.environment(ctx, false)
	if err != nil {
		return res, err
	}
	const batch = 500
	var after int64
	for {
		ids, err := p.db.Uncategorised(ctx, after, batch)
		if err != nil {
			return res, err
		}
		if len(ids) == 0 {
			return res, nil
		}
		after = ids[len(ids)-1]
		var part RecategoriseResult
		err = p.db.Intake(ctx, func(tx *store.Intake) error {
			part = RecategoriseResult{ByCategory: map[string]int{}}
			if err := e.loadCategories(ctx, tx); err != nil {
				return err
			}
			for _, id := range ids {
				m, err := tx.Message(ctx, id)
				if err != nil {
					return err
				}
				if m.CategoryID != 0 || m.HasFlag(store.FlagUndecodable) || m.HasFlag(store.FlagOddNumber) {
					continue // categorised meanwhile, nothing to read, or a sender for the operator to judge
				}
				part.Checked++
				out, err := p.sort(ctx, tx, e, m)
				if err != nil {
					return err
				}
				if out.Category != "" {
					part.Categorised++
					part.ByCategory[out.Category]++
				}
				if out.OptedOut {
					part.OptedOut++
				}
				if out.Autoreply != 0 {
					part.Autoreplies++
				}
			}
			return nil
		})
		if err != nil {
			return res, fmt.Errorf("recategorise: %w", err)
		}
		res.Checked += part.Checked
		res.Categorised += part.Categorised
		res.OptedOut += part.OptedOut
		res.Autoreplies += part.Autoreplies
		for k, v := range part.ByCategory {
			res.ByCategory[k] += v
		}
	}
}
