package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/texting-centre/texting/gateway"
	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/store"
)

// FleetOptions say which SIMs to connect.
type FleetOptions struct {
	// Ports are the dongles' AT ports (--port flags, else modem.ports); empty
	// means discovery.
	Ports []string
	// ModemOptions are passed to modem.Open (logger, trace, timeouts).
	ModemOptions []modem.Option
	// NoModems connects no dongle (gateway only).
	NoModems bool
	// NoGateway leaves the gateway accounts out.
	NoGateway bool
	// Gateway is the gateway client (nil: a default one).
	Gateway *gateway.Client
	// KeepAlive is the interval of the dongles' keep-alive (default a minute).
	KeepAlive time.Duration
	Logger    *slog.Logger

	// What says what this process holds the dongles for ("campaign run
	// 14", "send"); it is recorded per port, so that a read-in that finds
	// the port busy can say who holds it. Short marks a job that lets the
	// ports go within seconds (a test text): a run waits for it.
	What  string
	Short bool
	// WaitHeld is how long a port held by another process's short job (a
	// read-in, a test text) is waited for before it counts as busy; 0 does
	// not wait.
	WaitHeld time.Duration
	// Chores, when set, are done on every dongle while the fleet holds it.
	Chores *Chores
}

// Chores are what the holder of a dongle does for it besides sending:
// whoever holds a dongle does all of its chores, since nobody else can open
// it meanwhile.
type Chores struct {
	// Sink is where what is read from sim's dongle goes: the read-in's own
	// sink, with the same commit-then-delete, sorting and auto-replies.
	Sink func(sim store.SIM) modem.Sink
	// ReadEvery is the longest wait between two reads of a SIM's inbox
	// (default a minute); a +CMTI or +CDSI reads it at once.
	ReadEvery time.Duration
	// AfterRead runs after each read: e.g. join long texts whose parts
	// waited too long, and send what the read queued (auto-replies) and
	// other texts queued for this SIM meanwhile (a manual text from the
	// TUI) through s.
	AfterRead func(ctx context.Context, s Sender, r modem.DrainResult)
	// SendQueued sends the texts queued for s's SIM meanwhile (a manual
	// text typed in the TUI while a run holds the dongle); it runs every
	// SendEvery (default 10 s) as well as after each read.
	SendQueued func(ctx context.Context, s Sender)
	SendEvery  time.Duration
}

// Fleet is the SIMs a process can send from now: the connected dongles'
// SIMs, least used first at planning time, and the active gateway accounts,
// which take what the modems cannot. `campaign run`, `followup run`, `send`
// and the TUI all connect through ConnectFleet.
type Fleet struct {
	Senders []Sender
	Dongles []*modem.Dongle
	// Problems are the ports that could not be used, in words for the
	// operator (busy, no SIM, CD-ROM mode …).
	Problems []string
	// Held are the SIMs of busy ports that another live process holds for
	// a run: that holder sends what is queued for them meanwhile.
	Held []Held

	stop   context.CancelFunc
	wg     sync.WaitGroup
	modems []*ModemSender
	db     *store.DB
	self   string // this process, as recorded in port_holders

	mu   sync.Mutex
	held []string // ports recorded as held by this process (guarded by mu)
}

