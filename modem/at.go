// Package modem drives Huawei USB GSM dongles over their AT (PCUI) port: an
// AT command engine that separates unsolicited indications from responses,
// dongle initialisation and information, sending texts in PDU mode, draining
// the SIM inbox into a Sink, health checks, and port discovery.
//
// The package does not know the database: callers hand Drain a Sink.
package modem

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Timeouts bounds how long the engine waits for the dongle. They are fields
// so that tests can shorten them.
type Timeouts struct {
	// Command is the wait for an ordinary command's final result.
	Command time.Duration
	// Long is the wait for slow commands: AT+CMGL, AT+CFUN, AT+COPS=.
	Long time.Duration
	// Prompt is the wait for "> " after AT+CMGS (docs/ARCHITECTURE.md: ≤ 10 s).
	Prompt time.Duration
	// Final is the wait for the final result after the PDU (docs/ARCHITECTURE.md: ≤ 60 s).
	Final time.Duration
	// Quiet is the silence that ends a resynchronisation after an abandoned
	// command (its late answer must not be taken for the next one's).
	Quiet time.Duration
	// SIMBusy is how long a SIM that answers "SIM busy" (CME 14) is waited
	// for: as long as a stick takes to boot.
	SIMBusy time.Duration
	// Busy bounds the wait for a dongle that is still working on a command
	// a killed process left in flight (Sync); by default Long.
	Busy time.Duration
}

// DefaultTimeouts are the production values.
func DefaultTimeouts() Timeouts {
	return Timeouts{
		Command: 10 * time.Second,
		Long:    60 * time.Second,
		Prompt:  10 * time.Second,
		Final:   60 * time.Second,
		Quiet:   150 * time.Millisecond,
		SIMBusy: 30 * time.Second,
		Busy:    60 * time.Second,
	}
}

func (t Timeouts) withDefaults() Timeouts {
	d := DefaultTimeouts()
	if t.Command <= 0 {
		t.Command = d.Command
	}
	if t.Long <= 0 {
		t.Long = d.Long
	}
	if t.Prompt <= 0 {
		t.Prompt = d.Prompt
	}
	if t.Final <= 0 {
		t.Final = d.Final
	}
	if t.Quiet <= 0 {
		t.Quiet = d.Quiet
	}
	if t.SIMBusy <= 0 {
		t.SIMBusy = d.SIMBusy
	}
	if t.Busy <= 0 {
		t.Busy = t.Long
	}
	return t
}

// Unsolicited is one indication the dongle sent on its own.
type Unsolicited struct {
	// Line is the indication, e.g. `+CMTI: "SM",3` or "^RSSI:17".
	Line string
	// PDU is the hex line that follows +CDS:, +CMT: and +CBM:.
	PDU string
	// Time is when the engine read it.
	Time time.Time
}

// Stats counts the engine's work, to measure what each AT command costs.
type Stats struct {
	// Commands is the number of AT round trips (an AT+CMGS counts once).
	Commands int
	// Wall is the total time from sending a command to returning its result.
	Wall time.Duration
	// Own is the part of Wall spent in our code (framing, writing, parsing,
	// waking the caller), as opposed to waiting for the dongle.
	Own time.Duration
	// BytesIn and BytesOut count the bytes read from and written to the port.
	BytesIn, BytesOut int64
}

// AT is the AT command engine on one serial link. One goroutine owns reading
// the port and classifying each line (final result, unsolicited, echo or
// information); commands run one at a time; unsolicited indications go to
// handlers on a goroutine of their own, so a slow handler never stalls the
// port.
type AT struct {
	rw  io.ReadWriter
	log *slog.Logger
	t   Timeouts

	// cmdMu is held by the goroutine running a command: one at a time.
	cmdMu sync.Mutex

	// mu guards the fields below; the reader and the command runner share them.
	mu       sync.Mutex
	pending  *pending
	handlers []handler
	nextID   int
	dirty    bool // a command was abandoned; its late answer may still come
	// zombie is the last abandoned command while its late answer may still
	// come: lines read while no command runs are its own, not the next
	// command's, until its final result arrives or zombieUntil passes.
	zombie      *pending
	zombieUntil time.Time
	// tap, while a Sync runs, takes every line that is not unsolicited.
	tap   chan string
	stats Stats

	syncNonce func() int // fixed sync values (replays); nil: random

	lastRx    atomic.Int64 // unix nanoseconds of the last byte read (reader writes)
	parseTime atomic.Int64 // nanoseconds the reader spent framing and classifying

	writes chan writeReq // to the writer goroutine
	unsol  unsolQueue    // reader → dispatcher

	closed    chan struct{} // closed when the link is gone or Close was called
	closeOnce sync.Once
	closeErr  error // set before closed is closed
	wg        sync.WaitGroup
}

