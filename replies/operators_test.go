package replies

import (
	"errors"
	"testing"

	"github.com/texting-centre/texting/store"
)

// TestTagWithOperators: two operators on one queue. The first tag of a
// group wins and records its operator; the second, conditional, tags
// nothing and says who was first; an undo undoes only the undoer's own
// tags.
func TestTagWithOperators(t *testing.T) {
	f := newFixture(t, Options{})
	a := f.receive("+447700900401", "Cheers").ID
	b := f.receive("+447700900402", "cheers!").ID
	stop := f.receive("+447700900403", "Who are you").ID

	ann := store.TagOptions{Operator: "ann", OnlyUntagged: true}
	sam := store.TagOptions{Operator: "sam", OnlyUntagged: true}
	u, err := f.p.TagWith(f.ctx, a, "Thanks", ann)
	if err != nil || u.Tagged != 2 || u.Operator != "ann" {
		t.Fatalf("ann's tag: %+v %v", u, err)
	}
	for _, id := range []int64{a, b} {
		if m := f.message(id); m.TaggedBy != "ann" || m.Category != "Thanks" || m.CategoryBy != store.ByOperator {
			t.Fatalf("%d: %q by %q (%q)", id, m.Category, m.TaggedBy, m.CategoryBy)
		}
	}
	_, err = f.p.TagWith(f.ctx, b, "Misc", sam)
	var at *store.AlreadyTaggedError
	if !errors.As(err, &at) || at.TaggedBy != "ann" || at.Category != "Thanks" {
		t.Fatalf("sam's tag of the same group: %v", err)
	}
	if m := f.message(b); m.Category != "Thanks" || m.TaggedBy != "ann" {
		t.Fatalf("sam's refused tag changed the text: %+v", m)
	}

	// sam tags another group; ann's undo leaves it alone.
	us, err := f.p.TagWith(f.ctx, stop, "Misc", sam)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.p.Undo(f.ctx, u); err != nil {
		t.Fatal(err)
	}
	if m := f.message(a); m.Category != "" || m.TaggedBy != "" {
		t.Fatalf("ann's undo left %+v", m)
	}
	if m := f.message(stop); m.Category != "Misc" || m.TaggedBy != "sam" {
		t.Fatalf("ann's undo touched sam's tag: %+v", m)
	}

	// ann tags again; sam re-tags one of the texts on the command line
	// (unconditionally); ann's undo then puts back only the one still hers.
	u, err = f.p.TagWith(f.ctx, a, "Thanks", ann)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.p.TagWith(f.ctx, b, "End", store.TagOptions{Operator: "sam"}); err != nil {
		t.Fatal(err)
	}
	if err := f.p.Undo(f.ctx, u); err != nil {
		t.Fatal(err)
	}
	if m := f.message(a); m.Category != "" {
		t.Fatalf("ann's own text stayed %q", m.Category)
	}
	if m := f.message(b); m.Category != "End" || m.TaggedBy != "sam" {
		t.Fatalf("ann's undo took sam's re-tag: %+v", m)
	}
	// sam's undo of the whole of it when nothing is his any more.
	if _, err := f.p.TagWith(f.ctx, stop, "Thanks", store.TagOptions{Operator: "ann"}); err != nil {
		t.Fatal(err)
	}
	if err := f.p.Undo(f.ctx, us); err == nil {
		t.Fatal("sam undid ann's re-tag")
	}
	if m := f.message(stop); m.Category != "Thanks" || m.TaggedBy != "ann" {
		t.Fatalf("after sam's refused undo: %+v", m)
	}
}
