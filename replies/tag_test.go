package replies

import (
	"errors"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
)

// TestTagSimilar checks that the operator's category goes to every
// uncategorised text that is the same after normalisation, and to nothing
// else; and that Undo puts everything back.
func TestTagSimilar(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	same := []string{"Yes please", "yes please!", "YES   PLEASE", "yes, please.", " Yes please!!! "}
	var ids []int64
	for i, text := range same {
		ids = append(ids, f.receive("+44770090030"+string(rune('0'+i)), text).ID)
	}
	other := f.receive("+447700900310", "yes please call me").ID
	// A text like them that a rule already sorted keeps its category.
	f.sent("+447700900311", store.KindFollowup)
	followupReply := f.receive("+447700900311", "Yes please")
	if followupReply.Category != "Followup reply" {
		t.Fatalf("setup: %q", followupReply.Category)
	}
	epoch0, err := f.db.ClassifierEpoch(f.ctx)
	if err != nil {
		t.Fatal(err)
	}

	u, err := f.p.Tag(f.ctx, ids[2], "thanks")
	if err != nil {
		t.Fatal(err)
	}
	if u.Tagged != len(same) || u.IDs[0] != ids[2] || u.Category != "Thanks" {
		t.Fatalf("tagged %d (%v) as %q, want %d starting with %d as Thanks", u.Tagged, u.IDs, u.Category, len(same), ids[2])
	}
	for _, id := range ids {
		if m := f.message(id); m.Category != "Thanks" || m.CategoryBy != store.ByOperator {
			t.Fatalf("%q: %q by %q", m.Text, m.Category, m.CategoryBy)
		}
	}
	if m := f.message(other); m.Category != "" {
		t.Fatalf("a different text was tagged %q", m.Category)
	}
	if m := f.message(followupReply.ID); m.Category != "Followup reply" || m.CategoryBy != store.ByRule {
		t.Fatalf("an already sorted text became %q by %q", m.Category, m.CategoryBy)
	}
	if e, _ := f.db.ClassifierEpoch(f.ctx); e == epoch0 {
		t.Fatal("tagging did not mark the model stale")
	}
	// The next text like them is sorted by memory.
	if out := f.receive("+447700900320", "yes please"); out.Category != "Thanks" || out.By != store.ByMemory {
		t.Fatalf("after tagging: %q by %q", out.Category, out.By)
	}

	if err := f.p.Undo(f.ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if m := f.message(id); m.Category != "" || m.CategoryBy != "" {
			t.Fatalf("after undo %q: %q by %q", m.Text, m.Category, m.CategoryBy)
		}
	}

	// Package-level Tag and Untag, as the TUI and `replies tag` use them.
	n, err := Tag(f.ctx, f.db, ids[0], "Misc")
	if err != nil || n != len(same) {
		t.Fatalf("Tag: %d, %v", n, err)
	}
	if err := Untag(f.ctx, f.db, ids); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if m := f.message(id); m.Category != "" {
			t.Fatalf("after untag %q: %q", m.Text, m.Category)
		}
	}
	if _, err := Tag(f.ctx, f.db, ids[0], "No such category"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown category: %v", err)
	}
	if _, err := Tag(f.ctx, f.db, 999999, "Misc"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown message: %v", err)
	}
}

// TestTagReplacesModelGuess checks that the operator can correct a text the
// model or memory sorted, and Undo gives the guess back.
func TestTagReplacesModelGuess(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	addCategory(f, "Interested", store.FollowupBasic)
	addCategory(f, "Wrong number", store.FollowupNone)
	f.teach(corpus())
	out := f.receive("+447700900400", "thanks very much indeed")
	if out.By != store.ByModel {
		t.Fatalf("setup: %q by %q", out.Category, out.By)
	}
	u, err := f.p.Tag(f.ctx, out.ID, "Interested")
	if err != nil {
		t.Fatal(err)
	}
	if m := f.message(out.ID); m.Category != "Interested" || m.CategoryBy != store.ByOperator || m.HasConf {
		t.Fatalf("after tag: %q by %q (confidence %v)", m.Category, m.CategoryBy, m.HasConf)
	}
	if err := f.p.Undo(f.ctx, u); err != nil {
		t.Fatal(err)
	}
	m := f.message(out.ID)
	if m.Category != out.Category || m.CategoryBy != store.ByModel || !m.HasConf || m.Confidence != out.Confidence {
		t.Fatalf("after undo: %q by %q (%v)", m.Category, m.CategoryBy, m.Confidence)
	}
}

