// Package tuibackend is the terminal UI's backend: the common.Backend
// interface the tui packages declare, implemented over the application
// layer (package desk). The tui packages import only that interface, the
// store's types, template and greeting; the command line wires this
// implementation in, so the screens never pull in the serial stack, the
// gateway client or the outbox.
package tuibackend

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/texting-centre/texting/campaign"
	"github.com/texting-centre/texting/desk"
	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/replies"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/common"
)

// Backend is the TUI's common.Backend. The administration and opt-out calls
// are the desk's own (embedded), the same the commands make.
type Backend struct {
	*desk.Desk
	// Operator is who tags: recorded on each tag, and a group someone else
	// tagged first is not tagged again.
	Operator string
}

var _ common.Backend = (*Backend)(nil)

// New returns the TUI's backend over d.
func New(d *desk.Desk) *Backend { return &Backend{Desk: d} }

// Tag categorises through the desk, which also says which opt-outs stay.
func (b *Backend) Tag(ctx context.Context, msgID int64, category string) (common.Tagged, error) {
	u, err := b.TagWith(ctx, msgID, category, store.TagOptions{Operator: b.Operator, OnlyUntagged: true})
	if err != nil {
		return common.Tagged{}, err
	}
	b.Logger.Debug("tui tag", "message", msgID, "category", u.Category, "texts", u.Tagged)
	note, err := b.AutoreplyNote(ctx, u)
	if err != nil {
		b.Logger.Warn("auto-reply note", "err", err)
	}
	return common.Tagged{Category: u.Category, IDs: u.IDs, Undo: u.Undo, KeptOptOuts: u.KeptOptOuts, Note: note}, nil
}

// Untag undoes a Tag exactly when it can (the pipeline's undo record), else
// makes the texts uncategorised.
func (b *Backend) Untag(ctx context.Context, t common.Tagged) error {
	if u, ok := t.Undo.(replies.Undo); ok {
		return b.Desk.Untag(ctx, u)
	}
	return replies.Untag(ctx, b.DB, t.IDs)
}

// Suggest is the learned model's guess for text.
func (b *Backend) Suggest(ctx context.Context, text string) (common.Suggestion, error) {
	m, err := b.Replies().Model(ctx)
	if err != nil {
		return common.Suggestion{}, err
	}
	label, conf := m.Predict(text)
	if label == "" {
		return common.Suggestion{}, nil
	}
	// The model's labels are category ids, so that a renamed category keeps
	// what was learned.
	id, err := strconv.ParseInt(label, 10, 64)
	if err != nil {
		return common.Suggestion{}, fmt.Errorf("suggestion: unexpected label %q", label)
	}
	cat, err := b.DB.Category(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return common.Suggestion{}, nil // learned from a category since merged away
	}
	if err != nil {
		return common.Suggestion{}, err
	}
	return common.Suggestion{Category: cat.Name, Confidence: conf}, nil
}

