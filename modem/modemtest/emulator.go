package modemtest

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/texting-centre/texting/modem/pdu"
)

// Modem is one emulated Huawei dongle on a pseudo-terminal.
type Modem struct {
	// Configuration, set by options before the start and read-only after.
	imei, model, manufacturer, revision, portMode string
	sim                                           SIM
	noSIM                                         bool
	pin                                           string
	capacity, indexBase                           int
	rssi                                          int
	sendDelay, replyDelay, reportDelay            time.Duration
	reportStatus                                  int
	noise                                         Noise
	echoStuck, curcUnsupported, splitPrompt       bool
	unplugAfter                                   int
	preload                                       []string
	preloadMem                                    map[string][]string
	meCapacity, srCapacity                        int
	reportMem                                     string // "" = where texts are received
	swallowEvery                                  int
	optErr                                        error

	// fw is held while the firmware works on a command: one at a time, as
	// on the real stick, even when the command was left by a client that
	// went away (Busy).
	fw sync.Mutex

	// mu guards everything below, the session state included.
	mu             sync.Mutex
	faults         []*faultState
	promptArrival  *arrival
	mems           map[string][]*Stored // SM, ME, SR; nil slot = free; index = position + indexBase
	swallowSeen    int
	swallowed      int
	queued         []string // deliveries waiting for room (SIM full)
	sent           []Sent
	commands       []string
	first, last    time.Time
	mr             int
	concatRef      int
	sinceUnplugArm int // commands since WithUnplugAfter/UnplugAfter armed it
	sess           *session
	closed         bool
	wg             sync.WaitGroup // serve, noise and report goroutines
	stop           chan struct{}  // closed by Close

	// Session state: reset by a replug (a power cycle).
	echo, cmee, curc, pinOK, radioOn bool
	cnmi                             [5]int
	cmgf                             int
	mem1, mem2, mem3                 string // AT+CPMS: read/delete, write, receive
	sreg                             map[int]int
}

type arrival struct{ from, text string }

type faultState struct {
	Fault
	seen  int
	ended bool // Until arrived
}

// session is one plug-in: a pty pair and the goroutine serving it.
type session struct {
	master, slave *os.File
	path          string
	gone          chan struct{} // closed on unplug
	once          sync.Once
	wmu           sync.Mutex // one writer at a time on master
}

// New starts an emulated dongle on a fresh pseudo-terminal.
func New(opts ...Option) (*Modem, error) {
	m := &Modem{
		imei:         "867530012345674",
		model:        "E173",
		manufacturer: "huawei",
		revision:     "11.126.85.00.209",
		portMode:     "^GETPORTMODE: TYPE: WCDMA: huawei,MDM:0,DIAG:1,PCUI:2",
		sim: SIM{
			IMSI:     "234101234567890",
			ICCID:    "8944100000000000017",
			Operator: "O2 - UK",
			SMSC:     "+447802000332",
		},
		capacity:    30,
		meCapacity:  100,
		srCapacity:  50,
		indexBase:   1,
		rssi:        20,
		sendDelay:   50 * time.Millisecond,
		reportDelay: 20 * time.Millisecond,
		stop:        make(chan struct{}),
	}
	for _, o := range opts {
		o(m)
	}
	if m.optErr != nil {
		return nil, m.optErr
	}
	m.mems = map[string][]*Stored{
		"SM": make([]*Stored, m.capacity),
		"ME": make([]*Stored, m.meCapacity),
		"SR": make([]*Stored, m.srCapacity),
	}
	for i, p := range m.preload {
		if i >= m.capacity {
			return nil, fmt.Errorf("modemtest: %d PDUs do not fit a SIM of %d", len(m.preload), m.capacity)
		}
		m.mems["SM"][i] = &Stored{Index: i + m.indexBase, Stat: 1, PDU: strings.ToUpper(p)}
	}
	for mem, pdus := range m.preloadMem {
		for _, p := range pdus {
			if _, ok := m.storeLocked(mem, strings.ToUpper(p), 1); !ok {
				return nil, fmt.Errorf("modemtest: %d PDUs do not fit %s", len(pdus), mem)
			}
		}
	}
	m.mr = 0
	m.resetSession()
	if err := m.plug(); err != nil {
		return nil, err
	}
	if m.noise.RSSI > 0 || m.noise.Boot > 0 || m.noise.Flow > 0 {
		m.wg.Add(1)
		go m.chatter()
	}
	return m, nil
}

// resetSession is the power-on state. Called with mu held or before start.
func (m *Modem) resetSession() {
	m.echo, m.cmee, m.curc, m.pinOK, m.radioOn = true, false, true, m.pin == "", true
	m.cnmi = [5]int{}
	m.cmgf = 0
	m.mem1, m.mem2, m.mem3 = "SM", "SM", "SM"
	// S7 is the data-call connection timeout; nothing here uses it but
	// AT+S7? reads back what was written (the engine's proof of sync).
	m.sreg = map[int]int{0: 0, 3: 13, 4: 10, 5: 8, 6: 2, 7: 50, 8: 2, 10: 14}
}

