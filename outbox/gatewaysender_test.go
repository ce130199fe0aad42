package outbox_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/texting-centre/texting/gateway"
	"github.com/texting-centre/texting/gateway/gatewaytest"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/store"
)

// TestGatewaySenderThroughTheDispatcher sends through the SMS Broadcast
// double and checks each of its answers lands in the right state.
func TestGatewaySenderThroughTheDispatcher(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		setup     func(p *gatewaytest.Provider)
		wantState string
		parked    bool
	}{
		{"accepted", func(*gatewaytest.Provider) {}, store.StateSent, false},
		{"bad number", func(p *gatewaytest.Provider) { p.SetBadNumber("447700900000", gatewaytest.ReasonInvalidNumber) }, store.StateFailed, false},
		{"no credit parks the account", func(p *gatewaytest.Provider) { p.SetCredits("user", 0) }, store.StateQueued, true},
		{"a passing ERROR answer is tried again later", func(p *gatewaytest.Provider) { p.SetFault(gatewaytest.FaultError) }, store.StateQueued, false},
		{"503: nothing was sent, try later", func(p *gatewaytest.Provider) { p.SetFault(gatewaytest.FaultUnavailable) }, store.StateQueued, false},
		{"nobody listening: try later", func(p *gatewaytest.Provider) { p.Close() }, store.StateQueued, false},
		{"connection dropped after sending", func(p *gatewaytest.Provider) { p.SetFault(gatewaytest.FaultDrop) }, store.StateUnknown, false},
		{"garbage answer", func(p *gatewaytest.Provider) { p.SetFault(gatewaytest.FaultGarbage) }, store.StateUnknown, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			p := gatewaytest.New(gatewaytest.WithRegion("GB"), gatewaytest.WithAccount("user", "secret", 100))
			t.Cleanup(p.Close)
			tc.setup(p)
			db, _ := openDB(t, thursday)
			net, err := db.AddNetwork(ctx, store.Network{Name: "SMSBCAST", Gateway: true})
			if err != nil {
				t.Fatal(err)
			}
			acct := p.Account("user", "Shop")
			sim, err := db.AddSIM(ctx, store.SIM{NetworkID: net.ID, Active: true, DailyLimit: 100, GatewayURL: acct.URL,
				GatewayUser: acct.Username, GatewayPassword: acct.Password, SenderID: acct.Sender})
			if err != nil {
				t.Fatal(err)
			}
			id := queueTexts(t, db, sim.ID, store.KindFollowup, 1, "{greeting}, Ann")[0]
			snd := &outbox.GatewaySender{Client: &gateway.Client{Timeout: 2 * time.Second}, Card: sim}
			if _, err := dispatcher(db).Dispatch(ctx, []outbox.Sender{snd}); err != nil {
				t.Fatal(err)
			}
			m, err := db.Message(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if m.State != tc.wantState {
				t.Fatalf("state %s (%s), want %s", m.State, m.Error, tc.wantState)
			}
			if s, _ := db.SIM(ctx, sim.ID); s.Parked(thursday) != tc.parked {
				t.Fatalf("parked = %v, want %v", s.Parked(thursday), tc.parked)
			}
			if tc.wantState == store.StateSent {
				sent := p.Sent()
				if len(sent) != 1 || sent[0].Message != "Have a good day, Ann" || sent[0].Ref != strconv.FormatInt(id, 10) || m.Ref != sent[0].ProviderRef {
					t.Fatalf("provider got %+v; row ref %q", sent, m.Ref)
				}
			}
		})
	}
}
