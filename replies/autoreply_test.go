package replies

import (
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
)

const day = 24 * time.Hour

// TestAutoreplyOncePerWindow checks that a category's auto-reply is queued
// once per number per window, from the SIM the text came in on, to the
// texter, and never to a number that cannot be texted back.
func TestAutoreplyOncePerWindow(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{AutoreplyWindow: 30 * day})
	f.setAutoreply("Thanks", "Thanks for your reply!")
	f.setAutoreply("Misc", "We will get back to you.")
	teach := f.receive("+447700900900", "cheers")
	if _, err := f.p.Tag(f.ctx, teach.ID, "Thanks"); err != nil {
		t.Fatal(err)
	}
	misc := f.receive("+447700900901", "see you")
	if _, err := f.p.Tag(f.ctx, misc.ID, "Misc"); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"+447700900900", "+447700900901"} {
		if got := len(f.autoreplies(n)); got != 1 {
			t.Fatalf("operator's tag: %d auto-replies to %s, want 1", got, n)
		}
	}

	const who = "+447700900902"
	first := f.receiveOn(f.sim2.ID, who, "Cheers!")
	if first.Category != "Thanks" || first.Autoreply == 0 {
		t.Fatalf("first reply: %+v", first)
	}
	q := f.message(first.Autoreply)
	if q.Direction != store.Out || q.Kind != store.KindAutoreply || q.State != store.StateQueued ||
		q.SIMID != f.sim2.ID || q.Number != who || q.Text != "Thanks for your reply!" || q.ParentID != first.ID {
		t.Fatalf("queued auto-reply %+v", q)
	}

	steps := []struct {
		name    string
		advance time.Duration
		text    string
		want    bool
	}{
		{"same category the next day", day, "cheers", false},
		{"another category within the window", day, "see you", false},
		{"29 days after the first", 27 * day, "cheers", false},
		{"31 days after the first", 2 * day, "cheers", true},
		{"right after the second", time.Minute, "see you", false},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			f.advance(s.advance)
			out := f.receiveOn(f.sim2.ID, who, s.text)
			if out.Category == "" {
				t.Fatalf("%q was not sorted", s.text)
			}
			if got := out.Autoreply != 0; got != s.want {
				t.Fatalf("auto-reply queued = %v, want %v", got, s.want)
			}
		})
	}
	if got := len(f.autoreplies(who)); got != 2 {
		t.Fatalf("%d auto-replies in all, want 2", got)
	}

	// A failed auto-reply does not use up the window.
	const failed = "+447700900903"
	out := f.receive(failed, "cheers")
	if err := f.db.Fail(f.ctx, out.Autoreply, "test"); err != nil {
		t.Fatal(err)
	}
	if again := f.receive(failed, "cheers"); again.Autoreply == 0 {
		t.Fatal("no auto-reply after the earlier one failed")
	}

	// An alphanumeric sender, and a text with no SIM, get none.
	if out := f.receive("Vodafone", "cheers"); out.Category != "Thanks" || out.Autoreply != 0 {
		t.Fatalf("alphanumeric sender: %+v", out)
	}
	if out := f.receiveOn(0, "+447700900904", "cheers"); out.Category != "Thanks" || out.Autoreply != 0 {
		t.Fatalf("no SIM: %+v", out)
	}
}