// plug opens a new pty and starts serving it.
func (m *Modem) plug() error {
	master, slave, err := pty.Open()
	if err != nil {
		return fmt.Errorf("modemtest: open pty: %w", err)
	}
	if err := makeRaw(slave); err != nil {
		master.Close()
		slave.Close()
		return fmt.Errorf("modemtest: raw mode: %w", err)
	}
	// pty.Open used master.Fd(), which leaves the file blocking: a Read
	// would then hold the descriptor open through Close, and an unplug
	// could never hang the client up. A non-blocking duplicate goes
	// through Go's poller, so Close interrupts Read and deadlines work.
	if master, err = pollable(master); err != nil {
		slave.Close()
		return fmt.Errorf("modemtest: pty master: %w", err)
	}
	s := &session{master: master, slave: slave, path: slave.Name(), gone: make(chan struct{})}
	m.mu.Lock()
	m.sess = s
	m.mu.Unlock()
	m.wg.Add(1)
	go m.serve(s)
	return nil
}

// pollable replaces f by a non-blocking duplicate managed by the poller.
func pollable(f *os.File) (*os.File, error) {
	defer f.Close()
	sc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	var fd int
	var dupErr error
	if err := sc.Control(func(raw uintptr) { fd, dupErr = unix.Dup(int(raw)) }); err != nil {
		return nil, err
	}
	if dupErr != nil {
		return nil, dupErr
	}
	unix.CloseOnExec(fd)
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), f.Name()), nil
}

// makeRaw puts the slave side in raw mode so that the line discipline
// neither echoes nor translates CR/LF before a client sets its own mode.
func makeRaw(f *os.File) error {
	fd := int(f.Fd())
	t, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return err
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	return unix.IoctlSetTermios(fd, ioctlSetTermios, t)
}

// Path is the port a client opens (the pty's slave side). It changes on Replug.
func (m *Modem) Path() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sess == nil {
		return ""
	}
	return m.sess.path
}

// Unplug makes the dongle disappear: the client's reads and writes fail.
// The SIM keeps its messages; Replug brings the dongle back on a new path.
func (m *Modem) Unplug() {
	m.mu.Lock()
	s := m.sess
	m.mu.Unlock()
	if s != nil {
		s.unplug()
	}
}

func (s *session) unplug() {
	s.once.Do(func() {
		close(s.gone)
		s.master.Close()
		s.slave.Close()
	})
}

// Replug plugs the dongle back in after Unplug (or a fault unplugged it): a
// new pty, the session state of a fresh power-up, the SIM as it was.
func (m *Modem) Replug() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return errors.New("modemtest: closed")
	}
	old := m.sess
	m.resetSession()
	m.mu.Unlock()
	if old != nil {
		old.unplug()
	}
	return m.plug()
}

// Close unplugs the dongle for good and waits for its goroutines. It is
// safe with a client still connected (the client sees the port fail).
func (m *Modem) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	s := m.sess
	close(m.stop)
	m.mu.Unlock()
	if s != nil {
		s.unplug()
	}
	m.wg.Wait()
	return nil
}

// UnplugAfter arms the unplug at run time: the command after the next n
// makes the dongle disappear (once).
func (m *Modem) UnplugAfter(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.unplugAfter, m.sinceUnplugArm = n, 0
}

// AddFault adds a fault at run time; its occurrences count from now.
func (m *Modem) AddFault(f Fault) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.faults = append(m.faults, &faultState{Fault: f})
}

// ClearFaults removes every fault.
func (m *Modem) ClearFaults() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.faults = nil
}

// Sent returns the texts the network accepted, in order.
func (m *Modem) Sent() []Sent {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Sent(nil), m.sent...)
}

// Inbox returns what the SIM storage (SM) holds, by index.
func (m *Modem) Inbox() []Stored { return m.Storage("SM") }

// Storage returns what the memory mem ("SM" the SIM, "ME" the stick's own,
// "SR" its status-report memory) holds, by index.
func (m *Modem) Storage(mem string) []Stored {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Stored
	for _, s := range m.mems[mem] {
		if s != nil {
			out = append(out, *s)
		}
	}
	return out
}

// Swallowed is how many command lines WithSwallow made the stick lose.
func (m *Modem) Swallowed() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.swallowed
}

