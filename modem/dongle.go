package modem

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Info is what a dongle tells about itself and its SIM.
type Info struct {
	Port         string `json:"port"`
	Manufacturer string `json:"manufacturer"`
	Model        string `json:"model"`
	Revision     string `json:"revision"`
	IMEI         string `json:"imei"`
	IMSI         string `json:"imsi"`
	ICCID        string `json:"iccid"`
	Operator     string `json:"operator"`
	// SignalDBM is the signal strength in dBm, 0 when unknown.
	SignalDBM int `json:"signal_dbm"`
	// Bars is the signal as 0–5 bars.
	Bars int `json:"bars"`
	// Registration is "home", "roaming", "searching", "denied",
	// "not registered" or "unknown" (AT+CREG?).
	Registration string `json:"registration"`
	// Mode is the radio technology (^SYSINFO), e.g. "WCDMA"; "" when unknown.
	Mode string `json:"mode"`
	// Service sums registration and mode up for people: "home, WCDMA".
	Service string `json:"service"`
	// OwnNumber is the SIM's own number (AT+CNUM), often not stored: "".
	OwnNumber string `json:"own_number"`
	// SMSC is the service centre number the SIM sends through (AT+CSCA?).
	SMSC string `json:"smsc"`
	// Storage is the message storage in use, "SM" (SIM) or "ME" (phone).
	Storage      string `json:"storage"`
	StorageUsed  int    `json:"storage_used"`
	StorageTotal int    `json:"storage_total"`
}

// StorageUse is how full one message memory is.
type StorageUse struct {
	Mem   string `json:"mem"`
	Used  int    `json:"used"`
	Total int    `json:"total"`
}

// IndicationKind names what an Indication is about.
type IndicationKind string

// Indication kinds.
const (
	// NewMessage: a text was stored (+CMTI); Mem and Index say where.
	NewMessage IndicationKind = "new-message"
	// StatusReport: a delivery report, either stored (+CDSI, Mem and Index)
	// or given directly (+CDS, Report set).
	StatusReport IndicationKind = "status-report"
	// StorageFull: ^SMMEMFULL, the storage Mem is full; read in now.
	StorageFull IndicationKind = "storage-full"
	// SignalChanged: ^RSSI; SignalDBM and Bars are set.
	SignalChanged IndicationKind = "signal"
	// SIMChanged: ^SIMST; the SIM state changed (255 = removed).
	SIMChanged IndicationKind = "sim"
)

// Indication is an unsolicited event the Dongle passes on.
type Indication struct {
	Kind      IndicationKind
	Line      string
	Mem       string
	Index     int
	Report    *Inbound
	SignalDBM int
	Bars      int
	Time      time.Time
}

// Dongle is an initialised Huawei dongle on one port.
type Dongle struct {
	cfg  config
	port string
	at   *AT

	// mu guards the fields below; the dispatch goroutine updates them.
	mu          sync.Mutex
	ident       Info     // identity read at init: IMEI, IMSI, storage
	mems        []string // memories to drain, the main storage last
	indFns      []indFn
	nextInd     int
	health      healthState
	concatRef   int
	removeHooks []func()
}

type indFn struct {
	id int
	fn func(Indication)
}

// Open opens port, takes it for this process (ErrPortBusy when another one
// holds it) and initialises the dongle. It explains a missing port when a
// Huawei stick is plugged in but in CD-ROM or HiLink mode.
func Open(ctx context.Context, port string, opts ...Option) (*Dongle, error) {
	c := newConfig(opts)
	rw, err := openPort(port, c.baud)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			if hint := modeswitchHint(); hint != "" {
				return nil, fmt.Errorf("%w; %s", err, hint)
			}
		}
		return nil, err
	}
	if c.onLocked != nil {
		c.onLocked(port)
	}
	// A full slice expression: callers open several ports at once with one
	// options slice, and an append into its spare capacity would race (and
	// could hand one dongle another's port name).
	d, err := NewDongle(ctx, rw, append(opts[:len(opts):len(opts)], withPort(port))...)
	if err != nil {
		return nil, fmt.Errorf("modem %s: %w", port, err)
	}
	return d, nil
}