// pending is the command in flight. The reader fills it; the runner reads it
// after done (or prompt) is closed. Guarded by AT.mu.
type pending struct {
	cmd        string // as sent, without the CR
	prefix     string // its own info prefix ("+CREG:"), "" when none
	sms        string // the PDU after the prompt, to recognise its echo
	echoSeen   bool
	wantPrompt bool
	prompted   bool
	promptAt   time.Time
	prompt     chan struct{}
	finished   bool
	done       chan struct{}
	final      string
	finalAt    time.Time
	info       []string
}

type handler struct {
	id     int
	prefix string
	fn     func(Unsolicited)
}

type writeReq struct {
	b   []byte
	res chan error
}

// New starts an engine on rw. When rw is also an io.Closer, the engine owns
// it and Close closes it. Options other than logging and timeouts are
// ignored here (they configure a Dongle).
func New(rw io.ReadWriter, opts ...Option) *AT {
	c := newConfig(opts)
	a := &AT{
		rw:        rw,
		log:       c.logger,
		t:         c.timeouts,
		writes:    make(chan writeReq),
		closed:    make(chan struct{}),
		syncNonce: c.syncNonce,
	}
	a.unsol.signal = make(chan struct{}, 1)
	if c.trace {
		a.rw = &tracer{rw: rw, log: c.logger, port: c.port}
	}
	a.wg.Add(3)
	go a.readLoop()
	go a.writeLoop()
	go a.dispatchLoop()
	return a
}

// Closed is closed when the link is gone: Close was called, or the port
// failed (the dongle was unplugged). Err tells why.
func (a *AT) Closed() <-chan struct{} { return a.closed }

// Err is why the link closed, nil while it is open.
func (a *AT) Err() error {
	select {
	case <-a.closed:
		return a.closeErr
	default:
		return nil
	}
}

// Close closes the link (and rw when it is an io.Closer) and waits for the
// engine's goroutines to end.
func (a *AT) Close() error {
	a.fail(ErrClosed)
	var err error
	if c, ok := a.rw.(io.Closer); ok {
		err = c.Close()
	}
	a.wg.Wait()
	return err
}

// Stats returns the counters so far.
func (a *AT) Stats() Stats {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.stats
}

// Timeouts returns the engine's timeouts.
func (a *AT) Timeouts() Timeouts { return a.t }

// Handle calls fn for every unsolicited indication whose line starts with
// prefix ("" for all of them), on the engine's dispatch goroutine, in the
// order they arrived. The returned function removes the handler.
func (a *AT) Handle(prefix string, fn func(Unsolicited)) (remove func()) {
	a.mu.Lock()
	a.nextID++
	id := a.nextID
	a.handlers = append(a.handlers, handler{id: id, prefix: prefix, fn: fn})
	a.mu.Unlock()
	return func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		for i, h := range a.handlers {
			if h.id == id {
				a.handlers = append(a.handlers[:i:i], a.handlers[i+1:]...)
				return
			}
		}
	}
}

// Command sends cmd (without the CR) and returns its information lines, or
// the final result as an error: *CMEError, *CMSError or *ResultError. It
// waits at most the command's timeout. A command to which nothing at all
// came back (a stick swallows one now and then) is tried once more after a
// Sync, before the dongle is given up.
func (a *AT) Command(ctx context.Context, cmd string) ([]string, error) {
	a.cmdMu.Lock()
	defer a.cmdMu.Unlock()
	timeout := a.timeoutFor(cmd)
	info, err := a.run(ctx, cmd, "", timeout, 0)
	if err != nil && errors.Is(err, errNoAnswer) && ctx.Err() == nil {
		a.log.Info("modem: no answer; getting back in step and trying once more", "command", cmd)
		serr := a.sync(ctx, a.t.Command, a.t.Busy)
		if serr == nil || errors.Is(serr, errSyncUnsupported) {
			info, err = a.run(ctx, cmd, "", timeout, 0)
		} else {
			err = fmt.Errorf("%w (then %w)", err, serr)
		}
	}
	if err != nil {
		return info, fmt.Errorf("%s: %w", cmd, err)
	}
	return info, nil
}

