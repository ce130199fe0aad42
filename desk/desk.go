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

// EnvOptions say which SIMs a sending environment connects.
type EnvOptions struct {
	// Ports are the dongles' AT ports; empty means the setting modem.ports,
	// then discovery.
	Ports []string
	// NoModems connects the gateway accounts only (serve).
	NoModems bool
}

// Env connects the dongles and gateway accounts and returns the sending
// environment over them, with the fleet to close when done. The fleet's
// Problems (a busy port, a stick in CD-ROM mode) are the caller's to show.
// Every sender — commands, the TUI, serve — is assembled here.
func (d *Desk) Env(ctx context.Context, o EnvOptions) (*outbox.Env, *outbox.Fleet, error) {
	g, err := d.Greeter()
	if err != nil {
		return nil, nil, err
	}
	ports := o.Ports
	if len(ports) == 0 {
		ports = d.Config.ModemPorts
	}
	fl, err := outbox.ConnectFleet(ctx, d.DB, outbox.FleetOptions{
		Ports:        ports,
		ModemOptions: d.ModemOptions(),
		NoModems:     o.NoModems,
		Logger:       d.Logger,
	})
	if err != nil {
		return nil, nil, err
	}
	env := &outbox.Env{DB: d.DB, Config: d.Config, Senders: fl.Senders, Loc: d.loc(), Greet: g.At,
		Owner: outbox.ThisProcess(), Logger: d.Logger}
	return env, fl, nil
}
