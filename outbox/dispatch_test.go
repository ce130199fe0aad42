package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/greeting"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/outbox/outboxtest"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

func dispatcher(db *store.DB) *outbox.Dispatcher {
	return &outbox.Dispatcher{DB: db, Owner: outbox.ThisProcess(), Loc: time.UTC, Quiet: config.QuietHours{Off: true}, Greet: greeting.At}
}

func queueTexts(t *testing.T, db *store.DB, simID int64, kind string, n int, text string) []int64 {
	t.Helper()
	var msgs []store.Message
	for i := 0; i < n; i++ {
		msgs = append(msgs, store.Message{SIMID: simID, Number: fmt.Sprintf("+4477009%05d", i), Text: text, Kind: kind, Name: "Ann"})
	}
	ids, err := db.Queue(context.Background(), msgs)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestDispatchHoldsDailyLimitAndGreetsAtSendTime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, move := openDB(t, thursday)
	sim := storetest.AddSIM(t, db, "O2", 5)
	queueTexts(t, db, sim.ID, store.KindCampaign, 8, "{greeting}, Ann")
	snd := &outboxtest.Sender{Card: sim}
	res, err := dispatcher(db).Dispatch(ctx, []outbox.Sender{snd})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 5 || len(snd.Texts()) != 5 || res.SIMs[sim.ID].Stopped != "limit" {
		t.Fatalf("sent %d (%d at the SIM), stopped %q; want 5 at the limit", res.Sent, len(snd.Texts()), res.SIMs[sim.ID].Stopped)
	}
	if got := snd.Texts()[0].Text; got != "Have a good day, Ann" {
		t.Fatalf("text sent %q", got)
	}
	used, _ := db.SentToday(ctx, time.UTC)
	if used[sim.ID] != 5 {
		t.Fatalf("parts used today %d, want 5", used[sim.ID])
	}
	// Next morning the rest goes, greeted for the time it goes.
	move(24*time.Hour - 3*time.Hour) // Friday 07:00
	res, err = dispatcher(db).Dispatch(ctx, []outbox.Sender{snd})
	if err != nil || res.Sent != 3 {
		t.Fatalf("next day: sent %d, %v", res.Sent, err)
	}
	if got := snd.Texts()[7].Text; got != "Have a good morning, Ann" {
		t.Fatalf("next day's text %q", got)
	}
	for _, m := range outgoing(t, db) {
		if m.State != store.StateSent {
			t.Fatalf("message %d is %s", m.ID, m.State)
		}
	}
}

func TestDispatchErrorClasses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		err       error
		kind      string
		wantState string
		wantFrom  string // the SIM that sent it in the end ("" for none)
		parked    bool
	}{
		{"transient moves a campaign text to another SIM", outbox.Classified(outbox.ClassTransient, errors.New("network busy")), store.KindCampaign, store.StateSent, "B 1", false},
		{"transient keeps a follow-up on its SIM", outbox.Classified(outbox.ClassTransient, errors.New("network busy")), store.KindFollowup, store.StateQueued, "", false},
		{"SIM problem parks the SIM", outbox.Classified(outbox.ClassSIM, errors.New("no credit")), store.KindCampaign, store.StateSent, "B 1", true},
		{"recipient problem fails the text", outbox.Classified(outbox.ClassRecipient, errors.New("unassigned number")), store.KindCampaign, store.StateFailed, "", false},
		{"unknown outcome", outbox.Classified(outbox.ClassUnknown, errors.New("no final result")), store.KindCampaign, store.StateUnknown, "", false},
		{"an unclassified error is unknown", errors.New("something odd"), store.KindCampaign, store.StateUnknown, "", false},
		{"a long text cut short is unknown", &outbox.SendError{Class: outbox.ClassTransient, Ref: "4", Err: errors.New("part 2 failed")}, store.KindCampaign, store.StateUnknown, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db, _ := openDB(t, thursday)
			a, b := storetest.AddSIM(t, db, "A", 100), storetest.AddSIM(t, db, "B", 100)
			id := queueTexts(t, db, a.ID, tc.kind, 1, "hello")[0]
			sa := &outboxtest.Sender{Card: a, Fail: func(n int, _ outbox.Outgoing) error { return tc.err }}
			sb := &outboxtest.Sender{Card: b}
			if _, err := dispatcher(db).Dispatch(ctx, []outbox.Sender{sa, sb}); err != nil {
				t.Fatal(err)
			}
			m, err := db.Message(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if m.State != tc.wantState {
				t.Fatalf("state %s (%s), want %s", m.State, m.Error, tc.wantState)
			}
			if tc.wantFrom != "" && m.SIM != tc.wantFrom {
				t.Fatalf("sent from %s, want %s", m.SIM, tc.wantFrom)
			}
			if tc.wantState != store.StateSent && len(sb.Texts()) != 0 {
				t.Fatalf("the other SIM sent it too")
			}
			if m.State != store.StateSent && m.State != store.StateQueued && m.Error == "" {
				t.Fatal("no error recorded")
			}
			sim, _ := db.SIM(ctx, a.ID)
			if sim.Parked(thursday) != tc.parked {
				t.Fatalf("SIM parked = %v, want %v", sim.Parked(thursday), tc.parked)
			}
		})
	}
}

