package modem

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// HuaweiVendorID is Huawei's USB vendor ID.
const HuaweiVendorID = "12d1"

// Candidate is a port found by discovery or probing, or a Huawei stick that
// has no AT port (CD-ROM or HiLink mode).
type Candidate struct {
	// Port is the AT port; "" for a stick without one.
	Port string `json:"port"`
	// USB is "vid:pid" when known.
	USB string `json:"usb,omitempty"`
	// Product is the USB product name when known.
	Product string `json:"product,omitempty"`
	IMEI    string `json:"imei,omitempty"`
	IMSI    string `json:"imsi,omitempty"`
	Model   string `json:"model,omitempty"`
	// SignalDBM and Bars are the signal at probing time (0 when unknown).
	SignalDBM int `json:"signal_dbm"`
	Bars      int `json:"bars"`
	// OtherPorts are further ports of the same dongle that also answer AT
	// (the data "Modem" port); Port is the PCUI port.
	OtherPorts []string `json:"other_ports,omitempty"`
	// Usable is true when Port answers AT and its SIM is ready.
	Usable bool `json:"usable"`
	// Note says why a candidate is not usable, in words for the operator:
	// port busy, no SIM, PIN, not a modem, CD-ROM or HiLink mode.
	Note string `json:"note,omitempty"`
	// Err is the probing error behind Note.
	Err error `json:"-"`
}

// usbStick is a Huawei USB device seen on the bus (Linux sysfs).
type usbStick struct {
	VID, PID string
	Product  string
	HasTTY   bool
	Mode     string // "cdrom", "hilink", "" when it exposes serial ports
}

// cdromPIDs are Huawei product IDs of sticks in their initial mass-storage
// (virtual CD-ROM) mode; hilinkPIDs are network-card (HiLink) firmwares.
var (
	cdromPIDs = map[string]bool{
		"1446": true, "1449": true, "14ad": true, "14b5": true, "14b7": true, "14ba": true,
		"14c1": true, "14c3": true, "14c4": true, "14c5": true, "14d1": true, "14fe": true,
		"1505": true, "151a": true, "151d": true, "1520": true, "1521": true, "1523": true,
		"1526": true, "1553": true, "1557": true, "155b": true, "1c0b": true, "1c1b": true,
		"1c24": true, "1da1": true, "1f01": true, "1f02": true, "1f03": true, "1f11": true,
		"1f15": true, "1f16": true, "1f17": true, "1f18": true, "1f19": true, "1f1b": true,
		"1f1c": true, "1f1d": true,
	}
	hilinkPIDs = map[string]bool{"14db": true, "14dc": true, "1f1e": true, "155e": true}
)

// explain says what to do about a stick without an AT port.
func (s usbStick) explain() string {
	id := s.VID + ":" + s.PID
	switch s.Mode {
	case "cdrom":
		return fmt.Sprintf("Huawei stick %s is in CD-ROM (mass storage) mode and has no AT port yet: install usb-modeswitch and usb-modeswitch-data, or run `usb_modeswitch -v %s -p %s -J`", id, s.VID, s.PID)
	case "hilink":
		return fmt.Sprintf("Huawei stick %s runs HiLink (network card) firmware and has no AT port: switch it to modem mode (`usb_modeswitch -v %s -p %s -X`, or AT^SETPORT from its web page), or flash a \"stick\" firmware", id, s.VID, s.PID)
	}
	return ""
}

// modeswitchHint explains the sticks that are plugged in without an AT port,
// "" when there are none.
func modeswitchHint() string {
	var notes []string
	for _, s := range scanUSB(sysUSBRoot) {
		if n := s.explain(); n != "" {
			notes = append(notes, n)
		}
	}
	return strings.Join(notes, "; ")
}

// Discover lists the serial ports of Huawei USB devices (vendor 12d1; on
// macOS also the cu.HUAWEIMobile-* names), probes them for AT, groups the
// ports of one dongle by IMEI and returns one candidate per dongle (its
// PCUI port), plus a candidate with a Note for each stick in CD-ROM or
// HiLink mode. With no dongle at all the error says what was seen.
func Discover(ctx context.Context, opts ...Option) ([]Candidate, error) {
	ports, err := listPorts()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, p := range ports {
		if strings.HasPrefix(p.Name, "/dev/tty.") {
			continue // macOS call-in twin of a /dev/cu.* port: same device, waits for carrier
		}
		if strings.EqualFold(p.VID, HuaweiVendorID) || strings.Contains(strings.ToLower(p.Name), "huaweimobile") {
			names = append(names, p.Name)
		}
	}
	found := Probe(ctx, names, opts...)
	out := groupByIMEI(found)
	for _, s := range scanUSB(sysUSBRoot) {
		if n := s.explain(); n != "" {
			out = append(out, Candidate{USB: s.VID + ":" + s.PID, Product: s.Product, Note: n})
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no Huawei dongle found (no USB serial port of vendor 12d1); give the port with --port")
	}
	return out, nil
}

// AnswerBudget is how long probing waits for a port to answer AT at all
// (two tries) before listing it as not answering.
const AnswerBudget = 4 * time.Second

// Probe opens each port briefly (in parallel) and asks for IMEI, IMSI,
// model and signal. A port that does not answer, is busy or has no SIM
// gets a Note. Results come in the order of ports.
func Probe(ctx context.Context, ports []string, opts ...Option) []Candidate {
	out := make([]Candidate, len(ports))
	var wg sync.WaitGroup
	for i, p := range ports {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = probe(ctx, p, opts)
		}()
	}
	wg.Wait()
	return out
}

