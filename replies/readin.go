package replies

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/texting-centre/texting/classify"
	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/modem/pdu"
	"github.com/texting-centre/texting/store"
)

// reportWindow is how far back a delivery report looks for the text it is
// about: modem message references wrap at 256, so only recent texts count.
const reportWindow = 7 * 24 * time.Hour

// missingPart stands for a part of a long text that never arrived.
const missingPart = "…"

// PortResult is what reading one dongle did (the `read-in --json` contract).
type PortResult struct {
	Port string `json:"port"`
	IMSI string `json:"imsi"`
	// Stored counts the texts stored now: whole ones, long ones joined from
	// their parts, incomplete and undecodable ones (a text read again after
	// a crash is not counted).
	Stored int `json:"stored"`
	// Deleted counts the items deleted from the SIM after their commit
	// (texts, parts of long texts and delivery reports).
	Deleted     int `json:"deleted"`
	Incomplete  int `json:"incomplete"`
	Undecodable int `json:"undecodable"`
	// Held counts the parts of long texts received on this SIM that are
	// stored and wait for their other parts (after this read-in).
	Held   int      `json:"held"`
	Errors []string `json:"errors"`
	// HeldBy is set when another texting process holds the port: it reads
	// that SIM in itself (whoever holds a dongle does its chores), so the
	// port is not a failure. Absent when this read-in read the port.
	HeldBy *HeldBy `json:"held_by,omitempty"`

	// SIM is the SIM's label ("O2 3"); NewSIM is set when this read-in
	// created its row.
	SIM    string `json:"-"`
	NewSIM bool   `json:"-"`
	// Fragments counts parts stored to wait for their siblings; Reports
	// the delivery reports applied.
	Fragments int `json:"-"`
	Reports   int `json:"-"`
}

// HeldBy names the process that holds a port.
type HeldBy struct {
	PID  int    `json:"pid"`
	What string `json:"what"`
}

// ReadInResult is what a read-in did, one entry per port in the order given.
type ReadInResult struct {
	Ports []PortResult `json:"ports"`
}

// Failed reports whether any port failed, or left an item on its SIM.
func (r ReadInResult) Failed() bool {
	for _, p := range r.Ports {
		if len(p.Errors) > 0 {
			return true
		}
	}
	return false
}

// ReadInOptions tune ReadIn.
type ReadInOptions struct {
	// Ports are the ports to read; empty means the configuration's
	// modem.ports, then discovery.
	Ports []string
	// Modem are options for opening the dongles (logging, trace, timeouts).
	Modem []modem.Option
	// Alive tells whether the process named in a port holder's row lives;
	// with it, a port another texting process holds is reported as held
	// (HeldBy) instead of failed. Nil: a busy port fails.
	Alive func(owner string) bool
	// Self is this process as port holder rows name it: a read-in records
	// itself as the holder of each port it reads (what "read-in", a short
	// job that a run waits for).
	Self string
	// PID is this process's id, recorded with Self.
	PID int
}

