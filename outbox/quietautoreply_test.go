package outbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/outbox/outboxtest"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

// TestAutoRepliesWaitForQuietHours: at 02:07, in quiet hours, an auto-reply
// stays queued unless its category let it go at any hour; a manual text
// goes; at 08:00 the waiting auto-reply goes.
func TestAutoRepliesWaitForQuietHours(t *testing.T) {
	ctx := context.Background()
	night := time.Date(2026, 11, 26, 2, 7, 0, 0, time.UTC)
	db, advance := openDB(t, night)
	sim := storetest.AddSIM(t, db, "O2", 100)
	queue := func(kind, text string, flags ...string) int64 {
		ids, err := db.Queue(ctx, []store.Message{{Direction: store.Out, SIMID: sim.ID, Number: "+447700900001", Text: text,
			Kind: kind, Parts: 1, Flags: flags}})
		if err != nil {
			t.Fatal(err)
		}
		return ids[0]
	}
	waits := queue(store.KindAutoreply, "Thanks, we will call you")
	anyHour := queue(store.KindAutoreply, "You will not hear from us again", store.FlagAnyHour)
	manual := queue(store.KindManual, "Sorry for the late text")
	quiet, err := config.ParseQuietHours("21:00-08:00")
	if err != nil {
		t.Fatal(err)
	}
	snd := &outboxtest.Sender{Card: sim}
	d := &outbox.Dispatcher{DB: db, Owner: outbox.ThisProcess(), Loc: time.UTC, Quiet: quiet}
	if _, err := d.Dispatch(ctx, []outbox.Sender{snd}); err != nil {
		t.Fatal(err)
	}
	state := func(id int64) string {
		m, err := db.Message(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return m.State
	}
	if s := state(waits); s != store.StateQueued {
		t.Errorf("the auto-reply went at 02:07: %s", s)
	}
	if s := state(anyHour); s != store.StateSent {
		t.Errorf("the any-hour auto-reply: %s", s)
	}
	if s := state(manual); s != store.StateSent {
		t.Errorf("the manual text: %s", s)
	}
	// An auto-reply-only dispatch (what read-in does) at night sends nothing more.
	d.Kinds = []string{store.KindAutoreply}
	if _, err := d.Dispatch(ctx, []outbox.Sender{snd}); err != nil {
		t.Fatal(err)
	}
	if s := state(waits); s != store.StateQueued || len(snd.Texts()) != 2 {
		t.Fatalf("after a night dispatch of auto-replies: %s, %d sent", s, len(snd.Texts()))
	}
	advance(5*time.Hour + 53*time.Minute) // 08:00
	if _, err := d.Dispatch(ctx, []outbox.Sender{snd}); err != nil {
		t.Fatal(err)
	}
	if s := state(waits); s != store.StateSent {
		t.Errorf("at 08:00 the auto-reply is still %s", s)
	}
}
