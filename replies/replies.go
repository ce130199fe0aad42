// Package replies is the inbound side of Texting Centre: it stores the texts
// that arrive (read in from dongles or called back by a gateway) exactly once,
// sorts them into categories in the order of docs/ARCHITECTURE.md, puts numbers that ask for it on
// the opt-out list, queues auto-replies, and applies delivery reports. The
// operator's own categorisations (Tag) feed the learned model, cached in the
// database.
//
// Everything that follows from one received text (the message row, its
// category, the opt-out, the auto-reply) is committed in one transaction.
package replies

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/texting-centre/texting/classify"
	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/modem/pdu"
	"github.com/texting-centre/texting/phone"
	"github.com/texting-centre/texting/store"
)

// clockSkew is how far the time of a received text may be behind our clock
// (the service centre's time stamp against the computer's) when rule 2 asks
// what our last text to the person was.
const clockSkew = 5 * time.Minute

// Options tune a Pipeline; zero fields take the defaults of the settings (config.Keys).
type Options struct {
	// Threshold is the model confidence needed to categorise on its own
	// (classify.threshold).
	Threshold float64
	// AutoreplyWindow is how long after an auto-reply a number gets no
	// other one (autoreply.days).
	AutoreplyWindow time.Duration
	// FragmentTimeout is how long the parts of a long text wait for their
	// siblings before the text is stored incomplete (fragments.timeout).
	FragmentTimeout time.Duration
	// Region is the default region for numbers without a country code.
	Region string
	// Logger gets what the pipeline did; nil discards.
	Logger *slog.Logger
}

// OptionsFrom takes the pipeline's settings from a resolved configuration.
func OptionsFrom(cfg config.Config, logger *slog.Logger) Options {
	return Options{
		Threshold:       cfg.ClassifyThreshold,
		AutoreplyWindow: time.Duration(cfg.AutoreplyDays) * 24 * time.Hour,
		FragmentTimeout: cfg.FragmentsTimeout,
		Region:          cfg.Region,
		Logger:          logger,
	}
}