// NewDongle initialises a dongle over an open link (a port, a pipe or a
// replayed transcript). The Dongle owns rw when it is an io.Closer.
func NewDongle(ctx context.Context, rw io.ReadWriter, opts ...Option) (*Dongle, error) {
	c := newConfig(opts)
	d := &Dongle{cfg: c, port: c.port, at: New(rw, opts...)}
	d.ident.Port = c.port
	d.concatRef = int(c.now().UnixNano()/int64(time.Millisecond)) & 0xff
	d.hook()
	if err := d.init(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// AT is the dongle's command engine, for commands this package does not wrap.
func (d *Dongle) AT() *AT { return d.at }

// Port is the port the dongle was opened on.
func (d *Dongle) Port() string { return d.port }

// IMSI is the SIM's IMSI, read at initialisation.
func (d *Dongle) IMSI() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ident.IMSI
}

// IMEI is the dongle's IMEI, read at initialisation.
func (d *Dongle) IMEI() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ident.IMEI
}

// Closed is closed when the link to the dongle is gone.
func (d *Dongle) Closed() <-chan struct{} { return d.at.Closed() }

// Close releases the port.
func (d *Dongle) Close() error {
	d.mu.Lock()
	hooks := d.removeHooks
	d.removeHooks = nil
	d.mu.Unlock()
	for _, h := range hooks {
		h()
	}
	err := d.at.Close()
	if errors.Is(err, ErrClosed) {
		return nil
	}
	return err
}

// OnIndication calls fn for new-message, status-report, storage-full, signal
// and SIM indications, on the engine's dispatch goroutine. The returned
// function removes it.
func (d *Dongle) OnIndication(fn func(Indication)) (remove func()) {
	d.mu.Lock()
	d.nextInd++
	id := d.nextInd
	d.indFns = append(d.indFns, indFn{id: id, fn: fn})
	d.mu.Unlock()
	return func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		for i, f := range d.indFns {
			if f.id == id {
				d.indFns = append(d.indFns[:i:i], d.indFns[i+1:]...)
				return
			}
		}
	}
}

func (d *Dongle) emit(ind Indication) {
	d.mu.Lock()
	fns := make([]indFn, len(d.indFns))
	copy(fns, d.indFns)
	d.mu.Unlock()
	for _, f := range fns {
		f.fn(ind)
	}
}

// hook installs the handlers for the indications the Dongle uses.
func (d *Dongle) hook() {
	memIndex := func(kind IndicationKind) func(Unsolicited) {
		return func(u Unsolicited) {
			f := fields(u.Line)
			d.emit(Indication{Kind: kind, Line: u.Line, Mem: f[0], Index: intField(f, 1, -1), Time: u.Time})
		}
	}
	d.removeHooks = append(d.removeHooks,
		d.at.Handle("+CMTI:", memIndex(NewMessage)),
		d.at.Handle("+CDSI:", memIndex(StatusReport)),
		d.at.Handle("+CDS:", func(u Unsolicited) {
			in := d.inbound(-1, -1, u.PDU)
			d.emit(Indication{Kind: StatusReport, Line: u.Line, Index: -1, Report: &in, Time: u.Time})
		}),
		d.at.Handle("^SMMEMFULL:", func(u Unsolicited) {
			mem := fields(u.Line)[0]
			d.mu.Lock()
			d.health.storageFull = true
			d.mu.Unlock()
			d.cfg.logger.Warn("modem: message storage full", "port", d.port, "mem", mem)
			d.emit(Indication{Kind: StorageFull, Line: u.Line, Mem: mem, Index: -1, Time: u.Time})
		}),
		d.at.Handle("^RSSI:", func(u Unsolicited) {
			dbm, bars := rssiToDBM(intField(fields(u.Line), 0, 99))
			d.mu.Lock()
			d.health.signalDBM, d.health.bars = dbm, bars
			d.mu.Unlock()
			d.emit(Indication{Kind: SignalChanged, Line: u.Line, Index: -1, SignalDBM: dbm, Bars: bars, Time: u.Time})
		}),
		d.at.Handle("^SIMST:", func(u Unsolicited) {
			d.cfg.logger.Info("modem: SIM state changed", "port", d.port, "line", u.Line)
			d.emit(Indication{Kind: SIMChanged, Line: u.Line, Index: intField(fields(u.Line), 0, -1), Time: u.Time})
		}),
		d.at.Handle("^BOOT:", func(u Unsolicited) {}), // noise; logged by the engine
	)
}