// ReadIn drains the inbox of every dongle into the database, all dongles in
// parallel: each SIM is recorded (a new IMSI creates a SIM row), each text is
// stored once and sorted, each part of a long text is kept until its siblings
// arrive, delivery reports update the texts they are about, and an item leaves
// the SIM only after it is committed. Long texts whose parts waited longer
// than the fragment timeout are then stored incomplete. A port that fails is
// reported in its entry; the error is for what stops the whole read-in. With
// no opts.Ports, the dongles are discovered.
func (p *Pipeline) ReadIn(ctx context.Context, opts ReadInOptions) (ReadInResult, error) {
	ports := opts.Ports
	var res ReadInResult
	if len(ports) == 0 {
		cands, err := modem.Discover(ctx, opts.Modem...)
		if err != nil {
			return res, fmt.Errorf("read-in: %w", err)
		}
		for _, c := range cands {
			switch {
			case c.Usable:
				ports = append(ports, c.Port)
			case c.Port != "":
				res.Ports = append(res.Ports, PortResult{Port: c.Port, IMSI: c.IMSI, Errors: []string{c.Note}})
			default:
				res.Ports = append(res.Ports, PortResult{Port: c.Product, Errors: []string{c.Note}})
			}
		}
	}
	var mu sync.Mutex
	sinks := map[string]*SIMSink{}
	mopts := opts.Modem
	var heldPorts []string
	if opts.Self != "" {
		mopts = append(slices.Clip(mopts), modem.WithLocked(func(port string) {
			if err := p.db.HoldPort(ctx, port, opts.Self, opts.PID, "read-in", true); err != nil {
				p.opts.Logger.Warn("record port holder", "port", port, "err", err)
				return
			}
			mu.Lock()
			heldPorts = append(heldPorts, port)
			mu.Unlock()
		}))
		defer func() {
			for _, port := range heldPorts {
				if err := p.db.ReleasePort(context.WithoutCancel(ctx), port, opts.Self); err != nil {
					p.opts.Logger.Warn("release port holder", "port", port, "err", err)
				}
			}
		}()
	}
	drains := modem.DrainPorts(ctx, ports, func(ctx context.Context, d *modem.Dongle) (modem.Sink, error) {
		s, err := p.SinkFor(ctx, d)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		sinks[d.Port()] = s
		mu.Unlock()
		return s, nil
	}, mopts...)
	bySIM := map[int64]int{}
	for _, d := range drains {
		r := PortResult{Port: d.Port, IMSI: d.IMSI, Deleted: d.Result.Deleted, Errors: []string{}}
		r.Errors = append(r.Errors, d.Result.Errors...)
		if d.Err != nil {
			if h := p.holderOf(ctx, d.Port, d.Err, opts.Alive); h != nil {
				r.HeldBy = h
				res.Ports = append(res.Ports, r)
				continue
			}
			r.Errors = append(r.Errors, d.Err.Error())
		}
		if s := sinks[d.Port]; s != nil {
			c := s.Counts()
			r.Stored, r.Undecodable, r.Fragments, r.Reports = c.Stored, c.Undecodable, c.Fragments, c.Reports
			r.SIM, r.NewSIM = s.sim.Label(), s.newSIM
			bySIM[s.sim.ID] = len(res.Ports)
		}
		res.Ports = append(res.Ports, r)
	}
	flushed, err := p.FlushFragments(ctx)
	for _, f := range flushed {
		if i, ok := bySIM[f.SIMID]; ok {
			res.Ports[i].Stored++
			res.Ports[i].Incomplete++
		}
	}
	if err != nil {
		return res, err
	}
	for simID, i := range bySIM {
		n, err := p.db.CountHeldParts(ctx, simID)
		if err != nil {
			return res, err
		}
		res.Ports[i].Held = n
	}
	return res, nil
}

// holderOf is the live texting process that holds port, when err says the
// port is busy; nil otherwise. The holder records itself as soon as it has
// the port, before initialising the dongle; a holder caught between the two
// is given a moment to write its row.
func (p *Pipeline) holderOf(ctx context.Context, port string, err error, alive func(string) bool) *HeldBy {
	if alive == nil || !errors.Is(err, modem.ErrPortBusy) {
		return nil
	}
	for try := 0; try < 10; try++ {
		h, found, herr := p.db.PortHolderOf(ctx, port)
		if herr != nil {
			return nil
		}
		if found && alive(h.Owner) {
			return &HeldBy{PID: h.PID, What: h.What}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil
}

// SinkFor records the SIM in dongle d (a new IMSI creates its SIM row; the
// port is remembered) and returns the sink its inbox drains into.
func (p *Pipeline) SinkFor(ctx context.Context, d *modem.Dongle) (*SIMSink, error) {
	info, err := d.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("dongle information: %w", err)
	}
	imsi := info.IMSI
	if imsi == "" {
		imsi = d.IMSI()
	}
	imei := info.IMEI
	if imei == "" {
		imei = d.IMEI()
	}
	sim, created, err := p.db.SeenSIM(ctx, imsi, info.ICCID, imei, info.Operator, d.Port())
	if err != nil {
		return nil, err
	}
	if created {
		p.opts.Logger.Info("new SIM", "sim", sim.Label(), "imsi", imsi, "port", d.Port())
	}
	return p.Sink(sim, created), nil
}

// Sink returns the sink that stores what is read from the SIM sim.
func (p *Pipeline) Sink(sim store.SIM, created bool) *SIMSink {
	return &SIMSink{p: p, sim: sim, newSIM: created}
}

// SinkCounts counts what a sink stored.
type SinkCounts struct {
	Stored      int // new texts stored (joined long texts count once)
	Undecodable int // of those, stored raw
	Fragments   int // new parts stored to wait for their siblings
	Reports     int // delivery reports applied to a text
	Duplicates  int // items stored before (read again after a crash)
}

// SIMSink is the modem.Sink of one SIM: each method commits before it
// returns nil, so the dongle deletes only what is safely stored. It is safe
// for concurrent use.
type SIMSink struct {
	p      *Pipeline
	sim    store.SIM
	newSIM bool

	mu sync.Mutex // guards c
	c  SinkCounts
}

// Counts returns what the sink stored so far.
func (s *SIMSink) Counts() SinkCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.c
}

