package modem

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// errSyncUnsupported means the firmware refuses the S-register commands the
// proof of sync uses; the caller falls back to waiting for a quiet line.
var errSyncUnsupported = errors.New("the dongle refuses ATS7 (no proof of sync)")

// errNoAnswer marks a timeout in which nothing at all came back for the
// command (no echo, no line, no prompt): the dongle lost it, or is still
// busy with something a killed predecessor left running.
var errNoAnswer = errors.New("nothing came back")

// Sync brings the link to a known state whatever the dongle was doing, e.g.
// when a process killed mid-command left it working on a long AT+CMGL or a
// send: it ends any half-open prompt with ESC, writes a random value into
// the harmless S-register 7 (the data-call connection timeout) and reads it
// back, and repeats with a new value and a longer wait until the value read
// is this round's. The dongle answers in order, so once that answer is in
// every earlier answer (a killed predecessor's late one included) has been
// read and dropped: no late answer can be taken for a later command's.
//
// silent bounds the wait when nothing at all comes back; busy bounds the
// whole wait while the dongle is heard working (a command in flight). A
// firmware that refuses ATS7 gives an error matching errSyncUnsupported
// after the line is quiet again.
func (a *AT) Sync(ctx context.Context, silent, busy time.Duration) error {
	a.cmdMu.Lock()
	defer a.cmdMu.Unlock()
	return a.sync(ctx, silent, busy)
}

// sync is Sync with cmdMu held.
func (a *AT) sync(ctx context.Context, silent, busy time.Duration) error {
	if err := a.Err(); err != nil {
		return err
	}
	tap := make(chan string, 4096)
	a.mu.Lock()
	a.tap = tap
	a.pending = nil
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		a.tap = nil
		a.dirty = false
		a.zombie = nil
		a.mu.Unlock()
	}()
	start := time.Now()
	// heard is set by any answer line other than the echo of our own sync
	// commands: a dongle that only echoes, or only chatters, is not one.
	heard := false
	listen := func(stop func(string) bool) func(string) bool {
		return func(line string) bool {
			if !hasPrefixFold(line, "ATS7") {
				heard = true
			}
			return stop(line)
		}
	}
	wait := min(a.t.Command, 2*time.Second)
	if silent > 0 {
		wait = min(wait, silent)
	}
	last, refused := 0, 0
	used := map[int]bool{}
	for round := 1; ; round++ {
		n := a.nonce(last)
		last = n
		set := "ATS7=" + strconv.Itoa(n)
		if err := a.write(ctx, []byte("\x1b"+set+"\r")); err != nil {
			return err
		}
		until := time.Now().Add(wait)
		setFinal, err := a.tapUntil(ctx, tap, until, listen(func(line string) bool {
			return classifyFinal(line, set) != notFinal
		}))
		if err != nil {
			return err
		}
		if err := a.write(ctx, []byte("ATS7?\r")); err != nil {
			return err
		}
		// A value read back that no round of ours wrote means this round's
		// write was lost (or a killed process's sync answered late): the
		// round ends at once. A value an earlier round wrote is that
		// round's late answer; this round's is still to come.
		seen, foreign := false, false
		until = time.Now().Add(wait)
		getFinal, err := a.tapUntil(ctx, tap, until, listen(func(line string) bool {
			if v, err := strconv.Atoi(line); err == nil {
				switch {
				case v == n:
					seen = true
				case !used[v]:
					foreign = true
				}
				return false
			}
			return (seen || foreign) && classifyFinal(line, "ATS7?") != notFinal
		}))
		used[n] = true
		if err != nil {
			return err
		}
		if seen && classifyFinal(getFinal, "ATS7?") == finalOK {
			if round > 1 {
				a.log.Info("modem: in step with the dongle again", "rounds", round, "after", time.Since(start).Round(time.Millisecond))
			}
			a.mu.Lock()
			a.stats.Commands += 2 * round
			a.mu.Unlock()
			return nil
		}
		if classifyFinal(setFinal, set) == finalError && classifyFinal(getFinal, "ATS7?") == finalError {
			refused++
		} else {
			refused = 0
		}
		elapsed := time.Since(start)
		switch {
		case refused >= 2:
			return errSyncUnsupported
		case !heard && elapsed >= silent:
			return fmt.Errorf("%w: %w for %v", ErrTimeout, errNoAnswer, elapsed.Round(time.Millisecond))
		case elapsed >= busy:
			return fmt.Errorf("%w: the dongle did not get back in step within %v", ErrTimeout, busy)
		}
		a.log.Debug("modem: not in step yet", "round", round, "wait", wait)
		wait = min(2*wait, max(busy-elapsed, time.Millisecond))
	}
}

// tapUntil reads the lines the reader hands over during a sync until stop
// says so (it returns that line) or until passes ("").
func (a *AT) tapUntil(ctx context.Context, tap <-chan string, until time.Time, stop func(string) bool) (string, error) {
	t := time.NewTimer(time.Until(until))
	defer t.Stop()
	for {
		select {
		case line := <-tap:
			if stop(line) {
				return line, nil
			}
		case <-t.C:
			return "", nil
		case <-ctx.Done():
			return "", ctx.Err()
		case <-a.closed:
			return "", a.closeErr
		}
	}
}

// nonce is the value a sync round writes: 1–255 (the range V.25ter gives
// S7), never the previous round's.
func (a *AT) nonce(prev int) int {
	if a.syncNonce != nil {
		return a.syncNonce()
	}
	for {
		if n := 1 + rand.IntN(255); n != prev {
			return n
		}
	}
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