// ConnectFleet opens the dongles (in parallel), records each one's SIM in the
// store (a new IMSI becomes a new SIM row), and adds the active gateway
// accounts. A port that fails is a Problem, not an error; the error is for
// the database.
func ConnectFleet(ctx context.Context, db *store.DB, o FleetOptions) (*Fleet, error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	f := &Fleet{}
	var discoverErr error // reported only when nothing else can send
	if !o.NoModems {
		ports := o.Ports
		if len(ports) == 0 {
			cands, err := modem.Discover(ctx, o.ModemOptions...)
			if err != nil {
				discoverErr = err
			}
			for _, c := range cands {
				if c.Usable && c.Port != "" {
					ports = append(ports, c.Port)
				} else if c.Note != "" {
					f.Problems = append(f.Problems, fmt.Sprintf("%s: %s", portName(c.Port, c.Product), c.Note))
				}
			}
		}
		type opened struct {
			d   *modem.Dongle
			err error
		}
		res := make([]opened, len(ports))
		var wg sync.WaitGroup
		self := ThisProcess()
		alive := Liveness{DB: db, Self: self, Now: db.Now}.Alive(ctx)
		if o.Short && o.WaitHeld > 0 {
			// A short job that waits for ports held by other short jobs
			// takes its ports one at a time in one order (by path), as every
			// short job does: two of them never wait for each other while
			// each holds what the other waits for. (A run waits too, but
			// only for short jobs, and a short job never waits for a run.)
			for _, i := range byPath(ports) {
				d, err := openWaiting(ctx, db, ports[i], o, alive, f.hold(ctx, db, self, o, log), log)
				res[i] = opened{d, err}
			}
		} else {
			for i, p := range ports {
				wg.Add(1)
				go func() {
					defer wg.Done()
					d, err := openWaiting(ctx, db, p, o, alive, f.hold(ctx, db, self, o, log), log)
					res[i] = opened{d, err}
				}()
			}
			wg.Wait()
		}
		f.db, f.self = db, self.String()
		for i, r := range res {
			if r.err != nil {
				f.Problems = append(f.Problems, fmt.Sprintf("%s: %v", ports[i], r.err))
				if errors.Is(r.err, modem.ErrPortBusy) {
					if h, ok := heldSIM(ctx, db, ports[i], alive); ok {
						f.Held = append(f.Held, h)
					}
				}
				continue
			}
			f.Dongles = append(f.Dongles, r.d)
			info, err := r.d.Info(ctx)
			if err != nil {
				f.Problems = append(f.Problems, fmt.Sprintf("%s: %v", ports[i], err))
				continue
			}
			sim, created, err := db.SeenSIM(ctx, info.IMSI, info.ICCID, info.IMEI, info.Operator, ports[i])
			if err != nil {
				f.Close()
				return nil, err
			}
			if created {
				log.Info("new SIM", "sim", sim.Label(), "imsi", info.IMSI, "port", ports[i])
			}
			ms := &ModemSender{Dongle: r.d, Card: sim, Options: modem.SendOptions{StatusReport: true}}
			f.Senders = append(f.Senders, ms)
			f.modems = append(f.modems, ms)
		}
	}
	if !o.NoGateway {
		sims, err := db.SIMs(ctx)
		if err != nil {
			f.Close()
			return nil, err
		}
		client := o.Gateway
		if client == nil {
			client = &gateway.Client{Logger: log}
		}
		for _, s := range sims {
			if s.IsGateway() && s.Active && s.GatewayURL != "" {
				f.Senders = append(f.Senders, &GatewaySender{Client: client, Card: s})
			}
		}
	}
	if discoverErr != nil {
		if len(f.Senders) == 0 {
			f.Problems = append(f.Problems, discoverErr.Error())
		} else {
			log.Debug("discovery", "err", discoverErr)
		}
	}
	every := o.KeepAlive
	if every <= 0 {
		every = time.Minute
	}
	kctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	f.stop = cancel
	tended := map[*modem.Dongle]bool{}
	if o.Chores != nil && o.Chores.Sink != nil {
		for _, ms := range f.modems {
			tended[ms.Dongle] = true
			f.wg.Add(1)
			go func() {
				defer f.wg.Done()
				tend(kctx, ms, every, o.Chores, log)
			}()
		}
	}
	for _, d := range f.Dongles {
		if tended[d] {
			continue
		}
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			if err := d.KeepAlive(kctx, every); err != nil {
				log.Warn("dongle lost", "port", d.Port(), "err", err)
			}
		}()
	}
	return f, nil
}

// hold is the modem option that records this process as the holder of a
// port as soon as it has the port (before the dongle's initialisation).
func (f *Fleet) hold(ctx context.Context, db *store.DB, self Owner, o FleetOptions, log *slog.Logger) modem.Option {
	return modem.WithLocked(func(port string) {
		if o.What == "" {
			return
		}
		if err := db.HoldPort(ctx, port, self.String(), self.PID, o.What, o.Short); err != nil {
			log.Warn("record port holder", "port", port, "err", err)
			return
		}
		f.mu.Lock()
		f.held = append(f.held, port)
		f.mu.Unlock()
	})
}

// Held is a SIM whose dongle another texting process holds for a run.
type Held struct {
	SIM    store.SIM
	Holder store.PortHolder
}

// heldSIM finds the SIM last seen on port when a live process holds the
// port for a run (not a short job, which does not stay to send what is
// queued meanwhile).
func heldSIM(ctx context.Context, db *store.DB, port string, alive func(string) bool) (Held, bool) {
	h, found, err := db.PortHolderOf(ctx, port)
	if err != nil || !found || h.Short || !alive(h.Owner) {
		return Held{}, false
	}
	sims, err := db.SIMs(ctx)
	if err != nil {
		return Held{}, false
	}
	var best store.SIM
	for _, s := range sims {
		if !s.IsGateway() && s.Active && s.LastPort == port && s.LastSeen.After(best.LastSeen) {
			best = s
		}
	}
	if best.ID == 0 {
		return Held{}, false
	}
	h.Port = port
	return Held{SIM: best, Holder: h}, true
}

// byPath returns the indexes of ports in the order of their paths.
func byPath(ports []string) []int {
	idx := make([]int, len(ports))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(ports[a], ports[b]) })
	return idx
}

