package outbox_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/store"
)

// fastModem keeps emulator tests short.
var fastModem = []modem.Option{
	modem.WithTimeouts(modem.Timeouts{Command: 2 * time.Second, Long: 5 * time.Second, Prompt: time.Second, Final: 2 * time.Second, Quiet: 30 * time.Millisecond}),
	modem.WithRetry(2, 10*time.Millisecond),
}

type dongle struct {
	emu  *modemtest.Modem
	imsi string
	sim  store.SIM
}

// dongles starts one emulated dongle per limit, each with its own SIM
// already known to the store with that daily limit.
func dongles(t testing.TB, db *store.DB, limits []int, opts ...modemtest.Option) []*dongle {
	t.Helper()
	ctx := context.Background()
	net, err := db.AddNetwork(ctx, store.Network{Name: "O2"})
	if err != nil {
		t.Fatal(err)
	}
	var out []*dongle
	for i, l := range limits {
		imsi := fmt.Sprintf("23410123456789%d", i)
		o := append([]modemtest.Option{modemtest.WithSIM(modemtest.SIM{IMSI: imsi, Operator: "O2 - UK", SMSC: "+447802000332"}),
			modemtest.WithIMEI(fmt.Sprintf("86753001234567%d", i))}, opts...)
		emu, err := modemtest.New(o...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { emu.Close() })
		sim, err := db.AddSIM(ctx, store.SIM{NetworkID: net.ID, IMSI: imsi, Active: true, DailyLimit: l})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, &dongle{emu: emu, imsi: imsi, sim: sim})
	}
	return out
}

// connect connects ds as a fleet with fastModem, then opts.
func connect(t testing.TB, db *store.DB, ds []*dongle, opts ...modem.Option) *outbox.Fleet {
	t.Helper()
	var ports []string
	for _, d := range ds {
		ports = append(ports, d.emu.Path())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	f, err := outbox.ConnectFleet(ctx, db, outbox.FleetOptions{Ports: ports, ModemOptions: append(append([]modem.Option(nil), fastModem...), opts...), NoGateway: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if len(f.Senders) != len(ds) {
		t.Fatalf("connected %d of %d dongles: %v", len(f.Senders), len(ds), f.Problems)
	}
	return f
}

// received joins what an emulated network accepted into whole texts per
// recipient.
func received(t testing.TB, emu *modemtest.Modem) map[string][]string {
	t.Helper()
	type key struct {
		to  string
		ref int
	}
	parts := map[key][]string{}
	var order []key
	out := map[string][]string{}
	for _, s := range emu.Sent() {
		m := s.Msg
		if m.Concat == nil {
			out[m.To] = append(out[m.To], m.Text)
			continue
		}
		k := key{m.To, m.Concat.Ref}
		if parts[k] == nil {
			parts[k] = make([]string, m.Concat.Total)
			order = append(order, k)
		}
		parts[k][m.Concat.Seq-1] = m.Text
	}
	for _, k := range order {
		out[k.to] = append(out[k.to], strings.Join(parts[k], ""))
	}
	return out
}

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
			ds := dongles(t, db, []int{10, 10})
			fleet := connect(t, db, ds, tc.opts...)
			ds[0].emu.AddFault(tc.fault)
			// Two campaign texts on the faulty dongle's SIM; the first meets the fault.
			ids := queueTexts(t, db, ds[0].sim.ID, store.KindCampaign, 2, "Hi {greeting}")
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
			if got := len(received(t, ds[1].emu)); got != tc.otherSent {
				t.Fatalf("the healthy dongle sent %d texts, want %d", got, tc.otherSent)
			}
			if second, _ := db.Message(ctx, ids[1]); second.State != store.StateSent {
				t.Fatalf("second text %s (%s)", second.State, second.Error)
			}
			if s, _ := db.SIM(ctx, ds[0].sim.ID); s.Parked(thursday) != tc.parked {
				t.Fatalf("parked = %v (%s), want %v", s.Parked(thursday), s.ParkReason, tc.parked)
			}
		})
	}
}
