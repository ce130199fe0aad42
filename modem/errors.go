package modem

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors. Callers test them with errors.Is; the engine wraps them
// with the operation and port.
var (
	// ErrClosed means the link to the dongle is gone: closed by us, or the
	// dongle was unplugged (the port read failed).
	ErrClosed = errors.New("modem link closed")
	// ErrTimeout means the dongle did not give a final result in time.
	ErrTimeout = errors.New("no answer from the modem in time")
	// ErrNoSIM means the dongle has no usable SIM card.
	ErrNoSIM = errors.New("no SIM card in the dongle (or the SIM failed)")
	// ErrPINRequired means the SIM is locked with a PIN (or PUK).
	ErrPINRequired = errors.New("the SIM card asks for a PIN; unlock it in a phone or disable the PIN")
	// ErrPortBusy means another process holds the serial port.
	ErrPortBusy = errors.New("port busy: another process holds it")
	// ErrNoPrompt means AT+CMGS did not give the "> " prompt in time; the
	// text was not handed to the modem, so it is safe to try again.
	ErrNoPrompt = errors.New("no \"> \" prompt for the PDU")
	// ErrUnknownOutcome means the PDU went to the modem but its fate is
	// unknown (+CMS ERROR: 500, or no final result). Never resend on your own.
	ErrUnknownOutcome = errors.New("outcome unknown: the text may have gone out")
	// ErrCommandFailed is matched by every plain failure result: ERROR,
	// COMMAND NOT SUPPORT, TOO MANY PARAMETERS, and the call-progress results.
	ErrCommandFailed = errors.New("command failed")
	// ErrParked means the dongle is parked after repeated send failures.
	ErrParked = errors.New("dongle parked after repeated send failures")
	// ErrNotModem means the port did not answer AT commands.
	ErrNotModem = errors.New("no AT modem answers on this port")
)

// Class groups modem errors by what the caller should do about them
// (docs/ARCHITECTURE.md, "Outbox states").
type Class int

// The error classes.
const (
	// ClassNone is the class of a nil error.
	ClassNone Class = iota
	// ClassTransient: back off, re-initialise, at most 3 tries, then another SIM.
	ClassTransient
	// ClassSIM: our SIM or plan is at fault; pause the SIM, tell the operator.
	ClassSIM
	// ClassRecipient: the recipient or the content is at fault; fail the text.
	ClassRecipient
	// ClassStorage: the SIM storage is full or broken; read in, then retry.
	ClassStorage
	// ClassUnknown: the text may have gone out; never resend automatically.
	ClassUnknown
)

// String names the class as the logs and the JSON output show it.
func (c Class) String() string {
	switch c {
	case ClassNone:
		return "none"
	case ClassTransient:
		return "transient"
	case ClassSIM:
		return "sim"
	case ClassRecipient:
		return "recipient"
	case ClassStorage:
		return "storage"
	case ClassUnknown:
		return "unknown"
	}
	return "class(" + strconv.Itoa(int(c)) + ")"
}

// CMSError is a "+CMS ERROR: <code>" final result (3GPP TS 27.005 3.2.5,
// with the TS 24.011 cause values and TS 23.040 TP-FCS values).
type CMSError struct {
	Code int
	// Text is the modem's own text when it answered in verbose form.
	Text string
}

func (e *CMSError) Error() string {
	return fmt.Sprintf("+CMS ERROR: %d (%s)", e.Code, cmsReason(e.Code, e.Text))
}

// Reason is the readable meaning of the code.
func (e *CMSError) Reason() string { return cmsReason(e.Code, e.Text) }

// Class tells what to do about the error.
func (e *CMSError) Class() Class { return cmsClass(e.Code) }

// Is makes errors.Is(err, ErrUnknownOutcome) true for code 500, and
// ErrNoSIM / ErrPINRequired for the SIM codes.
func (e *CMSError) Is(target error) bool {
	switch target {
	case ErrUnknownOutcome:
		return e.Code == 500
	case ErrNoSIM:
		return e.Code == 310 || e.Code == 313 || e.Code == 315
	case ErrPINRequired:
		return e.Code == 311 || e.Code == 312 || e.Code == 316 || e.Code == 317 || e.Code == 318
	}
	return false
}

// CMEError is a "+CME ERROR: <code>" final result (3GPP TS 27.007 9.2).
type CMEError struct {
	Code int
	// Text is the modem's own text when it answered in verbose form
	// (AT+CMEE=2) and the text did not map to a code.
	Text string
}

