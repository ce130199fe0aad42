package outbox

import (
	"context"
	"log/slog"
	"time"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/store"
)

// Env is what campaign, follow-up and manual sends share: the database, the
// configuration, the connected SIMs, the clock's location, the greeting and
// who this process is.
type Env struct {
	DB      *store.DB
	Config  config.Config
	Senders []Sender
	// Held are SIMs whose dongles another process holds for a run
	// (Fleet.Held): a manual text may be queued for one, and that holder
	// sends it.
	Held []Held
	// SendWait bounds how long a manual send waits for the outcome of a
	// text of its own that another sender took (default SendWaitDefault).
	SendWait time.Duration
	// Loc is local time (default time.Local).
	Loc *time.Location
	// Greet renders {greeting} (default: none).
	Greet  func(time.Time) string
	Owner  Owner
	Logger *slog.Logger
}

// Location is the environment's local time (time.Local when unset).
func (e *Env) Location() *time.Location {
	if e.Loc == nil {
		return time.Local
	}
	return e.Loc
}

// Log is the environment's logger (one that discards when unset).
func (e *Env) Log() *slog.Logger {
	if e.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Logger
}

// SIMs returns the SIMs of the connected senders, in their order.
func (e *Env) SIMs() []store.SIM {
	out := make([]store.SIM, len(e.Senders))
	for i, s := range e.Senders {
		out[i] = s.SIM()
	}
	return out
}

// Dispatcher builds the dispatcher of this environment for the given kinds
// (nil: every kind). Its events, one at a time, go to events when not nil.
func (e *Env) Dispatcher(kinds []string, events func(Event)) *Dispatcher {
	return &Dispatcher{
		DB: e.DB, Owner: e.Owner, Loc: e.Location(), Quiet: e.Config.Quiet, Greet: e.Greet, Kinds: kinds, Logger: e.Log(),
		Events: events,
	}
}

// StartKeepAlive starts this process's heartbeat; the returned function
// stops it and waits until it has stopped.
func (e *Env) StartKeepAlive(ctx context.Context) func() {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		KeepAlive(ctx, e.DB, e.Owner, e.Log())
	}()
	return func() { cancel(); <-done }
}

// Alive tells whether the process that owns a row (by its Owner string) is
// still running; this process is always alive.
func (e *Env) Alive(ctx context.Context) func(string) bool {
	return Liveness{DB: e.DB, Self: e.Owner, Now: e.DB.Now}.Alive(ctx)
}

// GreetNow is the greeting of this moment in local time ("" without Greet).
func (e *Env) GreetNow() string {
	if e.Greet == nil {
		return ""
	}
	return e.Greet(e.DB.Now().In(e.Location()))
}