// CommandTimeout is Command with an explicit timeout.
func (a *AT) CommandTimeout(ctx context.Context, cmd string, timeout time.Duration) ([]string, error) {
	a.cmdMu.Lock()
	defer a.cmdMu.Unlock()
	info, err := a.run(ctx, cmd, "", timeout, 0)
	if err != nil {
		return info, fmt.Errorf("%s: %w", cmd, err)
	}
	return info, nil
}

// SMSCommand runs a command that asks for a "> " prompt (AT+CMGS=<len>):
// it waits for the prompt (Timeouts.Prompt), sends data and Ctrl-Z, and
// waits for the final result (Timeouts.Final). With no prompt it sends ESC
// and returns ErrNoPrompt: nothing went out. Once data was sent, a missing
// final result, a lost link or a cancelled context give ErrUnknownOutcome.
func (a *AT) SMSCommand(ctx context.Context, cmd, data string) ([]string, error) {
	a.cmdMu.Lock()
	defer a.cmdMu.Unlock()
	info, err := a.run(ctx, cmd, data, a.t.Prompt, a.t.Final)
	if err != nil {
		return info, fmt.Errorf("%s: %w", cmd, err)
	}
	return info, nil
}

// Escape sends ESC (ending any half-open prompt) and waits until the line
// is quiet, discarding whatever answer was still on its way.
func (a *AT) Escape(ctx context.Context) error {
	a.cmdMu.Lock()
	defer a.cmdMu.Unlock()
	if err := a.write(ctx, []byte{0x1b}); err != nil {
		return err
	}
	a.mu.Lock()
	a.dirty = true
	a.mu.Unlock()
	return a.settle(ctx)
}

func (a *AT) timeoutFor(cmd string) time.Duration {
	u := strings.ToUpper(cmd)
	for _, p := range []string{"AT+CMGL", "AT+CFUN", "AT+COPS=", "AT+CMGD=0,4", "AT+CMGD=1,4"} {
		if strings.HasPrefix(u, p) {
			return a.t.Long
		}
	}
	return a.t.Command
}

// run executes one command; with sms != "" it is a prompt command. Called
// with cmdMu held.
func (a *AT) run(ctx context.Context, cmd, sms string, timeout, finalTimeout time.Duration) ([]string, error) {
	if err := a.Err(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := a.resync(ctx); err != nil {
		return nil, err
	}
	start := time.Now()
	parse0 := a.parseTime.Load()
	p := &pending{
		cmd:        cmd,
		prefix:     infoPrefix(cmd),
		sms:        sms,
		wantPrompt: sms != "",
		prompt:     make(chan struct{}),
		done:       make(chan struct{}),
	}
	a.mu.Lock()
	a.pending = p
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		if a.pending == p {
			a.pending = nil
		}
		a.mu.Unlock()
	}()

	if err := a.write(ctx, []byte(cmd+"\r")); err != nil {
		return nil, err
	}
	written := time.Now()

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var waited time.Duration // time spent waiting for the dongle, not in our code
	if sms != "" {
		select {
		case <-p.prompt:
		case <-p.done:
			// A final result instead of the prompt: nothing was sent.
			return a.finish(p, start, waited+since(written, p), parse0)
		case <-timer.C:
			a.abandon(p, timeout)
			a.writeESC()
			return nil, fmt.Errorf("%w after %v (ESC sent; nothing went out)", ErrNoPrompt, timeout)
		case <-ctx.Done():
			a.abandon(p, timeout)
			a.writeESC()
			return nil, fmt.Errorf("waiting for the prompt: %w", ctx.Err())
		case <-a.closed:
			return nil, a.closeErr
		}
		a.mu.Lock()
		waited += max(p.promptAt.Sub(written), 0)
		a.mu.Unlock()
		if err := a.write(context.WithoutCancel(ctx), []byte(sms+"\x1a")); err != nil {
			// The Ctrl-Z did not reach the modem: it has nothing to send.
			return nil, err
		}
		written = time.Now()
		timer.Reset(finalTimeout)
		select {
		case <-p.done:
			info, err := a.finish(p, start, waited+since(written, p), parse0)
			if err != nil && errors.Is(err, ErrUnknownOutcome) {
				return info, fmt.Errorf("%w: %w", ErrUnknownOutcome, err)
			}
			return info, err
		case <-timer.C:
			a.abandon(p, finalTimeout)
			return nil, fmt.Errorf("%w: no final result %v after the PDU", ErrUnknownOutcome, finalTimeout)
		case <-ctx.Done():
			a.abandon(p, finalTimeout)
			return nil, fmt.Errorf("%w: %w after the PDU", ErrUnknownOutcome, ctx.Err())
		case <-a.closed:
			return nil, fmt.Errorf("%w: %w after the PDU", ErrUnknownOutcome, a.closeErr)
		}
	}
	select {
	case <-p.done:
		return a.finish(p, start, since(written, p), parse0)
	case <-timer.C:
		a.abandon(p, timeout)
		a.mu.Lock()
		heard := p.echoSeen || len(p.info) > 0 || p.finished
		a.mu.Unlock()
		if !heard {
			return nil, fmt.Errorf("%w (%v; %w)", ErrTimeout, timeout, errNoAnswer)
		}
		return nil, fmt.Errorf("%w (%v)", ErrTimeout, timeout)
	case <-ctx.Done():
		a.abandon(p, timeout)
		return nil, ctx.Err()
	case <-a.closed:
		return nil, a.closeErr
	}
}

