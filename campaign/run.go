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
	// Run is the run's row when the caller took the run lock itself
	// (StartCampaignRun) before opening the dongles; zero: RunCampaign
	// takes it.
	Run store.Run
}

// StartCampaignRun takes the campaign run lock: the run's row, refused with
// store.ErrRunInProgress while another campaign run lives. Take it before
// opening any dongle, so that a second run touches nothing.
func StartCampaignRun(ctx context.Context, e *outbox.Env, src Source) (store.Run, error) {
	return e.DB.StartRun(ctx, store.RunCampaign, src.String(), e.Owner.String(), e.Alive(ctx))
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
	// Sent is every campaign text this run sent: its own and those an
	// earlier run left queued (CarriedOver). The plain summary, the runs
	// row and the managers' text give the same number.
	Sent int `json:"sent"`
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
// A dry run stops after the plan and records nothing.
func RunCampaign(ctx context.Context, e *outbox.Env, o CampaignOptions) (*Summary, error) {
	r := newCampaignRun(e, o)
	if !r.dry {
		stop := e.StartKeepAlive(ctx)
		defer stop()
		if err := r.lock(ctx); err != nil {
			return r.sum, err
		}
	}
	return r.sum, r.record(ctx, r.phases(ctx))
}

// campaignRun is one campaign run on its way through its phases.
type campaignRun struct {
	e    *outbox.Env
	o    CampaignOptions
	prog Progress
	dry  bool
	run  store.Run // the runs row; zero for a dry run
	sum  *Summary
	plan *Plan

	// What the sending phases tally, from the dispatcher's events.
	d       *outbox.Dispatcher
	byGroup map[string]*GroupSummary
	sentBy  map[string]int   // per group, this run's and carried-over texts
	simSent map[int64]int    // parts per SIM
	stopped map[int64]string // why a SIM stopped sending

	allPosted, postedAny bool
	failedPost           map[string]bool // groups whose post-back failed in this run
}

func newCampaignRun(e *outbox.Env, o CampaignOptions) *campaignRun {
	dry := o.DryRun || !e.Config.Run
	return &campaignRun{
		e: e, o: o, prog: progressOf(o.Progress), dry: dry,
		sum: &Summary{DryRun: dry, Source: o.Source.String(), Groups: []GroupSummary{}, SIMs: []SIMSummary{}, Errors: []string{}},
	}
}

// phases runs everything between the lock and the record; its error is the
// run's outcome.
func (r *campaignRun) phases(ctx context.Context) error {
	groups, err := r.pull(ctx)
	if err != nil {
		return err
	}
	if err := r.makePlan(ctx, groups); err != nil {
		return err
	}
	if r.dry {
		return nil
	}
	r.startSending()
	// Texts left queued by an earlier run go first.
	if err := r.dispatch(ctx, "sending texts left from earlier runs"); err != nil {
		return err
	}
	for _, g := range r.plan.Groups {
		if len(g.Texts) == 0 || ctx.Err() != nil {
			continue
		}
		if err := r.queue(ctx, g); err != nil {
			return err
		}
		if err := r.dispatch(ctx, "sending "+g.Group); err != nil {
			return err
		}
	}
	r.sum.PostedBack = r.allPosted && r.postedAny
	if err := ctx.Err(); err != nil {
		r.sum.fillSIMs(ctx, r.e, r.simSent, r.stopped)
		return fmt.Errorf("campaign run stopped: %w", err)
	}
	r.summarise(ctx)
	return nil
}

// lock starts the run's row, which refuses a second live campaign run.
func (r *campaignRun) lock(ctx context.Context) error {
	run := r.o.Run
	if run.ID == 0 {
		var err error
		if run, err = StartCampaignRun(ctx, r.e, r.o.Source); err != nil {
			return err
		}
	}
	r.run, r.sum.RunID = run, run.ID
	return nil
}

// record finishes the run's row with the summary's counts and the outcome
// (nothing for a dry run) and returns err joined with any error doing so.
func (r *campaignRun) record(ctx context.Context, err error) error {
	if r.dry {
		return err
	}
	outcome := store.OutcomeOK
	switch {
	case err != nil:
		outcome = "failed: " + err.Error()
	case len(r.failedPost) > 0:
		// The texts went, but the source was not told: not "ok".
		outcome = "failed: post-back: " + strings.Join(r.sum.postErrors(), "; ")
	}
	if ferr := r.e.DB.FinishRun(context.WithoutCancel(ctx), r.run.ID, r.sum.counts(), outcome); ferr != nil {
		err = errors.Join(err, ferr)
	}
	return err
}

// pull fetches and validates the data source.
func (r *campaignRun) pull(ctx context.Context) ([]Group, error) {
	r.prog.Phase("fetching")
	return r.o.Source.Fetch(ctx)
}

// makePlan plans the groups against the connected SIMs and shows the plan.
func (r *campaignRun) makePlan(ctx context.Context, groups []Group) error {
	r.prog.Phase("planning")
	e := r.e
	planner := &Planner{DB: e.DB, Region: e.Config.Region, DedupeDays: e.Config.DedupeDays, Loc: e.Location(), Greet: e.Greet, Remember: !r.dry,
		Managers: e.Config.Managers}
	plan, err := planner.Plan(ctx, groups, e.SIMs())
	if err != nil {
		return err
	}
	r.plan = plan
	leftover := 0 // texts queued before this run: the dispatcher tries them too
	if q, err := e.DB.Outbox(ctx, []string{store.StateQueued}); err == nil {
		leftover = len(q)
	}
	r.sum.fromPlan(plan)
	r.sum.Quiet = e.Config.Quiet.In(e.DB.Now().In(e.Location()))
	r.prog.Planned(plan, plan.Texts()+leftover)
	return nil
}

// startSending readies the tallies, the post-back's numbers and the
// dispatcher for the sending phases.
func (r *campaignRun) startSending() {
	r.byGroup = map[string]*GroupSummary{}
	for i := range r.sum.Groups {
		r.byGroup[r.sum.Groups[i].Group] = &r.sum.Groups[i]
	}
	r.sentBy, r.simSent, r.stopped = map[string]int{}, map[int64]int{}, map[int64]string{}
	r.allPosted = true
	r.d = dispatcher(r.e, r.prog, nil, r.tally)
}

// tally counts one campaign text's outcome in its group's line, or as
// carried over when an earlier run queued it.
func (r *campaignRun) tally(ev outbox.Event) {
	if ev.Kind != store.KindCampaign {
		return
	}
	g := r.byGroup[ev.Group]
	own := g != nil && ev.RunID == r.run.ID
	switch ev.State {
	case store.StateSent:
		r.sentBy[ev.Group]++
		r.sum.Sent++
		r.simSent[ev.SIMID] += ev.Parts
		if own {
			g.Sent++
			g.Parts += ev.Parts
		} else {
			r.sum.CarriedOver++
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

// queue puts one group's planned texts in the outbox.
func (r *campaignRun) queue(ctx context.Context, g GroupPlan) error {
	msgs := make([]store.Message, len(g.Texts))
	for i, t := range g.Texts {
		msgs[i] = store.Message{Direction: store.Out, SIMID: t.SIMID, Number: t.Number, Text: t.Text, Kind: store.KindCampaign,
			TemplateID: g.Template.ID, GroupName: g.Group, Name: t.Name, RunID: r.run.ID, Parts: t.Parts}
	}
	ids, err := r.e.DB.Queue(ctx, msgs)
	if err != nil {
		return err
	}
	raws := make([]string, len(g.Texts))
	for i, t := range g.Texts {
		raws[i] = t.Raw
	}
	if err := r.e.DB.OwePostBacks(ctx, ids, raws); err != nil {
		return err
	}
	r.byGroup[g.Group].Queued = len(msgs)
	return nil
}

// dispatch sends what the outbox holds, then posts back the numbers sent.
func (r *campaignRun) dispatch(ctx context.Context, phase string) error {
	r.prog.Phase(phase)
	res, err := r.d.Dispatch(ctx, r.e.Senders)
	r.sum.Recovered += len(res.Recovered)
	for id, c := range res.SIMs {
		if c.Stopped != "" {
			r.stopped[id] = c.Stopped
		}
	}
	r.postOwed(ctx)
	return err
}

// postOwed POSTs back to the source, group by group, every number sent
// and not yet posted back, whichever run sent it (a killed run's numbers
// go with the next run), in one form: as the data source wrote it. A
// failed post-back stays owed for the next run; it is reported once per
// group, and the run is recorded failed.
func (r *campaignRun) postOwed(ctx context.Context) {
	owed, err := r.e.DB.OwedPostBacks(context.WithoutCancel(ctx))
	if err != nil {
		r.postFailed("", err)
		return
	}
	var order []string
	byGroup := map[string][]store.OwedPostBack{}
	for _, o := range owed {
		if _, ok := byGroup[o.Group]; !ok {
			order = append(order, o.Group)
		}
		byGroup[o.Group] = append(byGroup[o.Group], o)
	}
	for _, group := range order {
		if r.failedPost[group] {
			continue // tried in this run already: the next run tries again
		}
		nums := make([]string, len(byGroup[group]))
		ids := make([]int64, len(byGroup[group]))
		for i, o := range byGroup[group] {
			nums[i], ids[i] = o.Raw, o.MessageID
		}
		r.postedAny = true
		if perr := r.o.Source.PostBack(context.WithoutCancel(ctx), group, nums); perr != nil {
			r.postFailed(group, fmt.Errorf("post-back of %s (%d numbers) failed, the next run tries again: %w", group, len(nums), perr))
			continue
		}
		if err := r.e.DB.MarkPostedBack(context.WithoutCancel(ctx), ids); err != nil {
			r.postFailed(group, err)
		}
	}
}

// postFailed notes a failed post-back once per group.
func (r *campaignRun) postFailed(group string, err error) {
	r.allPosted = false
	if r.failedPost == nil {
		r.failedPost = map[string]bool{}
	}
	r.failedPost[group] = true
	r.sum.Errors = append(r.sum.Errors, err.Error())
	r.e.Log().Warn("post back", "group", group, "err", err)
}

// summarise texts the managers, counts the campaign texts still waiting and
// fills in what each SIM sent and has left.
func (r *campaignRun) summarise(ctx context.Context) {
	total := 0
	for _, n := range r.sentBy {
		total += n
	}
	// Managers hear about runs that sent something, not three "0 sent"
	// texts a day from cron when the source had nobody new.
	if len(r.e.Config.Managers) > 0 && total > 0 {
		r.prog.Phase("texting managers")
		n, err := textManagers(ctx, r.e, managerText(r.plan, r.sentBy))
		r.sum.Managers = n
		if err != nil {
			r.sum.Errors = append(r.sum.Errors, err.Error())
		}
	}
	if q, err := r.e.DB.Outbox(ctx, []string{store.StateQueued}); err == nil {
		for _, m := range q {
			if m.Kind == store.KindCampaign {
				r.sum.Waiting++
			}
		}
	}
	r.sum.fillSIMs(ctx, r.e, r.simSent, r.stopped)
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
// postErrors are the summary's post-back errors.
func (s *Summary) postErrors() []string {
	var out []string
	for _, e := range s.Errors {
		if strings.Contains(e, "post-back") || strings.Contains(e, "post back") {
			out = append(out, e)
		}
	}
	return out
}

func (s *Summary) counts() map[string]int {
	c := map[string]int{"sent": s.Sent, "carried_over": s.CarriedOver, "waiting": s.Waiting, "recovered_unknown": s.Recovered, "managers_texted": s.Managers}
	for _, g := range s.Groups {
		c["recipients"] += g.Recipients
		c["queued"] += g.Queued
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
