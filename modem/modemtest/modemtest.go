// Package modemtest is a Huawei USB dongle emulator on a real
// pseudo-terminal, for tests and the demo: `serial.Open(m.Path())` talks to
// it exactly as to /dev/ttyUSB2. It answers the AT commands Texting Centre
// uses with Huawei's framing, echoes when echo is on, stores texts on a SIM
// of limited size, sends with the "> " prompt and a delay, produces delivery
// reports, emits unsolicited noise, and has switches for the faults seen in
// the field.
package modemtest

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/texting-centre/texting/modem/pdu"
)

// SIM is the card in the emulated dongle.
type SIM struct {
	IMSI     string
	ICCID    string
	Operator string
	// Number is what AT+CNUM answers; "" answers nothing (most SIMs).
	Number string
	// SMSC is the service centre the SIM holds.
	SMSC string
}

// Noise is the unsolicited chatter of a Huawei dongle.
type Noise struct {
	// RSSI, Boot and Flow are the periods of ^RSSI, ^BOOT and ^DSFLOWRPT
	// reports (0: none). AT^CURC=0 silences them unless the firmware
	// refuses it (WithCURCUnsupported).
	RSSI, Boot, Flow time.Duration
	// InResponses puts a ^RSSI line between the lines of every answer
	// (even between +CMGS: and OK), whatever AT^CURC says.
	InResponses bool
}

// Fault changes the answer to matching commands.
type Fault struct {
	// Command is matched as a case-insensitive prefix of the command line,
	// e.g. "AT+CMGS", "AT^CURC", "AT" (every command).
	Command string
	// Nth is the first matching occurrence it applies to, counted from when
	// the fault was added (1-based; 0 means 1).
	Nth int
	// Times is how many occurrences from Nth on it applies to (0 means 1,
	// -1 means all).
	Times int
	// Reply is the final result to give instead of the normal answer, e.g.
	// "+CMS ERROR: 42" or "COMMAND NOT SUPPORT". For AT+CMGS it comes after
	// the PDU.
	Reply string
	// Silent: no answer at all (a hung dongle; for AT+CMGS, silence after
	// the Ctrl-Z).
	Silent bool
	// NoPrompt: AT+CMGS gives no prompt (the PDU is never asked for).
	NoPrompt bool
	// WentOut: for AT+CMGS with Reply or Silent, the text still reached
	// the network (it is recorded in Sent), as in the field with CMS 500.
	WentOut bool
	// Delay is added before the answer.
	Delay time.Duration
	// Unplug: the dongle disappears instead of answering.
	Unplug bool
	// Until ends the fault for good when a command with this prefix
	// arrives (that command is answered normally): e.g. a firmware hung
	// until AT+CFUN revives it.
	Until string
}

// Sent is one text the emulated network accepted from AT+CMGS.
type Sent struct {
	PDU string
	Msg *pdu.Message
	// MR is the reference returned in +CMGS (when it was returned).
	MR   int
	Time time.Time
	// Answered is false when the fault hid the outcome from the client.
	Answered bool
}

// Stored is one item in the emulated SIM storage.
type Stored struct {
	Index int
	Stat  int
	PDU   string
}

// Option configures the emulator.
type Option func(*Modem)

// WithSIM sets the SIM card's identity.
func WithSIM(s SIM) Option {
	return func(m *Modem) {
		if s.IMSI != "" {
			m.sim.IMSI = s.IMSI
		}
		if s.ICCID != "" {
			m.sim.ICCID = s.ICCID
		}
		if s.Operator != "" {
			m.sim.Operator = s.Operator
		}
		if s.SMSC != "" {
			m.sim.SMSC = s.SMSC
		}
		m.sim.Number = s.Number
	}
}

// WithIMEI sets the dongle's IMEI.
func WithIMEI(imei string) Option { return func(m *Modem) { m.imei = imei } }

// WithModel sets the model AT+CGMM answers (default E173).
func WithModel(model string) Option { return func(m *Modem) { m.model = model } }

// WithSignal sets the RSSI (0–31, 99 unknown) AT+CSQ answers.
func WithSignal(rssi int) Option { return func(m *Modem) { m.rssi = rssi } }

// WithCapacity sets how many messages the SIM holds (default 30).
func WithCapacity(n int) Option { return func(m *Modem) { m.capacity = n } }

// WithInbox preloads PDUs (hex, modem form) into the SIM storage as read
// messages, in order from the first index.
func WithInbox(pdus ...string) Option {
	return func(m *Modem) { m.preload = append(m.preload, pdus...) }
}

