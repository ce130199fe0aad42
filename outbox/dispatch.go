// Package outbox sends what waits in the messages table: the dispatcher
// (queued → sending → sent / failed / unknown), the senders for dongles and
// gateway accounts, the fleet that connects them, process liveness (whose
// `sending` rows are whose), manual texts and the texts left waiting. Every
// outgoing text, whoever queued it, leaves through here.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/template"
)

// allKinds are the kinds of outgoing text the dispatcher sends.
func allKinds() []string {
	return []string{store.KindCampaign, store.KindFollowup, store.KindManual, store.KindAutoreply, store.KindManager}
}

// quietKind texts wait during quiet hours: campaign texts, follow-ups and
// auto-replies (those whose category lets them go at any hour excepted).
func quietKind(kind string) bool {
	return kind == store.KindCampaign || kind == store.KindFollowup || kind == store.KindAutoreply
}

// movableKind texts may leave from another SIM than the one they were
// queued for when that one cannot send (not connected, parked, failing):
// nobody has a conversation with us on that SIM yet. Follow-ups,
// auto-replies and manual texts wait for their own SIM.
func movableKind(kind string) bool { return kind == store.KindCampaign || kind == store.KindManager }

// optOutKind texts are never sent to an opted-out number.
func optOutKind(kind string) bool {
	return kind == store.KindCampaign || kind == store.KindFollowup || kind == store.KindAutoreply
}

// Defaults of the Dispatcher's tunables.
const (
	DefaultRetryAfter = 5 * time.Minute
	DefaultParkFor    = 24 * time.Hour
	batchSize         = 32
)

// Dispatcher sends the outbox's queued texts: one goroutine per Sender,
// each taking the texts queued for its SIM (and the movable texts of SIMs
// that cannot send) until none is left that may go now.
type Dispatcher struct {
	DB    *store.DB
	Owner Owner
	// Loc is local time: day boundaries for limits, greetings, quiet hours.
	Loc *time.Location
	// Quiet holds campaign texts, follow-ups and auto-replies (but those
	// flagged store.FlagAnyHour) back: they stay queued.
	Quiet config.QuietHours
	// Greet renders {greeting} at send time (greeting.At, or a Greeter's At).
	Greet func(time.Time) string
	// Kinds limits the kinds sent (nil: all).
	Kinds []string
	// RetryAfter holds a follow-up or auto-reply back after a transient
	// error before its own SIM tries it again.
	RetryAfter time.Duration
	// ParkFor is how long a SIM whose SIM or plan failed is parked.
	ParkFor time.Duration
	// Events, when set, is told about every text sent, failed, unknown or
	// put back; calls are serialised.
	Events func(Event)
	Logger *slog.Logger
}

// Event is one text's outcome, for progress displays.
type Event struct {
	ID     int64
	RunID  int64  // the run that queued it; 0 for none
	SIMID  int64  // the SIM it left (or tried to leave) from
	SIM    string // the SIM's label
	Number string
	Group  string
	Kind   string
	State  string // sent, failed, unknown, or queued (put back)
	Parts  int
	Err    error
}

// SIMCount is what one SIM did in a dispatch.
type SIMCount struct {
	Sent, Parts, Failed, Unknown, Requeued int
	// Stopped says why the SIM stopped early: "" (queue empty), "limit"
	// (daily limit reached), "parked", "transient".
	Stopped string
}

// Dispatched is what a dispatch did.
type Dispatched struct {
	Sent, Parts, Failed, Unknown, Requeued int
	// Recovered are texts found `sending` by a process that is gone, now
	// `unknown`.
	Recovered []int64
	SIMs      map[int64]*SIMCount
	// SentTo lists, per group, the numbers campaign texts were sent to.
	SentTo map[string][]string
}

