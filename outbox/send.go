package outbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/texting-centre/texting/phone"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/template"
)

// Route is where one text goes.
type Route struct {
	Number string // E.164
	SIMID  int64
}

// Route picks the SIM for a one-off text to number: the SIM named by
// simRef (it must be connected), else the SIM the person last texted with
// when it is connected and has room (sticky SIM), else the least used
// connected SIM with room.
func (e *Env) Route(ctx context.Context, number, simRef string, parts int) (Route, error) {
	n, err := phone.Normalize(number, e.Config.Region)
	if err != nil {
		return Route{}, err
	}
	if simRef != "" {
		s, err := e.DB.FindSIM(ctx, simRef)
		if err != nil {
			return Route{}, err
		}
		for _, snd := range e.Senders {
			if snd.SIM().ID == s.ID {
				return Route{n, s.ID}, nil
			}
		}
		for _, h := range e.Held {
			if h.SIM.ID == s.ID {
				return Route{n, s.ID}, nil
			}
		}
		return Route{}, fmt.Errorf("SIM %s is not connected (connected: %s)", s.Label(), e.labels())
	}
	if len(e.Senders) == 0 && len(e.Held) == 0 {
		return Route{}, errors.New("no SIM connected")
	}
	last, err := e.DB.LastSIMs(ctx, []string{n})
	if err != nil {
		return Route{}, err
	}
	// A connected SIM first; else one whose dongle a run holds (that run
	// sends it, within its limits).
	var held []store.SIM
	for _, h := range e.Held {
		held = append(held, h.SIM)
	}
	for _, sims := range [][]store.SIM{e.SIMs(), held} {
		if len(sims) == 0 {
			continue
		}
		c, err := MeasureCapacity(ctx, e.DB, sims, e.DB.Now(), e.Location())
		if err != nil {
			return Route{}, err
		}
		if s := c.Pick(parts, last[n]); s != nil {
			return Route{n, s.SIM.ID}, nil
		}
	}
	return Route{}, fmt.Errorf("no connected SIM has %d part(s) left today (%s)", parts, e.labels())
}

func (e *Env) labels() string {
	if len(e.Senders) == 0 {
		return "none"
	}
	var l []string
	for _, s := range e.Senders {
		l = append(l, s.SIM().Label())
	}
	return strings.Join(l, ", ")
}

// SendResult is one manual text's outcome; its JSON form is the output of
// `texting send --json`.
type SendResult struct {
	ID     int64  `json:"id"`
	Number string `json:"number"`
	SIM    string `json:"sim"`
	State  string `json:"state"`
	Parts  int    `json:"parts"`
	Error  string `json:"error"`
}

// ManualText is one manual text to send.
type ManualText struct {
	Numbers   []string // as typed
	Text, SIM string   // SIM: id or label, "" lets the program choose
	// Forced are the numbers (E.164) on the opt-out list that the operator
	// chose to text anyway: their texts are queued with store.FlagForced,
	// without which the outbox refuses a manual text to an opted-out
	// number. Deciding who may be forced is the application layer's.
	Forced map[string]bool
}