func (e *CMEError) Error() string {
	return fmt.Sprintf("+CME ERROR: %d (%s)", e.Code, cmeReason(e.Code, e.Text))
}

// Reason is the readable meaning of the code.
func (e *CMEError) Reason() string { return cmeReason(e.Code, e.Text) }

// Class tells what to do about the error.
func (e *CMEError) Class() Class {
	switch {
	case e.Code >= 5 && e.Code <= 18, e.Code == 40, e.Code == 41:
		return ClassSIM
	case e.Code == 20, e.Code == 21, e.Code == 23:
		return ClassStorage
	case e.Code == 24, e.Code == 25, e.Code == 26, e.Code == 27:
		return ClassRecipient
	}
	return ClassTransient
}

// Is makes errors.Is(err, ErrNoSIM) and errors.Is(err, ErrPINRequired) work
// on the SIM codes.
func (e *CMEError) Is(target error) bool {
	switch target {
	case ErrNoSIM:
		return e.Code == 10 || e.Code == 13 || e.Code == 15
	case ErrPINRequired:
		return e.Code == 5 || e.Code == 11 || e.Code == 12 || e.Code == 16 || e.Code == 17 || e.Code == 18
	}
	return false
}

// ResultError is a plain failure final result such as ERROR, COMMAND NOT
// SUPPORT or NO CARRIER. It matches ErrCommandFailed.
type ResultError struct {
	Result string
}

func (e *ResultError) Error() string { return e.Result }

// Is matches ErrCommandFailed.
func (e *ResultError) Is(target error) bool { return target == ErrCommandFailed }

// ClassOf tells what class an error from this package belongs to. Errors that
// are not the modem's own (context cancellation, say) are transient.
func ClassOf(err error) Class {
	if err == nil {
		return ClassNone
	}
	if errors.Is(err, ErrUnknownOutcome) {
		return ClassUnknown
	}
	if errors.Is(err, ErrInvalidText) {
		return ClassRecipient
	}
	var cms *CMSError
	if errors.As(err, &cms) {
		return cms.Class()
	}
	var cme *CMEError
	if errors.As(err, &cme) {
		return cme.Class()
	}
	var st *StorageFullError
	if errors.As(err, &st) {
		return ClassStorage
	}
	if errors.Is(err, ErrNoSIM) || errors.Is(err, ErrPINRequired) {
		return ClassSIM
	}
	return ClassTransient
}

// StorageFullError reports a ^SMMEMFULL indication: the SIM (or phone)
// storage is full and the network cannot deliver more texts to it.
type StorageFullError struct {
	Mem string
}

func (e *StorageFullError) Error() string {
	return fmt.Sprintf("message storage %s is full (^SMMEMFULL): read in and delete texts", e.Mem)
}

// cmsClass is the error-class table of docs/ARCHITECTURE.md. Codes it does not list fail
// the text without retry (ClassRecipient), except the ME/SC failures that
// are worth a retry after a re-initialisation.
func cmsClass(code int) Class {
	switch code {
	case 38, 41, 42, 47, 111, 127, 331, 332, 512, 513, 514, 515:
		return ClassTransient
	case 8, 10, 21, 28, 30, 50, 330:
		return ClassSIM
	case 1, 27, 96, 304, 305:
		return ClassRecipient
	case 321, 322, 320, 0xD0, 0xD3:
		return ClassStorage
	case 500:
		return ClassUnknown
	case 0xC0, 0xC2, 300, 301, 302, 314:
		// SC busy, SC system failure, ME failure, SMS service reserved,
		// operation not allowed (not ready yet), SIM busy.
		return ClassTransient
	case 0xC1:
		return ClassSIM // no SC subscription
	}
	switch {
	case code >= 310 && code <= 318:
		return ClassSIM
	case code > 515:
		return ClassTransient // manufacturer-specific
	}
	return ClassRecipient
}