// WithSendDelay sets how long the network takes to accept a text after the
// Ctrl-Z (default 50 ms; real dongles take 1–4 s).
func WithSendDelay(d time.Duration) Option { return func(m *Modem) { m.sendDelay = d } }

// WithReplyDelay slows every answer down by d.
func WithReplyDelay(d time.Duration) Option { return func(m *Modem) { m.replyDelay = d } }

// WithNoSIM empties the SIM slot.
func WithNoSIM() Option { return func(m *Modem) { m.noSIM = true } }

// WithPIN locks the SIM with pin; AT+CPIN=<pin> unlocks it.
func WithPIN(pin string) Option { return func(m *Modem) { m.pin = pin } }

// WithNoise turns the unsolicited chatter on.
func WithNoise(n Noise) Option { return func(m *Modem) { m.noise = n } }

// WithEchoStuck keeps echo on whatever ATE0 says (a firmware bug; also what
// a client sees when another program left echo on and the ATE0 is lost).
func WithEchoStuck() Option { return func(m *Modem) { m.echoStuck = true } }

// WithIndexBase makes storage indexes start at base (0 on some firmwares).
func WithIndexBase(base int) Option { return func(m *Modem) { m.indexBase = base } }

// WithCURCUnsupported answers AT^CURC with COMMAND NOT SUPPORT, so the
// periodic reports keep coming.
func WithCURCUnsupported() Option { return func(m *Modem) { m.curcUnsupported = true } }

// WithSplitPrompt sends the "> " prompt as ">" and " " in two writes.
func WithSplitPrompt() Option { return func(m *Modem) { m.splitPrompt = true } }

// WithArrivalDuringPrompt stores a text from from and emits its +CMTI right
// after the first AT+CMGS prompt, before the PDU comes.
func WithArrivalDuringPrompt(from, text string) Option {
	return func(m *Modem) { m.promptArrival = &arrival{from: from, text: text} }
}

// WithFaults adds faults from the start.
func WithFaults(fs ...Fault) Option {
	return func(m *Modem) {
		for _, f := range fs {
			m.faults = append(m.faults, &faultState{Fault: f})
		}
	}
}

// WithStatusReports sets the TP-ST of the delivery reports (default 0,
// delivered) and how long after the send they come (default 20 ms).
func WithStatusReports(status int, delay time.Duration) Option {
	return func(m *Modem) { m.reportStatus, m.reportDelay = status, delay }
}

// WithStored preloads PDUs into the memory mem: "SM" (the SIM, as
// WithInbox), "ME" (the stick's own memory, where some sticks file texts)
// or "SR" (the status-report memory).
func WithStored(mem string, pdus ...string) Option {
	return func(m *Modem) {
		if mem != "SM" && mem != "ME" && mem != "SR" {
			m.optErr = errors.Join(m.optErr, fmt.Errorf("modemtest: no memory %q", mem))
			return
		}
		if m.preloadMem == nil {
			m.preloadMem = map[string][]string{}
		}
		m.preloadMem[mem] = append(m.preloadMem[mem], pdus...)
	}
}

// WithReportStorage files delivery reports (AT+CNMI ds=2) in mem, e.g. "SR"
// as some sticks do, announced with +CDSI: "SR",<index>; by default they go
// where texts are received.
func WithReportStorage(mem string) Option { return func(m *Modem) { m.reportMem = mem } }

// WithSwallow makes the stick lose every nth command line (no echo, no
// answer, no effect), as a flaky stick does now and then.
func WithSwallow(n int) Option { return func(m *Modem) { m.swallowEvery = n } }

// LoadInbox reads PDUs from a file: hex, one per line; blank lines and lines
// starting with # are skipped.
func LoadInbox(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load inbox: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if !isHex(l) {
			return nil, fmt.Errorf("load inbox %s:%d: not a hex PDU", path, n)
		}
		out = append(out, strings.ToUpper(l))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("load inbox %s: %w", path, err)
	}
	return out, nil
}

func isHex(s string) bool {
	if len(s)%2 != 0 || s == "" {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

// tpduLength is the AT+CMGL/AT+CMGR length: the PDU's octets without the
// SMSC part.
func tpduLength(hexPDU string) int {
	if len(hexPDU) < 2 {
		return 0
	}
	var smsc int
	fmt.Sscanf(hexPDU[:2], "%02X", &smsc)
	return len(hexPDU)/2 - 1 - smsc
}

// swapNibbles gives the ICCID as SIM files store it (nibble-swapped, F-padded).
func swapNibbles(s string) string {
	if len(s)%2 == 1 {
		s += "F"
	}
	b := []byte(s)
	for i := 0; i+1 < len(b); i += 2 {
		b[i], b[i+1] = b[i+1], b[i]
	}
	return string(b)
}