// probeTimeout is the wait for each "AT" while looking for an answer.
func (d *Dongle) probeTimeout() time.Duration {
	t := d.at.t.Command
	if t > 2*time.Second {
		t = 2 * time.Second
	}
	return t
}

// init runs the initialisation sequence of docs/ARCHITECTURE.md (Modem): ESC and a proof of
// sync (Sync; "AT" until it answers on a firmware that refuses it), echo
// off, numeric errors, Huawei reports off, SIM check, registration, PDU
// mode, SIM storage and the memories to read, new-message and
// status-report indications, then IMSI, IMEI and signal.
func (d *Dongle) init(ctx context.Context) error {
	a := d.at
	log := d.cfg.logger.With("port", d.port)
	// ESC ends any half-open prompt; whatever a killed predecessor left
	// running is waited out, and the link proven in step, before the
	// first answer is believed.
	silent := time.Duration(d.cfg.initTries) * d.probeTimeout()
	err := a.Sync(ctx, silent, a.t.Busy)
	if errors.Is(err, errSyncUnsupported) {
		log.Info("modem: firmware refuses ATS7; waiting for a quiet line instead")
		err = d.probe(ctx)
	}
	if err != nil {
		if errors.Is(err, ErrClosed) || ctx.Err() != nil {
			return err
		}
		if errors.Is(err, errNoAnswer) {
			return fmt.Errorf("%w (is this the AT/PCUI port? %v)", ErrNotModem, err)
		}
		return fmt.Errorf("reset: %w", err)
	}
	if _, err := a.Command(ctx, "ATE0"); err != nil {
		if fatal(ctx, err) {
			return err
		}
		log.Info("modem: echo stays on", "err", err)
	}
	if _, err := a.Command(ctx, "AT+CMEE=1"); err != nil && fatal(ctx, err) {
		return err
	}
	if _, err := a.Command(ctx, "AT^CURC=0"); err != nil {
		if fatal(ctx, err) {
			return err
		}
		log.Info("modem: periodic reports stay on (firmware refuses AT^CURC=0)", "err", err)
	}
	if err := d.checkSIM(ctx); err != nil {
		return err
	}
	if info, err := a.Command(ctx, "AT+CREG?"); err == nil {
		if l, ok := findPrefixed(info, "+CREG:"); ok {
			log.Debug("modem: registration", "state", registration(intField(fields(l), 1, -1)))
		}
	} else if fatal(ctx, err) {
		return err
	}
	if _, err := a.Command(ctx, "AT+CMGF=0"); err != nil {
		return fmt.Errorf("PDU mode: %w", err)
	}
	storage := "SM"
	info, err := a.Command(ctx, `AT+CPMS="SM","SM","SM"`)
	if err != nil {
		if fatal(ctx, err) {
			return err
		}
		log.Info("modem: SIM storage refused, using the phone's", "err", err)
		storage = "ME"
		if info, err = a.Command(ctx, `AT+CPMS="ME","ME","ME"`); err != nil {
			return fmt.Errorf("message storage: %w", err)
		}
	}
	used, total := parseCPMSSet(info)
	mems := []string{storage}
	if info, err := a.Command(ctx, "AT+CPMS=?"); err == nil {
		mems = readMems(info, storage)
	} else if fatal(ctx, err) {
		return err
	}
	if _, err := a.Command(ctx, "AT+CNMI=2,1,0,2,0"); err != nil {
		if fatal(ctx, err) {
			return err
		}
		log.Info("modem: AT+CNMI=2,1,0,2,0 refused, using 1,1,0,0,0 (no stored delivery reports)", "err", err)
		if _, err := a.Command(ctx, "AT+CNMI=1,1,0,0,0"); err != nil && fatal(ctx, err) {
			return err
		}
	}
	info, err = a.Command(ctx, "AT+CIMI")
	if err != nil {
		return fmt.Errorf("read IMSI: %w", err)
	}
	imsi := firstPlain(info)
	info, err = a.Command(ctx, "AT+CGSN")
	if err != nil && fatal(ctx, err) {
		return err
	}
	imei := firstPlain(info)
	d.mu.Lock()
	if d.ident.IMSI != "" && d.ident.IMSI != imsi {
		log.Warn("modem: the SIM changed", "was", d.ident.IMSI, "now", imsi)
	}
	d.ident.IMSI, d.ident.IMEI = imsi, imei
	d.ident.Storage, d.ident.StorageUsed, d.ident.StorageTotal = storage, used, total
	d.mems = mems
	d.mu.Unlock()
	if info, err := a.Command(ctx, "AT+CSQ"); err == nil {
		if l, ok := findPrefixed(info, "+CSQ:"); ok {
			_, dbm, bars := parseCSQ(l)
			d.mu.Lock()
			d.health.signalDBM, d.health.bars = dbm, bars
			d.mu.Unlock()
		}
	} else if fatal(ctx, err) {
		return err
	}
	log.Info("modem: ready", "imsi", imsi, "imei", imei, "storage", storage, "used", used, "total", total, "memories", mems)
	return nil
}

