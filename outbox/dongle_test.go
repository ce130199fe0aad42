package outbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/outbox/outboxtest"
	"github.com/texting-centre/texting/store"
)

// TestModemErrorsThroughTheDispatcher drives the modem adapter with the
// emulator's faults: each error class lands the text in the right state, and
// texts move to the other dongle when theirs cannot send.
func TestModemErrorsThroughTheDispatcher(t *testing.T) {
	t.Parallel() // each case has its own database and dongles
	// short cuts the wait for a final result that never comes.
	short := modem.WithTimeouts(modem.Timeouts{Command: 2 * time.Second, Long: 5 * time.Second, Prompt: time.Second, Final: 400 * time.Millisecond, Quiet: 30 * time.Millisecond})
	tests := []struct {
		name      string
		fault     modemtest.Fault
		wantState string
		otherSent int // texts the healthy dongle sent
		parked    bool
		opts      []modem.Option
	}{
		{"CMS 500 after the text went out: unknown", modemtest.Fault{Command: "AT+CMGS", Reply: "+CMS ERROR: 500", WentOut: true}, store.StateUnknown, 0, false, nil},
		{"silence after the PDU: unknown", modemtest.Fault{Command: "AT+CMGS", Silent: true, WentOut: true}, store.StateUnknown, 0, false, []modem.Option{short}},
		{"unassigned number: failed", modemtest.Fault{Command: "AT+CMGS", Reply: "+CMS ERROR: 1"}, store.StateFailed, 0, false, nil},
		{"SIM barred: parked, texts move", modemtest.Fault{Command: "AT+CMGS", Reply: "+CMS ERROR: 10", Times: -1}, store.StateSent, 2, true, nil},
		{"network busy every time: texts move", modemtest.Fault{Command: "AT+CMGS", Reply: "+CMS ERROR: 42", Times: -1}, store.StateSent, 2, false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, _ := openDB(t, thursday)
			ds := outboxtest.Dongles(t, db, []int{10, 10})
			fleet := outboxtest.Connect(t, db, ds, tc.opts...)
			ds[0].Emu.AddFault(tc.fault)
			// Two campaign texts on the faulty dongle's SIM; the first meets the fault.
			ids := queueTexts(t, db, ds[0].SIM.ID, store.KindCampaign, 2, "Hi {greeting}")
			if _, err := dispatcher(db).Dispatch(ctx, fleet.Senders); err != nil {
				t.Fatal(err)
			}
			m, err := db.Message(ctx, ids[0])
			if err != nil {
				t.Fatal(err)
			}
			if m.State != tc.wantState {
				t.Fatalf("first text %s (%s), want %s", m.State, m.Error, tc.wantState)
			}
			if got := len(outboxtest.Received(t, ds[1].Emu)); got != tc.otherSent {
				t.Fatalf("the healthy dongle sent %d texts, want %d", got, tc.otherSent)
			}
			if second, _ := db.Message(ctx, ids[1]); second.State != store.StateSent {
				t.Fatalf("second text %s (%s)", second.State, second.Error)
			}
			if s, _ := db.SIM(ctx, ds[0].SIM.ID); s.Parked(thursday) != tc.parked {
				t.Fatalf("parked = %v (%s), want %v", s.Parked(thursday), s.ParkReason, tc.parked)
			}
		})
	}
}