// since is the wait from t until the final result was read (0 when the
// answer was read before t, as on a synchronous pipe).
func since(t time.Time, p *pending) time.Duration {
	return max(p.finalAt.Sub(t), 0)
}

// finish reads the result of a finished command and accounts its cost: our
// own time is the wall time less the waits for the dongle, plus the reader's
// framing and classifying done during those waits.
func (a *AT) finish(p *pending, start time.Time, waited time.Duration, parse0 int64) ([]string, error) {
	a.mu.Lock()
	info, final := p.info, p.final
	a.mu.Unlock()
	var err error
	if classifyFinal(final, p.cmd) != finalOK {
		err = resultError(final)
	}
	wall := time.Since(start)
	own := wall - waited + min(time.Duration(a.parseTime.Load()-parse0), waited)
	a.mu.Lock()
	a.stats.Commands++
	a.stats.Wall += wall
	a.stats.Own += own
	a.mu.Unlock()
	return info, err
}

// abandon marks the line dirty: the abandoned command's answer may still
// come, and must be drained before the next command. p, when not nil, is the
// abandoned command: the next command waits for its late final result for
// up to bound (at most Timeouts.Command), so that a dongle that is merely
// slow does not hand its late answer to the next command.
func (a *AT) abandon(p *pending, bound time.Duration) {
	a.mu.Lock()
	a.dirty = true
	if p != nil && !p.finished {
		a.zombie = p
		a.zombieUntil = time.Now().Add(min(bound, a.t.Command))
	}
	a.mu.Unlock()
}

func (a *AT) writeESC() {
	ctx, cancel := context.WithTimeout(context.Background(), a.t.Prompt)
	defer cancel()
	_ = a.write(ctx, []byte{0x1b})
}

// resync, when the line is dirty (a command was abandoned: its answer may
// still come), gets back in step with a Sync before the next command, so
// that a late answer is read and dropped instead of being taken for the
// next command's. A firmware that refuses the sync gets settle instead.
func (a *AT) resync(ctx context.Context) error {
	a.mu.Lock()
	dirty := a.dirty
	a.mu.Unlock()
	if !dirty {
		return nil
	}
	err := a.sync(ctx, a.t.Command, a.t.Busy)
	if errors.Is(err, errSyncUnsupported) {
		a.mu.Lock()
		a.dirty = true
		a.mu.Unlock()
		return a.settle(ctx)
	}
	if err != nil {
		a.abandon(nil, 0)
	}
	return err
}

