package replies

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/texting-centre/texting/gateway"
	"github.com/texting-centre/texting/phone"
	"github.com/texting-centre/texting/store"
)

// RetryWindow is how long a gateway callback counts as a provider's retry
// of one already stored. Providers retry the same request within minutes when
// our answer did not reach them; a person who sends the very same text to
// the same number twice within this window has it kept once (it sorts the
// same either way). The window is kept with buckets: a callback is a
// duplicate when the same callback is stored in its bucket or the one
// before, so every retry within RetryWindow is caught (and none after
// 2×RetryWindow).
const RetryWindow = 10 * time.Minute

// maxBatch bounds how many callbacks share one transaction.
const maxBatch = 256

// Callbacks stores a gateway's callbacks through a pipeline: it implements
// gateway.Callbacks and gateway.Pinger. One writer goroutine commits the
// callbacks that arrive together in one transaction (group commit), so
// concurrent callbacks do not queue for SQLite's write lock one by one; each
// call returns only after its transaction committed.
type Callbacks struct {
	p    *Pipeline
	reqs chan *cbRequest
	done chan struct{}
	w    *store.IntakeWriter // used by the writer goroutine

	closeOnce sync.Once
	stop      chan struct{}

	// simOf resolves gateway SIMs as they were at simsAt; owned by the
	// writer goroutine.
	simOf  func(to, number string) int64
	simsAt time.Time
}

// simsTTL is how long the writer keeps the list of gateway SIMs: a SIM
// added while serving is used within this time.
const simsTTL = 2 * time.Second

func (c *Callbacks) resolver(ctx context.Context) (func(to, number string) int64, error) {
	if c.simOf != nil && time.Since(c.simsAt) < simsTTL {
		return c.simOf, nil
	}
	sims, err := c.p.db.GatewaySIMs(ctx)
	if err != nil {
		return nil, err
	}
	c.simOf, c.simsAt = c.p.simResolver(sims), time.Now()
	return c.simOf, nil
}

// cbRequest is one callback waiting for the writer.
type cbRequest struct {
	ctx     context.Context
	inbound *gateway.InboundCallback
	text    Text   // inbound: prepared by the caller
	to      string // inbound: cb.To normalised
	status  *gateway.StatusCallback
	number  string // status: cb.To normalised, "" when absent
	reply   chan cbReply
}

type cbReply struct {
	ok  bool // inbound: duplicate; status: found
	err error
}

var errClosed = errors.New("callbacks closed")

// Callbacks starts the writer, on a database connection of its own, and
// returns the gateway callbacks of this pipeline; Close stops the writer.
func (p *Pipeline) Callbacks(ctx context.Context) (*Callbacks, error) {
	w, err := p.db.NewIntakeWriter(ctx)
	if err != nil {
		return nil, err
	}
	c := &Callbacks{
		p:    p,
		reqs: make(chan *cbRequest, maxBatch),
		done: make(chan struct{}),
		stop: make(chan struct{}),
		w:    w,
	}
	go c.writer()
	return c, nil
}

// Close stops the writer after the callbacks already handed to it.
func (c *Callbacks) Close() error {
	c.closeOnce.Do(func() { close(c.stop) })
	<-c.done
	return c.w.Close()
}

// Inbound stores a received text on the gateway SIM it was sent to, sorts it
// and queues its auto-reply; duplicate is true for a provider's retry.
func (c *Callbacks) Inbound(ctx context.Context, cb gateway.InboundCallback) (duplicate bool, err error) {
	r := &cbRequest{inbound: &cb, text: Text{From: cb.From, Body: cb.Message}}
	c.p.prepare(&r.text)
	if !understoodSender(r.text.pre.number) {
		r.text.Flags = append(r.text.Flags, store.FlagOddNumber)
	}
	if to := strings.TrimSpace(cb.To); to != "" {
		r.to = c.p.number(to)
	}
	return c.submit(ctx, r)
}

// understoodSender reports whether a callback's sender, as the pipeline
// normalised it, is one the desk can match to a person: an E.164 number, a
// sender name (letters, ≤ 11 characters, as SMS allows) or a short code (3
// to 8 digits). Anything else ("tel:abc", "+999 12", an empty sender) is
// stored as it came, flagged, and left for the operator to review, never
// opted out or matched under a string that no campaign number will equal.
func understoodSender(n string) bool {
	switch {
	case len(n) > 1 && n[0] == '+' && strings.Trim(n[1:], "0123456789") == "":
		return true
	case len(n) >= 3 && len(n) <= 8 && strings.Trim(n, "0123456789") == "":
		return true
	case phone.IsAlphanumeric(n) && utf8.RuneCountInString(n) <= 11:
		for _, r := range n {
			if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" .-&_'!", r)) {
				return false
			}
		}
		return true
	}
	return false
}

// Status applies a delivery report to the message whose id is cb.Ref.
func (c *Callbacks) Status(ctx context.Context, cb gateway.StatusCallback) (found bool, err error) {
	r := &cbRequest{status: &cb}
	if to := strings.TrimSpace(cb.To); to != "" {
		r.number = c.p.number(to)
	}
	return c.submit(ctx, r)
}

// Ping checks that the database answers, for /healthz.
func (c *Callbacks) Ping(ctx context.Context) error {
	_, err := c.p.db.ClassifierEpoch(ctx)
	return err
}

func (c *Callbacks) submit(ctx context.Context, r *cbRequest) (bool, error) {
	r.ctx, r.reply = ctx, make(chan cbReply, 1)
	select {
	case c.reqs <- r:
	case <-c.stop:
		return false, errClosed
	case <-ctx.Done():
		return false, ctx.Err()
	}
	select {
	case rep := <-r.reply:
		return rep.ok, rep.err
	case <-ctx.Done():
		// The writer may still commit it; a retry is then a duplicate.
		return false, ctx.Err()
	}
}

