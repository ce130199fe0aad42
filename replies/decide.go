package replies

import (
	"context"
	"strconv"

	"github.com/texting-centre/texting/store"
)

// facts is what the pipeline knows about one inbound text when it sorts it:
// everything the automatic rules look at, gathered from the text, the
// database and the model before decide runs.
type facts struct {
	// optOut: the text has opt-out words (classify.IsOptOut).
	optOut bool
	// afterFollowup: our last text to the sender was a follow-up.
	afterFollowup bool
	// memory is the category the operator gave an earlier text with the same
	// normalised form; 0 for none.
	memory int64
	// guess is the category the learned model picks, 0 for none, and conf its
	// calibrated confidence.
	guess int64
	conf  float64
}

// categories are the categories the rules may give: every category by id,
// and those with a role (store.RoleEnd, store.RoleFollowupReply, ...) by role.
type categories struct {
	byID map[int64]store.Category
	role map[string]store.Category
}

// decision is the automatic category of one text. A zero By means the text
// waits for the operator in the review queue.
type decision struct {
	cat  store.Category
	by   store.By
	conf float64 // the model's confidence, for store.ByModel only
	// optOut: the number goes on the opt-out list, whatever the category
	// (also when there is none).
	optOut bool
}

// decide is the one categoriser: the automatic rules of docs/ARCHITECTURE.md
// (Receiving), first that applies wins:
//  1. opt-out words → the End category, by rule, and the number on the
//     opt-out list. With no End category the number still goes on the list
//     (an opt-out is never lost to the configuration) but the text gets no
//     category: it waits for the operator, and rules 2–4 are not tried, as
//     they could put an opt-out in a category with an auto-reply;
//  2. our last text to the sender was a follow-up → the Followup reply
//     category, by rule (off when no category has that role);
//  3. the operator categorised a text with the same normalised form → that
//     category, from memory;
//  4. the model's guess with a confidence at or above threshold → that
//     category, by model;
//  5. otherwise nothing: the review queue.
//
// A memory or guess naming a category that no longer exists is ignored. It
// is pure, so every order and edge is tested in a table (TestDecide).
func decide(f facts, cats categories, threshold float64) decision {
	if f.optOut {
		if c, ok := cats.role[store.RoleEnd]; ok {
			return decision{cat: c, by: store.ByRule, optOut: true}
		}
		return decision{optOut: true}
	}
	if f.afterFollowup {
		if c, ok := cats.role[store.RoleFollowupReply]; ok {
			return decision{cat: c, by: store.ByRule}
		}
	}
	if c, ok := cats.byID[f.memory]; ok && f.memory != 0 {
		return decision{cat: c, by: store.ByMemory}
	}
	if c, ok := cats.byID[f.guess]; ok && f.guess != 0 && f.conf >= threshold {
		return decision{cat: c, by: store.ByModel, conf: f.conf}
	}
	return decision{}
}

// gather reads what decide needs about a stored inbound text m: whether our
// last text to the sender was a follow-up, the memory of its normalised
// form, and the model's guess. The opt-out words were looked for before.
func (p *Pipeline) gather(ctx context.Context, tx *store.Intake, e *env, m store.Message, optOut bool) (facts, error) {
	f := facts{optOut: optOut}
	if m.Number != "" {
		kind, err := tx.LastOutKind(ctx, m.Number, m.At.Add(clockSkew))
		if err != nil {
			return facts{}, err
		}
		f.afterFollowup = kind == store.KindFollowup
	}
	id, ok, err := tx.Memory(ctx, m.Norm)
	if err != nil {
		return facts{}, err
	}
	if ok {
		f.memory = id
	}
	if e.model != nil {
		name, conf := e.model.Predict(m.Text)
		if id, err := strconv.ParseInt(name, 10, 64); err == nil {
			f.guess, f.conf = id, conf
		}
	}
	return f, nil
}