// Busy makes the stick work on cmd for d before it reads anything else,
// then answer it: what a client killed mid-command leaves behind (a long
// AT+CMGL, a send), whose late answer the next client must not take for
// its own. Call it while no client is connected, or between commands.
func (m *Modem) Busy(cmd string, d time.Duration) {
	m.fw.Lock()
	m.mu.Lock()
	s := m.sess
	m.mu.Unlock()
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		defer m.fw.Unlock()
		if s == nil || !m.sleep(s, d) {
			return
		}
		if hasPrefixFold(cmd, "AT+CMGS=") {
			// The text went out; only its answer is late.
			s.write("\r\n+CMGS: 255\r\n\r\nOK\r\n")
			return
		}
		info, final := m.answer(s, cmd)
		m.respond(s, info, final)
	}()
}

// Commands returns every command line received, in order.
func (m *Modem) Commands() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.commands...)
}

// Count is how many commands started with prefix (case-insensitive).
func (m *Modem) Count(prefix string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, c := range m.commands {
		if hasPrefixFold(c, prefix) {
			n++
		}
	}
	return n
}

// Activity is when the first and the last command arrived.
func (m *Modem) Activity() (first, last time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.first, m.last
}

// Store puts PDUs in the SIM storage without telling the client, as if
// they had arrived while nobody listened. It fails when the SIM is full.
func (m *Modem) Store(pdus ...string) error { return m.StoreIn("SM", pdus...) }

// StoreIn puts PDUs in the memory mem (SM, ME or SR) without telling the
// client, as a stick that files texts in its own memory (ME) or delivery
// reports in its status-report memory (SR) does. It fails when mem is full.
func (m *Modem) StoreIn(mem string, pdus ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.mems[mem]; !ok {
		return fmt.Errorf("modemtest: no memory %q", mem)
	}
	for _, p := range pdus {
		if _, ok := m.storeLocked(mem, strings.ToUpper(p), 0); !ok {
			return fmt.Errorf("modemtest: %s storage full", mem)
		}
	}
	return nil
}

// Receive delivers a text from the network: it is split into parts as a
// phone would, each part stored and announced with +CMTI (when AT+CNMI asks
// for it). When the SIM is full the parts wait, ^SMMEMFULL is sent, and
// they are stored as soon as a delete makes room (the network retries).
func (m *Modem) Receive(from, text string) error {
	m.mu.Lock()
	m.concatRef = (m.concatRef + 1) & 0xff
	ref := m.concatRef
	m.mu.Unlock()
	parts, err := pdu.EncodeDeliverParts(from, text, ref, time.Now())
	if err != nil {
		return fmt.Errorf("modemtest: receive: %w", err)
	}
	for _, p := range parts {
		m.ReceivePDU(p)
	}
	return nil
}

// ReceivePDU delivers one PDU from the network (see Receive).
func (m *Modem) ReceivePDU(hexPDU string) {
	m.mu.Lock()
	mem := m.mem3
	idx, ok := m.storeLocked(mem, strings.ToUpper(hexPDU), 0)
	if !ok {
		m.queued = append(m.queued, strings.ToUpper(hexPDU))
	}
	notify := m.cnmi[1] == 1 || m.cnmi[1] == 2
	s := m.sess
	m.mu.Unlock()
	if s == nil {
		return
	}
	if !ok {
		s.write(fmt.Sprintf("\r\n^SMMEMFULL: \"%s\"\r\n", mem))
		return
	}
	if notify {
		s.write(fmt.Sprintf("\r\n+CMTI: \"%s\",%d\r\n", mem, idx))
	}
}

// storeLocked puts a PDU in the first free slot of mem. Called with mu held.
func (m *Modem) storeLocked(mem, hexPDU string, stat int) (int, bool) {
	slots := m.mems[mem]
	for i, s := range slots {
		if s == nil {
			slots[i] = &Stored{Index: i + m.indexBase, Stat: stat, PDU: hexPDU}
			return i + m.indexBase, true
		}
	}
	return 0, false
}

// deliverQueued stores what waited for room and announces it.
func (m *Modem) deliverQueued(s *session) {
	m.mu.Lock()
	mem := m.mem3
	var announce []int
	for len(m.queued) > 0 {
		idx, ok := m.storeLocked(mem, m.queued[0], 0)
		if !ok {
			break
		}
		m.queued = m.queued[1:]
		announce = append(announce, idx)
	}
	notify := m.cnmi[1] == 1 || m.cnmi[1] == 2
	m.mu.Unlock()
	if notify {
		for _, idx := range announce {
			s.write(fmt.Sprintf("\r\n+CMTI: \"%s\",%d\r\n", mem, idx))
		}
	}
}

// write sends b to the client, dropping it when nobody reads for a second
// (a real dongle's output is lost when no program has the port open).
func (s *session) write(b string) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	select {
	case <-s.gone:
		return
	default:
	}
	_ = s.master.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = s.master.Write([]byte(b))
}