// writer takes the callbacks that are waiting, up to maxBatch, and commits
// them in one transaction; when that fails, it commits them one by one so a
// bad one does not fail the others.
func (c *Callbacks) writer() {
	defer close(c.done)
	for {
		var first *cbRequest
		select {
		case first = <-c.reqs:
		case <-c.stop:
			// Answer what is still queued before leaving.
			for {
				select {
				case r := <-c.reqs:
					c.commit([]*cbRequest{r})
				default:
					return
				}
			}
		}
		batch := []*cbRequest{first}
	fill:
		for len(batch) < maxBatch {
			select {
			case r := <-c.reqs:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		c.commit(batch)
	}
}

func (c *Callbacks) commit(batch []*cbRequest) {
	live := batch[:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.reply <- cbReply{err: err}
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	replies, err := c.apply(context.Background(), live)
	if err == nil {
		for i, r := range live {
			r.reply <- replies[i]
		}
		return
	}
	if len(live) == 1 {
		live[0].reply <- cbReply{err: err}
		return
	}
	c.p.opts.Logger.Warn("callback batch failed; committing one by one", "size", len(live), "err", err)
	for _, r := range live {
		rep, err := c.apply(context.Background(), []*cbRequest{r})
		if err != nil {
			r.reply <- cbReply{err: err}
			continue
		}
		r.reply <- rep[0]
	}
}

// apply commits a batch of callbacks in one transaction.
func (c *Callbacks) apply(ctx context.Context, batch []*cbRequest) ([]cbReply, error) {
	simOf, err := c.resolver(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]cbReply, len(batch))
	var outcomes []Outcome
	start := time.Now()
	var began, worked time.Time
	// A stale model keeps serving while the new one trains: training on a
	// large history takes seconds, which callbacks must not wait for.
	err = c.p.intakeOn(ctx, c.w.Intake, true, func(tx *store.Intake, e *env) error {
		began = time.Now()
		defer func() { worked = time.Now() }()
		outcomes = outcomes[:0]
		for i, r := range batch {
			switch {
			case r.inbound != nil:
				o, err := c.p.storeCallback(ctx, tx, e, simOf, r)
				if err != nil {
					return err
				}
				out[i] = cbReply{ok: o.Duplicate}
				outcomes = append(outcomes, o)
			case r.status != nil:
				found, err := c.p.applyStatus(ctx, tx, *r.status, r.number)
				if err != nil {
					return err
				}
				out[i] = cbReply{ok: found}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store callbacks: %w", err)
	}
	// The write lock wait (other processes' transactions), the work, and
	// the commit, to tell what slows callbacks down.
	c.p.opts.Logger.Debug("callback batch committed", "size", len(batch), "lock_wait", began.Sub(start),
		"work", worked.Sub(began), "commit", time.Since(worked))
	for _, o := range outcomes {
		if !o.Duplicate {
			c.p.opts.Logger.Debug("callback stored", "id", o.ID, "category", o.Category, "by", o.By)
		}
	}
	return out, nil
}

// GatewaySIM picks the SIM a gateway callback addressed to `to` belongs to:
// the gateway SIM whose phone number or sender ID is `to`, else the only
// gateway SIM; 0 when there is none (or several and none matches).
func (p *Pipeline) GatewaySIM(sims []store.SIM, to string) int64 {
	to = strings.TrimSpace(to)
	n := ""
	if to != "" {
		n = p.number(to)
	}
	return p.simResolver(sims)(to, n)
}

// simResolver returns GatewaySIM for sims, taking `to` as given and
// normalised.
func (p *Pipeline) simResolver(sims []store.SIM) func(to, number string) int64 {
	phones := make([]string, len(sims))
	for i, s := range sims {
		if s.Phone != "" {
			phones[i] = p.number(s.Phone)
		}
	}
	return func(to, number string) int64 {
		to = strings.TrimSpace(to)
		if to != "" {
			for i, s := range sims {
				if (phones[i] != "" && phones[i] == number) || (s.SenderID != "" && strings.EqualFold(s.SenderID, to)) {
					return s.ID
				}
			}
		}
		if len(sims) == 1 {
			return sims[0].ID
		}
		return 0
	}
}

// storeCallback stores an inbound callback, once per RetryWindow.
func (p *Pipeline) storeCallback(ctx context.Context, tx *store.Intake, e *env, simOf func(to, number string) int64, r *cbRequest) (Outcome, error) {
	now := tx.Now()
	bucket := now.Unix() / int64(RetryWindow/time.Second)
	key := "gw:" + r.inbound.Key() + ":"
	dup, err := tx.HasDedupeKey(ctx, key+strconv.FormatInt(bucket-1, 10))
	if err != nil || dup {
		return Outcome{Duplicate: dup}, err
	}
	t := r.text
	t.SIMID, t.At, t.Key = simOf(r.inbound.To, r.to), now, key+strconv.FormatInt(bucket, 10)
	return p.store(ctx, tx, e, t)
}

// applyStatus applies a status callback sent to number ("" when the
// callback did not say); found is false when its reference is not one of our
// outgoing texts to that number.
func (p *Pipeline) applyStatus(ctx context.Context, tx *store.Intake, cb gateway.StatusCallback, number string) (bool, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(cb.Ref), 10, 64)
	if err != nil || id <= 0 {
		return false, nil
	}
	return tx.ApplyGatewayStatus(ctx, id, number, cb.State, cb.Status, cb.SMSRef)
}