// TestTagOptOutUndo checks that undoing a tag into End takes the opt-out and
// the queued confirmation back, but a rule's opt-out stays.
func TestTagOptOutUndo(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	f.setAutoreply("End", "You will get no more texts from us.")
	out := f.receive("+447700900410", "leave me alone")
	u, err := f.p.Tag(f.ctx, out.ID, "End")
	if err != nil {
		t.Fatal(err)
	}
	if !f.optedOut("+447700900410") || len(f.autoreplies("+447700900410")) != 1 {
		t.Fatal("tag into End: no opt-out or no confirmation")
	}
	if err := f.p.Undo(f.ctx, u); err != nil {
		t.Fatal(err)
	}
	if f.optedOut("+447700900410") || len(f.autoreplies("+447700900410")) != 0 {
		t.Fatal("undo left the opt-out or the confirmation")
	}

	stop := f.receive("+447700900411", "STOP")
	if !stop.OptedOut {
		t.Fatal("setup: STOP did not opt out")
	}
	if err := Untag(f.ctx, f.db, []int64{stop.ID}); err != nil {
		t.Fatal(err)
	}
	if !f.optedOut("+447700900411") {
		t.Fatal("untagging a STOP took the number off the opt-out list")
	}
}

// TestRecategorise checks that texts waiting for review are sorted once the
// operator taught the pipeline how.
func TestRecategorise(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	a := f.receive("+447700900420", "Lovely, cheers!")
	b := f.receive("+447700900421", "lovely cheers")
	c := f.receive("+447700900422", "something else entirely")
	for _, o := range []Outcome{a, b, c} {
		if o.Category != "" {
			t.Fatalf("setup: %q", o.Category)
		}
	}
	// The operator categorised the same words elsewhere (say, before an
	// import): the waiting texts were not part of that tag.
	if _, _, err := f.db.InsertMessage(f.ctx, store.Message{Direction: store.In, SIMID: f.sim1.ID, Number: "+447700900423",
		Text: "LOVELY cheers", Norm: "lovely cheers", Kind: store.KindInbound, CategoryID: f.category("Thanks").ID,
		CategoryBy: store.ByOperator}); err != nil {
		t.Fatal(err)
	}
	res, err := f.p.Recategorise(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Checked != 3 || res.Categorised != 2 || res.ByCategory["Thanks"] != 2 {
		t.Fatalf("recategorise: %+v", res)
	}
	for _, id := range []int64{a.ID, b.ID} {
		if m := f.message(id); m.Category != "Thanks" || m.CategoryBy != store.ByMemory {
			t.Fatalf("%q: %q by %q", m.Text, m.Category, m.CategoryBy)
		}
	}
	if m := f.message(c.ID); m.Category != "" {
		t.Fatalf("%q: %q", m.Text, m.Category)
	}
	// A second run finds only what is still waiting.
	res, err = f.p.Recategorise(f.ctx)
	if err != nil || res.Checked != 1 || res.Categorised != 0 {
		t.Fatalf("second run: %+v, %v", res, err)
	}
}

// TestModelCache checks that the model is trained once per change of the
// operator's categorisations, cached in the database, and used by another
// pipeline (another process) without training.
func TestModelCache(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	addCategory(f, "Interested", store.FollowupBasic)
	addCategory(f, "Wrong number", store.FollowupNone)
	f.teach(corpus())
	if _, err := f.p.Model(f.ctx); err != nil {
		t.Fatal(err)
	}
	epoch, _ := f.db.ClassifierEpoch(f.ctx)
	cached, ok, err := f.db.ClassifierModel(f.ctx)
	if err != nil || !ok {
		t.Fatalf("no cached model: %v", err)
	}
	if cached.Epoch != epoch || cached.Examples != 80 || len(cached.Blob) == 0 {
		t.Fatalf("cached model: epoch %d (now %d), %d examples, %d bytes", cached.Epoch, epoch, cached.Examples, len(cached.Blob))
	}
	// Another pipeline loads it: same predictions, and no retraining (the
	// cached row is unchanged).
	other := New(f.db, Options{})
	m1, _ := f.p.Model(f.ctx)
	m2, err := other.Model(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"thanks very much indeed", "who is this", "price?"} {
		c1, p1 := m1.Predict(text)
		c2, p2 := m2.Predict(text)
		if c1 != c2 || p1 != p2 {
			t.Fatalf("%q: %s %.3f from the trained model, %s %.3f from the cache", text, c1, p1, c2, p2)
		}
	}
	again, _, _ := f.db.ClassifierModel(f.ctx)
	if !again.TrainedAt.Equal(cached.TrainedAt) || again.Epoch != cached.Epoch {
		t.Fatal("loading the cached model trained it again")
	}
	// A new categorisation makes it stale; the next use trains again.
	f.advance(time.Hour)
	out := f.receive("+447700900430", "who is calling")
	if _, err := f.p.Tag(f.ctx, out.ID, "Wrong number"); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Model(f.ctx); err != nil {
		t.Fatal(err)
	}
	fresh, _, _ := f.db.ClassifierModel(f.ctx)
	if fresh.Examples != 81 || !fresh.TrainedAt.After(cached.TrainedAt) {
		t.Fatalf("after a new categorisation: %d examples, trained %v", fresh.Examples, fresh.TrainedAt)
	}
}

// TestEvaluate checks the cross-validation report on the operator's data.
func TestEvaluate(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	addCategory(f, "Interested", store.FollowupBasic)
	addCategory(f, "Wrong number", store.FollowupNone)
	f.teach(corpus())
	// Duplicates after normalisation count once.
	out := f.receive("+447700900440", "THANKS!!!")
	if out.By != store.ByMemory {
		t.Fatalf("setup: %q by %q", out.Category, out.By)
	}
	if _, err := f.p.Tag(f.ctx, out.ID, "Thanks"); err != nil {
		t.Fatal(err)
	}
	ev, err := f.p.Evaluate(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Texts != 81 || ev.Examples != 80 || ev.Folds != EvalFolds {
		t.Fatalf("texts %d, examples %d, folds %d", ev.Texts, ev.Examples, ev.Folds)
	}
	names := map[string]int{}
	for _, c := range ev.PerCategory {
		names[c.Category] = c.Support
	}
	if names["Thanks"] != 30 || names["Interested"] != 30 || names["Wrong number"] != 20 {
		t.Fatalf("per category: %+v", ev.PerCategory)
	}
	if ev.Accuracy < 0.6 || ev.Threshold != 0.9 {
		t.Fatalf("accuracy %.2f, threshold %.2f", ev.Accuracy, ev.Threshold)
	}
}

// TestModelRefreshInBackground checks that the writer of serve is not held
// up by training: a stale model is returned at once and replaced when the
// new one is ready.
func TestModelRefreshInBackground(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	addCategory(f, "Interested", store.FollowupBasic)
	addCategory(f, "Wrong number", store.FollowupNone)
	f.teach(corpus())
	old, err := f.p.Model(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := f.receive("+447700900450", "who is calling")
	if _, err := f.p.Tag(f.ctx, out.ID, "Wrong number"); err != nil {
		t.Fatal(err)
	}
	got, err := f.p.model(f.ctx, true)
	if err != nil || got != old {
		t.Fatalf("stale allowed: got a different model (%v) at once", err)
	}
	epoch, _ := f.db.ClassifierEpoch(f.ctx)
	deadline := time.Now().Add(20 * time.Second)
	for {
		f.p.mu.Lock()
		done := f.p.modelEpoch == epoch && !f.p.refreshing
		f.p.mu.Unlock()
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the model was never refreshed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	fresh, err := f.p.model(f.ctx, true)
	if err != nil || fresh == old {
		t.Fatalf("after the refresh: same model (%v)", err)
	}
	if cached, _, _ := f.db.ClassifierModel(f.ctx); cached.Epoch != epoch || cached.Examples != 81 {
		t.Fatalf("cached %d examples at epoch %d, want 81 at %d", cached.Examples, cached.Epoch, epoch)
	}
}