// settle waits, when the line is dirty, until the abandoned command's late
// final result has come (or its bound passed) and the line has then been
// quiet for Timeouts.Quiet (at most 20 quiet periods without a late
// command).
func (a *AT) settle(ctx context.Context) error {
	a.mu.Lock()
	dirty := a.dirty
	a.dirty = false
	deadline := time.Now().Add(20 * a.t.Quiet)
	if a.zombie != nil && a.zombieUntil.After(deadline) {
		deadline = a.zombieUntil
	}
	a.mu.Unlock()
	if !dirty {
		return nil
	}
	defer func() {
		a.mu.Lock()
		a.zombie = nil
		a.mu.Unlock()
	}()
	quiet := a.t.Quiet
	wait := quiet
	for {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			a.abandon(nil, 0)
			return ctx.Err()
		case <-a.closed:
			t.Stop()
			return a.closeErr
		}
		a.mu.Lock()
		late := a.zombie != nil && !a.zombie.finished
		a.mu.Unlock()
		now := time.Now()
		since := now.Sub(time.Unix(0, a.lastRx.Load()))
		if now.After(deadline) || (!late && since >= quiet) {
			return nil
		}
		wait = max(quiet-since, time.Millisecond)
		if late {
			wait = min(quiet, deadline.Sub(now)+time.Millisecond)
		}
	}
}

// write hands b to the writer goroutine and waits for it.
func (a *AT) write(ctx context.Context, b []byte) error {
	res := make(chan error, 1)
	select {
	case a.writes <- writeReq{b: b, res: res}:
	case <-a.closed:
		return a.closeErr
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-res:
		if err != nil {
			a.fail(linkError("write", err))
			return a.closeErr
		}
		a.mu.Lock()
		a.stats.BytesOut += int64(len(b))
		a.mu.Unlock()
		return nil
	case <-a.closed:
		return a.closeErr
	}
}

func (a *AT) writeLoop() {
	defer a.wg.Done()
	for {
		select {
		case w := <-a.writes:
			var err error
			for b := w.b; len(b) > 0 && err == nil; {
				var n int
				n, err = a.rw.Write(b)
				b = b[n:]
			}
			w.res <- err
		case <-a.closed:
			return
		}
	}
}

// fail closes the link with cause err (the first cause wins).
func (a *AT) fail(err error) {
	a.closeOnce.Do(func() {
		a.closeErr = err
		close(a.closed)
		a.unsol.wake()
	})
}

// linkError explains a failed read or write on the port.
func linkError(op string, err error) error {
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: %s: end of file (dongle unplugged?)", ErrClosed, op)
	}
	return fmt.Errorf("%w: %s: %v (dongle unplugged?)", ErrClosed, op, err)
}

func (a *AT) readLoop() {
	defer a.wg.Done()
	r := lineReader{a: a}
	buf := make([]byte, 4096)
	for {
		n, err := a.rw.Read(buf)
		if n > 0 {
			now := time.Now()
			a.lastRx.Store(now.UnixNano())
			r.feed(buf[:n], now)
			a.parseTime.Add(int64(time.Since(now)))
			a.mu.Lock()
			a.stats.BytesIn += int64(n)
			a.mu.Unlock()
		}
		if err != nil {
			select {
			case <-a.closed:
			default:
				a.fail(linkError("read", err))
			}
			return
		}
	}
}

// lineReader frames the byte stream into lines. Owned by the reader goroutine.
type lineReader struct {
	a       *AT
	partial []byte
	twoLine *Unsolicited // a +CDS:/+CMT: header waiting for its PDU line
}

func (r *lineReader) feed(b []byte, now time.Time) {
	r.partial = append(r.partial, b...)
	for {
		i := indexLineEnd(r.partial)
		if i < 0 {
			break
		}
		line := string(r.partial[:i])
		r.partial = r.partial[i+1:]
		r.line(line, now)
	}
	if len(r.partial) > 0 && strings.TrimSpace(string(r.partial)) == ">" {
		// The prompt has no line end, and may come as ">" then " ".
		if r.a.takePrompt() {
			r.partial = r.partial[:0]
		}
	}
	if len(r.partial) == 0 {
		r.partial = nil // let a large list's buffer go
	}
}

func indexLineEnd(b []byte) int {
	for i, c := range b {
		if c == '\r' || c == '\n' {
			return i
		}
	}
	return -1
}

// takePrompt reports whether a prompt is awaited, and marks it seen.
func (a *AT) takePrompt() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.pending
	if p == nil || !p.wantPrompt || p.prompted || p.finished {
		return false
	}
	p.prompted = true
	p.promptAt = time.Now()
	close(p.prompt)
	return true
}

