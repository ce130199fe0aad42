package cli

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
)

// carryOver queues one campaign text of group as an interrupted earlier run
// left it, and sets a manager's phone.
func carryOver(t *testing.T, dbPath, group, number string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	run, err := db.StartRun(ctx, store.RunCampaign, "earlier", "gone:1:1", func(string) bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	if err := db.FinishRun(ctx, run.ID, nil, store.OutcomeInterrupted); err != nil {
		t.Fatal(err)
	}
	sims, err := db.SIMs(ctx)
	if err != nil || len(sims) == 0 {
		t.Fatalf("sims %v %v", sims, err)
	}
	if _, err := db.Queue(ctx, []store.Message{{Direction: store.Out, SIMID: sims[0].ID, Number: number, Text: "Hello from before",
		Kind: store.KindCampaign, GroupName: group, RunID: run.ID, Parts: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting(ctx, "managers", "+447700909999"); err != nil {
		t.Fatal(err)
	}
}

// TestReportsCountCarriedOverTexts: a run that sends a text an earlier run
// left queued counts it in every report — the plain summary, --json, the
// runs row and the managers' text — and they agree.
func TestReportsCountCarriedOverTexts(t *testing.T) {
	for _, format := range []string{"json", "plain"} {
		t.Run(format, func(t *testing.T) {
			fx := newCampaignFixture(t, 2, 10*time.Millisecond)
			ports := []string{"--port", fx.ports[0]}
			// A first look at the dongle records its SIM.
			if r := runCLI(t, fx.dbPath, nil, append([]string{"read-in"}, ports...)...); r.code != 0 {
				t.Fatalf("read-in: %d %s", r.code, r.err)
			}
			carryOver(t, fx.dbPath, "Group A", "+447700901204")
			args := append([]string{"campaign", "run", "--source", fx.src.URL + "/people"}, ports...)
			if format == "json" {
				args = append(args, "--json")
			}
			r := runCLI(t, fx.dbPath, map[string]string{"TEXTING_API_KEY": "k3y"}, args...)
			if r.code != 0 {
				t.Fatalf("campaign run: exit %d\n%s\n%s", r.code, r.out, r.err)
			}
			const want = 3 // two people now, one carried over
			switch format {
			case "json":
				var sum struct {
					RunID       int64 `json:"run_id"`
					Sent        int   `json:"sent"`
					CarriedOver int   `json:"carried_over"`
				}
				if err := json.Unmarshal([]byte(r.out), &sum); err != nil || sum.Sent != want || sum.CarriedOver != 1 {
					t.Fatalf("json %+v %v\n%s", sum, err, r.out)
				}
			case "plain":
				if !strings.Contains(r.out, "texts sent") || !regexp.MustCompile(`Campaign run \d+: `+strconv.Itoa(want)+` texts sent`).MatchString(r.out) ||
					!strings.Contains(r.out, "1 texts left queued by an earlier run were sent.") {
					t.Fatalf("plain summary:\n%s", r.out)
				}
			}
			ctx := context.Background()
			db, err := store.Open(ctx, fx.dbPath)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			runs, err := db.Runs(ctx, store.RunCampaign, 10)
			if err != nil || len(runs) != 2 {
				t.Fatalf("runs %+v %v", runs, err)
			}
			latest := runs[0]
			if runs[1].ID > latest.ID {
				latest = runs[1]
			}
			if latest.Counts["sent"] != want || latest.Counts["carried_over"] != 1 || latest.Outcome != store.OutcomeOK {
				t.Fatalf("runs row %+v", latest)
			}
			mgr, err := db.Messages(ctx, store.MessageFilter{Direction: store.Out, Number: "+447700909999"})
			if err != nil || len(mgr) != 1 {
				t.Fatalf("managers' texts %+v %v", mgr, err)
			}
			total := 0
			for _, m := range regexp.MustCompile(`(\d+) group`).FindAllStringSubmatch(mgr[0].Text, -1) {
				n, _ := strconv.Atoi(m[1])
				total += n
			}
			if total != want {
				t.Fatalf("managers' text %q counts %d, want %d", mgr[0].Text, total, want)
			}
		})
	}
}