// sleep waits d unless the session goes or the emulator closes; it
// reports whether the wait ran to its end.
func (m *Modem) sleep(s *session, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.gone:
		return false
	case <-m.stop:
		return false
	}
}

// serve reads commands from the client and answers them, one at a time
// like the real firmware.
func (m *Modem) serve(s *session) {
	defer m.wg.Done()
	buf := make([]byte, 4096)
	var line []byte
	inPDU := false
	var cmgsFault *Fault
	var cmgsLen int
	for {
		n, err := s.master.Read(buf)
		if err != nil {
			s.unplug()
			return
		}
		for _, c := range buf[:n] {
			if inPDU {
				switch c {
				case 0x1a:
					hexPDU := strings.TrimSpace(string(line))
					line = line[:0]
					inPDU = false
					m.fw.Lock()
					if m.echoOn() {
						s.write(hexPDU + "\x1a")
					}
					m.submit(s, hexPDU, cmgsLen, cmgsFault)
					m.fw.Unlock()
				case 0x1b:
					line = line[:0]
					inPDU = false
				default:
					line = append(line, c)
				}
				continue
			}
			switch c {
			case '\r':
				cmd := strings.TrimSpace(string(line))
				line = line[:0]
				if cmd == "" || m.swallow() {
					continue
				}
				m.fw.Lock()
				if m.echoOn() {
					s.write(cmd + "\r")
				}
				if !hasPrefixFold(cmd, "AT") {
					m.fw.Unlock()
					continue // line noise; the firmware waits for "AT"
				}
				prompt, f, ln, ok := m.command(s, cmd)
				m.fw.Unlock()
				if !ok {
					return // unplugged
				}
				if prompt {
					inPDU, cmgsFault, cmgsLen = true, f, ln
				}
			case '\n':
			case 0x1b:
				line = line[:0]
			default:
				line = append(line, c)
			}
		}
	}
}

// swallow counts a command line and tells whether the stick loses it
// (WithSwallow): no echo, no answer, no effect.
func (m *Modem) swallow() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.swallowEvery <= 0 {
		return false
	}
	m.swallowSeen++
	if m.swallowSeen%m.swallowEvery != 0 {
		return false
	}
	m.swallowed++
	return true
}

func (m *Modem) echoOn() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.echo || m.echoStuck
}

// matchFault returns the fault for this occurrence of cmd. Called with mu held.
func (m *Modem) matchFault(cmd string) *Fault {
	var hit *Fault
	for _, f := range m.faults {
		if f.Until != "" && hasPrefixFold(cmd, f.Until) {
			f.ended = true
		}
		if f.ended || !hasPrefixFold(cmd, f.Command) {
			continue
		}
		f.seen++
		nth := max(f.Nth, 1)
		times := f.Times
		if times == 0 {
			times = 1
		}
		if f.seen >= nth && (times < 0 || f.seen < nth+times) && hit == nil {
			ff := f.Fault
			hit = &ff
		}
	}
	return hit
}

// command answers one command line. It returns prompt=true when AT+CMGS
// now waits for the PDU, and ok=false when the dongle was unplugged.
func (m *Modem) command(s *session, cmd string) (prompt bool, f *Fault, length int, ok bool) {
	m.mu.Lock()
	now := time.Now()
	if m.first.IsZero() {
		m.first = now
	}
	m.last = now
	m.commands = append(m.commands, cmd)
	m.sinceUnplugArm++
	unplug := m.unplugAfter > 0 && m.sinceUnplugArm > m.unplugAfter
	if unplug {
		m.unplugAfter = 0 // once: a replugged dongle works
	}
	f = m.matchFault(cmd)
	m.mu.Unlock()
	if unplug || (f != nil && f.Unplug) {
		s.unplug()
		return false, nil, 0, false
	}
	if !m.sleep(s, m.replyDelay) {
		return false, nil, 0, false
	}
	if f != nil && !m.sleep(s, f.Delay) {
		return false, nil, 0, false
	}
	if hasPrefixFold(cmd, "AT+CMGS=") {
		return m.cmgs(s, cmd, f)
	}
	if f != nil && f.Silent {
		return false, nil, 0, true
	}
	if f != nil && f.Reply != "" {
		m.respond(s, nil, f.Reply)
		return false, nil, 0, true
	}
	info, final := m.answer(s, cmd)
	m.respond(s, info, final)
	if hasPrefixFold(cmd, "AT+CMGD=") && final == "OK" {
		m.deliverQueued(s)
	}
	return false, nil, 0, true
}

