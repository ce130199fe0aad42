package campaign

import (
	"context"
	"errors"
	"fmt"

	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/template"
)

// Reasons a campaign text gets no follow-up (now, or at all).
const (
	NoFollowupOptedOut       = "opted_out"       // the number is on the opt-out list
	NoFollowupNotCategorised = "not_categorised" // the reply waits for a category
	NoFollowupCategory       = "category_none"   // the reply's category asks for none
	NoFollowupNoBody         = "no_body"         // the template has no such follow-up body
	NoFollowupNoTemplate     = "no_template"     // the campaign text's template is gone
	NoFollowupSIMUnavailable = "sim_unavailable" // its SIM is not connected or parked: it waits
	NoFollowupNoCapacity     = "no_capacity"     // its SIM has no room left today: it waits
)

// FollowupReasons lists the reasons in the order summaries show them.
func FollowupReasons() []string {
	return []string{NoFollowupOptedOut, NoFollowupNotCategorised, NoFollowupCategory, NoFollowupNoBody,
		NoFollowupNoTemplate, NoFollowupSIMUnavailable, NoFollowupNoCapacity}
}

// Decision is what a campaign text's follow-up will be.
type Decision struct {
	// Action is store.FollowupBasic, store.FollowupAlternative or
	// store.FollowupNone.
	Action string
	// Body is the follow-up text to render ("" for none).
	Body string
	// Reason says why there is none (one of the NoFollowup reasons).
	Reason string
}

// Decide applies the follow-up rules (docs/ARCHITECTURE.md, Follow-ups) to one campaign text: the
// person's last reply since it decides. No reply → basic; a reply in a
// category whose action is basic → basic, alternative → the alternative
// body; a reply in a category with none, an opt-out, or a reply not yet
// categorised → no follow-up. Nobody on the opt-out list gets one, and a
// template without the body asked for gives none.
func Decide(c store.FollowupCandidate, t store.Template, haveTemplate bool) Decision {
	none := func(reason string) Decision { return Decision{Action: store.FollowupNone, Reason: reason} }
	if c.OptedOut || c.ReplyOptOut {
		return none(NoFollowupOptedOut)
	}
	action := store.FollowupBasic
	if c.ReplyID != 0 {
		if c.ReplyCategoryID == 0 {
			return none(NoFollowupNotCategorised)
		}
		action = c.ReplyFollowup
	}
	if action != store.FollowupBasic && action != store.FollowupAlternative {
		return none(NoFollowupCategory)
	}
	if !haveTemplate {
		return none(NoFollowupNoTemplate)
	}
	body := t.Followup
	if action == store.FollowupAlternative {
		body = t.AltFollowup
	}
	if body == "" {
		return none(NoFollowupNoBody)
	}
	return Decision{Action: action, Body: body}
}

// FollowupSummary is a follow-up run's report; its JSON form is the stable
// output of `texting followup run --json`.
type FollowupSummary struct {
	RunID       int64 `json:"run_id"`
	DryRun      bool  `json:"dry_run"`
	Candidates  int   `json:"candidates"`
	Basic       int   `json:"basic"`
	Alternative int   `json:"alternative"`
	Queued      int   `json:"queued"`
	// Sent counts the follow-ups this run sent, those an earlier run left
	// queued (CarriedOver) included.
	Sent        int            `json:"sent"`
	CarriedOver int            `json:"carried_over"`
	Parts       int            `json:"parts"`
	Failed      int            `json:"failed"`
	Unknown     int            `json:"unknown"`
	Waiting     int            `json:"waiting"`
	Skipped     map[string]int `json:"skipped"`
	Quiet       bool           `json:"quiet_hours"`
	Recovered   int            `json:"recovered_unknown"`
}

// FollowupOptions are the follow-up run's own inputs.
type FollowupOptions struct {
	// DryRun decides and reports: nothing is queued, sent or recorded.
	DryRun bool
	// Progress is told what the run does (default: nothing).
	Progress Progress
	// Run is the run's row when the caller took the run lock itself
	// (StartFollowupRun) before opening the dongles; zero: RunFollowups
	// takes it.
	Run store.Run
}

// StartFollowupRun takes the follow-up run lock: the run's row, refused
// with store.ErrRunInProgress while another follow-up run lives. Take it
// before opening any dongle, so that a second run touches nothing.
func StartFollowupRun(ctx context.Context, e *outbox.Env) (store.Run, error) {
	return e.DB.StartRun(ctx, store.RunFollowup, "", e.Owner.String(), e.Alive(ctx))
}

