package cli

import (
	"context"
	"encoding/json"
	"github.com/texting-centre/texting/campaign"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem/modemtest"
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

// postedOnce checks that every number texted was posted back exactly once,
// in the form the data source wrote it (07700 900xxx → +447700900xxx). A
// text whose outcome is unknown (its run was killed mid-send) is not
// posted: nobody knows it went.
func postedOnce(t *testing.T, fx *campaignFixture) {
	t.Helper()
	unknown := map[string]bool{}
	for _, n := range outboxNumbers(t, textingBinary(t), fx.dbPath, store.StateUnknown) {
		unknown[n] = true
	}
	fx.src.mu.Lock()
	defer fx.src.mu.Unlock()
	posted := map[string]int{}
	for _, nums := range fx.src.posted {
		for _, n := range nums {
			if !strings.HasPrefix(n, "07700900") {
				t.Errorf("number %q posted back not as the source wrote it", n)
			}
			posted["+44"+strings.TrimPrefix(n, "0")]++
		}
	}
	texted := fx.texted()
	for n, c := range texted {
		if posted[n] != 1 && !(unknown[n] && posted[n] == 0) {
			t.Errorf("%s texted %d times, posted back %d times", n, c, posted[n])
		}
	}
	for n, c := range posted {
		if texted[n] == 0 {
			t.Errorf("%s posted back %d times, never texted", n, c)
		}
	}
}

// TestPostBackAfterKill: a campaign run killed after some texts went, then a
// normal run: the killed run's numbers are in the next post-back, nobody is
// posted twice.
func TestPostBackAfterKill(t *testing.T) {
	bin := textingBinary(t)
	fx := newCampaignFixture(t, 20, 100*time.Millisecond)
	first := startTexting(t, bin, fx.args()...)
	deadline := time.Now().Add(30 * time.Second)
	for c := countStates(t, fx.dbPath); went(c) < 4 || c[store.StateSending] == 0; c = countStates(t, fx.dbPath) {
		if time.Now().After(deadline) {
			t.Fatalf("kill point never reached: %s", first.stderr.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
	first.cmd.Process.Signal(syscall.SIGKILL)
	first.wait(t)
	second := startTexting(t, bin, fx.args()...)
	if code := second.wait(t); code != 0 {
		t.Fatalf("run after the kill: exit %d: %s %s", code, second.stdout.String(), second.stderr.String())
	}
	if len(fx.texted()) < 4 {
		t.Fatalf("only %d texted", len(fx.texted()))
	}
	postedOnce(t, fx)
}

// TestFailedPostBackRetried: a post-back answered 501 is printed once with
// its group, the run is recorded failed (its texts went), and the next run
// posts what is owed.
func TestFailedPostBackRetried(t *testing.T) {
	fx := newCampaignFixture(t, 4, 10*time.Millisecond)
	fx.src.mu.Lock()
	fx.src.failPosts = 10
	fx.src.mu.Unlock()
	env := map[string]string{"TEXTING_API_KEY": "k3y"}
	args := append([]string{"campaign", "run", "--source", fx.src.URL + "/people"}, "--port", fx.ports[0])
	r := runCLI(t, fx.dbPath, env, args...)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (post-back failed)\n%s\n%s", r.code, r.out, r.err)
	}
	for _, g := range []string{"Group A", "Group B"} {
		if n := strings.Count(r.out+r.err, "post-back of "+g); n != 1 {
			t.Errorf("the failed post-back of %s is told %d times:\n%s\n%s", g, n, r.out, r.err)
		}
	}
	if !strings.Contains(r.out, "501") {
		t.Errorf("the summary does not say why: %s", r.out)
	}
	runs := campaignRuns(t, fx.dbPath)
	if len(runs) != 1 || !strings.HasPrefix(runs[0].Outcome, "failed: post-back") || runs[0].Counts["sent"] != 4 {
		t.Fatalf("runs %+v", runs)
	}
	fx.src.mu.Lock()
	fx.src.failPosts = 0
	fx.src.mu.Unlock()
	if r := runCLI(t, fx.dbPath, env, args...); r.code != 0 {
		t.Fatalf("next run: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	postedOnce(t, fx)
}

// TestRunExitStatus: a run that fills its SIM to the limit still texts the
// managers and exits 0; a run whose own texts ended unknown exits 1.
func TestRunExitStatus(t *testing.T) {
	env := map[string]string{"TEXTING_API_KEY": "k3y"}
	t.Run("SIM full, everyone it could texted", func(t *testing.T) {
		fx := newCampaignFixture(t, 8, 5*time.Millisecond)
		ports := []string{"--port", fx.ports[0]}
		if r := runCLI(t, fx.dbPath, nil, append([]string{"read-in"}, ports...)...); r.code != 0 {
			t.Fatalf("read-in: %d %s", r.code, r.err)
		}
		if r := runCLI(t, fx.dbPath, nil, "sim", "set", "O2 - UK 1", "--limit", "4"); r.code != 0 {
			t.Fatalf("sim set: %d %s %s", r.code, r.out, r.err)
		}
		if r := runCLI(t, fx.dbPath, nil, "config", "set", "managers", "+447700909999"); r.code != 0 {
			t.Fatalf("config set: %d %s", r.code, r.err)
		}
		r := runCLI(t, fx.dbPath, env, append([]string{"campaign", "run", "--json", "--source", fx.src.URL + "/people"}, ports...)...)
		var sum struct {
			Sent     int `json:"sent"`
			Managers int `json:"managers_texted"`
		}
		if r.code != 0 || json.Unmarshal([]byte(r.out), &sum) != nil || sum.Sent != 3 || sum.Managers != 1 {
			t.Fatalf("exit %d, %+v\n%s\n%s", r.code, sum, r.out, r.err)
		}
	})
	t.Run("own texts unknown", func(t *testing.T) {
		fx := newCampaignFixture(t, 2, 5*time.Millisecond)
		fx.emus[0].AddFault(modemtest.Fault{Command: "AT+CMGS", Reply: "+CMS ERROR: 500", WentOut: true, Times: -1})
		r := runCLI(t, fx.dbPath, env, "campaign", "run", "--source", fx.src.URL+"/people", "--port", fx.ports[0])
		if r.code != 1 || !strings.Contains(r.err, "2 of its texts ended unknown") {
			t.Fatalf("exit %d\n%s\n%s", r.code, r.out, r.err)
		}
	})
}

// TestFollowupFailure: a follow-up run fails (cron mails it) by the campaign
// run's rule: its own follow-ups ended unknown, or it sent none of those it
// queued outside quiet hours; follow-ups still waiting after some went, or
// held by quiet hours, are not a failure.
func TestFollowupFailure(t *testing.T) {
	tests := []struct {
		name string
		sum  campaign.FollowupSummary
		want string
	}{
		{"nothing to do", campaign.FollowupSummary{}, ""},
		{"all sent", campaign.FollowupSummary{Queued: 4, Sent: 4}, ""},
		{"some sent, some wait", campaign.FollowupSummary{Queued: 4, Sent: 1, Waiting: 3}, ""},
		{"quiet hours hold them", campaign.FollowupSummary{Queued: 4, Quiet: true, Waiting: 4}, ""},
		{"none sent", campaign.FollowupSummary{Queued: 3, Failed: 3}, "sent none of the 3 follow-ups"},
		{"own unknown", campaign.FollowupSummary{Queued: 3, Sent: 2, Unknown: 1}, "1 of its texts ended unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := followupFailure(&tt.sum)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("want no failure, got %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("want %q, got %v", tt.want, err)
			}
		})
	}
}