// probe sends ESC, then "AT" until it answers, then waits for a quiet
// line: the way back in step on a firmware that refuses the S-register
// sync.
func (d *Dongle) probe(ctx context.Context) error {
	a := d.at
	if err := a.Escape(ctx); err != nil {
		return err
	}
	var err error
	for i := 0; i < d.cfg.initTries; i++ {
		if _, err = a.CommandTimeout(ctx, "AT", d.probeTimeout()); err == nil || errors.Is(err, ErrCommandFailed) {
			return a.Escape(ctx)
		}
		if errors.Is(err, ErrClosed) || ctx.Err() != nil {
			return err
		}
	}
	return fmt.Errorf("%w: %w", errNoAnswer, err)
}

// fatal tells whether err ends initialisation: the link is gone, the
// context ended, or the dongle stopped answering. A refused command is not.
func fatal(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, ErrClosed) || errors.Is(err, ErrTimeout)
}

// checkSIM asks AT+CPIN? and turns the answer into ErrNoSIM or
// ErrPINRequired. A SIM still busy after power-up is asked again for up to
// Timeouts.SIMBusy.
func (d *Dongle) checkSIM(ctx context.Context) error {
	var busySince time.Time
	for {
		info, err := d.at.Command(ctx, "AT+CPIN?")
		if err == nil {
			l, _ := findPrefixed(info, "+CPIN:")
			state := strings.TrimSpace(strings.TrimPrefix(l, "+CPIN:"))
			switch state {
			case "READY":
				return nil
			case "":
				return fmt.Errorf("SIM check: unexpected answer %q", strings.Join(info, " "))
			}
			return fmt.Errorf("%w (the SIM says %s)", ErrPINRequired, state)
		}
		var cme *CMEError
		if errors.As(err, &cme) && cme.Code == 14 {
			// A stick that has just booted, or whose SIM is reading its
			// phone book, says "SIM busy" for up to half a minute.
			if busySince.IsZero() {
				busySince = time.Now()
				d.cfg.logger.Info("modem: SIM busy; waiting for it", "port", d.port, "up to", d.at.t.SIMBusy)
			}
			if time.Since(busySince) < d.at.t.SIMBusy {
				if err := sleep(ctx, min(time.Second, d.at.t.SIMBusy/20)); err != nil {
					return err
				}
				continue
			}
			return fmt.Errorf("SIM check: still busy after %v: %w", d.at.t.SIMBusy, err)
		}
		switch {
		case errors.Is(err, ErrNoSIM):
			return fmt.Errorf("%w: %w", ErrNoSIM, err)
		case errors.Is(err, ErrPINRequired):
			return fmt.Errorf("%w: %w", ErrPINRequired, err)
		case fatal(ctx, err):
			return err
		}
		var re *ResultError
		if errors.As(err, &re) {
			return fmt.Errorf("%w: %w", ErrNoSIM, err)
		}
		return fmt.Errorf("SIM check: %w", err)
	}
}