func (r *lineReader) line(raw string, now time.Time) {
	line := strings.Trim(raw, " \t\x00\x1a\x1b")
	if line == "" {
		return
	}
	a := r.a
	if r.twoLine != nil {
		u := *r.twoLine
		r.twoLine = nil
		if isHexLine(line) {
			u.PDU = line
			a.unsol.push(u)
			return
		}
		// No PDU line (a text-mode +CDS, or a line lost): hand the
		// header on alone and take this line for what it is, so that a
		// final result is never swallowed as a PDU.
		a.unsol.push(u)
	}
	if line == ">" && a.takePrompt() {
		return
	}
	a.mu.Lock()
	if tap := a.tap; tap != nil {
		a.mu.Unlock()
		if isUnsolicited(line, "") {
			r.unsolicited(line, now)
			return
		}
		select {
		case tap <- line:
		default: // a flood no sync round can be waiting for
		}
		return
	}
	if p := a.pending; p != nil && !p.finished {
		switch {
		case !p.echoSeen && strings.EqualFold(line, p.cmd):
			p.echoSeen = true
			a.mu.Unlock()
			return
		case p.prompted && p.sms != "" && strings.EqualFold(strings.TrimPrefix(line, "> "), p.sms):
			a.mu.Unlock()
			return
		}
		if k := classifyFinal(line, p.cmd); k != notFinal {
			p.final, p.finalAt, p.finished = line, now, true
			close(p.done)
			a.mu.Unlock()
			return
		}
		if !isUnsolicited(line, p.prefix) {
			p.info = append(p.info, line)
			a.mu.Unlock()
			return
		}
		a.mu.Unlock()
		r.unsolicited(line, now)
		return
	}
	z := a.zombie
	if z != nil && !z.finished {
		// The late answer of an abandoned command: drop it, and let
		// resync go on as soon as its final result is in.
		if classifyFinal(line, z.cmd) != notFinal {
			z.finished = true
			a.mu.Unlock()
			a.log.Debug("modem: late final result of an abandoned command dropped", "command", z.cmd, "line", line)
			return
		}
		if !isUnsolicited(line, z.prefix) {
			a.mu.Unlock()
			a.log.Debug("modem: late answer of an abandoned command dropped", "command", z.cmd, "line", line)
			return
		}
	}
	a.mu.Unlock()
	if isUnsolicited(line, "") {
		r.unsolicited(line, now)
		return
	}
	a.log.Debug("modem: line with no command running (late answer?)", "line", line)
}

func (r *lineReader) unsolicited(line string, now time.Time) {
	u := Unsolicited{Line: line, Time: now}
	if isTwoLine(line) {
		r.twoLine = &u
		return
	}
	r.a.unsol.push(u)
}

// unsolQueue is an unbounded FIFO from the reader to the dispatcher, so the
// reader never waits on a handler.
type unsolQueue struct {
	mu     sync.Mutex
	items  []Unsolicited
	signal chan struct{}
}

func (q *unsolQueue) push(u Unsolicited) {
	q.mu.Lock()
	q.items = append(q.items, u)
	q.mu.Unlock()
	q.wake()
}

func (q *unsolQueue) wake() {
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

func (q *unsolQueue) take() []Unsolicited {
	q.mu.Lock()
	defer q.mu.Unlock()
	items := q.items
	q.items = nil
	return items
}

func (a *AT) dispatchLoop() {
	defer a.wg.Done()
	for {
		select {
		case <-a.unsol.signal:
		case <-a.closed:
			// Hand over what was read before the link went.
			a.deliver(a.unsol.take())
			return
		}
		a.deliver(a.unsol.take())
	}
}

func (a *AT) deliver(items []Unsolicited) {
	for _, u := range items {
		a.log.Debug("modem: unsolicited", "line", u.Line)
		a.mu.Lock()
		hs := make([]handler, 0, len(a.handlers))
		for _, h := range a.handlers {
			if strings.HasPrefix(u.Line, h.prefix) {
				hs = append(hs, h)
			}
		}
		a.mu.Unlock()
		for _, h := range hs {
			h.fn(u)
		}
	}
}

// isHexLine reports whether line is a PDU: hex digits only.
func isHexLine(line string) bool {
	if line == "" {
		return false
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