// respond writes info lines and the final result line by line, Huawei
// style, with ^RSSI between the lines when Noise.InResponses is on.
func (m *Modem) respond(s *session, info []string, final string) {
	m.mu.Lock()
	noisy := m.noise.InResponses
	rssi := m.rssi
	m.mu.Unlock()
	noise := fmt.Sprintf("\r\n^RSSI:%d\r\n", rssi)
	for i, l := range info {
		if i == 0 {
			s.write("\r\n" + l + "\r\n")
		} else {
			s.write(l + "\r\n")
		}
		if noisy {
			s.write(noise)
		}
	}
	if final != "" {
		s.write("\r\n" + final + "\r\n")
	}
}

func (m *Modem) cmeError(code int) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmee {
		return "+CME ERROR: " + strconv.Itoa(code)
	}
	return "ERROR"
}

// simError is the error a SIM-dependent command gets, "" when the SIM is
// usable. sms selects the +CMS codes.
func (m *Modem) simError(sms bool) string {
	m.mu.Lock()
	noSIM, locked := m.noSIM, !m.pinOK
	m.mu.Unlock()
	switch {
	case noSIM && sms:
		return "+CMS ERROR: 310"
	case noSIM:
		return m.cmeError(10)
	case locked && sms:
		return "+CMS ERROR: 311"
	case locked:
		return m.cmeError(11)
	}
	return ""
}

// answer computes the normal answer to a command.
func (m *Modem) answer(s *session, cmd string) (info []string, final string) {
	u := strings.ToUpper(cmd)
	name, arg := u, ""
	if i := strings.IndexAny(u, "=?"); i >= 0 {
		name, arg = u[:i], u[i:]
	}
	switch {
	case u == "AT", u == "AT&F", u == "ATQ0", u == "ATV1":
		return nil, "OK"
	case u == "ATE0", u == "ATE1", u == "ATE":
		m.mu.Lock()
		m.echo = u == "ATE1"
		m.mu.Unlock()
		return nil, "OK"
	case u == "ATZ":
		m.mu.Lock()
		m.echo = true
		m.mu.Unlock()
		return nil, "OK"
	case u == "ATI":
		return []string{"Manufacturer: " + m.manufacturer, "Model: " + m.model, "Revision: " + m.revision, "IMEI: " + m.imei, "+GCAP: +CGSM,+DS,+ES"}, "OK"
	case name == "AT+CMEE":
		if arg == "?" {
			return []string{"+CMEE: " + boolNum(m.get(func() bool { return m.cmee }))}, "OK"
		}
		m.mu.Lock()
		m.cmee = arg == "=1" || arg == "=2"
		m.mu.Unlock()
		return nil, "OK"
	case name == "AT^CURC":
		if m.curcUnsupported {
			return nil, "COMMAND NOT SUPPORT"
		}
		m.mu.Lock()
		m.curc = arg != "=0"
		m.mu.Unlock()
		return nil, "OK"
	case name == "AT+CPIN":
		if arg == "?" {
			if m.noSIM {
				return nil, m.cmeError(10)
			}
			if !m.get(func() bool { return m.pinOK }) {
				return []string{"+CPIN: SIM PIN"}, "OK"
			}
			return []string{"+CPIN: READY"}, "OK"
		}
		if m.noSIM {
			return nil, m.cmeError(10)
		}
		if strings.Trim(strings.TrimPrefix(arg, "="), "\"") == m.pin {
			m.mu.Lock()
			m.pinOK = true
			m.mu.Unlock()
			return nil, "OK"
		}
		return nil, m.cmeError(16)
	case name == "AT+CREG":
		if arg == "?" {
			stat := 1
			if m.noSIM || !m.get(func() bool { return m.radioOn && m.pinOK }) {
				stat = 0
			}
			return []string{fmt.Sprintf("+CREG: 0,%d", stat)}, "OK"
		}
		return nil, "OK"
	case name == "AT+CMGF":
		if arg == "?" {
			return []string{"+CMGF: " + strconv.Itoa(m.getInt(func() int { return m.cmgf }))}, "OK"
		}
		v, err := strconv.Atoi(strings.TrimPrefix(arg, "="))
		if err != nil || v < 0 || v > 1 {
			return nil, m.cmeError(3)
		}
		m.mu.Lock()
		m.cmgf = v
		m.mu.Unlock()
		return nil, "OK"
	case name == "AT+CPMS":
		return m.cpms(arg)
	case len(name) > 3 && name[:3] == "ATS" && isDigits(name[3:]):
		return m.sRegister(name[3:], arg)
	case name == "AT+CNMI":
		if arg == "?" {
			c := m.cnmiGet()
			return []string{fmt.Sprintf("+CNMI: %d,%d,%d,%d,%d", c[0], c[1], c[2], c[3], c[4])}, "OK"
		}
		var c [5]int
		for i, v := range strings.Split(strings.TrimPrefix(arg, "="), ",") {
			if i >= 5 {
				return nil, "+CMS ERROR: 303"
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, "+CMS ERROR: 303"
			}
			c[i] = n
		}
		m.mu.Lock()
		m.cnmi = c
		m.mu.Unlock()
		return nil, "OK"
	case u == "AT+CIMI":
		if e := m.simError(false); e != "" {
			return nil, e
		}
		return []string{m.sim.IMSI}, "OK"
	case u == "AT+CGSN", u == "AT+GSN":
		return []string{m.imei}, "OK"
	case u == "AT+CGMI", u == "AT+GMI":
		return []string{m.manufacturer}, "OK"
	case u == "AT+CGMM", u == "AT+GMM":
		return []string{m.model}, "OK"
	case u == "AT+CGMR", u == "AT+GMR":
		return []string{m.revision}, "OK"
	case u == "AT^ICCID?":
		if e := m.simError(false); e != "" {
			return nil, e
		}
		return []string{"^ICCID: " + swapNibbles(m.sim.ICCID)}, "OK"
	case name == "AT+CRSM":
		if e := m.simError(false); e != "" {
			return nil, e
		}
		if arg == "=176,12258,0,0,10" {
			return []string{"+CRSM: 144,0,\"" + swapNibbles(m.sim.ICCID) + "\""}, "OK"
		}
		return []string{"+CRSM: 106,130,\"\""}, "OK"
	case name == "AT+COPS":
		if arg == "?" {
			if m.noSIM || !m.get(func() bool { return m.radioOn && m.pinOK }) {
				return []string{"+COPS: 0"}, "OK"
			}
			return []string{"+COPS: 0,0,\"" + m.sim.Operator + "\",2"}, "OK"
		}
		return nil, "OK"
	case u == "AT+CSQ":
		if !m.get(func() bool { return m.radioOn }) {
			return []string{"+CSQ: 99,99"}, "OK"
		}
		return []string{fmt.Sprintf("+CSQ: %d,99", m.getInt(func() int { return m.rssi }))}, "OK"
	case u == "AT^SYSINFO":
		if m.noSIM || !m.get(func() bool { return m.radioOn }) {
			return []string{"^SYSINFO: 0,0,0,0,255,,0"}, "OK"
		}
		return []string{"^SYSINFO: 2,3,0,5,1,,4"}, "OK"
	case u == "AT+CNUM":
		if e := m.simError(false); e != "" {
			return nil, e
		}
		if m.sim.Number == "" {
			return nil, "OK"
		}
		return []string{fmt.Sprintf("+CNUM: \"\",\"%s\",145", m.sim.Number)}, "OK"
	case u == "AT+CSCA?":
		if e := m.simError(true); e != "" {
			return nil, e
		}
		return []string{fmt.Sprintf("+CSCA: \"%s\",145", m.sim.SMSC)}, "OK"
	case u == "AT^GETPORTMODE":
		return []string{m.portMode}, "OK"
	case name == "AT+CFUN":
		if arg == "?" {
			return []string{"+CFUN: " + boolNum(m.get(func() bool { return m.radioOn }))}, "OK"
		}
		on := strings.HasPrefix(arg, "=1")
		m.mu.Lock()
		m.radioOn = on
		m.mu.Unlock()
		if on {
			defer s.write("\r\n^SRVST: 2\r\n")
		}
		return nil, "OK"
	case name == "AT+CMGL":
		return m.cmgl(arg)
	case name == "AT+CMGR":
		return m.cmgr(arg)
	case name == "AT+CMGD":
		return m.cmgd(arg)
	case strings.HasPrefix(u, "AT^"):
		return nil, "COMMAND NOT SUPPORT"
	}
	return nil, "ERROR"
}

