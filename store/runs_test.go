package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

func TestRunsOneAtATime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	storetest.FixClock(db, noon)
	live := map[string]bool{"p1": true}
	alive := func(o string) bool { return live[o] }

	r1, err := db.StartRun(ctx, store.RunCampaign, "https://example.test/data", "p1", alive)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartRun(ctx, store.RunCampaign, "", "p2", alive); !errors.Is(err, store.ErrRunInProgress) {
		t.Fatalf("second run while the first lives: %v", err)
	}
	if _, err := db.StartRun(ctx, store.RunFollowup, "", "p2", alive); err != nil {
		t.Fatalf("a follow-up run beside a campaign run: %v", err)
	}
	delete(live, "p1") // killed
	r2, err := db.StartRun(ctx, store.RunCampaign, "", "p3", alive)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.FinishRun(ctx, r2.ID, map[string]int{"sent": 3}, store.OutcomeOK); err != nil {
		t.Fatal(err)
	}
	runs, err := db.Runs(ctx, store.RunCampaign, 0)
	if err != nil || len(runs) != 2 {
		t.Fatalf("Runs = %+v, %v", runs, err)
	}
	if runs[0].ID != r2.ID || runs[0].Outcome != store.OutcomeOK || runs[0].Counts["sent"] != 3 || runs[0].EndedAt.IsZero() {
		t.Fatalf("finished run: %+v", runs[0])
	}
	if runs[1].ID != r1.ID || runs[1].Outcome != store.OutcomeInterrupted || runs[1].Source != "https://example.test/data" {
		t.Fatalf("killed run: %+v", runs[1])
	}
}
