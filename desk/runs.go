package desk

import (
	"context"
	"errors"
	"fmt"

	"github.com/texting-centre/texting/campaign"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/store"
)

// RunRequest is a campaign or follow-up run asked for by a front end (cron's
// command, the TUI's key).
type RunRequest struct {
	// DryRun plans and reports, sending and saving nothing; the setting
	// run = 0 makes every run a dry run.
	DryRun bool
	// Ports are the dongles to use instead of modem.ports or discovery.
	Ports []string
	// Progress is told what the run does (nil: nothing).
	Progress campaign.Progress
	// OnProblem hears about each dongle that could not be used, as soon as
	// the fleet is connected (nil: they go to the log).
	OnProblem func(string)
}

// RunCampaign is a campaign run from the data source src (its URL empty: the
// setting api.url): the run lock first, then the dongles (waiting for a
// short job that holds one), then the run. A run that took the lock but
// cannot start is recorded as failed.
func (d *Desk) RunCampaign(ctx context.Context, src campaign.Source, r RunRequest) (*campaign.Summary, error) {
	if src.URL == "" {
		src = campaign.Source{URL: d.Config.APIURL, Key: d.Config.APIKey}
	}
	if src.URL == "" {
		return nil, errors.New("campaign run: no data source: set api.url (texting config set api.url URL)")
	}
	var sum *campaign.Summary
	err := d.run(ctx, "campaign run", r, func(env *outbox.Env) (store.Run, error) { return campaign.StartCampaignRun(ctx, env, src) },
		func(env *outbox.Env, run store.Run) (err error) {
			sum, err = campaign.RunCampaign(ctx, env, campaign.CampaignOptions{Source: src, DryRun: r.DryRun, Progress: r.Progress, Run: run})
			return err
		})
	return sum, err
}

// RunFollowups is a follow-up run, set up as RunCampaign's.
func (d *Desk) RunFollowups(ctx context.Context, r RunRequest) (*campaign.FollowupSummary, error) {
	var sum *campaign.FollowupSummary
	err := d.run(ctx, "followup run", r, func(env *outbox.Env) (store.Run, error) { return campaign.StartFollowupRun(ctx, env) },
		func(env *outbox.Env, run store.Run) (err error) {
			sum, err = campaign.RunFollowups(ctx, env, campaign.FollowupOptions{DryRun: r.DryRun, Progress: r.Progress, Run: run})
			return err
		})
	return sum, err
}

// run takes the run lock (not for a dry run) before any dongle is opened,
// so a second run says another is in progress and touches nothing; then it
// connects the fleet and calls do.
func (d *Desk) run(ctx context.Context, what string, r RunRequest, lock func(*outbox.Env) (store.Run, error),
	do func(*outbox.Env, store.Run) error) error {
	env, err := d.BaseEnv()
	if err != nil {
		return err
	}
	dry := r.DryRun || !d.Config.Run
	var run store.Run
	hold := EnvOptions{Ports: r.Ports, What: what + " (dry)", WaitHeld: RunWaitsForShortJobs}
	if !dry {
		if run, err = lock(env); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		hold.What = fmt.Sprintf("%s %d", what, run.ID)
	}
	fl, err := d.Connect(ctx, env, hold)
	if err != nil {
		return errors.Join(err, d.abandon(ctx, run, err))
	}
	defer fl.Close()
	for _, p := range fl.Problems {
		if r.OnProblem != nil {
			r.OnProblem(p)
		} else {
			d.Logger.Warn(what, "problem", p)
		}
	}
	if len(env.Senders) == 0 && !dry {
		err := fmt.Errorf("%s: no SIM connected (plug in a dongle, give --port, or add a gateway account)", what)
		return errors.Join(err, d.abandon(ctx, run, err))
	}
	return do(env, run)
}

// abandon records a run that was locked but could not start as failed;
// nothing for a dry run.
func (d *Desk) abandon(ctx context.Context, run store.Run, cause error) error {
	if run.ID == 0 {
		return nil
	}
	return d.DB.FinishRun(context.WithoutCancel(ctx), run.ID, map[string]int{}, "failed: "+cause.Error())
}
