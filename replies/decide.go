package replies

import (
	"context"
	"strconv"

	"github.com/texting-centre/texting/classify"
	"github.com/texting-centre/texting/store"
)

// factSource answers what the automatic rules ask about one inbound text.
// decide asks in rule order and stops at the first rule that settles the
// text, so a source may answer lazily: the pipeline's (lazyFacts) reads the
// database or runs the model only when decide gets that far, and a text
// settled by its opt-out words costs no lookup at all.
type factSource interface {
	// hasOptOut: the text has opt-out words (classify.IsOptOut).
	hasOptOut() bool
	// followedUp: our last text to the sender was a follow-up.
	followedUp() (bool, error)
	// remembered is the category the operator gave an earlier text with the
	// same normalised form; 0 for none.
	remembered() (int64, error)
	// predicted is the category the learned model picks, 0 for none, and
	// its calibrated confidence.
	predicted() (id int64, conf float64)
}

// facts is a factSource of values known up front (TestDecide builds them).
type facts struct {
	optOut        bool
	afterFollowup bool
	memory        int64
	guess         int64
	conf          float64
}

func (f facts) hasOptOut() bool             { return f.optOut }
func (f facts) followedUp() (bool, error)   { return f.afterFollowup, nil }
func (f facts) remembered() (int64, error)  { return f.memory, nil }
func (f facts) predicted() (int64, float64) { return f.guess, f.conf }

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
// A memory or guess naming a category that no longer exists is ignored.
// This is the one place the rule order is written: decide asks f for each
// fact only when the rules before it did not settle the text (and asks
// nothing for rule 2 when no category has the Followup reply role), so the
// database lookups and the model prediction behind a lazy source run only
// when needed. It is otherwise pure, so every order and edge is tested in a
// table (TestDecide), and what it asks in TestDecideAsksInOrder.
func decide(f factSource, cats categories, threshold float64) (decision, error) {
	if f.hasOptOut() {
		if c, ok := cats.role[store.RoleEnd]; ok {
			return decision{cat: c, by: store.ByRule, optOut: true}, nil
		}
		return decision{optOut: true}, nil
	}
	if c, ok := cats.role[store.RoleFollowupReply]; ok {
		after, err := f.followedUp()
		if err != nil {
			return decision{}, err
		}
		if after {
			return decision{cat: c, by: store.ByRule}, nil
		}
	}
	memory, err := f.remembered()
	if err != nil {
		return decision{}, err
	}
	if c, ok := cats.byID[memory]; ok && memory != 0 {
		return decision{cat: c, by: store.ByMemory}, nil
	}
	guess, conf := f.predicted()
	if c, ok := cats.byID[guess]; ok && guess != 0 && conf >= threshold {
		return decision{cat: c, by: store.ByModel, conf: conf}, nil
	}
	return decision{}, nil
}

// lazyFacts is the pipeline's factSource for a stored inbound text m: each
// answer is read from the transaction or the model when decide asks for it.
// The opt-out words were looked for before (they need no database).
type lazyFacts struct {
	ctx    context.Context
	tx     *store.Intake
	model  *classify.Model
	m      store.Message
	optOut bool
}

func (f lazyFacts) hasOptOut() bool { return f.optOut }

func (f lazyFacts) followedUp() (bool, error) {
	if f.m.Number == "" {
		return false, nil
	}
	kind, err := f.tx.LastOutKind(f.ctx, f.m.Number, f.m.At.Add(clockSkew))
	if err != nil {
		return false, err // the store says which number
	}
	return kind == store.KindFollowup, nil
}

func (f lazyFacts) remembered() (int64, error) {
	id, ok, err := f.tx.Memory(f.ctx, f.m.Norm)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, nil
	}
	return id, nil
}

func (f lazyFacts) predicted() (int64, float64) {
	if f.model == nil {
		return 0, 0
	}
	name, conf := f.model.Predict(f.m.Text)
	id, err := strconv.ParseInt(name, 10, 64)
	if err != nil {
		return 0, 0
	}
	return id, conf
}
