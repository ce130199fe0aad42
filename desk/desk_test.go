package desk_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/desk"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

func newDesk(t *testing.T) (*desk.Desk, context.Context) {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	storetest.FixClock(db, time.Date(2026, 11, 26, 15, 4, 0, 0, time.UTC))
	cfg, err := config.Load(ctx, db, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	d := desk.New(db, cfg, nil)
	d.Loc = time.UTC
	return d, ctx
}

func ptr[T any](v T) *T { return &v }

func TestSIMSaves(t *testing.T) {
	d, ctx := newDesk(t)
	if _, err := d.AddNetwork(ctx, store.NetworkUpdate{Name: ptr(" O2 ")}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.AddSIM(ctx, store.SIMUpdate{Phone: ptr("07700900123")}); err == nil || !strings.Contains(err.Error(), "network is required") {
		t.Fatalf("a SIM without a network: %v", err)
	}
	s, err := d.AddSIM(ctx, store.SIMUpdate{Network: ptr("o2"), Phone: ptr("07700 900123")})
	if err != nil {
		t.Fatal(err)
	}
	if s.Label() != "O2 1" || s.Phone != "+447700900123" || s.DailyLimit != desk.DefaultLimit || !s.Active {
		t.Fatalf("added %+v", s)
	}
	// A partial update changes only what it names.
	s2, err := d.UpdateSIM(ctx, s.ID, store.SIMUpdate{Limit: ptr(120), Notes: ptr("drawer 2")})
	if err != nil || s2.DailyLimit != 120 || s2.Notes != "drawer 2" || s2.Phone != s.Phone || !s2.Active {
		t.Fatalf("updated %+v, %v", s2, err)
	}
	if _, err := d.UpdateSIM(ctx, s.ID, store.SIMUpdate{IMSI: ptr("abc")}); err == nil {
		t.Fatal("IMSI abc saved")
	}
	if got, _ := d.DB.SIM(ctx, s.ID); got != s2 {
		t.Fatalf("a refused update changed the SIM: %+v", got)
	}
}

func TestUnparkOnNewCredentials(t *testing.T) {
	d, ctx := newDesk(t)
	d.AddNetwork(ctx, store.NetworkUpdate{Name: ptr("SMSBCAST"), Gateway: ptr(true)})
	s, err := d.AddSIM(ctx, store.SIMUpdate{Network: ptr("SMSBCAST"), URL: ptr("https://x.example/api"), User: ptr("me"), Password: ptr("old")})
	if err != nil {
		t.Fatal(err)
	}
	park := func() {
		if err := d.DB.ParkSIM(ctx, s.ID, d.DB.Now().Add(time.Hour), "bad password"); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name   string
		u      store.SIMUpdate
		parked bool
	}{
		{"limit", store.SIMUpdate{Limit: ptr(10)}, true},
		{"same password", store.SIMUpdate{Password: ptr("old")}, true},
		{"new password", store.SIMUpdate{Password: ptr("new")}, false},
		{"unpark", store.SIMUpdate{Unpark: true}, false},
	} {
		park()
		got, err := d.UpdateSIM(ctx, s.ID, tt.u)
		if err != nil || got.Parked(d.DB.Now()) != tt.parked {
			t.Errorf("%s: parked %v (%v), want %v", tt.name, got.Parked(d.DB.Now()), err, tt.parked)
		}
	}
}

func TestRemoveSaysWhatItDid(t *testing.T) {
	d, ctx := newDesk(t)
	d.AddNetwork(ctx, store.NetworkUpdate{Name: ptr("O2")})
	used, _ := d.AddSIM(ctx, store.SIMUpdate{Network: ptr("O2")})
	spare, _ := d.AddSIM(ctx, store.SIMUpdate{Network: ptr("O2")})
	if _, _, err := d.DB.InsertMessage(ctx, store.Message{Direction: store.In, SIMID: used.ID, Number: "+447700900001",
		Text: "hi", Kind: store.KindInbound}); err != nil {
		t.Fatal(err)
	}
	_, err := d.RemoveSIM(ctx, used.ID)
	var refused *desk.RefusedError
	if !errors.As(err, &refused) || !errors.Is(err, store.ErrInUse) || !strings.Contains(err.Error(), `texting sim set "O2 1" --inactive`) {
		t.Fatalf("removing a SIM with history: %v", err)
	}
	if said, err := d.RemoveSIM(ctx, spare.ID); err != nil || said != "removed SIM O2 2" {
		t.Fatalf("removing a spare SIM: %q, %v", said, err)
	}
}

func TestMergeCategory(t *testing.T) {
	d, ctx := newDesk(t)
	from, _ := d.AddCategory(ctx, store.CategoryUpdate{Name: ptr("Call back"), Followup: ptr("alt")})
	misc, _ := d.DB.CategoryByName(ctx, "Misc")
	id, _, _ := d.DB.InsertMessage(ctx, store.Message{Direction: store.In, Number: "+447700900001", Text: "ring me", Kind: store.KindInbound})
	if err := d.DB.Intake(ctx, func(tx *store.Intake) error { return tx.SetCategory(ctx, id, from.ID, "operator", 0) }); err != nil {
		t.Fatal(err)
	}
	said, err := d.MergeCategory(ctx, from.ID, misc.ID)
	if err != nil || said != "merged category Call back into Misc (1 text moved)" {
		t.Fatalf("merge: %q, %v", said, err)
	}
	if m, _ := d.DB.Message(ctx, id); m.Category != "Misc" || m.CategoryBy != "operator" {
		t.Fatalf("the text is in %q by %q", m.Category, m.CategoryBy)
	}
	end, _ := d.DB.CategoryByName(ctx, "End")
	if _, err := d.MergeCategory(ctx, end.ID, misc.ID); !errors.Is(err, store.ErrInUse) {
		t.Fatalf("merging away a rules' category: %v", err)
	}
}

func TestSetSetting(t *testing.T) {
	d, ctx := newDesk(t)
	tests := []struct {
		key, value string
		wantErr    string
	}{
		{"greeting.country", "GB", ""},
		{"greeting.country", "XX", "unknown country"},
		{"region", "XX", "region"},
		{"colour", "blue", "unknown setting"},
		{"followup.min_days", "9", "after followup.max_days"},
		{"greeting.country", "", ""},
	}
	for _, tt := range tests {
		_, _, err := d.SetSetting(ctx, tt.key, tt.value)
		if (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("set %s %q: %v, want %q", tt.key, tt.value, err, tt.wantErr)
		}
	}
	if s, _ := d.DB.Settings(ctx); s["greeting.country"] != "" || s["region"] != "" {
		t.Fatalf("settings after: %v", s)
	}
}

func TestSendRefusals(t *testing.T) {
	d, ctx := newDesk(t)
	if err := d.DB.AddOptOut(ctx, "+447700900701", 0); err != nil {
		t.Fatal(err)
	}
	res, _, err := d.Send(ctx, desk.SendRequest{Numbers: []string{"07700 900701"}, Text: "hi"})
	var oe *desk.OptedOutError
	if !errors.As(err, &oe) || len(res) != 1 || res[0].State != desk.StateRefused {
		t.Fatalf("send to an opted-out number: %+v, %v", res, err)
	}
	if !strings.Contains(err.Error(), "on the opt-out list since 26 Nov 2026 15:04 (by hand)") {
		t.Errorf("refusal: %v", err)
	}
	d.Config.Run = false
	if _, _, err := d.Send(ctx, desk.SendRequest{Numbers: []string{"07700 900702"}, Text: "hi", Force: true}); !errors.Is(err, desk.ErrDryRun) {
		t.Fatalf("send with run = 0: %v", err)
	}
	if n, _ := d.DB.CountMessages(ctx, store.MessageFilter{Direction: store.Out}); n != 0 {
		t.Fatalf("%d texts queued by refused sends", n)
	}
}

func TestOptOutByHand(t *testing.T) {
	d, ctx := newDesk(t)
	said, err := d.AddOptOut(ctx, "07700 900123", "asked by phone")
	if err != nil || !strings.HasPrefix(said, "+447700900123 added to the opt-out list") {
		t.Fatalf("add: %q %v", said, err)
	}
	list, err := d.OptOutsOf(ctx, []string{"+44 7700 900123", "07700900999", "bogus"})
	if err != nil || len(list) != 1 || list[0].Note != "asked by phone" {
		t.Fatalf("OptOutsOf: %+v %v", list, err)
	}
	if said, err := d.RemoveOptOut(ctx, "+447700900123", "came back"); err != nil || said != "+447700900123 removed from the opt-out list" {
		t.Fatalf("rm: %q %v", said, err)
	}
	if _, err := d.RemoveOptOut(ctx, "+447700900123", ""); err == nil || !strings.Contains(err.Error(), "is not on the opt-out list") {
		t.Fatalf("rm again: %v", err)
	}
}