// Dispatch first turns texts that a dead process left `sending` into
// `unknown`, then sends queued texts through senders in parallel until
// nothing more can go now. It returns when the queue is drained as far as it
// can be, or ctx ends; a text already handed to a modem or gateway is
// finished even then, so its outcome is recorded.
func (d *Dispatcher) Dispatch(ctx context.Context, senders []Sender) (Dispatched, error) {
	out := Dispatched{SIMs: map[int64]*SIMCount{}, SentTo: map[string][]string{}}
	live := Liveness{DB: d.DB, Self: d.Owner, Now: d.DB.Now}
	rec, err := d.DB.RecoverSending(ctx, live.Alive(ctx))
	out.Recovered = rec
	if err != nil {
		return out, err
	}
	if len(rec) > 0 {
		d.log().Warn("texts interrupted mid-send are now unknown; see texting outbox --state unknown", "count", len(rec))
	}
	st := &dispatchState{d: d, out: &out, orphans: map[int64]bool{}, active: len(senders)}
	st.cond = sync.NewCond(&st.mu)
	defer context.AfterFunc(ctx, st.wake)()
	queued, err := d.DB.QueuedParts(ctx)
	if err != nil {
		return out, err
	}
	connected := map[int64]bool{}
	for _, s := range senders {
		connected[s.SIM().ID] = true
		out.SIMs[s.SIM().ID] = &SIMCount{}
	}
	for id := range queued {
		if !connected[id] {
			st.orphans[id] = true
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(senders))
	for i, s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = st.drive(ctx, s)
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

func (d *Dispatcher) log() *slog.Logger {
	if d.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Logger
}

func (d *Dispatcher) loc() *time.Location {
	if d.Loc == nil {
		return time.Local
	}
	return d.Loc
}

// kindsAt returns the kinds that may go at t.
func (d *Dispatcher) kindsAt(t time.Time) []string {
	kinds := d.Kinds
	if kinds == nil {
		kinds = allKinds()
	}
	quiet := d.Quiet.In(t.In(d.loc()))
	var out []string
	for _, k := range kinds {
		switch {
		case !quiet || !quietKind(k):
			out = append(out, k)
		case k == store.KindAutoreply:
			out = append(out, store.KindAutoreplyAnyHour)
		}
	}
	return out
}

// dispatchState is shared by the SIM goroutines of one dispatch.
type dispatchState struct {
	d    *Dispatcher
	mu   sync.Mutex // guards everything below and calls of d.Events
	cond *sync.Cond // signalled when orphans change or a goroutine ends
	// out is the running tally.
	out *Dispatched
	// orphans are SIMs with queued texts that no goroutine sends from: their
	// movable texts are taken by the others.
	orphans map[int64]bool
	// active counts the goroutines that are not waiting for work; gen
	// changes whenever a SIM stops, so that waiting ones look again.
	active int
	gen    int
}

func (st *dispatchState) wake() {
	st.mu.Lock()
	st.gen++
	st.cond.Broadcast()
	st.mu.Unlock()
}

// idle waits, with nothing to send, until another SIM stops or ends (its
// movable texts may be taken: look again, true) or every goroutine is
// waiting (false: done).
// On false the caller no longer counts as active.
func (st *dispatchState) idle(ctx context.Context) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.active--
	g := st.gen
	for st.gen == g && st.active > 0 && ctx.Err() == nil {
		st.cond.Wait()
	}
	if st.gen != g && ctx.Err() == nil {
		st.active++
		return true
	}
	st.cond.Broadcast()
	return false
}

// exit ends a goroutine that is still counted as active.
func (st *dispatchState) exit() {
	st.mu.Lock()
	st.active--
	st.gen++
	st.cond.Broadcast()
	st.mu.Unlock()
}

func (st *dispatchState) orphanIDs() []int64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	ids := make([]int64, 0, len(st.orphans))
	for id := range st.orphans {
		ids = append(ids, id)
	}
	return ids
}

func (st *dispatchState) stop(simID int64, why string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.orphans[simID] = true
	st.gen++
	st.cond.Broadcast()
	if c := st.out.SIMs[simID]; c != nil && c.Stopped == "" {
		c.Stopped = why
	}
}

// record tallies one outcome and tells Events.
func (st *dispatchState) record(sim store.SIM, q store.Queued, state string, parts int, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	c := st.out.SIMs[sim.ID]
	switch state {
	case store.StateSent:
		st.out.Sent++
		st.out.Parts += parts
		c.Sent++
		c.Parts += parts
		if q.Kind == store.KindCampaign {
			st.out.SentTo[q.GroupName] = append(st.out.SentTo[q.GroupName], q.Number)
		}
	case store.StateFailed:
		st.out.Failed++
		c.Failed++
	case store.StateUnknown:
		st.out.Unknown++
		c.Unknown++
	case store.StateQueued:
		st.out.Requeued++
		c.Requeued++
	}
	if st.d.Events != nil {
		st.d.Events(Event{ID: q.ID, RunID: q.RunID, SIMID: sim.ID, SIM: sim.Label(), Number: q.Number, Group: q.GroupName, Kind: q.Kind, State: state, Parts: parts, Err: err})
	}
}

// next returns texts for sim: its own queue first, then movable texts of
// orphaned SIMs.
func (st *dispatchState) next(ctx context.Context, sim store.SIM, kinds []string, now time.Time) ([]store.Queued, error) {
	batch, err := st.d.DB.QueuedFor(ctx, sim.ID, kinds, now, batchSize)
	if err != nil || len(batch) > 0 {
		return batch, err
	}
	var movable []string
	for _, k := range kinds {
		if movableKind(k) {
			movable = append(movable, k)
		}
	}
	if len(movable) == 0 {
		return nil, nil
	}
	for _, id := range st.orphanIDs() {
		if id == sim.ID {
			continue
		}
		batch, err := st.d.DB.QueuedFor(ctx, id, movable, now, batchSize)
		if err != nil || len(batch) > 0 {
			return batch, err
		}
	}
	return nil, nil
}

