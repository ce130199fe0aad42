// Package campaign pulls the campaign data source, plans who gets which text
// from which SIM (dedupe, opt-outs, daily limits, sticky SIMs), and runs
// campaigns and follow-ups on top of the outbox, which sends them.
package campaign

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/template"
)

// Progress is told what a run is doing, for a progress bar or a log. Calls
// come from several goroutines but never at the same time.
type Progress interface {
	// Phase names what the run does now: "fetching", "planning",
	// "sending Group A", "texting managers".
	Phase(name string)
	// Planned shows the plan before anything is sent; total is the number
	// of texts the run will try (planned plus those left queued before).
	Planned(p *Plan, total int)
	// Event reports one text's outcome.
	Event(e outbox.Event)
}

// NoProgress discards progress.
type NoProgress struct{}

// Phase implements Progress.
func (NoProgress) Phase(string) {}

// Planned implements Progress.
func (NoProgress) Planned(*Plan, int) {}

// Event implements Progress.
func (NoProgress) Event(outbox.Event) {}

// progressOf is p, or NoProgress when p is nil.
func progressOf(p Progress) Progress {
	if p == nil {
		return NoProgress{}
	}
	return p
}

// dispatcher is e's dispatcher for kinds (nil: all); its events go to tally,
// then to prog.
func dispatcher(e *outbox.Env, prog Progress, kinds []string, tally func(outbox.Event)) *outbox.Dispatcher {
	return e.Dispatcher(kinds, func(ev outbox.Event) {
		tally(ev)
		prog.Event(ev)
	})
}

// CampaignOptions are the campaign run's own inputs.
type CampaignOptions struct {
	Source Source
	// DryRun plans and reports: nothing is queued, sent, posted or recorded.
	DryRun bool
	// Progress is told what the run does (default: nothing).
	Progress Progress
}

// Summary is a campaign run's report; its JSON form is the stable output of
// `texting campaign run --json`.
type Summary struct {
	RunID  int64          `json:"run_id"`
	DryRun bool           `json:"dry_run"`
	Source string         `json:"source"`
	Groups []GroupSummary `json:"groups"`
	SIMs   []SIMSummary   `json:"sims"`
	// PostedBack is true when every group with sent texts was posted back.
	PostedBack bool `json:"posted_back"`
	// CarriedOver is texts queued by earlier runs and sent by this one.
	CarriedOver int `json:"carried_over"`
	// Waiting is texts left queued: quiet hours, a SIM that stopped.
	Waiting int `json:"waiting"`
	// Recovered is texts found interrupted mid-send, now unknown.
	Recovered int `json:"recovered_unknown"`
	// Managers is how many manager summary texts went.
	Managers int `json:"managers_texted"`
	// Quiet is true when the run fell in quiet hours (campaign texts wait).
	Quiet bool `json:"quiet_hours"`
	// Errors are problems that did not stop the run (post-back, managers).
	Errors []string `json:"errors"`
}

// GroupSummary is one group's line of the summary.
type GroupSummary struct {
	Group      string         `json:"group"`
	Template   string         `json:"template"`
	Recipients int            `json:"recipients"`
	Queued     int            `json:"queued"`
	Sent       int            `json:"sent"`
	Parts      int            `json:"parts"`
	Failed     int            `json:"failed"`
	Unknown    int            `json:"unknown"`
	Skipped    map[string]int `json:"skipped"`
	Error      string         `json:"error"`
}

// SIMSummary is one SIM's line of the summary.
type SIMSummary struct {
	SIM       string `json:"sim"`
	Parts     int    `json:"parts"` // parts planned for it
	Sent      int    `json:"sent"`  // parts it sent in this run
	LeftToday int    `json:"left_today"`
	Limit     int    `json:"limit"`
	Stopped   string `json:"stopped,omitempty"`
}

