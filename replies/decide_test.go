package replies

import (
	"database/sql"
	"errors"
	"slices"
	"testing"

	"github.com/texting-centre/texting/store"
)

// TestDecide checks the rule order of the one categoriser on every edge: each
// rule alone, each rule against every later one that would also apply, the
// threshold, categories that no longer exist, and the roles missing.
func TestDecide(t *testing.T) {
	t.Parallel()
	end := store.Category{ID: 1, Name: "End", OptOut: true, Role: store.RoleEnd}
	fr := store.Category{ID: 2, Name: "Followup reply", Role: store.RoleFollowupReply}
	thanks := store.Category{ID: 3, Name: "Thanks", Role: store.RoleThanks}
	misc := store.Category{ID: 4, Name: "Misc", Role: store.RoleMisc}
	all := func(cs ...store.Category) categories {
		c := categories{byID: map[int64]store.Category{}, role: map[string]store.Category{}}
		for _, x := range cs {
			c.byID[x.ID] = x
			if x.Role != "" {
				c.role[x.Role] = x
			}
		}
		return c
	}
	full := all(end, fr, thanks, misc)
	noEnd := all(fr, thanks, misc)
	noFR := all(end, thanks, misc)
	const threshold = 0.9
	everything := facts{optOut: true, afterFollowup: true, memory: misc.ID, guess: thanks.ID, conf: 0.99}

	tests := []struct {
		name string
		f    facts
		cats categories
		want decision
	}{
		{"1 opt-out alone", facts{optOut: true}, full,
			decision{cat: end, by: store.ByRule, optOut: true}},
		{"1 opt-out beats follow-up, memory and model", everything, full,
			decision{cat: end, by: store.ByRule, optOut: true}},
		{"1 no End: opted out, waits for review", everything, noEnd,
			decision{optOut: true}},
		{"1 no categories at all: opted out, waits", facts{optOut: true}, all(),
			decision{optOut: true}},
		{"2 follow-up reply beats memory and model", facts{afterFollowup: true, memory: misc.ID, guess: thanks.ID, conf: 1}, full,
			decision{cat: fr, by: store.ByRule}},
		{"2 off without a Followup reply category", facts{afterFollowup: true, memory: misc.ID}, noFR,
			decision{cat: misc, by: store.ByMemory}},
		{"2 off without a Followup reply category, nothing else", facts{afterFollowup: true}, noFR,
			decision{}},
		{"3 memory beats a sure model", facts{memory: misc.ID, guess: thanks.ID, conf: 1}, full,
			decision{cat: misc, by: store.ByMemory}},
		{"3 memory of a category since removed falls through to the model", facts{memory: 99, guess: thanks.ID, conf: 0.95}, full,
			decision{cat: thanks, by: store.ByModel, conf: 0.95}},
		{"3 memory may name a role category", facts{memory: end.ID}, full,
			decision{cat: end, by: store.ByMemory}},
		{"4 model above the threshold", facts{guess: thanks.ID, conf: 0.95}, full,
			decision{cat: thanks, by: store.ByModel, conf: 0.95}},
		{"4 model at the threshold", facts{guess: thanks.ID, conf: threshold}, full,
			decision{cat: thanks, by: store.ByModel, conf: threshold}},
		{"5 model under the threshold waits", facts{guess: thanks.ID, conf: 0.89}, full,
			decision{}},
		{"5 model guessing a category since removed waits", facts{guess: 99, conf: 1}, full,
			decision{}},
		{"5 nothing known waits", facts{}, full, decision{}},
		{"5 nothing known, no categories, waits", facts{}, all(), decision{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decide(tt.f, tt.cats, threshold)
			if err != nil || got != tt.want {
				t.Errorf("decide(%+v) = %+v, %v, want %+v", tt.f, got, err, tt.want)
			}
		})
	}
}

// asking is a factSource that notes which facts decide asks for, and fails
// the one named in fail.
type asking struct {
	facts
	fail  string
	asked *[]string
}

func (a asking) ask(name string) error {
	*a.asked = append(*a.asked, name)
	if name == a.fail {
		return errors.New("lookup failed")
	}
	return nil
}

func (a asking) hasOptOut() bool {
	_ = a.ask("optOut")
	return a.facts.hasOptOut()
}

func (a asking) followedUp() (bool, error) {
	if err := a.ask("followUp"); err != nil {
		return false, err
	}
	return a.facts.followedUp()
}

func (a asking) remembered() (int64, error) {
	if err := a.ask("memory"); err != nil {
		return 0, err
	}
	return a.facts.remembered()
}

func (a asking) predicted() (int64, float64) {
	_ = a.ask("model")
	return a.facts.predicted()
}