// drive sends from one SIM until nothing more can go.
func (st *dispatchState) drive(ctx context.Context, s Sender) error {
	counted := true
	defer func() {
		if counted {
			st.exit()
		}
	}()
	d := st.d
	sim := s.SIM()
	if !sim.Active {
		st.stop(sim.ID, "inactive")
		return nil
	}
	for ctx.Err() == nil {
		now := d.DB.Now()
		if sim.Parked(now) {
			st.stop(sim.ID, "parked")
			return nil
		}
		kinds := d.kindsAt(now)
		if len(kinds) == 0 {
			return nil
		}
		batch, err := st.next(ctx, sim, kinds, now)
		if err != nil {
			return simError(sim, err)
		}
		if len(batch) == 0 {
			if st.idle(ctx) {
				continue
			}
			counted = false
			return nil
		}
		progress := false
		for _, q := range batch {
			if ctx.Err() != nil {
				return nil
			}
			moved, stopWhy, err := st.sendOne(ctx, s, sim, q)
			if err != nil {
				return simError(sim, err)
			}
			progress = progress || moved
			if stopWhy != "" {
				st.stop(sim.ID, stopWhy)
				return nil
			}
		}
		if !progress {
			st.stop(sim.ID, "limit")
			return nil
		}
	}
	return nil
}

// sendOne claims, sends and records one text. moved reports whether the text
// left the queue (or was put back after trying); stopWhy, when set, ends
// this SIM's work in this dispatch.
func (st *dispatchState) sendOne(ctx context.Context, s Sender, sim store.SIM, q store.Queued) (moved bool, stopWhy string, err error) {
	d := st.d
	now := d.DB.Now()
	local := now.In(d.loc())
	text := q.Template()
	greet := d.Greet
	if greet == nil {
		greet = func(time.Time) string { return "" }
	}
	text = template.RenderGreeting(text, greet(local))
	parts := template.Parts(text)
	claim := store.Claim{
		ID: q.ID, SIMID: sim.ID, Owner: d.Owner.String(), Text: text, Parts: parts,
		Limit: sim.DailyLimit, DayStart: DayStart(local), CheckOptOut: optOutKind(q.Kind),
	}
	switch err := d.DB.MarkSending(ctx, claim); {
	case err == nil:
	case errors.Is(err, store.ErrOverLimit), errors.Is(err, store.ErrNotQueued):
		return false, "", nil
	case errors.Is(err, store.ErrOptedOut):
		st.record(sim, q, store.StateFailed, parts, err)
		return true, "", nil
	default:
		return false, "", err
	}
	// The text is committed as sending: from here it is finished whatever
	// happens to ctx, so that its outcome is recorded rather than guessed.
	fin := context.WithoutCancel(ctx)
	res, sendErr := s.Send(fin, Outgoing{ID: q.ID, Number: q.Number, Text: text, Parts: parts})
	if sendErr == nil {
		if res.Parts > 0 {
			parts = res.Parts
		}
		if err := d.DB.MarkSent(fin, q.ID, res.Ref); err != nil {
			return true, "", err
		}
		st.record(sim, q, store.StateSent, parts, nil)
		return true, "", nil
	}
	class := ClassOf(sendErr)
	var se *SendError
	ref := ""
	if errors.As(sendErr, &se) {
		ref = se.Ref
	}
	if ref != "" && class != ClassRecipient {
		class = ClassUnknown // part of a long text went out: never send it again on our own
	}
	d.log().Info("send failed", "sim", sim.Label(), "message", q.ID, "class", class, "err", sendErr)
	switch class {
	case ClassRecipient:
		if err := d.DB.MarkFailed(fin, q.ID, sendErr.Error()); err != nil {
			return true, "", err
		}
		st.record(sim, q, store.StateFailed, parts, sendErr)
		return true, "", nil
	case ClassTransient, ClassSIM:
		var notBefore time.Time
		if !movableKind(q.Kind) {
			notBefore = now.Add(d.retryAfter())
		}
		if err := d.DB.Requeue(fin, q.ID, 0, notBefore, sendErr.Error()); err != nil {
			return true, "", err
		}
		st.record(sim, q, store.StateQueued, parts, sendErr)
		if class == ClassSIM {
			until := now.Add(d.parkFor())
			if err := d.DB.ParkSIM(fin, sim.ID, until, sendErr.Error()); err != nil {
				return true, "", err
			}
			d.log().Warn("SIM parked", "sim", sim.Label(), "until", until, "reason", sendErr)
			return true, "parked", nil
		}
		return true, "transient", nil
	default:
		if err := d.DB.MarkUnknown(fin, q.ID, ref, fmt.Sprintf("outcome unknown: %v", sendErr)); err != nil {
			return true, "", err
		}
		st.record(sim, q, store.StateUnknown, parts, sendErr)
		return true, "", nil
	}
}

func (d *Dispatcher) retryAfter() time.Duration {
	if d.RetryAfter > 0 {
		return d.RetryAfter
	}
	return DefaultRetryAfter
}

func (d *Dispatcher) parkFor() time.Duration {
	if d.ParkFor > 0 {
		return d.ParkFor
	}
	return DefaultParkFor
}

// DayStart returns local midnight of t's day.
func DayStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}
