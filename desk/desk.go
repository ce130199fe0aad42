// Package desk is the application layer: the one door through which the
// command line, the terminal UI's backend and serve take every action that is
// more than a plain read. A rule is written here once (validation, the side
// effects of a change, what may be removed, who may be texted) and every
// front end gets the same answer. The rules on a single value live on the
// store's domain types (store.SIM.Validate …); what needs the database, the
// configuration or the dongles lives here. See docs/ARCHITECTURE.md.
package desk

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/greeting"
	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/store"
)

// Desk is the application layer over one database and one resolved
// configuration. Its methods are safe to call from several goroutines as
// far as the store is; it holds no port between calls.
type Desk struct {
	DB     *store.DB
	Config config.Config
	Logger *slog.Logger
	// Trace logs every byte to and from the modems (--trace-modem).
	Trace bool
	// Loc is local time for greetings and quiet hours (default time.Local).
	Loc *time.Location

	pipe pipeline
}

// New returns a desk over db with the configuration cfg.
func New(db *store.DB, cfg config.Config, logger *slog.Logger) *Desk {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Desk{DB: db, Config: cfg, Logger: logger, Loc: time.Local}
}

func (d *Desk) loc() *time.Location {
	if d.Loc == nil {
		return time.Local
	}
	return d.Loc
}

// ModemOptions are the options every dongle is opened with.
func (d *Desk) ModemOptions() []modem.Option {
	return []modem.Option{modem.WithLogger(d.Logger), modem.WithTrace(d.Trace)}
}

// Greeter is the greeting the settings describe (greeting.country,
// greeting.file).
func (d *Desk) Greeter() (*greeting.Greeter, error) {
	g, err := greeting.ForSettings(d.Config.GreetingCountry, d.Config.GreetingFile)
	if err != nil {
		return nil, fmt.Errorf("greeting settings: %w", err)
	}
	return g, nil
}

// EnvOptions say which SIMs a sending environment connects, and what this
// process holds the dongles for.
type EnvOptions struct {
	// Ports are the dongles' AT ports; empty means the setting modem.ports,
	// then discovery.
	Ports []string
	// NoModems connects the gateway accounts only (serve).
	NoModems bool
	// What says what the dongles are held for ("campaign run 14", "send"):
	// recorded per port, so that a read-in that finds one busy says who
	// holds it. Short marks a job that lets them go within seconds (runs
	// wait for it); WaitHeld is how long to wait for a port another
	// process's short job holds.
	What     string
	Short    bool
	WaitHeld time.Duration
}

// RunWaitsForShortJobs is how long a run (or a send) waits for a dongle
// that a short job (a read-in, a test text) holds, instead of skipping it
// or sending through the gateway.
const RunWaitsForShortJobs = 60 * time.Second

// Env connects the dongles and gateway accounts and returns the sending
// environment over them, with the fleet to close when done. The fleet's
// Problems (a busy port, a stick in CD-ROM mode) are the caller's to show.
// Every sender — commands, the TUI, serve — is assembled here.
func (d *Desk) Env(ctx context.Context, o EnvOptions) (*outbox.Env, *outbox.Fleet, error) {
	env, err := d.BaseEnv()
	if err != nil {
		return nil, nil, err
	}
	fl, err := d.Connect(ctx, env, o)
	if err != nil {
		return nil, nil, err
	}
	return env, fl, nil
}

// BaseEnv is the sending environment before any dongle is connected: what
// a run needs to take its run lock before it opens a dongle.
func (d *Desk) BaseEnv() (*outbox.Env, error) {
	g, err := d.Greeter()
	if err != nil {
		return nil, err
	}
	return &outbox.Env{DB: d.DB, Config: d.Config, Loc: d.loc(), Greet: g.At,
		Owner: outbox.ThisProcess(), Logger: d.Logger}, nil
}

// Connect opens the dongles and gateway accounts into env (its Senders).
// Whoever holds a dongle does all of its chores: while the fleet holds
// them, each dongle's SIM is read in, its delivery reports applied and the
// texts queued for it meanwhile sent (Chores).
func (d *Desk) Connect(ctx context.Context, env *outbox.Env, o EnvOptions) (*outbox.Fleet, error) {
	ports := o.Ports
	if len(ports) == 0 {
		ports = d.Config.ModemPorts
	}
	fl, err := outbox.ConnectFleet(ctx, d.DB, outbox.FleetOptions{
		Ports:        ports,
		ModemOptions: d.ModemOptions(),
		NoModems:     o.NoModems,
		Logger:       d.Logger,
		What:         o.What,
		Short:        o.Short,
		WaitHeld:     o.WaitHeld,
		Chores:       d.chores(env),
	})
	if err != nil {
		return nil, err
	}
	env.Senders, env.Held = fl.Senders, fl.Held
	return fl, nil
}

// chores are what a process holding dongles does for them besides its own
// sending: it reads each SIM in with the read-in's own sink (the same
// commit-then-delete, sorting and auto-replies), applies delivery reports,
// joins long texts whose parts waited too long, and sends the manual texts
// and auto-replies queued for that SIM meanwhile (within its limits; not
// when the setting run is 0).
func (d *Desk) chores(env *outbox.Env) *outbox.Chores {
	p := d.Replies()
	return &outbox.Chores{
		Sink: func(sim store.SIM) modem.Sink { return p.Sink(sim, false) },
		AfterRead: func(ctx context.Context, s outbox.Sender, r modem.DrainResult) {
			if _, err := p.FlushFragments(ctx); err != nil && ctx.Err() == nil {
				d.Logger.Warn("holder: long texts", "err", err)
			}
		},
		SendQueued: func(ctx context.Context, s outbox.Sender) {
			if !env.Config.Run {
				return
			}
			w, err := env.Dispatcher([]string{store.KindManual, store.KindAutoreply}, nil).Dispatch(ctx, []outbox.Sender{s})
			if err != nil && ctx.Err() == nil {
				d.Logger.Warn("holder: texts queued meanwhile", "sim", s.SIM().Label(), "err", err)
			}
			if n := w.Sent + w.Failed + w.Unknown; n > 0 {
				d.Logger.Info("holder: sent texts queued meanwhile", "sim", s.SIM().Label(), "sent", w.Sent, "failed", w.Failed, "unknown", w.Unknown)
			}
		},
	}
}
