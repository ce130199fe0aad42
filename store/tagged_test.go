package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

// TestTagSimilarAsFirstWins checks that a conditional tag records who made
// it and when, on the group, and that a second conditional tag of the group
// — from another operator, on another handle — changes nothing and says who
// was first.
func TestTagSimilarAsFirstWins(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	storetest.FixClock(db, inboundT0)
	thanks, _ := db.CategoryByName(ctx, "Thanks")
	misc, _ := db.CategoryByName(ctx, "Misc")
	in := func(number, text string) int64 {
		id, _, err := db.InsertMessage(ctx, store.Message{Direction: store.In, Number: number, Text: text,
			Norm: text, Kind: store.KindInbound})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	a, twin, other := in("+447700900001", "thanks"), in("+447700900002", "thanks"), in("+447700900003", "who")

	var before []store.CategoryState
	err := db.Intake(ctx, func(tx *store.Intake) (err error) {
		before, err = tx.TagSimilarAs(ctx, a, thanks.ID, store.TagOptions{Operator: "ann", OnlyUntagged: true})
		return err
	})
	if err != nil || len(before) != 2 {
		t.Fatalf("first tag: %v %+v", err, before)
	}
	for _, id := range []int64{a, twin} {
		m, _ := db.Message(ctx, id)
		if m.Category != "Thanks" || m.CategoryBy != "operator" || m.TaggedBy != "ann" || !m.TaggedAt.Equal(inboundT0) {
			t.Fatalf("message %d: %q by %q / %q at %v", id, m.Category, m.CategoryBy, m.TaggedBy, m.TaggedAt)
		}
	}
	if m, _ := db.Message(ctx, other); m.TaggedBy != "" || m.Category != "" {
		t.Fatalf("an unlike text was tagged: %+v", m)
	}

	// The second operator, on the twin and on the first text.
	otherHandle, err := store.Open(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer otherHandle.Close()
	for _, id := range []int64{a, twin} {
		err = otherHandle.Intake(ctx, func(tx *store.Intake) error {
			_, err := tx.TagSimilarAs(ctx, id, misc.ID, store.TagOptions{Operator: "sam", OnlyUntagged: true})
			return err
		})
		var at *store.AlreadyTaggedError
		if !errors.As(err, &at) || !errors.Is(err, store.ErrAlreadyTagged) {
			t.Fatalf("second tag of %d: %v", id, err)
		}
		if at.TaggedBy != "ann" || at.Category != "Thanks" || !at.At.Equal(inboundT0) {
			t.Fatalf("second tag of %d: %+v", id, at)
		}
		if m, _ := db.Message(ctx, id); m.Category != "Thanks" || m.TaggedBy != "ann" {
			t.Fatalf("the second tag changed %d: %+v", id, m)
		}
	}

	// Unconditional (the command line's explicit re-tag) still re-tags.
	err = db.Intake(ctx, func(tx *store.Intake) error {
		_, err := tx.TagSimilarAs(ctx, a, misc.ID, store.TagOptions{Operator: "sam"})
		return err
	})
	if m, _ := db.Message(ctx, a); err != nil || m.Category != "Misc" || m.TaggedBy != "sam" {
		t.Fatalf("re-tag: %v %+v", err, m)
	}
	// Restoring puts the name and time back too.
	if err := db.Intake(ctx, func(tx *store.Intake) error { return tx.RestoreCategories(ctx, before) }); err != nil {
		t.Fatal(err)
	}
	if m, _ := db.Message(ctx, a); m.Category != "" || m.TaggedBy != "" || !m.TaggedAt.IsZero() {
		t.Fatalf("restored: %+v", m)
	}
}

// TestTagSimilarAsRace: operators on separate handles tagging one group at
// the same moment — exactly one wins, the others are told who.
func TestTagSimilarAsRace(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	thanks, _ := db.CategoryByName(ctx, "Thanks")
	id, _, err := db.InsertMessage(ctx, store.Message{Direction: store.In, Number: "+447700900001", Text: "ta",
		Norm: "ta", Kind: store.KindInbound})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"ann", "sam", "kim", "lee"}
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		h, err := store.Open(ctx, db.Path())
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = h.Intake(ctx, func(tx *store.Intake) error {
				_, err := tx.TagSimilarAs(ctx, id, thanks.ID, store.TagOptions{Operator: name, OnlyUntagged: true})
				return err
			})
		}()
	}
	wg.Wait()
	m, _ := db.Message(ctx, id)
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
			if m.TaggedBy != names[i] {
				t.Errorf("%s won but the text says %q", names[i], m.TaggedBy)
			}
		case errors.Is(err, store.ErrAlreadyTagged):
		default:
			t.Errorf("%s: %v", names[i], err)
		}
	}
	if won != 1 {
		t.Fatalf("%d operators won: %v", won, errs)
	}
}
