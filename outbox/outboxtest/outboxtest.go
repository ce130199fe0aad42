// Package outboxtest is what the tests of the outbox and of what runs on it
// (campaigns, follow-ups) share: a Sender whose answers a test scripts, SIMs
// in a store, and emulated dongles on real pseudo-terminals connected as a
// fleet.
package outboxtest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/store"
)

// Sender is an outbox.Sender whose answers a test scripts.
type Sender struct {
	Card store.SIM
	// Delay is how long each Send takes.
	Delay time.Duration
	// Fail, when set, decides the error of the nth call (1-based).
	Fail func(n int, t outbox.Outgoing) error

	mu    sync.Mutex
	calls int
	sent  []outbox.Outgoing
}

// SIM implements outbox.Sender.
func (f *Sender) SIM() store.SIM { return f.Card }

// Send implements outbox.Sender: it records t unless Fail says otherwise.
func (f *Sender) Send(ctx context.Context, t outbox.Outgoing) (outbox.Result, error) {
	if f.Delay > 0 {
		time.Sleep(f.Delay)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.Fail != nil {
		if err := f.Fail(f.calls, t); err != nil {
			return outbox.Result{}, err
		}
	}
	f.sent = append(f.sent, t)
	return outbox.Result{Ref: "1"}, nil
}

// Texts returns what the sender sent, in order.
func (f *Sender) Texts() []outbox.Outgoing {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]outbox.Outgoing(nil), f.sent...)
}

// FastModem returns modem options that keep emulator tests short.
func FastModem() []modem.Option {
	return []modem.Option{
		modem.WithTimeouts(modem.Timeouts{Command: 2 * time.Second, Long: 5 * time.Second, Prompt: time.Second, Final: 2 * time.Second, Quiet: 30 * time.Millisecond}),
		modem.WithRetry(2, 10*time.Millisecond),
	}
}

// Dongle is an emulated dongle whose SIM the store knows.
type Dongle struct {
	Emu  *modemtest.Modem
	IMSI string
	SIM  store.SIM
}

// Dongles starts one emulated dongle per limit, each with its own SIM of
// network O2 already in the store with that daily limit.
func Dongles(t testing.TB, db *store.DB, limits []int, opts ...modemtest.Option) []*Dongle {
	t.Helper()
	ctx := context.Background()
	net, err := db.AddNetwork(ctx, store.Network{Name: "O2"})
	if err != nil {
		t.Fatal(err)
	}
	var out []*Dongle
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
		out = append(out, &Dongle{Emu: emu, IMSI: imsi, SIM: sim})
	}
	return out
}

// Connect connects ds as a fleet (no gateway) with FastModem, then opts,
// and fails the test unless every dongle connects.
func Connect(t testing.TB, db *store.DB, ds []*Dongle, opts ...modem.Option) *outbox.Fleet {
	t.Helper()
	var ports []string
	for _, d := range ds {
		ports = append(ports, d.Emu.Path())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	f, err := outbox.ConnectFleet(ctx, db, outbox.FleetOptions{Ports: ports, ModemOptions: append(FastModem(), opts...), NoGateway: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if len(f.Senders) != len(ds) {
		t.Fatalf("connected %d of %d dongles: %v", len(f.Senders), len(ds), f.Problems)
	}
	return f
}

// Received joins what an emulated network accepted into whole texts per
// recipient.
func Received(t testing.TB, emu *modemtest.Modem) map[string][]string {
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