func TestDispatchQuietHoursHoldCampaignsNotManualTexts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openDB(t, time.Date(2026, 11, 26, 22, 30, 0, 0, time.UTC))
	sim := storetest.AddSIM(t, db, "O2", 100)
	camp := queueTexts(t, db, sim.ID, store.KindCampaign, 1, "c")[0]
	fol := queueTexts(t, db, sim.ID, store.KindFollowup, 1, "f")[0]
	man := queueTexts(t, db, sim.ID, store.KindManual, 1, "m")[0]
	d := dispatcher(db)
	d.Quiet, _ = config.ParseQuietHours("21:00-08:00")
	if _, err := d.Dispatch(ctx, []outbox.Sender{&outboxtest.Sender{Card: sim}}); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]string{camp: store.StateQueued, fol: store.StateQueued, man: store.StateSent} {
		if m, _ := db.Message(ctx, id); m.State != want {
			t.Errorf("%s text: %s, want %s", m.Kind, m.State, want)
		}
	}
}

func TestDispatchRecoversDeadOwnersRowsAsUnknown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openDB(t, thursday)
	sim := storetest.AddSIM(t, db, "O2", 100)
	ids := queueTexts(t, db, sim.ID, store.KindCampaign, 2, "x")
	self := outbox.ThisProcess()
	dead := outbox.Owner{Host: self.Host, PID: 1 << 22, Start: "1"} // beyond pid_max: no such process
	if err := db.MarkSending(ctx, store.Claim{ID: ids[0], SIMID: sim.ID, Owner: dead.String(), Text: "x", Limit: -1}); err != nil {
		t.Fatal(err)
	}
	snd := &outboxtest.Sender{Card: sim}
	res, err := dispatcher(db).Dispatch(ctx, []outbox.Sender{snd})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Recovered) != 1 || res.Recovered[0] != ids[0] || res.Sent != 1 {
		t.Fatalf("recovered %v, sent %d", res.Recovered, res.Sent)
	}
	if m, _ := db.Message(ctx, ids[0]); m.State != store.StateUnknown {
		t.Fatalf("interrupted text is %s", m.State)
	}
	if got := snd.Texts(); len(got) != 1 || got[0].ID != ids[1] {
		t.Fatalf("sent %+v, want only the second text", got)
	}
}

func TestDispatchSkipsTextsOptedOutAfterQueueing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openDB(t, thursday)
	sim := storetest.AddSIM(t, db, "O2", 100)
	ids := queueTexts(t, db, sim.ID, store.KindCampaign, 2, "x")
	m, _ := db.Message(ctx, ids[0])
	if err := db.AddOptOut(ctx, m.Number, 0); err != nil {
		t.Fatal(err)
	}
	snd := &outboxtest.Sender{Card: sim}
	res, err := dispatcher(db).Dispatch(ctx, []outbox.Sender{snd})
	if err != nil || res.Sent != 1 || res.Failed != 1 {
		t.Fatalf("sent %d failed %d, %v", res.Sent, res.Failed, err)
	}
	for _, s := range snd.Texts() {
		if s.Number == m.Number {
			t.Fatal("texted an opted-out number")
		}
	}
}

func TestDispatchMovesCampaignTextsOfDisconnectedSIMs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openDB(t, thursday)
	gone, here := storetest.AddSIM(t, db, "A", 100), storetest.AddSIM(t, db, "B", 100)
	queueTexts(t, db, gone.ID, store.KindCampaign, 3, "c")
	fol := queueTexts(t, db, gone.ID, store.KindFollowup, 1, "f")[0]
	snd := &outboxtest.Sender{Card: here}
	res, err := dispatcher(db).Dispatch(ctx, []outbox.Sender{snd})
	if err != nil || res.Sent != 3 {
		t.Fatalf("sent %d, %v; want the 3 campaign texts", res.Sent, err)
	}
	if m, _ := db.Message(ctx, fol); m.State != store.StateQueued || m.SIMID != gone.ID {
		t.Fatalf("follow-up %s on SIM %d; it must wait for its own SIM", m.State, m.SIMID)
	}
}