// openWaiting opens port; when another texting process holds it for a short
// job (a read-in, a test text) it waits for it up to o.WaitHeld, and a busy
// port says who holds it.
func openWaiting(ctx context.Context, db *store.DB, port string, o FleetOptions, alive func(string) bool, locked modem.Option, log *slog.Logger) (*modem.Dongle, error) {
	deadline := time.Now().Add(o.WaitHeld)
	var unrecorded time.Time // since when the port is busy with no live holder recorded
	opts := append(slices.Clip(o.ModemOptions), locked)
	for {
		d, err := modem.Open(ctx, port, opts...)
		if err == nil || !errors.Is(err, modem.ErrPortBusy) {
			return d, err
		}
		h, found, herr := db.PortHolderOf(ctx, port)
		if herr != nil {
			return nil, err
		}
		wait := 250 * time.Millisecond
		if !found || !alive(h.Owner) {
			// A texting process records itself right after it takes the
			// port, and one that has just let it go may still hold the lock
			// for a moment (its descriptor lives on in a child between fork
			// and exec): give either a moment — counted from when the record
			// was first missing, not from the start of a long wait (the port
			// may just have passed to another short job that is writing its
			// record now). Every caller gets this grace, read-in included.
			if unrecorded.IsZero() {
				unrecorded = time.Now()
			}
			if time.Since(unrecorded) > 2*time.Second {
				return nil, err
			}
			wait = 100 * time.Millisecond
		} else {
			unrecorded = time.Time{}
			if !h.Short || o.WaitHeld <= 0 || time.Now().After(deadline) {
				return nil, fmt.Errorf("%w (held by pid %d: %s)", err, h.PID, h.What)
			}
			log.Info("port held by a short job; waiting for it", "port", port, "pid", h.PID, "what", h.What)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// tend is the holder's loop on one dongle: the keep-alive, reading the
// SIM's inbox in (at once on +CMTI, +CDSI or a full memory, else every
// Chores.ReadEvery), delivery reports given directly (+CDS) applied as they
// come, then Chores.AfterRead. It ends with ctx or the dongle.
func tend(ctx context.Context, ms *ModemSender, keepEvery time.Duration, c *Chores, log *slog.Logger) {
	d := ms.Dongle
	sink := c.Sink(ms.Card)
	kick := make(chan struct{}, 1)
	reports := make(chan modem.Inbound, 256)
	remove := d.OnIndication(func(ind modem.Indication) {
		// On the engine's dispatch goroutine: never block it.
		switch {
		case ind.Kind == modem.StatusReport && ind.Report != nil:
			select {
			case reports <- *ind.Report:
			default:
				log.Warn("delivery reports pile up; one left for the next read", "port", d.Port())
			}
		case ind.Kind == modem.NewMessage || ind.Kind == modem.StatusReport || ind.Kind == modem.StorageFull:
			select {
			case kick <- struct{}{}:
			default:
			}
		}
	})
	defer remove()
	readEvery := c.ReadEvery
	if readEvery <= 0 {
		readEvery = time.Minute
	}
	keep := time.NewTicker(keepEvery)
	defer keep.Stop()
	read := time.NewTicker(readEvery)
	defer read.Stop()
	readIn := func() {
		r, err := d.Drain(ctx, sink)
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("read-in by the holder", "port", d.Port(), "err", err)
			}
			return
		}
		if r.Listed > 0 {
			log.Info("read in by the holder", "port", d.Port(), "sim", ms.Card.Label(), "stored", r.Stored, "reports", r.Reports, "deleted", r.Deleted)
		}
		if c.AfterRead != nil {
			c.AfterRead(ctx, ms, r)
		}
		if c.SendQueued != nil {
			c.SendQueued(ctx, ms)
		}
	}
	sendEvery := c.SendEvery
	if sendEvery <= 0 {
		sendEvery = 10 * time.Second
	}
	send := time.NewTicker(sendEvery)
	defer send.Stop()
	readIn()
	for {
		select {
		case <-ctx.Done():
			// A last read before the port goes: delivery reports and
			// replies that came since.
			last, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			if _, err := d.Drain(last, sink); err != nil {
				log.Debug("last read-in by the holder", "port", d.Port(), "err", err)
			}
			cancel()
			return
		case <-d.Closed():
			log.Warn("dongle lost", "port", d.Port(), "err", d.AT().Err())
			return
		case <-keep.C:
			if err := d.Check(ctx); err != nil && ctx.Err() == nil {
				log.Warn("dongle lost", "port", d.Port(), "err", err)
				return
			}
		case <-kick:
			readIn()
		case <-read.C:
			readIn()
		case <-send.C:
			if c.SendQueued != nil {
				c.SendQueued(ctx, ms)
			}
		case in := <-reports:
			if err := sink.StoreReport(ctx, in); err != nil && ctx.Err() == nil {
				log.Warn("delivery report", "port", d.Port(), "err", err)
			}
		}
	}
}

func portName(port, product string) string {
	if port != "" {
		return port
	}
	if product != "" {
		return product
	}
	return "USB stick"
}

// Close stops the keep-alives and releases the dongles' ports.
func (f *Fleet) Close() error {
	if f.stop != nil {
		f.stop()
	}
	f.wg.Wait()
	var errs []error
	for _, d := range f.Dongles {
		errs = append(errs, d.Close())
	}
	f.Dongles = nil
	f.mu.Lock()
	held := f.held
	f.held = nil
	f.mu.Unlock()
	for _, p := range held {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := f.db.ReleasePort(ctx, p, f.self); err != nil {
			errs = append(errs, err)
		}
		cancel()
	}
	return errors.Join(errs...)
}
