package replies

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
)

// TestServeFailedStatusCounted fires a final status with no reason at one of
// seven texts that went to the provider: the text keeps a reason naming the
// provider's word, and that day's traffic, the SIM's allowance and its health
// still count all seven (they all used the allowance). A resend takes the
// failed one out of the count again until it goes.
func TestServeFailedStatusCounted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status    string
		wantState string
		wantError string
		wantFail  int // failures SIMsHealth sees
	}{
		{"Failed", store.StateFailed, "the provider reported Failed (no reason given)", 1},
		{"Undelivered", store.StateFailed, "the provider reported Undelivered (no reason given)", 1},
		{"  ", "", "", 0}, // no final state: nothing changes
		{"Expired", store.StateExpired, "the provider reported Expired (no reason given)", 0},
		{"Delivered", store.StateDelivered, "", 0},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(i, tt.status), func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			var ids []int64
			for n := range 7 {
				id, _, err := s.db.InsertMessage(s.ctx, store.Message{Direction: store.Out, SIMID: s.gw.ID,
					Number: fmt.Sprintf("+6141234560%d", n), Text: "hi", Kind: store.KindCampaign, State: store.StateSent})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			code := s.post("/api/status", tokenQ(), url.Values{"to": {"61412345603"}, "ref": {fmt.Sprint(ids[3])},
				"smsref": {"P-3"}, "status": {tt.status}})
			if code != 200 {
				t.Fatalf("status: %d", code)
			}
			m := s.message(ids[3])
			want := tt.wantState
			if want == "" {
				want = store.StateSent
			}
			if m.State != want || m.Error != tt.wantError {
				t.Fatalf("state %q error %q, want %q %q", m.State, m.Error, want, tt.wantError)
			}
			days, err := s.db.DailyTraffic(s.ctx, 1, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			if got := days[0].SIMs[s.gw.ID].Sent; got != 7 {
				t.Fatalf("the day counts %d parts, want the 7 that went to the provider", got)
			}
			h, err := s.db.SIMsHealth(s.ctx, t0.Add(-time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if g := h[s.gw.ID]; g.Tried != 7 || g.Failed != tt.wantFail {
				t.Fatalf("health: tried %d failed %d, want 7 and %d", g.Tried, g.Failed, tt.wantFail)
			}
			if tt.wantState != store.StateFailed {
				return
			}
			// The operator resends it: queued, it has not used the allowance
			// yet, and it is no longer marked as having gone.
			if err := s.db.Resend(s.ctx, ids[3]); err != nil {
				t.Fatal(err)
			}
			if m := s.message(ids[3]); m.State != store.StateQueued || m.HasFlag(store.FlagDeliveryFailed) || m.Error != "" {
				t.Fatalf("after resend: state %q flags %v error %q", m.State, m.Flags, m.Error)
			}
			sent, err := s.db.SentToday(s.ctx, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			if sent[s.gw.ID] != 6 {
				t.Fatalf("after resend the day counts %d, want 6", sent[s.gw.ID])
			}
		})
	}
}
