package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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

	stop context.CancelFunc
	wg   sync.WaitGroup
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
		for i, p := range ports {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d, err := modem.Open(ctx, p, o.ModemOptions...)
				res[i] = opened{d, err}
			}()
		}
		wg.Wait()
		for i, r := range res {
			if r.err != nil {
				f.Problems = append(f.Problems, fmt.Sprintf("%s: %v", ports[i], r.err))
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
			f.Senders = append(f.Senders, &ModemSender{Dongle: r.d, Card: sim, Options: modem.SendOptions{StatusReport: true}})
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
	for _, d := range f.Dongles {
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
	return errors.Join(errs...)
}