// TestDecideAsksInOrder checks that decide asks for the facts in rule order
// and stops at the rule that settles the text, so the pipeline's lookups and
// model prediction behind them run only when needed; a failed lookup stops
// it with the error.
func TestDecideAsksInOrder(t *testing.T) {
	t.Parallel()
	end := store.Category{ID: 1, Name: "End", OptOut: true, Role: store.RoleEnd}
	fr := store.Category{ID: 2, Name: "Followup reply", Role: store.RoleFollowupReply}
	misc := store.Category{ID: 4, Name: "Misc", Role: store.RoleMisc}
	full := categories{byID: map[int64]store.Category{1: end, 2: fr, 4: misc},
		role: map[string]store.Category{store.RoleEnd: end, store.RoleFollowupReply: fr, store.RoleMisc: misc}}
	noFR := categories{byID: map[int64]store.Category{1: end, 4: misc},
		role: map[string]store.Category{store.RoleEnd: end, store.RoleMisc: misc}}
	everything := facts{optOut: true, afterFollowup: true, memory: misc.ID, guess: misc.ID, conf: 1}
	tests := []struct {
		name    string
		f       facts
		cats    categories
		fail    string
		asked   []string
		wantErr bool
	}{
		{"opt-out settles it", everything, full, "", []string{"optOut"}, false},
		{"follow-up reply settles it", facts{afterFollowup: true, memory: misc.ID}, full, "", []string{"optOut", "followUp"}, false},
		{"no Followup reply category: not looked up", facts{memory: misc.ID}, noFR, "", []string{"optOut", "memory"}, false},
		{"memory settles it", facts{memory: misc.ID, guess: misc.ID, conf: 1}, full, "", []string{"optOut", "followUp", "memory"}, false},
		{"nothing known: all asked", facts{}, full, "", []string{"optOut", "followUp", "memory", "model"}, false},
		{"follow-up lookup fails", facts{memory: misc.ID}, full, "followUp", []string{"optOut", "followUp"}, true},
		{"memory lookup fails", facts{guess: misc.ID, conf: 1}, full, "memory", []string{"optOut", "followUp", "memory"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var asked []string
			_, err := decide(asking{facts: tt.f, fail: tt.fail, asked: &asked}, tt.cats, 0.9)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want an error: %v", err, tt.wantErr)
			}
			if !slices.Equal(asked, tt.asked) {
				t.Fatalf("asked %v, want %v", asked, tt.asked)
			}
		})
	}
}

// TestOptOutWithoutEndCategory runs opt-out words through the pipeline on a
// database where no category has the End role (the store refuses to remove
// it, so the test takes the role away in SQL, as a hand-edited or restored
// database may have it): the number still goes on the opt-out list, and the
// text waits in the review queue with no category and no auto-reply.
func TestOptOutWithoutEndCategory(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	f.teach(map[string][]string{"Thanks": {"stop it", "stop all"}}) // memory that rule 1 must not reach
	const followedUp = "+447700900700"
	f.sent(followedUp, store.KindFollowup)
	f.setAutoreply("Followup reply", "Thanks for getting back to us.")
	raw, err := sql.Open("sqlite", f.db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(f.ctx, `UPDATE categories SET role = NULL WHERE role = ?`, store.RoleEnd); err != nil {
		t.Fatal(err)
	}

	for _, text := range []string{"STOP", "stop it"} {
		out := f.receive(followedUp, text)
		if out.Category != "" || out.By != "" || out.Autoreply != 0 {
			t.Fatalf("%q: %q by %q, auto-reply %d; want it waiting for review", text, out.Category, out.By, out.Autoreply)
		}
		if m := f.message(out.ID); m.Category != "" || m.CategoryBy != "" {
			t.Fatalf("%q stored in %q by %q", text, m.Category, m.CategoryBy)
		}
		if !f.optedOut(followedUp) {
			t.Fatalf("%q without an End category did not opt %s out", text, followedUp)
		}
	}
	if len(f.autoreplies(followedUp)) != 0 {
		t.Fatal("an auto-reply was queued to an opted-out number")
	}
	// The same words with no End category do not change what happens to
	// other texts: a reply to the follow-up from another number is sorted.
	const other = "+447700900701"
	f.sent(other, store.KindFollowup)
	if out := f.receive(other, "sounds good"); out.Category != "Followup reply" || out.By != store.ByRule || out.OptedOut {
		t.Fatalf("a follow-up reply: %q by %q, opted out %v", out.Category, out.By, out.OptedOut)
	}
}

// TestOptOutWordsWithEndNotOptOut: the operator turned the End category's
// opt-out off; opt-out words still put the number on the list (they do so
// whatever the category says), and the text is filed under End.
func TestOptOutWordsWithEndNotOptOut(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	end := f.category("End")
	end.OptOut = false
	if err := f.db.UpdateCategory(f.ctx, end); err != nil {
		t.Fatal(err)
	}
	const number = "+447700900710"
	out := f.receive(number, "Unsubscribe")
	if out.Category != "End" || out.By != store.ByRule || !out.OptedOut || !f.optedOut(number) {
		t.Fatalf("%q by %q, opted out %v (listed %v)", out.Category, out.By, out.OptedOut, f.optedOut(number))
	}
}