func boolNum(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func (m *Modem) get(f func() bool) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return f()
}

func (m *Modem) getInt(f func() int) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return f()
}

func (m *Modem) cnmiGet() [5]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cnmi
}

// usageLocked counts what mem holds. Called with mu held.
func (m *Modem) usageLocked(mem string) (used, total int) {
	for _, s := range m.mems[mem] {
		if s != nil {
			used++
		}
	}
	return used, len(m.mems[mem])
}

// cpms answers AT+CPMS: the memories read/deleted (mem1, any of SM, ME,
// SR), written (mem2) and received into (mem3, SM or ME).
func (m *Modem) cpms(arg string) ([]string, string) {
	if e := m.simError(true); e != "" {
		return nil, e
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	switch arg {
	case "=?":
		return []string{`+CPMS: ("SM","ME","SR"),("SM","ME"),("SM","ME")`}, "OK"
	case "?":
		u1, t1 := m.usageLocked(m.mem1)
		u2, t2 := m.usageLocked(m.mem2)
		u3, t3 := m.usageLocked(m.mem3)
		return []string{fmt.Sprintf("+CPMS: \"%s\",%d,%d,\"%s\",%d,%d,\"%s\",%d,%d", m.mem1, u1, t1, m.mem2, u2, t2, m.mem3, u3, t3)}, "OK"
	}
	set := []*string{&m.mem1, &m.mem2, &m.mem3}
	mems := strings.Split(strings.TrimPrefix(arg, "="), ",")
	if len(mems) > 3 {
		return nil, "+CMS ERROR: 302"
	}
	var want [3]string
	for i, mem := range mems {
		mem = strings.Trim(mem, "\"")
		if _, ok := m.mems[mem]; !ok || (i > 0 && mem == "SR") {
			return nil, "+CMS ERROR: 302"
		}
		want[i] = mem
	}
	for i, mem := range want {
		if mem != "" {
			*set[i] = mem
		}
	}
	u1, t1 := m.usageLocked(m.mem1)
	u2, t2 := m.usageLocked(m.mem2)
	u3, t3 := m.usageLocked(m.mem3)
	return []string{fmt.Sprintf("+CPMS: %d,%d,%d,%d,%d,%d", u1, t1, u2, t2, u3, t3)}, "OK"
}

// sRegister answers ATS<n>=<v> and ATS<n>? (V.25ter S-parameters).
func (m *Modem) sRegister(num, arg string) ([]string, string) {
	n, _ := strconv.Atoi(num)
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.sreg[n]
	if !ok {
		return nil, "ERROR"
	}
	switch {
	case arg == "?":
		return []string{fmt.Sprintf("%03d", v)}, "OK"
	case strings.HasPrefix(arg, "="):
		nv, err := strconv.Atoi(arg[1:])
		if err != nil || nv < 0 || nv > 255 {
			return nil, "ERROR"
		}
		m.sreg[n] = nv
		return nil, "OK"
	}
	return nil, "ERROR"
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func (m *Modem) cmgl(arg string) ([]string, string) {
	if e := m.simError(true); e != "" {
		return nil, e
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmgf != 0 {
		return nil, "+CMS ERROR: 302" // text mode listing is not emulated
	}
	want, err := strconv.Atoi(strings.TrimPrefix(arg, "="))
	if err != nil || want < 0 || want > 4 {
		return nil, "+CMS ERROR: 303"
	}
	var info []string
	for _, s := range m.mems[m.mem1] {
		if s == nil || (want != 4 && s.Stat != want) {
			continue
		}
		info = append(info, fmt.Sprintf("+CMGL: %d,%d,,%d", s.Index, s.Stat, tpduLength(s.PDU)), s.PDU)
		if s.Stat == 0 {
			s.Stat = 1
		}
	}
	return info, "OK"
}

func (m *Modem) slot(arg string) (int, bool) {
	idx, err := strconv.Atoi(strings.TrimPrefix(arg, "="))
	if err != nil {
		return 0, false
	}
	i := idx - m.indexBase
	return i, i >= 0 && i < len(m.mems[m.mem1])
}

func (m *Modem) cmgr(arg string) ([]string, string) {
	if e := m.simError(true); e != "" {
		return nil, e
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	i, ok := m.slot(arg)
	slots := m.mems[m.mem1]
	if !ok || slots[i] == nil {
		return nil, "+CMS ERROR: 321"
	}
	s := slots[i]
	info := []string{fmt.Sprintf("+CMGR: %d,,%d", s.Stat, tpduLength(s.PDU)), s.PDU}
	if s.Stat == 0 {
		s.Stat = 1
	}
	return info, "OK"
}

func (m *Modem) cmgd(arg string) ([]string, string) {
	if e := m.simError(true); e != "" {
		return nil, e
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	parts := strings.Split(strings.TrimPrefix(arg, "="), ",")
	flag := 0
	if len(parts) == 2 {
		flag, _ = strconv.Atoi(parts[1])
	}
	slots := m.mems[m.mem1]
	if flag > 0 {
		for i, s := range slots {
			if s == nil {
				continue
			}
			if flag == 4 || (s.Stat == 1) || (flag >= 2 && s.Stat == 3) || (flag >= 3 && s.Stat == 2) {
				slots[i] = nil
			}
		}
		return nil, "OK"
	}
	i, ok := m.slot("=" + parts[0])
	if !ok {
		return nil, "+CMS ERROR: 321"
	}
	slots[i] = nil
	return nil, "OK"
}

// cmgs starts AT+CMGS: checks, then the prompt.
func (m *Modem) cmgs(s *session, cmd string, f *Fault) (bool, *Fault, int, bool) {
	if e := m.simError(true); e != "" {
		m.respond(s, nil, e)
		return false, nil, 0, true
	}
	if m.getInt(func() int { return m.cmgf }) != 0 {
		m.respond(s, nil, "+CMS ERROR: 302")
		return false, nil, 0, true
	}
	n, err := strconv.Atoi(cmd[len("AT+CMGS="):])
	if err != nil || n < 7 || n > 164 {
		m.respond(s, nil, "+CMS ERROR: 304")
		return false, nil, 0, true
	}
	if f != nil && f.NoPrompt {
		// The firmware swallows the PDU and says nothing.
		return true, f, n, true
	}
	if m.splitPrompt {
		s.write("\r\n>")
		if !m.sleep(s, 20*time.Millisecond) {
			return false, nil, 0, false
		}
		s.write(" ")
	} else {
		s.write("\r\n> ")
	}
	m.mu.Lock()
	a := m.promptArrival
	m.promptArrival = nil
	m.mu.Unlock()
	if a != nil {
		if err := m.Receive(a.from, a.text); err != nil {
			s.write("\r\n+CMS ERROR: 500\r\n")
		}
	}
	return true, f, n, true
}

// submit handles the PDU after the prompt.
func (m *Modem) submit(s *session, hexPDU string, length int, f *Fault) {
	if f != nil && f.NoPrompt {
		return
	}
	msg, err := pdu.Decode(hexPDU)
	if err != nil || msg.Type != pdu.Submit || tpduLength(hexPDU) != length {
		m.respond(s, nil, "+CMS ERROR: 304")
		return
	}
	if !m.get(func() bool { return m.radioOn }) {
		m.respond(s, nil, "+CMS ERROR: 331")
		return
	}
	if !m.sleep(s, m.sendDelay) {
		return
	}
	wentOut := f == nil || f.WentOut || (f.Reply == "" && !f.Silent)
	answered := f == nil || (!f.Silent && f.Reply == "")
	var mr int
	if wentOut {
		m.mu.Lock()
		mr = m.mr
		m.mr = (m.mr + 1) & 0xff
		m.sent = append(m.sent, Sent{PDU: hexPDU, Msg: msg, MR: mr, Time: time.Now(), Answered: answered})
		ds := m.cnmi[3]
		m.mu.Unlock()
		if msg.StatusReportRequested && ds != 0 {
			m.wg.Add(1)
			go m.report(s, mr, msg.To, ds)
		}
	}
	switch {
	case f != nil && f.Silent:
		return
	case f != nil && f.Reply != "":
		m.respond(s, nil, f.Reply)
	default:
		m.respond(s, []string{"+CMGS: " + strconv.Itoa(mr)}, "OK")
	}
}

// report produces the delivery report of a sent text: +CDS directly
// (AT+CNMI ds=1) or stored with +CDSI (ds=2).
func (m *Modem) report(s *session, mr int, to string, ds int) {
	defer m.wg.Done()
	if !m.sleep(s, m.reportDelay) {
		return
	}
	now := time.Now()
	m.mu.Lock()
	status, smsc := m.reportStatus, m.sim.SMSC
	m.mu.Unlock()
	rep, err := pdu.EncodeStatusReport(smsc, mr, to, now, now, status)
	if err != nil {
		return
	}
	if ds == 1 {
		s.write(fmt.Sprintf("\r\n+CDS: %d\r\n%s\r\n", tpduLength(rep), rep))
		return
	}
	m.mu.Lock()
	mem := m.reportMem
	if mem == "" {
		mem = m.mem3
	}
	idx, ok := m.storeLocked(mem, rep, 0)
	m.mu.Unlock()
	if ok {
		s.write(fmt.Sprintf("\r\n+CDSI: \"%s\",%d\r\n", mem, idx))
	} else {
		s.write(fmt.Sprintf("\r\n^SMMEMFULL: \"%s\"\r\n", mem))
	}
}

// chatter emits the periodic Huawei reports.
func (m *Modem) chatter() {
	defer m.wg.Done()
	var tickers []*time.Ticker
	defer func() {
		for _, t := range tickers {
			t.Stop()
		}
	}()
	tick := func(d time.Duration) <-chan time.Time {
		if d <= 0 {
			return nil
		}
		t := time.NewTicker(d)
		tickers = append(tickers, t)
		return t.C
	}
	rssi, boot, flow := tick(m.noise.RSSI), tick(m.noise.Boot), tick(m.noise.Flow)
	n := 0
	for {
		var line string
		select {
		case <-m.stop:
			return
		case <-rssi:
			line = fmt.Sprintf("\r\n^RSSI:%d\r\n", m.getInt(func() int { return m.rssi }))
		case <-boot:
			n++
			line = fmt.Sprintf("\r\n^BOOT:%d,0,0,0,72\r\n", 20000000+n)
		case <-flow:
			line = "\r\n^DSFLOWRPT:0000240E,00000000,00000000,00000000000AD023,00000000002FA192,0003E800,0003E800\r\n"
		}
		m.mu.Lock()
		on := m.curc || m.curcUnsupported
		s := m.sess
		m.mu.Unlock()
		if on && s != nil {
			s.write(line)
		}
	}
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