func (s *SIMSink) add(fn func(c *SinkCounts)) {
	s.mu.Lock()
	fn(&s.c)
	s.mu.Unlock()
}

// StoreText stores a whole text, or one that did not decode (raw, flagged).
func (s *SIMSink) StoreText(ctx context.Context, in modem.Inbound) error {
	t := Text{SIMID: s.sim.ID, Key: in.Key}
	switch m := in.Msg; {
	case m == nil:
		t.Flags, t.Raw = []string{store.FlagUndecodable}, in.PDU
		if p := in.Partial; p != nil {
			// Keep what did decode, so the text stays in the sender's
			// history: a sender and time only a deliver has.
			t.SMSC = p.SMSC
			if p.Type == pdu.Deliver {
				t.From, t.At = p.From, p.Timestamp
			}
		}
		s.p.opts.Logger.Warn("undecodable text stored raw", "sim", s.sim.Label(), "from", t.From, "err", in.DecodeErr)
	case m.Encoding == pdu.Data8:
		// 8-bit data (a ringtone, a WAP push …) has no text to read.
		t.From, t.At, t.SMSC, t.Flags, t.Raw = m.From, m.Timestamp, m.SMSC, []string{store.FlagUndecodable}, in.PDU
	default:
		t.From, t.Body, t.At, t.SMSC = m.From, m.Text, m.Timestamp, m.SMSC
	}
	out, err := s.p.Store(ctx, t)
	if err != nil {
		return err
	}
	s.add(func(c *SinkCounts) {
		switch {
		case out.Duplicate:
			c.Duplicates++
		case len(t.Flags) > 0:
			c.Stored++
			c.Undecodable++
		default:
			c.Stored++
		}
	})
	return nil
}

// StoreFragment stores one part of a long text, and the whole text (sorted,
// in the same transaction) when this part completes it.
func (s *SIMSink) StoreFragment(ctx context.Context, in modem.Inbound) error {
	m := in.Msg
	if m == nil || m.Concat == nil {
		return s.StoreText(ctx, in)
	}
	f := store.Fragment{
		SIMID:     s.sim.ID,
		Number:    s.p.number(m.From),
		ConcatRef: m.Concat.Ref,
		Total:     m.Concat.Total,
		Seq:       m.Concat.Seq,
		Text:      m.Text,
		SentAt:    m.Timestamp.UTC(),
		PDU:       in.PDU,
		DedupeKey: in.Key,
	}
	var dup, joined, optedOut bool
	err := s.p.intake(ctx, func(tx *store.Intake, e *env) (err error) {
		dup, joined, optedOut = false, false, false
		if dup, err = tx.InsertFragment(ctx, f); err != nil || dup {
			return err
		}
		g := store.FragmentGroup{SIMID: f.SIMID, Number: f.Number, ConcatRef: f.ConcatRef, Total: f.Total}
		parts, err := tx.Fragments(ctx, g)
		if err != nil {
			return err
		}
		t, complete := joinParts(parts)
		if !complete {
			optedOut, err = s.p.optOutEarly(ctx, tx, parts)
			return err
		}
		joined = true
		out, err := s.p.store(ctx, tx, e, t)
		if err != nil {
			return err
		}
		return tx.ConsumeFragments(ctx, parts, out.ID)
	})
	if err != nil {
		return fmt.Errorf("store part %d/%d: %w", f.Seq, f.Total, err)
	}
	if optedOut {
		s.p.opts.Logger.Info("opted out by the first part of a long text", "sim", s.sim.Label(), "number", f.Number,
			"parts", fmt.Sprintf("%d of %d", f.Seq, f.Total))
	}
	s.add(func(c *SinkCounts) {
		switch {
		case dup:
			c.Duplicates++
		case joined:
			c.Fragments++
			c.Stored++
		default:
			c.Fragments++
		}
	})
	return nil
}