// readMems picks from the AT+CPMS=? answer the memories a stick may file
// texts or delivery reports in (SM, ME, SR; MT is SM and ME together, BM
// is cell broadcast), the main storage last so that draining ends with it
// selected again.
func readMems(info []string, main string) []string {
	l, ok := findPrefixed(info, "+CPMS:")
	if !ok {
		return []string{main}
	}
	first := l[strings.Index(l, ":")+1:]
	if i := strings.Index(first, "("); i >= 0 {
		first = first[i+1:]
		if j := strings.Index(first, ")"); j >= 0 {
			first = first[:j]
		}
	}
	var out []string
	for _, f := range strings.Split(first, ",") {
		f = strings.Trim(strings.TrimSpace(f), `"`)
		if (f == "SM" || f == "ME" || f == "SR") && f != main && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return append(out, main)
}

// Mems are the memories Drain reads, the main storage last.
func (d *Dongle) Mems() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.mems) == 0 {
		return []string{d.ident.Storage}
	}
	return append([]string(nil), d.mems...)
}

// Storages tells what waits in each memory the stick uses: the SIM (SM),
// the stick's own (ME) and its status-report memory (SR), as far as the
// stick has them; Drain reads every one. A memory the stick refuses is left
// out.
func (d *Dongle) Storages(ctx context.Context) ([]StorageUse, error) {
	mems := d.Mems()
	out := make([]StorageUse, 0, len(mems))
	for _, mem := range mems {
		u, err := d.selectMem(ctx, mem)
		if err != nil {
			if fatal(ctx, err) {
				return out, fmt.Errorf("modem %s storages: %w", d.port, err)
			}
			continue
		}
		out = append(out, u)
	}
	return out, nil
}

// selectMem makes mem the memory AT+CMGL and AT+CMGD work on, and returns
// how much it holds.
func (d *Dongle) selectMem(ctx context.Context, mem string) (StorageUse, error) {
	info, err := d.at.Command(ctx, `AT+CPMS="`+mem+`"`)
	if err != nil {
		return StorageUse{Mem: mem}, err
	}
	used, total := parseCPMSSet(info)
	return StorageUse{Mem: mem, Used: used, Total: total}, nil
}

// parseCPMSSet reads "+CPMS: used1,total1,used2,total2,used3,total3" (the
// answer to AT+CPMS=) or the query form with memory names.
func parseCPMSSet(info []string) (used, total int) {
	l, ok := findPrefixed(info, "+CPMS:")
	if !ok {
		return -1, -1
	}
	f := fields(l)
	if len(f) >= 3 {
		if _, err := strconv.Atoi(f[0]); err != nil {
			return intField(f, 1, -1), intField(f, 2, -1)
		}
	}
	return intField(f, 0, -1), intField(f, 1, -1)
}

