package modem

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// HealthState is where a dongle stands.
type HealthState string

// Health states.
const (
	// Healthy: the dongle answers and sends.
	Healthy HealthState = "ok"
	// Recovering: the keep-alive failed and the re-initialisation ladder runs.
	Recovering HealthState = "recovering"
	// Parked: repeated send failures; no sending until ParkedUntil.
	Parked HealthState = "parked"
	// Down: the link is gone or the ladder did not bring the dongle back.
	Down HealthState = "down"
)

// Health is a snapshot of a dongle's condition, for logs and screens.
type Health struct {
	State HealthState `json:"state"`
	// ParkedUntil is set while parked.
	ParkedUntil time.Time `json:"parked_until,omitzero"`
	// SendFailures counts consecutive failed sends (recipient errors aside).
	SendFailures int `json:"send_failures"`
	// LastError is the last keep-alive or send failure.
	LastError string `json:"last_error,omitempty"`
	// LastCheck is when the keep-alive last ran.
	LastCheck time.Time `json:"last_check,omitzero"`
	SignalDBM int       `json:"signal_dbm"`
	Bars      int       `json:"bars"`
	// StorageFull is set by ^SMMEMFULL until a drain empties the storage.
	StorageFull bool `json:"storage_full"`
	// Steps are the recovery steps taken so far, oldest first (last 20).
	Steps []string `json:"steps,omitempty"`
}

// healthState is guarded by Dongle.mu.
type healthState struct {
	recovering   bool
	down         bool
	parkedUntil  time.Time
	sendFailures int
	lastErr      string
	lastCheck    time.Time
	signalDBM    int
	bars         int
	storageFull  bool
	steps        []string
}

// Health returns the dongle's condition now.
func (d *Dongle) Health() Health {
	now := d.cfg.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	h := d.health
	out := Health{
		State:        Healthy,
		SendFailures: h.sendFailures,
		LastError:    h.lastErr,
		LastCheck:    h.lastCheck,
		SignalDBM:    h.signalDBM,
		Bars:         h.bars,
		StorageFull:  h.storageFull,
		Steps:        append([]string(nil), h.steps...),
	}
	switch {
	case h.down || d.at.Err() != nil:
		out.State = Down
	case h.recovering:
		out.State = Recovering
	case now.Before(h.parkedUntil):
		out.State = Parked
		out.ParkedUntil = h.parkedUntil
	}
	return out
}

// Park stops sending on this dongle until until.
func (d *Dongle) Park(until time.Time) {
	d.mu.Lock()
	d.health.parkedUntil = until
	d.mu.Unlock()
	d.step(fmt.Sprintf("parked until %s", until.Format(time.RFC3339)))
}

// Unpark lets the dongle send again and forgets past failures.
func (d *Dongle) Unpark() {
	d.mu.Lock()
	d.health.parkedUntil = time.Time{}
	d.health.sendFailures = 0
	d.mu.Unlock()
}

// parked returns the end of the parking, zero when not parked.
func (d *Dongle) parked() time.Time {
	now := d.cfg.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	if now.Before(d.health.parkedUntil) {
		return d.health.parkedUntil
	}
	return time.Time{}
}

// step records and logs one health step.
func (d *Dongle) step(s string) {
	d.cfg.logger.Info("modem: "+s, "port", d.port)
	d.mu.Lock()
	d.health.steps = append(d.health.steps, d.cfg.now().Format(time.RFC3339)+" "+s)
	if n := len(d.health.steps); n > 20 {
		d.health.steps = d.health.steps[n-20:]
	}
	d.mu.Unlock()
}

// noteSend counts consecutive send failures and parks the dongle after
// the configured number. A recipient or content error is the text's fault,
// not the dongle's, and does not count.
func (d *Dongle) noteSend(err error) {
	if err == nil {
		d.mu.Lock()
		d.health.sendFailures = 0
		d.mu.Unlock()
		return
	}
	if ClassOf(err) == ClassRecipient || errors.Is(err, context.Canceled) {
		return
	}
	d.mu.Lock()
	d.health.sendFailures++
	d.health.lastErr = err.Error()
	n := d.health.sendFailures
	d.mu.Unlock()
	if n >= d.cfg.parkAfter {
		d.Park(d.cfg.now().Add(d.cfg.parkFor))
	}
}

// Check runs one keep-alive (AT+CSQ) and, when the dongle does not answer,
// the recovery ladder: re-initialise; then AT+CFUN=0 / AT+CFUN=1 and
// re-initialise; then give up (Down). Each step is logged and kept in
// Health().Steps.
func (d *Dongle) Check(ctx context.Context) error {
	now := d.cfg.now()
	info, err := d.at.Command(ctx, "AT+CSQ")
	d.mu.Lock()
	d.health.lastCheck = now
	d.mu.Unlock()
	if err == nil {
		if l, ok := findPrefixed(info, "+CSQ:"); ok {
			_, dbm, bars := parseCSQ(l)
			d.mu.Lock()
			d.health.signalDBM, d.health.bars = dbm, bars
			d.mu.Unlock()
		}
		d.setRecovering(false, "")
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, ErrClosed) {
		d.markDown(err)
		return err
	}
	d.setRecovering(true, err.Error())
	d.step("keep-alive failed (" + err.Error() + "): re-initialising")
	if err = d.init(ctx); err == nil {
		d.step("re-initialised")
		d.setRecovering(false, "")
		return nil
	}
	if ctx.Err() != nil || errors.Is(err, ErrClosed) {
		d.markDown(err)
		return err
	}
	d.step("re-initialisation failed (" + err.Error() + "): radio off and on (AT+CFUN=0, AT+CFUN=1)")
	_, err0 := d.at.Command(ctx, "AT+CFUN=0")
	_, err1 := d.at.Command(ctx, "AT+CFUN=1")
	if err1 == nil {
		if err = d.init(ctx); err == nil {
			d.step("back after AT+CFUN=0/1")
			d.setRecovering(false, "")
			return nil
		}
	} else {
		err = errors.Join(err0, err1)
	}
	d.markDown(err)
	d.step("gave up: " + err.Error())
	return fmt.Errorf("modem %s does not recover: %w", d.port, err)
}

func (d *Dongle) setRecovering(on bool, lastErr string) {
	d.mu.Lock()
	d.health.recovering = on
	d.health.down = false
	if lastErr != "" {
		d.health.lastErr = lastErr
	}
	d.mu.Unlock()
}

func (d *Dongle) markDown(err error) {
	d.mu.Lock()
	d.health.down = true
	d.health.recovering = false
	if err != nil {
		d.health.lastErr = err.Error()
	}
	d.mu.Unlock()
}

// KeepAlive runs Check every interval (docs/ARCHITECTURE.md: a minute in production) until ctx ends
// (nil) or the dongle is lost for good (the error).
func (d *Dongle) KeepAlive(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-d.at.Closed():
			d.markDown(d.at.Err())
			return d.at.Err()
		case <-t.C:
			if err := d.Check(ctx); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
		}
	}
}