// ReadIn drains the dongles, then sends the auto-replies it queued, as
// `texting read-in` does.
func (b *Backend) ReadIn(ctx context.Context) (string, error) {
	// A dongle another texting process holds (a campaign run) is read in
	// by that process: said so, not a failure, as `texting read-in` says.
	self := outbox.ThisProcess()
	res, err := b.Replies().ReadIn(ctx, replies.ReadInOptions{Ports: b.Config.ModemPorts, Modem: b.ModemOptions(),
		Alive: outbox.Liveness{DB: b.DB, Self: self, Now: b.DB.Now}.Alive(ctx), Self: self.String(), PID: self.PID})
	if err != nil && len(res.Ports) == 0 {
		return "", err
	}
	var parts []string
	failed := 0
	for _, p := range res.Ports {
		if p.HeldBy != nil {
			parts = append(parts, fmt.Sprintf("%s: held by pid %d (%s), which reads this SIM in itself", p.Port, p.HeldBy.PID, p.HeldBy.What))
			continue
		}
		if len(p.Errors) > 0 {
			failed++
		}
		s := fmt.Sprintf("%s: %d stored, %d deleted", p.Port, p.Stored, p.Deleted)
		if p.Incomplete > 0 {
			s += fmt.Sprintf(", %d incomplete", p.Incomplete)
		}
		if len(p.Errors) > 0 {
			s += ", " + strings.Join(p.Errors, "; ")
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "no dongle read", nil
	}
	w, err := b.SendWaiting(ctx, desk.EnvOptions{}, store.KindAutoreply)
	if err != nil {
		b.Logger.Warn("tui auto-replies", "err", err)
		parts = append(parts, "auto-replies wait: "+err.Error())
	} else if line := w.Line("auto-replies"); line != "" {
		parts = append(parts, line)
	}
	if failed > 0 {
		// The board shows a failure as one, not under a ✓.
		return strings.Join(parts, " · "), fmt.Errorf("%d of %d ports failed", failed, len(res.Ports))
	}
	return strings.Join(parts, " · "), nil
}

// Modems lists every dongle found, with what each says of itself.
func (b *Backend) Modems(ctx context.Context) ([]common.ModemStatus, error) {
	var cands []modem.Candidate
	opts := b.ModemOptions()
	if len(b.Config.ModemPorts) > 0 {
		cands = modem.Probe(ctx, b.Config.ModemPorts, opts...)
	} else {
		var err error
		cands, err = modem.Discover(ctx, opts...)
		if err != nil && len(cands) == 0 {
			return nil, err
		}
	}
	out := make([]common.ModemStatus, 0, len(cands))
	alive := outbox.Liveness{DB: b.DB, Self: outbox.ThisProcess(), Now: b.DB.Now}.Alive(ctx)
	for _, c := range cands {
		s := common.ModemStatus{Port: c.Port, IMEI: c.IMEI, IMSI: c.IMSI, SignalDBM: c.SignalDBM, Bars: c.Bars, Err: c.Note}
		if !c.Usable && c.Port != "" {
			if h, found, err := b.DB.PortHolderOf(ctx, c.Port); err == nil && found && alive(h.Owner) {
				s.HeldBy = fmt.Sprintf("pid %d (%s)", h.PID, h.What)
			}
		}
		if c.Usable {
			if info, err := b.info(ctx, c.Port); err != nil {
				s.Err = err.Error()
			} else {
				s.Operator, s.SignalDBM, s.Bars = info.Operator, info.SignalDBM, info.Bars
				s.StorageUsed, s.StorageTotal = info.StorageUsed, info.StorageTotal
				s.IMEI, s.IMSI = info.IMEI, info.IMSI
			}
		}
		out = append(out, s)
	}
	return out, nil
}

func (b *Backend) info(ctx context.Context, port string) (modem.Info, error) {
	d, err := modem.Open(ctx, port, b.ModemOptions()...)
	if err != nil {
		return modem.Info{}, err
	}
	defer d.Close()
	return d.Info(ctx)
}

// Send sends a manual text through the desk: refused while the setting run
// is 0, and to an opted-out number unless force (the operator said y).
func (b *Backend) Send(ctx context.Context, numbers []string, text, simRef string, force bool) (string, error) {
	note := ""
	if force {
		note = "the operator said y on the TUI's question"
	}
	res, problems, err := b.Desk.Send(ctx, desk.SendRequest{Numbers: numbers, Text: text, SIM: simRef, Force: force, Note: note})
	for _, p := range problems {
		b.Logger.Warn("tui fleet", "problem", p)
	}
	var parts []string
	for _, r := range res {
		s := fmt.Sprintf("%s %s", r.Number, r.State)
		if r.SIM != "" {
			s += " from " + r.SIM
		}
		if r.Forced {
			s += " (opted out: sent anyway, recorded)"
		}
		if r.Error != "" {
			s += " (" + r.Error + ")"
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 && err != nil {
		return "", err
	}
	return strings.Join(parts, "; "), err
}

// MarkFailed gives up on a queued or unknown-outcome text.
func (b *Backend) MarkFailed(ctx context.Context, id int64) error { return b.DB.Fail(ctx, id, "") }

// RunCampaign runs (or plans) a campaign as `texting campaign run` does:
// the run lock, the dongles, the run; the setting run = 0 makes it a dry run.
func (b *Backend) RunCampaign(ctx context.Context, dryRun bool, progress func(common.RunProgress)) (common.CampaignResult, error) {
	req := desk.RunRequest{DryRun: dryRun}
	if progress != nil {
		req.Progress = &runProgress{tell: progress}
		req.OnProblem = func(p string) { b.Logger.Warn("tui campaign run", "problem", p) }
	}
	sum, err := b.Desk.RunCampaign(ctx, campaign.Source{}, req)
	if sum == nil {
		return common.CampaignResult{}, err
	}
	res := common.CampaignResult{DryRun: sum.DryRun}
	for _, g := range sum.Groups {
		res.Groups = append(res.Groups, common.CampaignGroup{Group: g.Group, Recipients: g.Recipients,
			ToSend: g.Queued, Parts: g.Parts, Sent: g.Sent, Skipped: g.Skipped, Error: g.Error})
	}
	for _, s := range sum.SIMs {
		res.SIMs = append(res.SIMs, common.CampaignSIM{SIM: s.SIM, Parts: s.Parts, Sent: s.Sent, LeftToday: s.LeftToday,
			Limit: s.Limit, Stopped: s.Stopped})
	}
	return res, err
}

// RunFollowups runs (or plans) the follow-ups as `texting followup run`
// does, summed up as one group.
func (b *Backend) RunFollowups(ctx context.Context, dryRun bool, progress func(common.RunProgress)) (common.CampaignResult, error) {
	req := desk.RunRequest{DryRun: dryRun}
	if progress != nil {
		req.Progress = &runProgress{tell: progress}
		req.OnProblem = func(p string) { b.Logger.Warn("tui follow-up run", "problem", p) }
	}
	sum, err := b.Desk.RunFollowups(ctx, req)
	if sum == nil {
		return common.CampaignResult{}, err
	}
	return common.CampaignResult{DryRun: sum.DryRun, Followups: true, Groups: []common.CampaignGroup{{Group: "Follow-ups",
		Recipients: sum.Candidates, ToSend: sum.Queued, Parts: sum.Parts, Sent: sum.Sent, Skipped: sum.Skipped}}}, err
}

// CampaignNames pulls the data source and returns the names of the group
// sent with the template of that name.
func (b *Backend) CampaignNames(ctx context.Context, group string) ([]string, error) {
	if b.Config.APIURL == "" {
		return nil, errors.New("no data source set (api.url)")
	}
	groups, err := campaign.Source{URL: b.Config.APIURL, Key: b.Config.APIKey}.Fetch(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if strings.EqualFold(g.Name, group) {
			names := make([]string, len(g.Entries))
			for i, e := range g.Entries {
				names[i] = e.Name
			}
			return names, nil
		}
	}
	return nil, fmt.Errorf("the data source has no group %q", group)
}

// runProgress turns a campaign run's progress into common.RunProgress
// reports; the run's goroutines call it concurrently.
type runProgress struct {
	tell func(common.RunProgress)
	mu   sync.Mutex
	now  common.RunProgress
}

// Phase implements campaign.Progress.
func (p *runProgress) Phase(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.now.Phase = name
	p.tell(p.now)
}

// Planned implements campaign.Progress.
func (p *runProgress) Planned(_ *campaign.Plan, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.now.Total = total
	p.tell(p.now)
}

// Event implements campaign.Progress.
func (p *runProgress) Event(e outbox.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e.State {
	case store.StateSent:
		p.now.Sent++
	case store.StateFailed, store.StateUnknown:
		p.now.Failed++
	default:
		return
	}
	p.tell(p.now)
}