// Info reads everything the dongle tells about itself and its SIM. Commands
// a firmware refuses leave their fields empty.
func (d *Dongle) Info(ctx context.Context) (Info, error) {
	d.mu.Lock()
	in := d.ident
	d.mu.Unlock()
	a := d.at
	ask := func(cmd string) ([]string, bool, error) {
		info, err := a.Command(ctx, cmd)
		if err != nil {
			if fatal(ctx, err) {
				return nil, false, err
			}
			d.cfg.logger.Debug("modem: info command refused", "port", d.port, "cmd", cmd, "err", err)
			return nil, false, nil
		}
		return info, true, nil
	}
	steps := []struct {
		cmd string
		set func([]string)
	}{
		{"AT+CGMI", func(l []string) { in.Manufacturer = firstPlain(l) }},
		{"AT+CGMM", func(l []string) { in.Model = firstPlain(l) }},
		{"AT+CGMR", func(l []string) { in.Revision = firstPlain(l) }},
		{"AT+CGSN", func(l []string) { in.IMEI = firstPlain(l) }},
		{"AT+CIMI", func(l []string) { in.IMSI = firstPlain(l) }},
		{"AT^ICCID?", func(l []string) {
			if s, ok := findPrefixed(l, "^ICCID:"); ok {
				in.ICCID = unswapICCID(fields(s)[0])
			}
		}},
		{"AT+COPS=3,0", func([]string) {}},
		{"AT+COPS?", func(l []string) {
			if s, ok := findPrefixed(l, "+COPS:"); ok {
				if f := fields(s); len(f) >= 3 {
					in.Operator = f[2]
				}
			}
		}},
		{"AT+CSQ", func(l []string) {
			if s, ok := findPrefixed(l, "+CSQ:"); ok {
				_, in.SignalDBM, in.Bars = parseCSQ(s)
			}
		}},
		{"AT+CREG?", func(l []string) {
			if s, ok := findPrefixed(l, "+CREG:"); ok {
				in.Registration = registration(intField(fields(s), 1, -1))
			}
		}},
		{"AT^SYSINFO", func(l []string) {
			if s, ok := findPrefixed(l, "^SYSINFO:"); ok {
				in.Mode = sysMode(intField(fields(s), 3, -1))
			}
		}},
		{"AT+CNUM", func(l []string) {
			if s, ok := findPrefixed(l, "+CNUM:"); ok {
				if f := fields(s); len(f) >= 2 {
					in.OwnNumber = f[1]
				}
			}
		}},
		{"AT+CSCA?", func(l []string) {
			if s, ok := findPrefixed(l, "+CSCA:"); ok {
				in.SMSC = fields(s)[0]
			}
		}},
		{"AT+CPMS?", func(l []string) {
			if s, ok := findPrefixed(l, "+CPMS:"); ok {
				f := fields(s)
				if len(f) >= 3 {
					in.Storage, in.StorageUsed, in.StorageTotal = f[0], intField(f, 1, -1), intField(f, 2, -1)
				}
			}
		}},
	}

	for _, s := range steps {
		l, ok, err := ask(s.cmd)
		if err != nil {
			return in, fmt.Errorf("modem %s info: %w", d.port, err)
		}
		if ok {
			s.set(l)
		}
	}
	if in.ICCID == "" {
		// Fallback: read EF_ICCID (2FE2) from the SIM; it comes nibble-swapped.
		if l, ok, err := ask("AT+CRSM=176,12258,0,0,10"); err != nil {
			return in, fmt.Errorf("modem %s info: %w", d.port, err)
		} else if s, found := findPrefixed(l, "+CRSM:"); ok && found {
			if f := fields(s); len(f) >= 3 && f[0] == "144" {
				in.ICCID = unswapICCID(f[2])
			}
		}
	}
	in.Service = in.Registration
	if in.Mode != "" {
		in.Service += ", " + in.Mode
	}
	d.mu.Lock()
	d.ident.StorageUsed, d.ident.StorageTotal = in.StorageUsed, in.StorageTotal
	if in.SignalDBM != 0 || in.Bars != 0 {
		d.health.signalDBM, d.health.bars = in.SignalDBM, in.Bars
	}
	d.mu.Unlock()
	return in, nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