func (o Options) withDefaults() Options {
	if o.Threshold <= 0 {
		o.Threshold = classify.DefaultThreshold
	}
	if o.AutoreplyWindow <= 0 {
		o.AutoreplyWindow = 30 * 24 * time.Hour
	}
	if o.FragmentTimeout <= 0 {
		o.FragmentTimeout = 24 * time.Hour
	}
	if o.Region == "" {
		o.Region = phone.DefaultRegion
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return o
}

// Pipeline stores and sorts inbound texts in one database. It is safe for
// concurrent use; it keeps the learned model in memory and reloads it when
// the operator's categorisations change (in this process or another).
type Pipeline struct {
	db   *store.DB
	opts Options

	// mu guards the model cache below.
	mu         sync.Mutex
	cached     *classify.Model
	modelEpoch int64
	modelReady bool
	refreshing bool // a background refresh is running
}

// New returns a pipeline on db.
func New(db *store.DB, opts Options) *Pipeline {
	return &Pipeline{db: db, opts: opts.withDefaults()}
}

// NewFromSettings returns a pipeline configured from the settings stored in
// db (the keys it uses have no environment variables).
func NewFromSettings(ctx context.Context, db *store.DB, logger *slog.Logger) (*Pipeline, error) {
	cfg, err := config.Load(ctx, db, nil)
	if err != nil {
		return nil, err
	}
	return New(db, OptionsFrom(cfg, logger)), nil
}

// DB is the pipeline's database.
func (p *Pipeline) DB() *store.DB { return p.db }

// Text is one received text, as it goes into the pipeline.
type Text struct {
	SIMID int64  // the SIM (or gateway account) it came in on; 0 when unknown
	From  string // the sender as received; normalised to E.164 when it is a phone number
	Body  string
	At    time.Time // when it was sent (service centre time), zero for now
	// Key identifies what was received, so a second delivery of the same
	// text is stored once; "" stores it unconditionally.
	Key   string
	Parts int      // SMS parts it came in; 0 for 1
	Flags []string // store.FlagIncomplete, store.FlagUndecodable
	Raw   string   // the PDU(s) of an undecodable text
	SMSC  string   // the service centre of a text read from a modem, "" when unknown

	// pre holds what prepare worked out ahead of the transaction.
	pre *prepared
}

// prepared is the pure work on a text (no database): done before the write
// transaction, by the goroutine that received the text, so a single writer
// spends its time writing.
type prepared struct {
	number string
	norm   string
	optOut bool
}

// prepare works out t's number, normalised text and opt-out words.
func (p *Pipeline) prepare(t *Text) {
	if t.pre == nil {
		t.pre = &prepared{number: p.number(t.From), norm: classify.Normalize(t.Body), optOut: classify.IsOptOut(t.Body)}
	}
}

// Outcome is what the pipeline did with a received text.
type Outcome struct {
	ID         int64
	Duplicate  bool     // stored before: nothing was done this time
	Category   string   // "" when it waits for review
	By         store.By // store.ByRule, ByMemory, ByModel; "" when uncategorised
	Confidence float64
	OptedOut   bool  // this text put the number on the opt-out list
	Autoreply  int64 // the id of the queued auto-reply, 0 for none
}

// Store stores one received text and sorts it, in one transaction.
func (p *Pipeline) Store(ctx context.Context, t Text) (Outcome, error) {
	var out Outcome
	err := p.intake(ctx, func(tx *store.Intake, e *env) (err error) {
		out, err = p.store(ctx, tx, e, t)
		return err
	})
	if err != nil {
		return Outcome{}, fmt.Errorf("store text: %w", err)
	}
	p.logOutcome(t, out)
	return out, nil
}

// intake runs fn in one write transaction with what sorting needs: the model
// (loaded before the transaction, as training may take a while) and the
// categories (read in it).
func (p *Pipeline) intake(ctx context.Context, fn func(tx *store.Intake, e *env) error) error {
	return p.intakeOn(ctx, p.db.Intake, false, fn)
}

// intakeOn is intake with the transaction run by run (DB.Intake, or an
// IntakeWriter's); with stale, a model that is out of date is used while a
// fresh one trains in the background.
func (p *Pipeline) intakeOn(ctx context.Context, run func(context.Context, func(*store.Intake) error) error,
	stale bool, fn func(tx *store.Intake, e *env) error) error {
	e, err := p.environment(ctx, stale)
	if err != nil {
		return err
	}
	return run(ctx, func(tx *store.Intake) error {
		if err := e.loadCategories(ctx, tx); err != nil {
			return err
		}
		return fn(tx, e)
	})
}

func (p *Pipeline) logOutcome(t Text, out Outcome) {
	if out.Duplicate {
		p.opts.Logger.Debug("text stored before", "id", out.ID)
		return
	}
	p.opts.Logger.Info("text stored", "id", out.ID, "sim", t.SIMID, "category", out.Category, "by", out.By,
		"opted_out", out.OptedOut, "autoreply", out.Autoreply)
}

// env is what sorting needs besides the transaction: the categories (read in
// the transaction) and the model (read before it).
type env struct {
	model *classify.Model
	categories
}

func (p *Pipeline) environment(ctx context.Context, stale bool) (*env, error) {
	m, err := p.model(ctx, stale)
	if err != nil {
		return nil, err
	}
	return &env{model: m}, nil
}

func (e *env) loadCategories(ctx context.Context, tx *store.Intake) error {
	cats, err := tx.Categories(ctx)
	if err != nil {
		return err
	}
	e.byID = make(map[int64]store.Category, len(cats))
	e.role = map[string]store.Category{}
	for _, c := range cats {
		e.byID[c.ID] = c
		if c.Role != "" {
			e.role[c.Role] = c
		}
	}
	return nil
}

// number turns a sender into the form numbers are kept in: E.164 for phone
// numbers, the sender as given otherwise (an alphanumeric name).
func (p *Pipeline) number(from string) string {
	from = strings.TrimSpace(from)
	if from == "" {
		return ""
	}
	if n, err := phone.Normalize(from, p.opts.Region); err == nil {
		return n
	}
	return from
}

// textable reports whether a number can be texted back (an alphanumeric
// sender such as "Vodafone" cannot).
func textable(number string) bool {
	if len(number) < 2 || number[0] != '+' {
		return false
	}
	for _, r := range number[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// store inserts t and, unless it is a duplicate or undecodable, sorts it.
func (p *Pipeline) store(ctx context.Context, tx *store.Intake, e *env, t Text) (Outcome, error) {
	now := tx.Now()
	at := t.At.UTC()
	if at.IsZero() || at.After(now.Add(time.Hour)) {
		at = now // no time stamp, or a clock we cannot believe
	}
	p.prepare(&t)
	m := store.Message{
		Direction: store.In,
		SIMID:     t.SIMID,
		Number:    t.pre.number,
		Text:      t.Body,
		At:        at,
		Kind:      store.KindInbound,
		Norm:      t.pre.norm,
		Parts:     t.Parts,
		Flags:     t.Flags,
		Raw:       t.Raw,
		DedupeKey: t.Key,
		SMSC:      t.SMSC,
	}
	id, dup, err := tx.InsertMessage(ctx, m)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{ID: id, Duplicate: dup}
	if dup || hasFlag(t.Flags, store.FlagUndecodable) || hasFlag(t.Flags, store.FlagOddNumber) {
		return out, nil // for the operator to review
	}
	m.ID = id
	return p.sortOptOut(ctx, tx, e, m, t.pre.optOut)
}

func hasFlag(flags []string, f string) bool {
	for _, x := range flags {
		if x == f {
			return true
		}
	}
	return false
}

// sort categorises a stored text automatically and does what its category
// asks (opt-out, auto-reply).
func (p *Pipeline) sort(ctx context.Context, tx *store.Intake, e *env, m store.Message) (Outcome, error) {
	return p.sortOptOut(ctx, tx, e, m, classify.IsOptOut(m.Text))
}

// sortOptOut is sort with the opt-out words already looked for: decide picks
// the category, reading the facts it needs (and only those) lazily through
// the transaction and the model, and sortOptOut records what it decided.
// With no category (the review queue) an opt-out is still recorded.
func (p *Pipeline) sortOptOut(ctx context.Context, tx *store.Intake, e *env, m store.Message, optOut bool) (Outcome, error) {
	out := Outcome{ID: m.ID}
	d, err := decide(lazyFacts{ctx: ctx, tx: tx, model: e.model, m: m, optOut: optOut}, e.categories, p.opts.Threshold)
	if err != nil {
		return out, err
	}
	if d.by == "" {
		if d.optOut && m.Number != "" {
			out.OptedOut, err = tx.AddOptOut(ctx, m.Number, m.ID)
		}
		return out, err
	}
	if err := tx.SetCategory(ctx, m.ID, d.cat.ID, d.by, d.conf); err != nil {
		return out, err
	}
	out.Category, out.By, out.Confidence = d.cat.Name, d.by, d.conf
	out.OptedOut, out.Autoreply, err = p.follow(ctx, tx, m, d.cat, d.optOut)
	return out, err
}

// follow does what a category asks of a text just put in it: an opt-out
// category (or optOut, opt-out words) puts the number on the opt-out list,
// and an auto-reply goes out
// once per number per window, never to an opted-out number except the one
// confirmation of the opt-out itself.
func (p *Pipeline) follow(ctx context.Context, tx *store.Intake, m store.Message, c store.Category, optOut bool) (optedOut bool, reply int64, err error) {
	if (c.OptOut || optOut) && m.Number != "" {
		if optedOut, err = tx.AddOptOut(ctx, m.Number, m.ID); err != nil {
			return false, 0, err
		}
	}
	reply, err = p.autoreply(ctx, tx, m, c, optedOut)
	return optedOut, reply, err
}

// autoreply queues c's auto-reply to m when the rules allow it and returns
// its id (0 when none is due).
func (p *Pipeline) autoreply(ctx context.Context, tx *store.Intake, m store.Message, c store.Category, confirmsOptOut bool) (int64, error) {
	if strings.TrimSpace(c.AutoReply) == "" || m.SIMID == 0 || !textable(m.Number) {
		return 0, nil
	}
	now := tx.Now()
	if now.Sub(m.At) > p.opts.AutoreplyWindow {
		return 0, nil // answering a text this old would confuse more than help
	}
	if c.OptOut {
		// The confirmation goes once: only for the text that put the number
		// on the list, whatever auto-reply the number had lately.
		if !confirmsOptOut {
			return 0, nil
		}
	} else {
		out, err := tx.OptedOut(ctx, m.Number)
		if err != nil || out {
			return 0, err
		}
		last, err := tx.LastAutoreply(ctx, m.Number)
		if err != nil {
			return 0, err
		}
		if !last.IsZero() && now.Sub(last) < p.opts.AutoreplyWindow {
			return 0, nil
		}
	}
	var flags []string
	if c.AutoReplyAnyHour {
		flags = []string{store.FlagAnyHour} // else it waits for quiet hours to end
	}
	id, _, err := tx.InsertMessage(ctx, store.Message{
		Direction: store.Out,
		SIMID:     m.SIMID,
		Number:    m.Number,
		Text:      c.AutoReply,
		At:        now,
		Kind:      store.KindAutoreply,
		ParentID:  m.ID,
		State:     store.StateQueued,
		Parts:     pdu.Counting(c.AutoReply).Parts,
		Flags:     flags,
	})
	if err != nil {
		return 0, fmt.Errorf("queue auto-reply to %s: %w", m.Number, err)
	}
	return id, nil
}