// StoreReport applies a delivery report to the text from this SIM that it
// is about; a report for a text we cannot find is dropped (logged).
func (s *SIMSink) StoreReport(ctx context.Context, in modem.Inbound) error {
	m := in.Msg
	if m == nil {
		return s.StoreText(ctx, in)
	}
	state := ""
	switch pdu.StatusCategory(m.Status) {
	case "delivered":
		state = store.StateDelivered
	case "failed":
		state = store.StateFailed
		if strings.HasPrefix(pdu.StatusText(m.Status), "expired") {
			state = store.StateExpired
		}
	default:
		return nil // the network is still trying; the final report follows
	}
	var id int64
	var found bool
	err := s.p.db.Intake(ctx, func(tx *store.Intake) (err error) {
		id, found, err = tx.ApplyModemReport(ctx, s.sim.ID, m.MR, s.p.number(m.Recipient), state, tx.Now().Add(-reportWindow))
		return err
	})
	if err != nil {
		return fmt.Errorf("delivery report %d: %w", m.MR, err)
	}
	if !found {
		s.p.opts.Logger.Info("delivery report for no known text", "sim", s.sim.Label(), "mr", m.MR, "state", state)
		return nil
	}
	s.add(func(c *SinkCounts) { c.Reports++ })
	s.p.opts.Logger.Debug("delivery report", "message", id, "state", state)
	return nil
}

// optOutEarly puts the sender of a long text on the opt-out list as soon as
// its first part is stored, when that part already asks for no more texts
// (classify.IsOptOutStart): the other parts may take a day to come, or never,
// and a campaign or follow-up must not text the person meanwhile. The whole
// text, once stored, is sorted as usual and ties the opt-out to itself.
func (p *Pipeline) optOutEarly(ctx context.Context, tx *store.Intake, parts []store.Fragment) (bool, error) {
	for _, f := range parts {
		if f.Seq != 1 || f.Number == "" || !classify.IsOptOutStart(f.Text) {
			continue
		}
		return tx.AddOptOutByPart(ctx, f.Number)
	}
	return false, nil
}

// joinParts joins the parts of one long text in part order; complete is
// false while a part is missing. Each missing part is marked with "…".
func joinParts(parts []store.Fragment) (t Text, complete bool) {
	if len(parts) == 0 {
		return Text{}, false
	}
	total := parts[0].Total
	bySeq := map[int]store.Fragment{}
	var keys []string
	for _, f := range parts {
		keys = append(keys, f.DedupeKey)
		if _, ok := bySeq[f.Seq]; !ok && f.Seq >= 1 && f.Seq <= total {
			bySeq[f.Seq] = f
		}
	}
	var b strings.Builder
	complete = true
	for seq := 1; seq <= total; seq++ {
		f, ok := bySeq[seq]
		if !ok {
			complete = false
			b.WriteString(missingPart)
			continue
		}
		b.WriteString(f.Text)
		if t.At.IsZero() || (!f.SentAt.IsZero() && f.SentAt.Before(t.At)) {
			t.At = f.SentAt
		}
	}
	sort.Strings(keys)
	sum := sha256.Sum256([]byte(strings.Join(keys, "\n")))
	t.SIMID, t.From, t.Body = parts[0].SIMID, parts[0].Number, b.String()
	t.Key = "parts:" + hex.EncodeToString(sum[:16])
	t.Parts = len(bySeq)
	if !complete {
		t.Flags = []string{store.FlagIncomplete}
	}
	return t, complete
}

// Flushed is a long text stored incomplete because its parts waited too long.
type Flushed struct {
	SIMID     int64
	MessageID int64
}

// FlushFragments stores, flagged incomplete, every long text whose first part
// arrived longer than the fragment timeout ago (the missing parts marked),
// and forgets its parts.
func (p *Pipeline) FlushFragments(ctx context.Context) ([]Flushed, error) {
	groups, err := p.db.StaleFragmentGroups(ctx, p.db.Now().Add(-p.opts.FragmentTimeout))
	if err != nil {
		return nil, err
	}
	var out []Flushed
	for _, g := range groups {
		var f Flushed
		err := p.intake(ctx, func(tx *store.Intake, e *env) error {
			f = Flushed{}
			parts, err := tx.Fragments(ctx, g)
			if err != nil || len(parts) == 0 {
				return err // gone meanwhile: another process joined them
			}
			t, _ := joinParts(parts)
			o, err := p.store(ctx, tx, e, t)
			if err != nil {
				return err
			}
			f = Flushed{SIMID: g.SIMID, MessageID: o.ID}
			return tx.ConsumeFragments(ctx, parts, o.ID)
		})
		if err != nil {
			return out, fmt.Errorf("store incomplete text: %w", err)
		}
		if f.MessageID != 0 {
			p.opts.Logger.Info("incomplete long text stored", "message", f.MessageID, "sim", g.SIMID)
			out = append(out, f)
		}
	}
	return out, nil
}
