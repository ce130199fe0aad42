package desk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/phone"
	"github.com/texting-centre/texting/store"
)

// SendRequest is one manual text to one or more numbers.
type SendRequest struct {
	Numbers []string // as typed; normalised in the configured region
	Text    string
	SIM     string // id or label; "" lets the program choose
	// Force sends to numbers on the opt-out list too; each such text is
	// flagged and logged with Note.
	Force bool
	Note  string
	// Ports are the dongles to use instead of modem.ports or discovery.
	Ports []string
}

// SendResult is one manual text's outcome; its JSON form is an element of
// `texting send --json`.
type SendResult struct {
	outbox.SendResult
	// Forced is true for a text sent to an opted-out number at the
	// operator's word.
	Forced bool `json:"forced,omitempty"`
}

// StateRefused is the state of a text refused before it was queued (its
// number is on the opt-out list).
const StateRefused = "refused"

// Problem is a notice about the fleet (a busy port) for the operator.
type Problem = string

// OptOutsOf returns the opt-outs of the numbers that are on the list, for a
// front end to ask before sending. Numbers that do not parse are left out
// (Send reports them).
func (d *Desk) OptOutsOf(ctx context.Context, numbers []string) ([]store.OptOut, error) {
	var out []store.OptOut
	seen := map[string]bool{}
	for _, raw := range numbers {
		n, err := phone.Normalize(strings.TrimSpace(raw), d.Config.Region)
		if err != nil || seen[n] {
			continue
		}
		seen[n] = true
		o, ok, err := d.DB.OptOutFor(ctx, n)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, o)
		}
	}
	return out, nil
}

// Send sends one manual text to each number through the outbox. Nothing is
// sent when the setting run is 0 (ErrDryRun). A number on the opt-out list
// is refused (an *OptedOutError in the joined error, state "refused") unless
// r.Force, which sends and records it; the other numbers still go. The fleet's
// problems are returned for the front end to show.
func (d *Desk) Send(ctx context.Context, r SendRequest) ([]SendResult, []Problem, error) {
	if !d.Config.Run {
		return nil, nil, fmt.Errorf("send: %w", ErrDryRun)
	}
	var numbers []string
	for _, n := range r.Numbers {
		if n = strings.TrimSpace(n); n != "" {
			numbers = append(numbers, n)
		}
	}
	if strings.TrimSpace(r.Text) == "" {
		return nil, nil, errors.New("send: the text is empty")
	}
	if len(numbers) == 0 {
		return nil, nil, errors.New("send: no number given")
	}
	optOuts, err := d.OptOutsOf(ctx, numbers)
	if err != nil {
		return nil, nil, err
	}
	opted := map[string]store.OptOut{}
	for _, o := range optOuts {
		opted[o.Number] = o
	}
	var results []SendResult
	var errs []error
	var send []string
	for _, raw := range numbers {
		n, err := phone.Normalize(raw, d.Config.Region)
		if o, ok := opted[n]; err == nil && ok && !r.Force {
			oe := &OptedOutError{OptOut: o, Loc: d.loc()}
			results = append(results, SendResult{SendResult: outbox.SendResult{Number: n, State: StateRefused, Error: oe.Error()}})
			errs = append(errs, fmt.Errorf("send to %s: %w", n, oe))
			continue
		}
		send = append(send, raw)
	}
	if len(send) == 0 {
		return results, nil, errors.Join(errs...)
	}
	env, fl, err := d.Env(ctx, EnvOptions{Ports: r.Ports, What: "send", Short: true, WaitHeld: RunWaitsForShortJobs})
	if err != nil {
		return results, nil, err
	}
	defer fl.Close()
	forced := map[string]bool{}
	if r.Force {
		for n := range opted {
			forced[n] = true
		}
	}
	res, err := outbox.SendManual(ctx, env, outbox.ManualText{Numbers: send, Text: r.Text, SIM: r.SIM, Forced: forced})
	if err != nil {
		errs = append(errs, err)
	}
	for _, s := range res {
		out := SendResult{SendResult: s}
		if _, ok := opted[s.Number]; ok && s.ID != 0 {
			out.Forced = true
			note := "sent with --force"
			if strings.TrimSpace(r.Note) != "" {
				note += ": " + strings.TrimSpace(r.Note)
			}
			if err := d.DB.RecordForced(context.WithoutCancel(ctx), s.ID, s.Number, note); err != nil {
				errs = append(errs, err)
			}
			d.Logger.Warn("manual text to an opted-out number", "number", s.Number, "message", s.ID, "note", r.Note)
		}
		results = append(results, out)
	}
	return results, fl.Problems, errors.Join(errs...)
}

// Waiting is what SendWaiting did.
type Waiting struct {
	Queued int // texts of the kinds asked that were waiting
	// DryRun is true when they were left waiting because the setting run is 0.
	DryRun bool
	outbox.Dispatched
	Problems []Problem
}

// Line sums w up for the operator; "" when nothing was waiting.
func (w Waiting) Line(what string) string {
	if w.Queued == 0 {
		return ""
	}
	if w.DryRun {
		return fmt.Sprintf("%s: %d waiting, not sent: setting run is 0", what, w.Queued)
	}
	return fmt.Sprintf("%s: %d sent, %d failed, %d unknown, %d waiting", what, w.Sent, w.Failed, w.Unknown,
		max(0, w.Queued-w.Sent-w.Failed-w.Unknown))
}

// SendWaiting sends the texts of the given kinds that wait in the outbox
// (the auto-replies a read-in or a callback queued) through the SIMs o
// connects. Nothing is opened when none wait, and nothing is sent when the
// setting run is 0 (they stay queued; Waiting.Queued says how many).
func (d *Desk) SendWaiting(ctx context.Context, o EnvOptions, kinds ...string) (Waiting, error) {
	var w Waiting
	for _, k := range kinds {
		n, err := d.DB.CountMessages(ctx, store.MessageFilter{Direction: store.Out, Kind: k, States: []string{store.StateQueued}})
		if err != nil {
			return w, err
		}
		w.Queued += n
	}
	w.DryRun = !d.Config.Run
	if w.Queued == 0 || w.DryRun {
		return w, nil
	}
	env, fl, err := d.Env(ctx, o)
	if err != nil {
		return w, err
	}
	defer fl.Close()
	w.Problems = fl.Problems
	w.Dispatched, err = outbox.SendWaiting(ctx, env, kinds...)
	return w, err
}

// Resend puts a failed or unknown-outcome text back in the queue. A text to
// a number that is on the opt-out list now is refused (an *OptedOutError):
// the outbox would refuse a campaign, follow-up or auto-reply text anyway,
// and a manual text goes to an opted-out number only when it was forced.
func (d *Desk) Resend(ctx context.Context, id int64) error {
	m, err := d.DB.Message(ctx, id)
	if err != nil {
		return err
	}
	if m.Direction == store.Out && !slices.Contains(m.Flags, store.FlagForced) {
		o, ok, err := d.DB.OptOutFor(ctx, m.Number)
		if err != nil {
			return err
		}
		if ok {
			return fmt.Errorf("resend %d: %w", id, &OptedOutError{OptOut: o, Loc: d.loc()})
		}
	}
	return d.DB.Resend(ctx, id)
}
