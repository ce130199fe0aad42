package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

// TestOptOutConfirmationOnly: an opted-out number gets the one auto-reply
// that answers the text which opted it out, and nothing else.
func TestOptOutConfirmationOnly(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	ctx := context.Background()
	n, _ := db.AddNetwork(ctx, store.Network{Name: "O2"})
	sim, _ := db.AddSIM(ctx, store.SIM{NetworkID: n.ID, DailyLimit: 100, Active: true})
	const number = "+447700900123"
	stop, _, err := db.InsertMessage(ctx, store.Message{Direction: store.In, SIMID: sim.ID, Number: number, Text: "STOP", Kind: store.KindInbound})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AddOptOut(ctx, number, stop); err != nil {
		t.Fatal(err)
	}
	older, _, _ := db.InsertMessage(ctx, store.Message{Direction: store.In, SIMID: sim.ID, Number: number, Text: "thanks", Kind: store.KindInbound})
	ids, err := db.Queue(ctx, []store.Message{
		{Direction: store.Out, SIMID: sim.ID, Number: number, Text: "You will not hear from us again", Kind: store.KindAutoreply, ParentID: stop},
		{Direction: store.Out, SIMID: sim.ID, Number: number, Text: "You're welcome", Kind: store.KindAutoreply, ParentID: older},
		{Direction: store.Out, SIMID: sim.ID, Number: number, Text: "Still keen?", Kind: store.KindFollowup},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []error{nil, store.ErrOptedOut, store.ErrOptedOut} {
		err := db.MarkSending(ctx, store.Claim{ID: ids[i], SIMID: sim.ID, Owner: "test", Text: "x", Parts: 1, Limit: -1, CheckOptOut: true})
		if !errors.Is(err, want) && !(want == nil && err == nil) {
			t.Errorf("text %d: MarkSending = %v, want %v", i, err, want)
		}
	}
}
