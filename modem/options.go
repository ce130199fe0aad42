package modem

import (
	"io"
	"log/slog"
	"time"
)

// Option configures an engine, a Dongle or discovery.
type Option func(*config)

type config struct {
	logger    *slog.Logger
	trace     bool
	port      string
	timeouts  Timeouts
	now       func() time.Time
	tries     int
	backoff   time.Duration
	parkAfter int
	parkFor   time.Duration
	baud      int
	concatRef func() int
	initTries int
	syncNonce func() int
	onLocked  func(port string)
}

func newConfig(opts []Option) config {
	c := config{
		logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		timeouts:  DefaultTimeouts(),
		now:       time.Now,
		tries:     3,
		backoff:   2 * time.Second,
		parkAfter: 3,
		parkFor:   time.Hour,
		baud:      115200,
		initTries: 10,
	}
	for _, o := range opts {
		o(&c)
	}
	c.timeouts = c.timeouts.withDefaults()
	return c
}

// WithLogger sends the engine's logs (and the trace) to l.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithTrace logs every byte in and out at debug level (--trace-modem). A
// trace can be replayed against the engine by modemtest.Replay.
func WithTrace(on bool) Option { return func(c *config) { c.trace = on } }

// WithTimeouts replaces the default timeouts; zero fields keep the default.
func WithTimeouts(t Timeouts) Option { return func(c *config) { c.timeouts = t } }

// WithClock sets the clock used for parking and health (tests fix it).
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithRetry sets how many times a part is tried on a transient error, and
// the first back-off between tries (doubled each time).
func WithRetry(tries int, backoff time.Duration) Option {
	return func(c *config) {
		if tries > 0 {
			c.tries = tries
		}
		if backoff >= 0 {
			c.backoff = backoff
		}
	}
}

// WithConcatRef sets the source of concatenation references for long texts
// (default: a counter starting at a time-derived value); tests and transcript
// replays fix it.
func WithConcatRef(next func() int) Option { return func(c *config) { c.concatRef = next } }

// WithInitTries sets how many times init sends "AT" before giving up
// (default 10, one Timeouts.Quiet-scaled wait each).
func WithInitTries(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.initTries = n
		}
	}
}

// WithSyncNonce fixes the values Sync writes into S7 (transcript replays
// need the same bytes); by default they are random, so that a killed
// process's own sync answer is never taken for ours.
func WithSyncNonce(next func() int) Option { return func(c *config) { c.syncNonce = next } }

// WithLocked calls fn as soon as Open has the port to itself, before the
// dongle is initialised (which takes a while): the caller can record that
// it holds the port for whoever finds it busy meanwhile.
func WithLocked(fn func(port string)) Option { return func(c *config) { c.onLocked = fn } }

// withPort names the port in logs and traces.
func withPort(p string) Option { return func(c *config) { c.port = p } }
