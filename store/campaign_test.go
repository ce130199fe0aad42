package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

func insert(t *testing.T, db *store.DB, m store.Message) int64 {
	t.Helper()
	id, _, err := db.InsertMessage(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestCampaignTextedCountsEverythingButFailed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	storetest.FixClock(db, noon)
	sim := storetest.AddSIM(t, db, "O2", 300)
	day := 24 * time.Hour
	out := func(n, kind, state string, ago time.Duration) {
		insert(t, db, store.Message{Direction: store.Out, SIMID: sim.ID, Number: n, Text: "x", Kind: kind, State: state, At: noon.Add(-ago)})
	}
	out("+447700900001", store.KindCampaign, store.StateSent, 10*day)
	out("+447700900002", store.KindCampaign, store.StateFailed, day)
	out("+447700900003", store.KindCampaign, store.StateQueued, 0)
	out("+447700900004", store.KindCampaign, store.StateUnknown, day)
	out("+447700900005", store.KindCampaign, store.StateSent, 200*day) // outside the window
	out("+447700900006", store.KindManual, store.StateSent, day)       // not a campaign text
	numbers := []string{"+447700900001", "+447700900002", "+447700900003", "+447700900004", "+447700900005", "+447700900006", "+447700900007"}
	got, err := db.CampaignTexted(ctx, numbers, noon.Add(-180*day))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"+447700900001": true, "+447700900003": true, "+447700900004": true}
	if len(got) != len(want) {
		t.Fatalf("CampaignTexted = %v, want %v", got, want)
	}
	for n := range want {
		if !got[n] {
			t.Fatalf("CampaignTexted = %v, want %v", got, want)
		}
	}
}

func TestOptedOutOfAndLastSIMs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	storetest.FixClock(db, noon)
	a, b := storetest.AddSIM(t, db, "O2", 300), storetest.AddSIM(t, db, "O2", 300)
	if err := db.AddOptOut(ctx, "+447700900002", 0); err != nil {
		t.Fatal(err)
	}
	got, err := db.OptedOutOf(ctx, []string{"+447700900001", "+447700900002"})
	if err != nil || len(got) != 1 || !got["+447700900002"] {
		t.Fatalf("OptedOutOf = %v, %v", got, err)
	}
	insert(t, db, store.Message{Direction: store.Out, SIMID: a.ID, Number: "+447700900001", Text: "x", Kind: store.KindCampaign, State: store.StateSent, At: noon.Add(-3 * time.Hour)})
	insert(t, db, store.Message{Direction: store.In, SIMID: b.ID, Number: "+447700900001", Text: "hi", Kind: store.KindInbound, At: noon.Add(-2 * time.Hour)})
	insert(t, db, store.Message{Direction: store.Out, SIMID: a.ID, Number: "+447700900001", Text: "x", Kind: store.KindManual, State: store.StateFailed, At: noon.Add(-time.Hour)})
	insert(t, db, store.Message{Direction: store.Out, SIMID: a.ID, Number: "+447700900003", Text: "x", Kind: store.KindManual, State: store.StateSent, At: noon})
	sims, err := db.LastSIMs(ctx, []string{"+447700900001", "+447700900003", "+447700900009"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sims) != 2 || sims["+447700900001"] != b.ID || sims["+447700900003"] != a.ID {
		t.Fatalf("LastSIMs = %v (a=%d b=%d)", sims, a.ID, b.ID)
	}
}

func TestFollowupCandidates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	storetest.FixClock(db, noon)
	sim := storetest.AddSIM(t, db, "O2", 300)
	day := 24 * time.Hour
	thanks, err := db.CategoryByRole(ctx, store.RoleThanks)
	if err != nil {
		t.Fatal(err)
	}
	camp := func(n string, ago time.Duration, st string) int64 {
		return insert(t, db, store.Message{Direction: store.Out, SIMID: sim.ID, Number: n, Text: "x", Kind: store.KindCampaign, State: st, At: noon.Add(-ago), Name: "Ann"})
	}
	c1 := camp("+447700900001", 2*day, store.StateSent)      // no reply
	c2 := camp("+447700900002", 2*day, store.StateDelivered) // two replies, the last categorised
	insert(t, db, store.Message{Direction: store.In, SIMID: sim.ID, Number: "+447700900002", Text: "who?", Kind: store.KindInbound, At: noon.Add(-day)})
	insert(t, db, store.Message{Direction: store.In, SIMID: sim.ID, Number: "+447700900002", Text: "thanks", Kind: store.KindInbound, At: noon.Add(-day + time.Hour), CategoryID: thanks.ID, CategoryBy: "operator"})
	c3 := camp("+447700900003", 2*day, store.StateSent) // already followed up
	insert(t, db, store.Message{Direction: store.Out, SIMID: sim.ID, Number: "+447700900003", Text: "f", Kind: store.KindFollowup, State: store.StateSent, ParentID: c3, At: noon.Add(-day)})
	camp("+447700900004", 9*day, store.StateSent)   // too old
	camp("+447700900005", 2*day, store.StateFailed) // never went
	if err := db.AddOptOut(ctx, "+447700900001", 0); err != nil {
		t.Fatal(err)
	}
	got, err := db.FollowupCandidates(ctx, noon.Add(-5*day), noon.Add(-day))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Campaign.ID != c1 || got[1].Campaign.ID != c2 {
		t.Fatalf("candidates = %+v", got)
	}
	if got[0].ReplyID != 0 || !got[0].OptedOut || got[0].Campaign.Name != "Ann" || got[0].Campaign.SIMID != sim.ID {
		t.Fatalf("first candidate: %+v", got[0])
	}
	if got[1].ReplyText != "thanks" || got[1].ReplyCategory != "Thanks" || got[1].ReplyFollowup != store.FollowupBasic || got[1].OptedOut {
		t.Fatalf("second candidate: %+v", got[1])
	}
}

func TestNumberForms(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	if err := db.SaveNumberForms(ctx, "GB", map[string]string{"07700 900001": "+447700900001", "07700900002": "+447700900002"}); err != nil {
		t.Fatal(err)
	}
	got, err := db.NumberForms(ctx, "GB", []string{"07700 900001", "07700900002", "07700900003"})
	if err != nil || len(got) != 2 || got["07700 900001"] != "+447700900001" {
		t.Fatalf("NumberForms = %v, %v", got, err)
	}
	if got, _ := db.NumberForms(ctx, "US", []string{"07700900002"}); len(got) != 0 {
		t.Fatalf("a form remembered for GB used for US: %v", got)
	}
	// A second save replaces a form and adds the new ones, whatever the
	// characters JSON has to escape.
	odd := map[string]string{"07700900002": "+447700900009", `"0770" \ <9>&`: "+447700900003", "07700 900004 ☎": "+447700900004"}
	if err := db.SaveNumberForms(ctx, "GB", odd); err != nil {
		t.Fatal(err)
	}
	got, err = db.NumberForms(ctx, "GB", []string{"07700 900001", "07700900002", `"0770" \ <9>&`, "07700 900004 ☎"})
	if err != nil || len(got) != 4 || got["07700 900001"] != "+447700900001" {
		t.Fatalf("NumberForms = %v, %v", got, err)
	}
	for raw, e := range odd {
		if got[raw] != e {
			t.Errorf("form of %q = %q, want %q", raw, got[raw], e)
		}
	}
}
