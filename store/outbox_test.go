package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

var noon = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func queue(t *testing.T, db *store.DB, msgs ...store.Message) []int64 {
	t.Helper()
	ids, err := db.Queue(context.Background(), msgs)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func state(t *testing.T, db *store.DB, id int64) store.Queued {
	t.Helper()
	q, err := db.QueuedMessage(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestOutboxLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	storetest.FixClock(db, noon)
	sim := storetest.AddSIM(t, db, "O2", 300)
	ids := queue(t, db, store.Message{SIMID: sim.ID, Number: "+447700900001", Text: "{greeting}, Ann", Kind: store.KindCampaign})
	id := ids[0]

	got, err := db.QueuedFor(ctx, sim.ID, nil, noon, 10)
	if err != nil || len(got) != 1 || got[0].ID != id || got[0].State != store.StateQueued {
		t.Fatalf("QueuedFor = %+v, %v", got, err)
	}
	claim := store.Claim{ID: id, SIMID: sim.ID, Owner: "h:1:1", Text: "Have a good day, Ann", Parts: 1, Limit: 300, DayStart: noon.Add(-12 * time.Hour)}
	if err := db.MarkSending(ctx, claim); err != nil {
		t.Fatal(err)
	}
	q := state(t, db, id)
	if q.State != store.StateSending || q.Owner != "h:1:1" || q.Text != "Have a good day, Ann" || q.Draft != "{greeting}, Ann" {
		t.Fatalf("after MarkSending: %+v", q)
	}
	if err := db.MarkSending(ctx, claim); !errors.Is(err, store.ErrNotQueued) {
		t.Fatalf("second claim: %v, want ErrNotQueued", err)
	}
	// A transient error puts it back with its draft, so the greeting is fresh next time.
	if err := db.Requeue(ctx, id, 0, noon.Add(time.Minute), "network busy"); err != nil {
		t.Fatal(err)
	}
	q = state(t, db, id)
	if q.State != store.StateQueued || q.Text != "{greeting}, Ann" || q.Tries != 1 || !q.NotBefore.Equal(noon.Add(time.Minute)) {
		t.Fatalf("after Requeue: %+v", q)
	}
	if got, _ := db.QueuedFor(ctx, sim.ID, nil, noon, 10); len(got) != 0 {
		t.Fatalf("held-back text offered: %+v", got)
	}
	if got, _ := db.QueuedFor(ctx, sim.ID, nil, noon.Add(time.Minute), 10); len(got) != 1 {
		t.Fatalf("text not offered after its hold: %+v", got)
	}
	if err := db.MarkSending(ctx, claim); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent(ctx, id, "17"); err != nil {
		t.Fatal(err)
	}
	q = state(t, db, id)
	if q.State != store.StateSent || q.Ref != "17" || q.Owner != "" || q.Error != "" {
		t.Fatalf("after MarkSent: %+v", q)
	}
	if err := db.MarkSent(ctx, id, "18"); err == nil {
		t.Fatal("MarkSent on a sent text succeeded")
	}
}

func TestMarkSendingHoldsTheDailyLimitExactly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	storetest.FixClock(db, noon)
	sim := storetest.AddSIM(t, db, "O2", 5)
	var msgs []store.Message
	for i := 0; i < 4; i++ {
		msgs = append(msgs, store.Message{SIMID: sim.ID, Number: "+447700900001", Text: "x", Kind: store.KindManual, Parts: 2})
	}
	ids := queue(t, db, msgs...)
	day := noon.Add(-12 * time.Hour)
	want := []error{nil, nil, store.ErrOverLimit, store.ErrOverLimit}
	for i, id := range ids {
		err := db.MarkSending(ctx, store.Claim{ID: id, SIMID: sim.ID, Owner: "o", Text: "x", Parts: 2, Limit: 5, DayStart: day})
		if !errors.Is(err, want[i]) {
			t.Fatalf("claim %d: %v, want %v", i, err, want[i])
		}
	}
	// One part still fits: 4 used of 5.
	id := queue(t, db, store.Message{SIMID: sim.ID, Number: "+447700900002", Text: "y", Kind: store.KindManual})[0]
	if err := db.MarkSending(ctx, store.Claim{ID: id, SIMID: sim.ID, Owner: "o", Text: "y", Parts: 1, Limit: 5, DayStart: day}); err != nil {
		t.Fatalf("last part: %v", err)
	}
	used, err := db.SentToday(ctx, time.UTC)
	if err != nil || used[sim.ID] != 5 {
		t.Fatalf("SentToday = %v, %v; want 5", used, err)
	}
}

func TestMarkSendingRefusesOptedOut(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	sim := storetest.AddSIM(t, db, "O2", 300)
	ids := queue(t, db,
		store.Message{SIMID: sim.ID, Number: "+447700900001", Text: "x", Kind: store.KindCampaign},
		store.Message{SIMID: sim.ID, Number: "+447700900001", Text: "x", Kind: store.KindManual, Flags: []string{store.FlagForced}},
		store.Message{SIMID: sim.ID, Number: "+447700900001", Text: "x", Kind: store.KindManual})
	if err := db.AddOptOut(ctx, "+447700900001", 0); err != nil {
		t.Fatal(err)
	}
	err := db.MarkSending(ctx, store.Claim{ID: ids[0], SIMID: sim.ID, Owner: "o", Text: "x", Limit: -1, CheckOptOut: true})
	if !errors.Is(err, store.ErrOptedOut) {
		t.Fatalf("campaign text to opted-out number: %v", err)
	}
	if q := state(t, db, ids[0]); q.State != store.StateFailed {
		t.Fatalf("state %s, want failed", q.State)
	}
	// A manual text goes to an opted-out number only when the operator
	// forced it (invariant 3): one queued before the opt-out, or resent,
	// is refused as well.
	if err := db.MarkSending(ctx, store.Claim{ID: ids[1], SIMID: sim.ID, Owner: "o", Text: "x", Limit: -1}); err != nil {
		t.Fatalf("forced manual text: %v", err)
	}
	if err := db.MarkSending(ctx, store.Claim{ID: ids[2], SIMID: sim.ID, Owner: "o", Text: "x", Limit: -1}); !errors.Is(err, store.ErrOptedOut) {
		t.Fatalf("unforced manual text to an opted-out number: %v", err)
	}
}

func TestRecoverSendingLeavesLiveOwners(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	sim := storetest.AddSIM(t, db, "O2", 300)
	ids := queue(t, db,
		store.Message{SIMID: sim.ID, Number: "+447700900001", Text: "a", Kind: store.KindCampaign},
		store.Message{SIMID: sim.ID, Number: "+447700900002", Text: "b", Kind: store.KindCampaign})
	for i, owner := range []string{"dead", "live"} {
		if err := db.MarkSending(ctx, store.Claim{ID: ids[i], SIMID: sim.ID, Owner: owner, Text: "t", Limit: -1}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.RecoverSending(ctx, func(o string) bool { return o == "live" })
	if err != nil || len(got) != 1 || got[0] != ids[0] {
		t.Fatalf("RecoverSending = %v, %v", got, err)
	}
	if q := state(t, db, ids[0]); q.State != store.StateUnknown || q.Error == "" {
		t.Fatalf("dead owner's text: %+v", q)
	}
	if q := state(t, db, ids[1]); q.State != store.StateSending {
		t.Fatalf("live owner's text: %s", q.State)
	}
	// Unknown counts as sent for the allowance and for de-duplication.
	used, _ := db.SentToday(ctx, time.UTC)
	if used[sim.ID] != 2 {
		t.Fatalf("parts counted %d, want 2", used[sim.ID])
	}
	texted, err := db.CampaignTexted(ctx, []string{"+447700900001"}, time.Time{})
	if err != nil || !texted["+447700900001"] {
		t.Fatalf("unknown text not counted for de-duplication: %v %v", texted, err)
	}
}

func TestOperatorResendAndFail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	sim := storetest.AddSIM(t, db, "O2", 300)
	ids := queue(t, db,
		store.Message{SIMID: sim.ID, Number: "+447700900001", Text: "{greeting} a", Kind: store.KindCampaign},
		store.Message{SIMID: sim.ID, Number: "+447700900002", Text: "b", Kind: store.KindCampaign})
	for _, id := range ids {
		if err := db.MarkSending(ctx, store.Claim{ID: id, SIMID: sim.ID, Owner: "x", Text: "Hi a", Limit: -1}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.RecoverSending(ctx, func(string) bool { return false }); err != nil {
		t.Fatal(err)
	}
	unknown, err := db.Outbox(ctx, []string{store.StateUnknown})
	if err != nil || len(unknown) != 2 {
		t.Fatalf("Outbox(unknown) = %d, %v", len(unknown), err)
	}
	if err := db.Resend(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if q := state(t, db, ids[0]); q.State != store.StateQueued || q.Text != "{greeting} a" {
		t.Fatalf("after Resend: %+v", q)
	}
	if err := db.Fail(ctx, ids[1], ""); err != nil {
		t.Fatal(err)
	}
	if q := state(t, db, ids[1]); q.State != store.StateFailed || q.Error == "" {
		t.Fatalf("after Fail: %+v", q)
	}
	for _, tc := range []struct {
		name string
		fn   func() error
	}{
		{"resend queued", func() error { return db.Resend(ctx, ids[0]) }},
		{"fail failed", func() error { return db.Fail(ctx, ids[1], "") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.fn(); !errors.Is(err, store.ErrWrongState) {
				t.Fatalf("err = %v, want ErrWrongState", err)
			}
		})
	}
	if err := db.Resend(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("resend of a missing text: %v", err)
	}
}

func TestHeartbeat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	move := storetest.FixClock(db, noon)
	if _, ok, _ := db.OwnerHeartbeat(ctx, "a"); ok {
		t.Fatal("heartbeat of an unknown owner")
	}
	if err := db.Heartbeat(ctx, "a", "h", 1); err != nil {
		t.Fatal(err)
	}
	move(time.Minute)
	if err := db.Heartbeat(ctx, "a", "h", 1); err != nil {
		t.Fatal(err)
	}
	at, ok, err := db.OwnerHeartbeat(ctx, "a")
	if err != nil || !ok || !at.Equal(noon.Add(time.Minute)) {
		t.Fatalf("OwnerHeartbeat = %v %v %v", at, ok, err)
	}
	if err := db.DropOwner(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.OwnerHeartbeat(ctx, "a"); ok {
		t.Fatal("dropped owner still has a heartbeat")
	}
}