// TestAutoreplyOptOut checks that an opted-out number gets no auto-reply,
// except the one confirmation of the opt-out when End has an auto-reply.
func TestAutoreplyOptOut(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	f.setAutoreply("Thanks", "Thanks for your reply!")
	teach := f.receive("+447700900950", "cheers")
	if _, err := f.p.Tag(f.ctx, teach.ID, "Thanks"); err != nil {
		t.Fatal(err)
	}

	// Opted out without a confirmation configured: nothing goes.
	const quiet = "+447700900951"
	if out := f.receive(quiet, "STOP"); !out.OptedOut || out.Autoreply != 0 {
		t.Fatalf("STOP without an End auto-reply: %+v", out)
	}
	if out := f.receive(quiet, "cheers"); out.Category != "Thanks" || out.Autoreply != 0 {
		t.Fatalf("auto-reply to an opted-out number: %+v", out)
	}

	f.setAutoreply("End", "You will get no more texts from us.")
	const who = "+447700900952"
	// An auto-reply yesterday does not hold the confirmation back.
	if out := f.receive(who, "cheers"); out.Autoreply == 0 {
		t.Fatal("setup: no auto-reply")
	}
	f.advance(day)
	stop := f.receive(who, "Stop!")
	if !stop.OptedOut || stop.Autoreply == 0 {
		t.Fatalf("first STOP: %+v", stop)
	}
	if m := f.message(stop.Autoreply); m.Text != "You will get no more texts from us." || m.Number != who {
		t.Fatalf("confirmation %+v", m)
	}
	// Only one confirmation, whatever else they send.
	f.advance(40 * day)
	for _, text := range []string{"STOP", "unsubscribe", "cheers"} {
		if out := f.receive(who, text); out.Autoreply != 0 {
			t.Fatalf("%q after opting out got an auto-reply", text)
		}
	}
	if got := len(f.autoreplies(who)); got != 2 {
		t.Fatalf("%d auto-replies in all, want 2 (one thanks, one confirmation)", got)
	}
	// A number opted out by hand gets no confirmation either.
	const byHand = "+447700900953"
	if err := f.db.AddOptOut(f.ctx, byHand, 0); err != nil {
		t.Fatal(err)
	}
	if out := f.receive(byHand, "STOP"); out.OptedOut || out.Autoreply != 0 {
		t.Fatalf("STOP from a number on the list already: %+v", out)
	}
}

// TestAutoreplyOldText checks that a text older than the window (read in
// late, or tagged late) gets no auto-reply.
func TestAutoreplyOldText(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{AutoreplyWindow: 30 * day})
	f.setAutoreply("Misc", "We will get back to you.")
	old := f.receive("+447700900960", "a question")
	f.advance(31 * day)
	u, err := f.p.Tag(f.ctx, old.ID, "Misc")
	if err != nil {
		t.Fatal(err)
	}
	if len(u.replies) != 0 || len(f.autoreplies("+447700900960")) != 0 {
		t.Fatal("a month-old text got an auto-reply")
	}
	out, err := f.p.Store(f.ctx, Text{SIMID: f.sim1.ID, From: "+447700900961", Body: "a question", At: t0})
	if err != nil {
		t.Fatal(err)
	}
	if out.Category != "Misc" || out.Autoreply != 0 {
		t.Fatalf("text sent a month ago, read in now: %+v", out)
	}
}

// TestAutoreplyAnyHourFlag: an auto-reply is flagged to go at any hour only
// when its category says so; otherwise it waits for quiet hours to end.
func TestAutoreplyAnyHourFlag(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{AutoreplyWindow: 30 * day})
	f.setAutoreply("Thanks", "Thanks for your reply!")
	f.setAutoreply("Misc", "We will get back to you.")
	misc, err := f.db.CategoryByName(f.ctx, "Misc")
	if err != nil {
		t.Fatal(err)
	}
	misc.AutoReplyAnyHour = true
	if err := f.db.UpdateCategory(f.ctx, misc); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		number, category string
		anyHour          bool
	}{{"+447700900911", "Thanks", false}, {"+447700900912", "Misc", true}} {
		in := f.receive(tt.number, "hello there "+tt.category)
		if _, err := f.p.Tag(f.ctx, in.ID, tt.category); err != nil {
			t.Fatal(err)
		}
		q := f.autoreplies(tt.number)
		if len(q) != 1 || q[0].HasFlag(store.FlagAnyHour) != tt.anyHour {
			t.Fatalf("%s: auto-replies %+v, want any hour %v", tt.category, q, tt.anyHour)
		}
	}
}