var cmsReasons = map[int]string{
	1:    "unassigned (unallocated) number",
	8:    "operator determined barring",
	10:   "call barred",
	21:   "short message transfer rejected (check the SMSC number with AT+CSCA?)",
	27:   "destination out of service",
	28:   "unidentified subscriber",
	29:   "facility rejected",
	30:   "unknown subscriber",
	38:   "network out of order",
	41:   "temporary failure",
	42:   "congestion",
	47:   "resources unavailable",
	50:   "requested facility not subscribed",
	69:   "requested facility not implemented",
	81:   "invalid short message transfer reference value",
	95:   "invalid message",
	96:   "invalid mandatory information",
	97:   "message type non-existent or not implemented",
	98:   "message not compatible with short message protocol state",
	99:   "information element non-existent or not implemented",
	111:  "protocol error",
	127:  "interworking error",
	0x80: "telematic interworking not supported",
	0x81: "short message type 0 not supported",
	0x82: "cannot replace short message",
	0x8F: "unspecified TP-PID error",
	0x90: "data coding scheme (alphabet) not supported",
	0x91: "message class not supported",
	0x9F: "unspecified TP-DCS error",
	0xA0: "command cannot be actioned",
	0xA1: "command unsupported",
	0xAF: "unspecified TP-Command error",
	0xB0: "TPDU not supported",
	0xC0: "service centre busy",
	0xC1: "no service centre subscription",
	0xC2: "service centre system failure",
	0xC3: "invalid SME address",
	0xC4: "destination SME barred",
	0xC5: "short message rejected: duplicate",
	0xC6: "TP-VPF not supported",
	0xC7: "TP-VP not supported",
	0xD0: "SIM SMS storage full",
	0xD1: "no SMS storage capability in SIM",
	0xD2: "error in MS",
	0xD3: "memory capacity exceeded",
	0xD4: "SIM application toolkit busy",
	0xD5: "SIM data download error",
	0xFF: "unspecified error cause",
	300:  "ME failure",
	301:  "SMS service of ME reserved",
	302:  "operation not allowed",
	303:  "operation not supported",
	304:  "invalid PDU mode parameter",
	305:  "invalid text mode parameter",
	310:  "SIM not inserted",
	311:  "SIM PIN required",
	312:  "PH-SIM PIN required",
	313:  "SIM failure",
	314:  "SIM busy",
	315:  "SIM wrong",
	316:  "SIM PUK required",
	317:  "SIM PIN2 required",
	318:  "SIM PUK2 required",
	320:  "memory failure",
	321:  "invalid memory index",
	322:  "memory full",
	330:  "SMSC address unknown",
	331:  "no network service",
	332:  "network timeout",
	340:  "no +CNMA acknowledgement expected",
	500:  "unknown error",
	512:  "manufacturer-specific: network failure",
	513:  "manufacturer-specific: lower layer failure",
	514:  "manufacturer-specific: network failure",
	515:  "manufacturer-specific: please wait, initialising or busy",
}

func cmsReason(code int, text string) string {
	if r, ok := cmsReasons[code]; ok {
		return r
	}
	if text != "" {
		return text
	}
	if code > 515 {
		return "manufacturer-specific error"
	}
	return "unknown code"
}

var cmeReasons = map[int]string{
	0:   "phone failure",
	1:   "no connection to phone",
	2:   "phone adaptor link reserved",
	3:   "operation not allowed",
	4:   "operation not supported",
	5:   "PH-SIM PIN required",
	6:   "PH-FSIM PIN required",
	7:   "PH-FSIM PUK required",
	10:  "SIM not inserted",
	11:  "SIM PIN required",
	12:  "SIM PUK required",
	13:  "SIM failure",
	14:  "SIM busy",
	15:  "SIM wrong",
	16:  "incorrect password",
	17:  "SIM PIN2 required",
	18:  "SIM PUK2 required",
	20:  "memory full",
	21:  "invalid index",
	22:  "not found",
	23:  "memory failure",
	24:  "text string too long",
	25:  "invalid characters in text string",
	26:  "dial string too long",
	27:  "invalid characters in dial string",
	30:  "no network service",
	31:  "network timeout",
	32:  "network not allowed, emergency calls only",
	40:  "network personalisation PIN required",
	41:  "network personalisation PUK required",
	100: "unknown error",
	103: "illegal MS",
	106: "illegal ME",
	107: "GPRS services not allowed",
	111: "PLMN not allowed",
	112: "location area not allowed",
	113: "roaming not allowed in this location area",
	148: "unspecified GPRS error",
	260: "invalid character in dial string", // some Huawei firmwares
}

// cmeTexts maps the verbose (AT+CMEE=2) texts back to codes.
var cmeTexts = func() map[string]int {
	m := make(map[string]int, len(cmeReasons))
	for code, text := range cmeReasons {
		m[strings.ToLower(text)] = code
	}
	return m
}()

func cmeReason(code int, text string) string {
	if r, ok := cmeReasons[code]; ok {
		return r
	}
	if text != "" {
		return text
	}
	return "unknown code"
}