// RunCampaign is `texting campaign run`: pull and validate the data source,
// plan, show the plan, queue and send group by group, post the numbers sent
// back after each group, text the managers one summary and record the run.
func RunCampaign(ctx context.Context, e *outbox.Env, o CampaignOptions) (*Summary, error) {
	prog := progressOf(o.Progress)
	dry := o.DryRun || !e.Config.Run
	sum := &Summary{DryRun: dry, Source: o.Source.String(), Groups: []GroupSummary{}, SIMs: []SIMSummary{}, Errors: []string{}}
	var run store.Run
	if !dry {
		stop := e.StartKeepAlive(ctx)
		defer stop()
		var err error
		run, err = e.DB.StartRun(ctx, store.RunCampaign, o.Source.String(), e.Owner.String(), e.Alive(ctx))
		if err != nil {
			return sum, err
		}
		sum.RunID = run.ID
	}
	finish := func(err error) (*Summary, error) {
		if dry {
			return sum, err
		}
		outcome := store.OutcomeOK
		if err != nil {
			outcome = "failed: " + err.Error()
		}
		c := context.WithoutCancel(ctx)
		if ferr := e.DB.FinishRun(c, run.ID, sum.counts(), outcome); ferr != nil {
			err = errors.Join(err, ferr)
		}
		return sum, err
	}

	prog.Phase("fetching")
	groups, err := o.Source.Fetch(ctx)
	if err != nil {
		return finish(err)
	}
	prog.Phase("planning")
	planner := &Planner{DB: e.DB, Region: e.Config.Region, DedupeDays: e.Config.DedupeDays, Loc: e.Location(), Greet: e.Greet, Remember: !dry}
	plan, err := planner.Plan(ctx, groups, e.SIMs())
	if err != nil {
		return finish(err)
	}
	leftover := 0 // texts queued before this run: the dispatcher tries them too
	if q, err := e.DB.Outbox(ctx, []string{store.StateQueued}); err == nil {
		leftover = len(q)
	}
	sum.fromPlan(plan)
	sum.Quiet = e.Config.Quiet.In(e.DB.Now().In(e.Location()))
	prog.Planned(plan, plan.Texts()+leftover)
	if dry {
		return finish(nil)
	}

	raw := map[string]string{} // E.164 → as the data source wrote it, for the post-back
	for _, g := range plan.Groups {
		for _, t := range g.Texts {
			raw[t.Number] = t.Raw
		}
	}
	for _, g := range groups {
		for _, en := range g.Entries {
			if _, ok := raw[en.Number]; !ok {
				raw[en.Number] = en.Number
			}
		}
	}
	byGroup := map[string]*GroupSummary{}
	for i := range sum.Groups {
		byGroup[sum.Groups[i].Group] = &sum.Groups[i]
	}
	sentBy := map[string]int{} // per group, this run's and carried-over texts
	simSent := map[int64]int{}
	stopped := map[int64]string{}
	tally := func(ev outbox.Event) {
		if ev.Kind != store.KindCampaign {
			return
		}
		g := byGroup[ev.Group]
		own := g != nil && ev.RunID == run.ID
		switch ev.State {
		case store.StateSent:
			sentBy[ev.Group]++
			simSent[ev.SIMID] += ev.Parts
			if own {
				g.Sent++
				g.Parts += ev.Parts
			} else {
				sum.CarriedOver++
			}
		case store.StateFailed:
			if own {
				g.Failed++
			}
		case store.StateUnknown:
			if own {
				g.Unknown++
			}
		}
	}
	d := dispatcher(e, prog, nil, tally)
	allPosted, postedAny := true, false
	dispatch := func(phase string) error {
		prog.Phase(phase)
		res, err := d.Dispatch(ctx, e.Senders)
		sum.Recovered += len(res.Recovered)
		for id, c := range res.SIMs {
			if c.Stopped != "" {
				stopped[id] = c.Stopped
			}
		}
		for group, numbers := range res.SentTo {
			if ctx.Err() != nil && len(numbers) == 0 {
				continue
			}
			out := make([]string, len(numbers))
			for i, n := range numbers {
				out[i] = n
				if r, ok := raw[n]; ok && r != "" {
					out[i] = r
				}
			}
			if len(out) == 0 {
				continue
			}
			postedAny = true
			if perr := o.Source.PostBack(context.WithoutCancel(ctx), group, out); perr != nil {
				allPosted = false
				sum.Errors = append(sum.Errors, perr.Error())
				e.Log().Warn("post back", "group", group, "err", perr)
			}
		}
		return err
	}
	// Texts left queued by an earlier run go first.
	if err := dispatch("sending texts left from earlier runs"); err != nil {
		return finish(err)
	}
	for _, g := range plan.Groups {
		if len(g.Texts) == 0 || ctx.Err() != nil {
			continue
		}
		msgs := make([]store.Message, len(g.Texts))
		for i, t := range g.Texts {
			msgs[i] = store.Message{Direction: store.Out, SIMID: t.SIMID, Number: t.Number, Text: t.Text, Kind: store.KindCampaign,
				TemplateID: g.Template.ID, GroupName: g.Group, Name: t.Name, RunID: run.ID, Parts: t.Parts}
		}
		if _, err := e.DB.Queue(ctx, msgs); err != nil {
			return finish(err)
		}
		byGroup[g.Group].Queued = len(msgs)
		if err := dispatch("sending " + g.Group); err != nil {
			return finish(err)
		}
	}
	sum.PostedBack = allPosted && postedAny
	if err := ctx.Err(); err != nil {
		sum.fillSIMs(ctx, e, simSent, stopped)
		return finish(fmt.Errorf("campaign run stopped: %w", err))
	}
	total := 0
	for _, n := range sentBy {
		total += n
	}
	// Managers hear about runs that sent something, not three "0 sent"
	// texts a day from cron when the source had nobody new.
	if len(e.Config.Managers) > 0 && total > 0 {
		prog.Phase("texting managers")
		n, err := textManagers(ctx, e, managerText(plan, sentBy))
		sum.Managers = n
		if err != nil {
			sum.Errors = append(sum.Errors, err.Error())
		}
	}
	if q, err := e.DB.Outbox(ctx, []string{store.StateQueued}); err == nil {
		for _, m := range q {
			if m.Kind == store.KindCampaign {
				sum.Waiting++
			}
		}
	}
	sum.fillSIMs(ctx, e, simSent, stopped)
	return finish(nil)
}