// SendManual is `texting send`: one manual text to each number, through the
// outbox (queued, then sent at once; manual texts ignore quiet hours).
// Numbers that are invalid or cannot be routed are reported and nothing is
// queued for them; the others still go.
func SendManual(ctx context.Context, e *Env, mt ManualText) ([]SendResult, error) {
	numbers, text, simRef := mt.Numbers, mt.Text, mt.SIM
	if strings.TrimSpace(text) == "" {
		return nil, errors.New("send: the text is empty")
	}
	if len(numbers) == 0 {
		return nil, errors.New("send: no number given")
	}
	if strings.Contains(text, template.PlaceholderName) || strings.Contains(text, template.PlaceholderGreeting) {
		if err := template.Check(text); err != nil {
			return nil, fmt.Errorf("send: %w", err)
		}
	}
	stop := e.StartKeepAlive(ctx)
	defer stop()
	// {name} is the name the data source gave for the number, when a
	// campaign stored one; the placeholder goes when there is none.
	names, err := e.DB.KnownNames(ctx, normalizedNumbers(numbers, e.Config.Region))
	if err != nil {
		return nil, fmt.Errorf("send: %w", err)
	}
	greet := e.GreetNow()
	results := make([]SendResult, len(numbers))
	var msgs []store.Message
	var at []int
	var errs []error
	for i, num := range numbers {
		name := ""
		if n, err := phone.Normalize(num, e.Config.Region); err == nil {
			name = names[n]
		}
		text := template.RenderName(text, name)
		parts := template.Parts(template.RenderGreeting(text, greet))
		results[i] = SendResult{Number: num, State: "not queued", Parts: parts}
		r, err := e.Route(ctx, num, simRef, parts)
		if err != nil {
			results[i].Error = err.Error()
			errs = append(errs, fmt.Errorf("send to %s: %w", num, err))
			continue
		}
		results[i].Number = r.Number
		m := store.Message{Direction: store.Out, SIMID: r.SIMID, Number: r.Number, Text: text, Kind: store.KindManual, Parts: parts}
		if mt.Forced[r.Number] {
			m.Flags = []string{store.FlagForced}
		}
		msgs = append(msgs, m)
		at = append(at, i)
	}
	if len(msgs) > 0 {
		ids, err := e.DB.Queue(ctx, msgs)
		if err != nil {
			return results, err
		}
		for j, id := range ids {
			results[at[j]].ID = id
		}
		if _, err := e.Dispatcher([]string{store.KindManual}, nil).Dispatch(ctx, e.Senders); err != nil {
			errs = append(errs, err)
		}
		for j, id := range ids {
			// Another sender may have taken it (the dongle's holder does
			// the texts queued for its SIM): its outcome is still ours to
			// report, so wait for it.
			m, err := e.finalState(ctx, id, e.heldBy(msgs[j].SIMID))
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if m.State == store.StateQueued {
				// A manual text goes when the operator says, not whenever a
				// later run finds it queued: one that could not go now is
				// failed, and `texting outbox resend` sends it on purpose.
				why := m.Error
				if h := e.heldBy(m.SIMID); why == "" && h != nil {
					why = fmt.Sprintf("%s is held by pid %d (%s), which ended or timed out before sending it", h.SIM.Label(), h.Holder.PID, h.Holder.What)
				} else if why == "" {
					why = "its SIM is over today's limit, parked or not connected"
				}
				if err := e.DB.Fail(context.WithoutCancel(ctx), id, "not sent now: "+why); err == nil {
					m.State, m.Error = store.StateFailed, "not sent now: "+why+" (texting outbox resend "+strconv.FormatInt(id, 10)+" sends it again)"
				}
			}
			r := &results[at[j]]
			r.SIM, r.State, r.Parts, r.Error = m.SIM, m.State, m.Parts, m.Error
			if m.State != store.StateSent && m.State != store.StateDelivered {
				errs = append(errs, fmt.Errorf("text %d to %s: %s %s", id, m.Number, m.State, m.Error))
			}
		}
	}
	return results, errors.Join(errs...)
}

// SendWaiting sends the texts of the given kinds that are waiting in the
// outbox (auto-replies queued by a read-in or a gateway callback, say)
// through e.Senders, each from its own SIM, and reports what happened.
func SendWaiting(ctx context.Context, e *Env, kinds ...string) (Dispatched, error) {
	stop := e.StartKeepAlive(ctx)
	defer stop()
	return e.Dispatcher(kinds, nil).Dispatch(ctx, e.Senders)
}

// SendWaitDefault bounds how long SendManual waits for a text of its own
// that another sender took (Env.SendWait unset).
const SendWaitDefault = 2 * time.Minute

// heldBy is the holder of SIM id's dongle when another process holds it
// for a run (nil otherwise).
func (e *Env) heldBy(id int64) *Held {
	for i := range e.Held {
		if e.Held[i].SIM.ID == id {
			return &e.Held[i]
		}
	}
	return nil
}

// stillHeld says whether h's holder still holds its port (a run that ended
// before it sent the text will not send it).
func (e *Env) stillHeld(ctx context.Context, h *Held) bool {
	now, found, err := e.DB.PortHolderOf(ctx, h.Holder.Port)
	if err != nil {
		return true
	}
	return found && now.Owner == h.Holder.Owner && Liveness{DB: e.DB, Self: e.Owner, Now: e.DB.Now}.Alive(ctx)(now.Owner)
}

// finalState reads message id, waiting while it is being sent (by this
// process or another one) or, for a SIM a run holds, while it is
// queued, up to the send wait.
func (e *Env) finalState(ctx context.Context, id int64, held *Held) (store.Message, error) {
	wait := e.SendWait
	if wait <= 0 {
		wait = SendWaitDefault
	}
	deadline := time.Now().Add(wait)
	bg := context.WithoutCancel(ctx)
	for {
		m, err := e.DB.Message(bg, id)
		// A text queued for a SIM a run holds waits for that run to send
		// it (it does what is queued meanwhile every few seconds).
		waiting := m.State == store.StateSending || (held != nil && m.State == store.StateQueued && e.stillHeld(bg, held))
		if err != nil || !waiting || time.Now().After(deadline) {
			return m, err
		}
		select {
		case <-ctx.Done():
			return m, nil
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// normalizedNumbers returns the numbers that normalise, in E.164.
func normalizedNumbers(numbers []string, region string) []string {
	var out []string
	for _, n := range numbers {
		if e, err := phone.Normalize(n, region); err == nil {
			out = append(out, e)
		}
	}
	return out
}
