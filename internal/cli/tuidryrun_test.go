package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/texting-centre/texting/desk/tuibackend"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/common"
)

// TestTUIDryRunPlanPerSIM: the TUI's dry run (its backend over the desk, on
// emulated dongles and a data source) gives the same per-SIM plan as
// `texting campaign run --dry-run --json`: parts per SIM, what each has left
// today after it, and its limit; and it sends and records nothing.
func TestTUIDryRunPlanPerSIM(t *testing.T) {
	t.Parallel()
	fx := newCampaignFixture(t, 6, 0)
	withDB(t, fx.dbPath, func(ctx context.Context, db *store.DB) {
		for k, v := range map[string]string{"api.url": fx.src.URL + "/people", "modem.ports": strings.Join(fx.ports, ",")} {
			if err := db.SetSetting(ctx, k, v); err != nil {
				t.Fatal(err)
			}
		}
	})
	out, err := fx.command(t, "--dry-run", "--json").Output()
	if err != nil {
		t.Fatalf("campaign run --dry-run: %v\n%s", err, out)
	}
	var cli struct {
		SIMs []struct {
			SIM       string `json:"sim"`
			Parts     int    `json:"parts"`
			LeftToday int    `json:"left_today"`
			Limit     int    `json:"limit"`
		} `json:"sims"`
	}
	if err := json.Unmarshal(out, &cli); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// Connecting the dongles rightly notes when each SIM was last seen; a
	// second boundary between the two runs must not count as a change.
	before := digestWithout(t, fx.dbPath, "sims.last_seen")
	var res common.CampaignResult
	if err := tuiSide(t, fx.dbPath, map[string]string{"TEXTING_API_KEY": "k3y"}, func(ctx context.Context, b *tuibackend.Backend) (err error) {
		res, err = b.RunCampaign(ctx, true, nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !res.DryRun || res.ToSend() != 6 || len(res.SIMs) != len(cli.SIMs) || len(res.SIMs) == 0 {
		t.Fatalf("TUI dry run %+v, CLI SIMs %+v", res, cli.SIMs)
	}
	parts := 0
	for i, s := range res.SIMs {
		c := cli.SIMs[i]
		if s.SIM != c.SIM || s.Parts != c.Parts || s.LeftToday != c.LeftToday || s.Limit != c.Limit {
			t.Errorf("SIM %d: TUI %+v, CLI %+v", i, s, c)
		}
		parts += s.Parts
	}
	if parts != 6 {
		t.Errorf("the SIMs have %d parts planned, want the 6 texts' 6", parts)
	}
	if after := digestWithout(t, fx.dbPath, "sims.last_seen"); after != before {
		t.Fatal("the TUI's dry run changed the database")
	}
	for _, e := range fx.emus {
		if n := len(e.Sent()); n != 0 {
			t.Fatalf("a dry run sent %d texts", n)
		}
	}
}