func probe(ctx context.Context, port string, opts []Option) Candidate {
	c := Candidate{Port: port}
	cfg := newConfig(opts)
	rw, err := openPort(port, cfg.baud)
	if err != nil {
		c.Err, c.Note = err, noteFor(err)
		return c
	}
	a := New(rw, append(opts, withPort(port))...)
	defer a.Close()
	probeT := min(cfg.timeouts.Command, 2*time.Second)
	// A port that never answers is known for one within AnswerBudget, not
	// after every command's own timeout.
	actx, cancel := context.WithTimeout(ctx, AnswerBudget)
	defer cancel()
	if err := a.Escape(actx); err != nil && ctx.Err() == nil && actx.Err() == nil {
		c.Err, c.Note = err, noteFor(err)
		return c
	}
	err = actx.Err()
	for try := 0; try < 2 && actx.Err() == nil; try++ {
		if _, err = a.CommandTimeout(actx, "AT", min(probeT, AnswerBudget/2)); err == nil || errors.Is(err, ErrCommandFailed) {
			err = nil
			break
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			c.Err, c.Note = ctx.Err(), ctx.Err().Error()
			return c
		}
		c.Err = fmt.Errorf("%w: %v", ErrNotModem, err)
		c.Note = fmt.Sprintf("not answering: no reply to AT within %s (not the AT port, or a hung dongle: replug it)", AnswerBudget)
		return c
	}
	// It answers: each question now gets probeT, and one that goes
	// unanswered ends the probe (the dongle stopped answering).
	ask := func(cmd string) ([]string, error) { return a.CommandTimeout(ctx, cmd, probeT) }
	stopped := func(err error) bool { return err != nil && !errors.Is(err, ErrCommandFailed) }
	for _, cmd := range []string{"ATE0", "AT+CMEE=1"} {
		if _, err := ask(cmd); stopped(err) {
			c.Err, c.Note = err, "stopped answering: "+noteFor(err)
			return c
		}
	}
	if l, err := ask("AT+CGSN"); err == nil {
		c.IMEI = firstPlain(l)
	}
	if l, err := ask("AT+CGMM"); err == nil {
		c.Model = firstPlain(l)
	}
	if l, err := ask("AT^GETPORTMODE"); err == nil {
		c.Product = strings.Join(l, " ")
	}
	if l, err := ask("AT+CSQ"); err == nil {
		if s, ok := findPrefixed(l, "+CSQ:"); ok {
			_, c.SignalDBM, c.Bars = parseCSQ(s)
		}
	}
	l, err := ask("AT+CPIN?")
	switch {
	case err != nil:
		c.Err, c.Note = err, noteFor(err)
		return c
	case !strings.Contains(strings.Join(l, " "), "READY"):
		c.Err = fmt.Errorf("%w (%s)", ErrPINRequired, strings.Join(l, " "))
		c.Note = noteFor(c.Err)
		return c
	}
	if l, err := ask("AT+CIMI"); err == nil {
		c.IMSI = firstPlain(l)
	}
	c.Usable = true
	return c
}

// noteFor words a probing error for the operator.
func noteFor(err error) string {
	switch {
	case errors.Is(err, ErrPortBusy):
		return "port busy: another process holds it"
	case errors.Is(err, ErrNoSIM):
		return "no SIM card"
	case errors.Is(err, ErrPINRequired):
		return "SIM asks for a PIN"
	case errors.Is(err, ErrNotModem):
		return "does not answer AT"
	}
	return err.Error()
}

var ttyNumber = regexp.MustCompile(`(\d+)$`)

// pcuiRank orders the ports of one dongle: a macOS "Pcui" name first, then
// the port whose USB interface AT^GETPORTMODE names PCUI, then the highest
// ttyUSB number (the PCUI port comes after the data "Modem" port).
func pcuiRank(c Candidate) int {
	base := strings.ToLower(filepath.Base(c.Port))
	if strings.Contains(base, "pcui") {
		return 1 << 20
	}
	if strings.Contains(base, "modem") {
		return -1
	}
	if iface, ok := portInterface(c.Port); ok {
		if pcui, ok := getPortModePCUI(c.Product); ok && pcui == iface {
			return 1 << 19
		}
	}
	if m := ttyNumber.FindStringSubmatch(base); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

var portModePCUI = regexp.MustCompile(`(?i)PCUI:(\d+)`)

// getPortModePCUI reads the PCUI interface number from an AT^GETPORTMODE
// answer such as "^GETPORTMODE: TYPE: WCDMA: huawei,MDM:0,DIAG:1,PCUI:2".
func getPortModePCUI(s string) (int, bool) {
	m := portModePCUI.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

// groupByIMEI keeps one candidate per dongle: ports with the same IMEI are
// one dongle, represented by its PCUI port.
func groupByIMEI(cs []Candidate) []Candidate {
	var out []Candidate
	byIMEI := map[string][]Candidate{}
	var order []string
	for _, c := range cs {
		if c.IMEI == "" {
			if c.Usable || c.Err == nil || !errors.Is(c.Err, ErrNotModem) {
				out = append(out, c)
			}
			continue
		}
		if _, ok := byIMEI[c.IMEI]; !ok {
			order = append(order, c.IMEI)
		}
		byIMEI[c.IMEI] = append(byIMEI[c.IMEI], c)
	}
	for _, imei := range order {
		group := byIMEI[imei]
		sort.SliceStable(group, func(i, j int) bool { return pcuiRank(group[i]) > pcuiRank(group[j]) })
		best := group[0]
		for _, o := range group[1:] {
			best.OtherPorts = append(best.OtherPorts, o.Port)
		}
		out = append(out, best)
	}
	return out
}