// managerText is the one-line summary managers get: "8 group a, 7 group b".
func managerText(plan *Plan, sent map[string]int) string {
	var parts []string
	seen := map[string]bool{}
	for _, g := range plan.Groups {
		seen[g.Group] = true
		parts = append(parts, fmt.Sprintf("%d %s", sent[g.Group], strings.ToLower(g.Group)))
	}
	var extra []string
	for g := range sent {
		if !seen[g] {
			extra = append(extra, g)
		}
	}
	sort.Strings(extra)
	for _, g := range extra {
		parts = append(parts, fmt.Sprintf("%d %s", sent[g], strings.ToLower(g)))
	}
	if len(parts) == 0 {
		return "0 sent"
	}
	return strings.Join(parts, ", ")
}

// textManagers queues and sends text to every manager phone.
func textManagers(ctx context.Context, e *outbox.Env, text string) (int, error) {
	if len(e.Senders) == 0 {
		return 0, errors.New("manager summary: no SIM connected")
	}
	var msgs []store.Message
	var errs []error
	for _, m := range e.Config.Managers {
		r, err := e.Route(ctx, m, "", template.Parts(text))
		if err != nil {
			errs = append(errs, fmt.Errorf("manager summary to %s: %w", m, err))
			continue
		}
		msgs = append(msgs, store.Message{Direction: store.Out, SIMID: r.SIMID, Number: r.Number, Text: text, Kind: store.KindManager, Parts: template.Parts(text)})
	}
	if len(msgs) == 0 {
		return 0, errors.Join(errs...)
	}
	if _, err := e.DB.Queue(ctx, msgs); err != nil {
		return 0, err
	}
	res, err := e.Dispatcher([]string{store.KindManager}, nil).Dispatch(ctx, e.Senders)
	return res.Sent, errors.Join(append(errs, err)...)
}

func (s *Summary) fromPlan(p *Plan) {
	for _, g := range p.Groups {
		gs := GroupSummary{Group: g.Group, Template: g.Template.Name, Recipients: g.Recipients, Skipped: map[string]int{}, Error: g.Error}
		for k, v := range g.Skipped {
			gs.Skipped[k] = v
		}
		if s.DryRun {
			gs.Queued, gs.Parts = len(g.Texts), g.Parts
		}
		s.Groups = append(s.Groups, gs)
	}
	for _, sp := range p.SIMs {
		s.SIMs = append(s.SIMs, SIMSummary{SIM: sp.SIM.Label(), Parts: sp.Planned, LeftToday: sp.Left - sp.Planned, Limit: sp.SIM.DailyLimit})
	}
}

// fillSIMs replaces the planned left-today figures with what the SIMs have
// really left after sending.
func (s *Summary) fillSIMs(ctx context.Context, e *outbox.Env, sent map[int64]int, stopped map[int64]string) {
	local := e.DB.Now().In(e.Location())
	today, err := e.DB.SentParts(ctx, outbox.DayStart(local), outbox.DayStart(local).AddDate(0, 0, 1))
	if err != nil {
		return
	}
	for i, snd := range e.Senders {
		sim := snd.SIM()
		if i < len(s.SIMs) && s.SIMs[i].SIM == sim.Label() {
			s.SIMs[i].Sent = sent[sim.ID]
			s.SIMs[i].LeftToday = max(0, sim.DailyLimit-today[sim.ID])
			s.SIMs[i].Stopped = stopped[sim.ID]
			continue
		}
		for j := range s.SIMs {
			if s.SIMs[j].SIM == sim.Label() {
				s.SIMs[j].Sent = sent[sim.ID]
				s.SIMs[j].LeftToday = max(0, sim.DailyLimit-today[sim.ID])
				s.SIMs[j].Stopped = stopped[sim.ID]
			}
		}
	}
}

// counts are the figures kept in the runs table.
func (s *Summary) counts() map[string]int {
	c := map[string]int{"carried_over": s.CarriedOver, "waiting": s.Waiting, "recovered_unknown": s.Recovered, "managers_texted": s.Managers}
	for _, g := range s.Groups {
		c["recipients"] += g.Recipients
		c["queued"] += g.Queued
		c["sent"] += g.Sent
		c["parts"] += g.Parts
		c["failed"] += g.Failed
		c["unknown"] += g.Unknown
		for k, v := range g.Skipped {
			c["skipped_"+k] += v
		}
		if g.Error != "" {
			c["groups_skipped"]++
		}
	}
	return c
}