// RunFollowups is `texting followup run`: for each campaign text sent
// between followup.min_days and followup.max_days calendar days ago (local
// time) that has no follow-up yet, decide by the rules and queue the
// follow-up on the campaign text's own SIM, then send. A follow-up whose SIM
// is not connected, parked or full today waits for a later run.
func RunFollowups(ctx context.Context, e *outbox.Env, o FollowupOptions) (*FollowupSummary, error) {
	dry := o.DryRun || !e.Config.Run
	sum := &FollowupSummary{DryRun: dry, Skipped: map[string]int{}}
	for _, r := range FollowupReasons() {
		sum.Skipped[r] = 0
	}
	var run store.Run
	if !dry {
		stop := e.StartKeepAlive(ctx)
		defer stop()
		run = o.Run
		if run.ID == 0 {
			var err error
			if run, err = StartFollowupRun(ctx, e); err != nil {
				return sum, err
			}
		}
		sum.RunID = run.ID
	}
	finish := func(err error) (*FollowupSummary, error) {
		if dry {
			return sum, err
		}
		outcome := store.OutcomeOK
		if err != nil {
			outcome = "failed: " + err.Error()
		}
		if ferr := e.DB.FinishRun(context.WithoutCancel(ctx), run.ID, sum.counts(), outcome); ferr != nil {
			err = errors.Join(err, ferr)
		}
		return sum, err
	}
	prog := progressOf(o.Progress)
	prog.Phase("planning follow-ups")
	now := e.DB.Now()
	local := now.In(e.Location())
	today := outbox.DayStart(local)
	from := today.AddDate(0, 0, -e.Config.FollowupMaxDays)
	to := today.AddDate(0, 0, -e.Config.FollowupMinDays+1)
	cands, err := e.DB.FollowupCandidates(ctx, from, to)
	if err != nil {
		return finish(err)
	}
	sum.Candidates = len(cands)
	templates, err := e.DB.Templates(ctx)
	if err != nil {
		return finish(err)
	}
	tByID := map[int64]store.Template{}
	for _, t := range templates {
		tByID[t.ID] = t
	}
	c, err := outbox.MeasureCapacity(ctx, e.DB, e.SIMs(), now, e.Location())
	if err != nil {
		return finish(err)
	}
	greeting := e.GreetNow()
	var msgs []store.Message
	for _, cand := range cands {
		t, ok := tByID[cand.Campaign.TemplateID]
		dec := Decide(cand, t, ok)
		if dec.Action == store.FollowupNone {
			sum.Skipped[dec.Reason]++
			continue
		}
		text := template.RenderName(dec.Body, cand.Campaign.Name)
		parts := template.Parts(template.RenderGreeting(text, greeting))
		s := c.Room(cand.Campaign.SIMID)
		if s == nil {
			sum.Skipped[NoFollowupSIMUnavailable]++
			continue
		}
		if !s.Fits(parts) {
			sum.Skipped[NoFollowupNoCapacity]++
			continue
		}
		s.Take(parts)
		if dec.Action == store.FollowupAlternative {
			sum.Alternative++
		} else {
			sum.Basic++
		}
		msgs = append(msgs, store.Message{Direction: store.Out, SIMID: s.SIM.ID, Number: cand.Campaign.Number, Text: text,
			Kind: store.KindFollowup, TemplateID: t.ID, GroupName: cand.Campaign.GroupName, Name: cand.Campaign.Name,
			RunID: run.ID, ParentID: cand.Campaign.ID, Parts: parts})
	}
	sum.Quiet = e.Config.Quiet.In(local)
	plan := &Plan{Groups: []GroupPlan{{Group: "follow-ups", Recipients: len(cands), Parts: 0}}}
	for _, s := range c.Rooms() {
		plan.SIMs = append(plan.SIMs, *s)
		plan.Groups[0].Parts += s.Planned
	}
	prog.Planned(plan, len(msgs))
	if dry {
		sum.Queued = len(msgs)
		return finish(nil)
	}
	if len(msgs) > 0 {
		if _, err := e.DB.Queue(ctx, msgs); err != nil {
			return finish(err)
		}
		sum.Queued = len(msgs)
	}
	prog.Phase("sending follow-ups")
	ownSent := 0
	tally := func(ev outbox.Event) {
		if ev.Kind != store.KindFollowup {
			return
		}
		if ev.RunID != run.ID {
			// A follow-up an earlier run queued: this run sent it, and says so.
			if ev.State == store.StateSent {
				sum.Sent++
				sum.Parts += ev.Parts
				sum.CarriedOver++
			}
			return
		}
		switch ev.State {
		case store.StateSent:
			sum.Sent++
			ownSent++
			sum.Parts += ev.Parts
		case store.StateFailed:
			sum.Failed++
		case store.StateUnknown:
			sum.Unknown++
		}
	}
	res, err := dispatcher(e, prog, []string{store.KindFollowup}, tally).Dispatch(ctx, e.Senders)
	sum.Recovered = len(res.Recovered)
	sum.Waiting = sum.Queued - ownSent - sum.Failed - sum.Unknown
	if err != nil {
		return finish(err)
	}
	if ctx.Err() != nil {
		return finish(fmt.Errorf("follow-up run stopped: %w", ctx.Err()))
	}
	return finish(nil)
}

func (s *FollowupSummary) counts() map[string]int {
	c := map[string]int{"candidates": s.Candidates, "basic": s.Basic, "alternative": s.Alternative, "queued": s.Queued,
		"sent": s.Sent, "carried_over": s.CarriedOver, "parts": s.Parts, "failed": s.Failed, "unknown": s.Unknown, "waiting": s.Waiting,
		"recovered_unknown": s.Recovered}
	for k, v := range s.Skipped {
		c["skipped_"+k] = v
	}
	return c
}
