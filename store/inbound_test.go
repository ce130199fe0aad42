package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

var inboundT0 = time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC)

func inboundSIM(t *testing.T, db *store.DB) store.SIM {
	t.Helper()
	s, _, err := db.SeenSIM(context.Background(), "234100000000009", "", "", "O2", "/dev/ttyUSB2")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestClassifierEpoch checks that the epoch moves with every change of an
// operator's categorisation, and with nothing else.
func TestClassifierEpoch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	epoch := func() int64 {
		e, err := db.ClassifierEpoch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	thanks, _ := db.CategoryByName(ctx, "Thanks")
	misc, _ := db.CategoryByName(ctx, "Misc")
	own, err := db.AddCategory(ctx, store.Category{Name: "Mine"})
	if err != nil {
		t.Fatal(err)
	}
	in := func(text string) int64 {
		id, _, err := db.InsertMessage(ctx, store.Message{Direction: store.In, Number: "+447700900001", Text: text,
			Norm: text, Kind: store.KindInbound})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	a, b := in("a"), in("b")
	steps := []struct {
		name   string
		do     func(tx *store.Intake) error
		change bool
	}{
		{"model guess", func(tx *store.Intake) error { return tx.SetCategory(ctx, a, thanks.ID, "model", 0.95) }, false},
		{"operator tags", func(tx *store.Intake) error { return tx.SetCategory(ctx, a, misc.ID, "operator", 0) }, true},
		{"operator re-tags", func(tx *store.Intake) error { return tx.SetCategory(ctx, a, own.ID, "operator", 0) }, true},
		{"same again", func(tx *store.Intake) error { return tx.SetCategory(ctx, a, own.ID, "operator", 0) }, false},
		{"rule on another", func(tx *store.Intake) error { return tx.SetCategory(ctx, b, thanks.ID, "rule", 0) }, false},
		{"untag", func(tx *store.Intake) error { return tx.SetCategory(ctx, a, 0, "", 0) }, true},
		{"tag similar", func(tx *store.Intake) error { _, err := tx.TagSimilar(ctx, a, own.ID); return err }, true},
	}
	for _, s := range steps {
		before := epoch()
		if err := db.Intake(ctx, s.do); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := epoch() != before; got != s.change {
			t.Fatalf("%s: epoch changed = %v, want %v", s.name, got, s.change)
		}
	}
	// A category with texts cannot be removed (history is never detached);
	// merging it into another moves the operator's texts, and the model
	// learns it.
	if err := db.DeleteCategory(ctx, own.ID); !errors.Is(err, store.ErrInUse) {
		t.Fatalf("removing a category with texts: %v, want ErrInUse", err)
	}
	before := epoch()
	if n, err := db.MergeCategory(ctx, own.ID, misc.ID); err != nil || n != 1 {
		t.Fatalf("merge: %d moved, %v; want 1", n, err)
	}
	if epoch() == before {
		t.Fatal("merging a category the operator used left the epoch")
	}
	ex, _, err := db.OperatorExamples(ctx)
	if err != nil || len(ex) != 1 || ex[0].CategoryID != misc.ID {
		t.Fatalf("examples after the merge: %+v, %v; want one in Misc", ex, err)
	}
}

// TestClassifierModelCache checks that a cached model is replaced only by
// one of a later epoch.
func TestClassifierModelCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	if _, ok, err := db.ClassifierModel(ctx); ok || err != nil {
		t.Fatalf("empty cache: %v %v", ok, err)
	}
	save := func(epoch int64, blob string) {
		if err := db.SaveClassifierModel(ctx, store.CachedModel{Epoch: epoch, TrainedAt: inboundT0, Examples: 3,
			Blob: []byte(blob)}); err != nil {
			t.Fatal(err)
		}
	}
	save(5, "five")
	save(4, "four") // a slower process trained on older data
	m, ok, err := db.ClassifierModel(ctx)
	if err != nil || !ok || m.Epoch != 5 || string(m.Blob) != "five" || !m.TrainedAt.Equal(inboundT0) {
		t.Fatalf("cache %+v %v %v", m, ok, err)
	}
	save(6, "six")
	if m, _, _ := db.ClassifierModel(ctx); string(m.Blob) != "six" {
		t.Fatalf("newer model not cached: %q", m.Blob)
	}
}

// TestFragments checks storing, finding and consuming the parts of a long
// text, and that a consumed part read again is known.
func TestFragments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	advance := storetest.FixClock(db, inboundT0)
	sim := inboundSIM(t, db)
	g := store.FragmentGroup{SIMID: sim.ID, Number: "+447700900001", ConcatRef: 7, Total: 3}
	part := func(seq int, key string) store.Fragment {
		return store.Fragment{SIMID: sim.ID, Number: g.Number, ConcatRef: 7, Total: 3, Seq: seq, Text: key,
			SentAt: inboundT0.Add(-time.Minute), PDU: "00" + key, DedupeKey: key}
	}
	insert := func(f store.Fragment) bool {
		var dup bool
		err := db.Intake(ctx, func(tx *store.Intake) (err error) {
			dup, err = tx.InsertFragment(ctx, f)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return dup
	}
	if insert(part(2, "k2")) || insert(part(1, "k1")) || !insert(part(1, "k1")) {
		t.Fatal("duplicate detection of waiting parts")
	}
	// Another group (other reference) does not mix in.
	other := part(3, "x3")
	other.ConcatRef = 8
	insert(other)
	var parts []store.Fragment
	db.Intake(ctx, func(tx *store.Intake) (err error) {
		parts, err = tx.Fragments(ctx, g)
		return err
	})
	if len(parts) != 2 || parts[0].Seq != 1 || parts[1].Seq != 2 || parts[0].PDU != "00k1" ||
		!parts[0].SentAt.Equal(inboundT0.Add(-time.Minute)) || !parts[0].ReceivedAt.Equal(inboundT0) {
		t.Fatalf("parts %+v", parts)
	}
	advance(25 * time.Hour)
	stale, err := db.StaleFragmentGroups(ctx, db.Now().Add(-24*time.Hour))
	if err != nil || len(stale) != 2 {
		t.Fatalf("stale groups %v %v", stale, err)
	}
	if stale, _ := db.StaleFragmentGroups(ctx, inboundT0.Add(-time.Hour)); len(stale) != 0 {
		t.Fatalf("groups stale too early: %v", stale)
	}
	var msgID int64
	err = db.Intake(ctx, func(tx *store.Intake) error {
		id, _, err := tx.InsertMessage(ctx, store.Message{Direction: store.In, SIMID: sim.ID, Number: g.Number,
			Text: "k1k2…", Kind: store.KindInbound, DedupeKey: "parts:x"})
		if err != nil {
			return err
		}
		msgID = id
		return tx.ConsumeFragments(ctx, parts, id)
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountFragments(ctx); n != 1 {
		t.Fatalf("%d fragments left, want the other group's 1", n)
	}
	if !insert(part(2, "k2")) {
		t.Fatal("a joined part read again was stored again")
	}
	if n, _ := db.CountFragments(ctx); n != 1 || msgID == 0 {
		t.Fatalf("%d fragments", n)
	}
}

// TestApplyModemReport checks which outgoing text a delivery report updates.
func TestApplyModemReport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	advance := storetest.FixClock(db, inboundT0)
	sim := inboundSIM(t, db)
	out := func(number, ref, state string) int64 {
		id, _, err := db.InsertMessage(ctx, store.Message{Direction: store.Out, SIMID: sim.ID, Number: number, Text: "x",
			Kind: store.KindCampaign, State: state, Ref: ref})
		if err != nil {
			t.Fatal(err)
		}
		advance(time.Minute)
		return id
	}
	old := out("+447700900001", "12", store.StateSent)
	advance(10 * 24 * time.Hour)
	long := out("+447700900002", "40,41,42", store.StateSent)
	mid := out("+447700900005", "12", store.StateSent)
	recent := out("+447700900003", "12", store.StateSent)
	other := out("+447700900004", "112,120", store.StateSent)
	apply := func(mr int, recipient, state string) (int64, bool) {
		var id int64
		var found bool
		err := db.Intake(ctx, func(tx *store.Intake) (err error) {
			id, found, err = tx.ApplyModemReport(ctx, sim.ID, mr, recipient, state, db.Now().Add(-7*24*time.Hour))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return id, found
	}
	tests := []struct {
		name      string
		mr        int
		recipient string
		state     string
		wantID    int64
		wantState string
	}{
		{"middle part of a long text", 41, "+447700900002", store.StateDelivered, long, store.StateDelivered},
		{"recent text, not the old one with the same reference", 12, "", store.StateFailed, recent, store.StateFailed},
		{"a reference is not a prefix of another", 11, "", store.StateDelivered, 0, ""},
		{"recipient must match", 120, "+447700900009", store.StateDelivered, 0, ""},
		{"recipient in national form is not checked", 120, "07700900004", store.StateExpired, other, store.StateExpired},
		{"delivery does not undo an expiry", 112, "+447700900004", store.StateDelivered, other, store.StateExpired},
		{"failure of another part wins over a delivery", 42, "+447700900002", store.StateFailed, long, store.StateFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, found := apply(tt.mr, tt.recipient, tt.state)
			if found != (tt.wantID != 0) || id != tt.wantID {
				t.Fatalf("report %d → message %d (found %v), want %d", tt.mr, id, found, tt.wantID)
			}
			if tt.wantID != 0 {
				m, _ := db.Message(ctx, tt.wantID)
				if m.State != tt.wantState {
					t.Fatalf("state %q, want %q", m.State, tt.wantState)
				}
			}
		})
	}
	if m, _ := db.Message(ctx, old); m.State != store.StateSent {
		t.Fatalf("a text older than the window changed: %q", m.State)
	}
	if m, _ := db.Message(ctx, mid); m.State != store.StateSent {
		t.Fatalf("an earlier text with the same reference changed: %q", m.State)
	}
}

// TestApplyGatewayStatus checks status callbacks by our id.
func TestApplyGatewayStatus(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	gwNet, _ := db.AddNetwork(ctx, store.Network{Name: "SMSBCAST", Gateway: true})
	gw, _ := db.AddSIM(ctx, store.SIM{NetworkID: gwNet.ID, GatewayURL: "https://x.example/api-adv.php", GatewayUser: "u", GatewayPassword: "p", Active: true})
	o2, _ := db.AddNetwork(ctx, store.Network{Name: "O2"})
	card, _ := db.AddSIM(ctx, store.SIM{NetworkID: o2.ID, Active: true})
	id, _, _ := db.InsertMessage(ctx, store.Message{Direction: store.Out, SIMID: gw.ID, Number: "+61412345678", Text: "x",
		Kind: store.KindCampaign, State: store.StateSent, Ref: ""})
	byDongle, _, _ := db.InsertMessage(ctx, store.Message{Direction: store.Out, SIMID: card.ID, Number: "+61412345678", Text: "x",
		Kind: store.KindCampaign, State: store.StateSent, Ref: ""})
	in, _, _ := db.InsertMessage(ctx, store.Message{Direction: store.In, Number: "+61412345678", Text: "y",
		Kind: store.KindInbound})
	apply := func(id int64, number, state, ref string) bool {
		var found bool
		if err := db.Intake(ctx, func(tx *store.Intake) (err error) {
			found, err = tx.ApplyGatewayStatus(ctx, id, number, state, state, ref)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return found
	}
	if apply(id, "+61499999999", store.StateDelivered, "P1") || apply(in, "", store.StateDelivered, "P1") ||
		apply(999, "", store.StateDelivered, "P1") || apply(byDongle, "", store.StateDelivered, "P1") {
		t.Fatal("applied to the wrong message")
	}
	if !apply(id, "+61412345678", "", "P1") || !apply(id, "", store.StateDelivered, "P2") {
		t.Fatal("not applied")
	}
	m, _ := db.Message(ctx, id)
	if m.State != store.StateDelivered || m.Ref != "P1" {
		t.Fatalf("state %q ref %q", m.State, m.Ref)
	}
	if err := db.Intake(ctx, func(tx *store.Intake) error {
		_, err := tx.ApplyGatewayStatus(ctx, id, "", "bounced", "Bounced", "")
		return err
	}); err == nil {
		t.Fatal("an unknown state was accepted")
	}
}

// TestIntakeWriterWaitsForLock holds the write lock from another connection
// and checks that the writer waits for it, commits, rolls back on error, and
// gives its connection back with the usual busy timeout.
func TestIntakeWriterWaitsForLock(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	other, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	w, err := db.NewIntakeWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	held := make(chan struct{})
	release := make(chan struct{})
	go other.Intake(ctx, func(tx *store.Intake) error {
		close(held)
		<-release
		return nil
	})
	<-held
	time.AfterFunc(150*time.Millisecond, func() { close(release) })
	start := time.Now()
	err = w.Intake(ctx, func(tx *store.Intake) error {
		_, _, err := tx.InsertMessage(ctx, store.Message{Direction: store.In, Number: "+1", Text: "a", Kind: store.KindInbound})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 140*time.Millisecond || waited > 2*time.Second {
		t.Fatalf("waited %v for a lock held 150ms", waited)
	}
	boom := errors.New("boom")
	if err := w.Intake(ctx, func(tx *store.Intake) error {
		tx.InsertMessage(ctx, store.Message{Direction: store.In, Number: "+2", Text: "b", Kind: store.KindInbound})
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("error %v", err)
	}
	// Statements stay prepared across transactions.
	for i := 0; i < 3; i++ {
		if err := w.Intake(ctx, func(tx *store.Intake) error {
			_, err := tx.OptedOut(ctx, "+3")
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountMessages(ctx, store.MessageFilter{}); n != 1 {
		t.Fatalf("%d messages, want 1 (the failed transaction rolled back)", n)
	}
	for i := 0; i < 8; i++ {
		_, busy, _, err := db.Pragmas(ctx)
		if err != nil || busy != int(store.BusyTimeout.Milliseconds()) {
			t.Fatalf("a pooled connection has busy_timeout %d (%v)", busy, err)
		}
	}
}

// TestDigest checks that the digest sees every change.
func TestDigest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	a, err := db.Digest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := a["messages"]; !ok {
		t.Fatalf("no messages table in %v", a)
	}
	b, _ := db.Digest(ctx)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("digest not stable")
	}
	db.SetSetting(ctx, "region", "US")
	c, _ := db.Digest(ctx)
	if c["settings"] == a["settings"] || c["messages"] != a["messages"] {
		t.Fatalf("digest %v → %v", a, c)
	}
}
