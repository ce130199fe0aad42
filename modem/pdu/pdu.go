// Package pdu is the SMS PDU codec (3GPP TS 23.040 and TS 23.038) that the
// modem package speaks to Huawei dongles in PDU mode (AT+CMGF=0). It is pure:
// no I/O, no clock, no package state that changes.
//
// It decodes SMS-DELIVER, SMS-SUBMIT and SMS-STATUS-REPORT in the form a
// modem gives them (hex, SMSC address first), and encodes SMS-SUBMIT (split
// into concatenated parts when long), plus SMS-DELIVER and
// SMS-STATUS-REPORT for the dongle emulator and tests.
//
// Conventions:
//   - Numbers: "+447700900123" is an international number (type of address
//     0x91); plain digits are encoded with type 0x81 (unknown type of number,
//     ISDN plan) and decoded as the digits given, whatever their type;
//     alphanumeric senders (type 0xD0) decode to their name. In a decoded
//     number the semi-octets 0xA-0xE appear as '*', '#', 'a', 'b', 'c'.
//   - Times keep the PDU's own UTC offset (time.FixedZone). Two-digit
//     years 90-99 are 1990-1999, 00-89 are 2000-2089.
//   - Text is UTF-8. GSM 7-bit text resolves escape pairs through the
//     extension table; UCS-2 text is read as UTF-16 so that emoji in
//     surrogate pairs survive. Text that cannot be decoded faithfully is an
//     error (ErrInvalid or ErrUnsupported), never replacement characters.
package pdu

import "time"

// Encoding is the alphabet of a message's user data (TP-DCS).
type Encoding string

// The three alphabets of TS 23.038.
const (
	GSM7  Encoding = "gsm7" // GSM 7-bit default alphabet with its extension table
	Data8 Encoding = "8bit" // 8-bit data
	UCS2  Encoding = "ucs2" // UCS-2, read and written as UTF-16 (surrogate pairs)
)

// Type is the kind of TPDU (TP-MTI, as stored or received by a modem).
type Type string

// The TPDU types this package decodes.
const (
	Deliver      Type = "deliver"       // SMS-DELIVER: a text received
	Submit       Type = "submit"        // SMS-SUBMIT: a text to send (or stored unsent)
	StatusReport Type = "status-report" // SMS-STATUS-REPORT: a delivery report
)

// Concat identifies one part of a concatenated text (user data header
// information element 0x00 with an 8-bit reference or 0x08 with a 16-bit one).
type Concat struct {
	Ref   int // reference shared by all parts of one text (0-255 or 0-65535)
	Total int // number of parts, 1-255
	Seq   int // this part's number, 1-Total
}

// Message is one decoded PDU.
type Message struct {
	Type Type
	// SMSC is the service centre address: "" when absent (leading 00),
	// "+447785016005" for an international number.
	SMSC string
	// From is the sender (deliver): "+" and digits for an international
	// number, the digits as given otherwise, the decoded name for an
	// alphanumeric sender.
	From string
	// To is the destination (submit), written like From.
	To string
	// Recipient is the address the status report is about, written like From.
	Recipient string
	// AddressType is the type-of-address octet of From, To or Recipient
	// (0x91 international, 0x81 unknown, 0xA1 national, 0xD0 alphanumeric).
	AddressType int
	// Text is the text of this part (gsm7 and ucs2); "" for 8-bit data.
	Text string
	// Data is the user data of an 8-bit message, after any user data
	// header; nil for gsm7 and ucs2 text. It never aliases the caller's input.
	Data []byte
	// Encoding is the alphabet of the user data; "" for a status report
	// without user data.
	Encoding Encoding
	// Class is the message class 0-3 from TP-DCS, or -1 when none (class 0
	// is a "flash" message shown and not stored).
	Class int
	// PID and DCS are the raw TP-PID and TP-DCS octets, for debugging.
	PID, DCS int
	// Timestamp is the service centre time stamp (TP-SCTS) of a deliver or
	// status report, keeping the PDU's own UTC offset.
	Timestamp time.Time
	// DischargeTime is a status report's TP-DT: when the SC delivered the
	// text, or last tried to.
	DischargeTime time.Time
	// MR is the message reference of a submit or status report (TP-MR);
	// a status report's MR is the one the modem returned in +CMGS.
	MR int
	// Status is a status report's TP-ST; see StatusCategory and StatusText.
	Status int
	// StatusReportRequested is TP-SRR of a submit, or TP-SRI of a deliver
	// (the sender asked for a report).
	StatusReportRequested bool
	// Validity is a submit's relative validity period (relative or enhanced
	// format); 0 when absent or absolute.
	Validity time.Duration
	// ValidUntil is a submit's absolute validity period; zero when absent.
	ValidUntil time.Time
	// Concat is nil when the message is not part of a concatenated text.
	Concat *Concat
	// Trailing counts the octets after the end of the message, which
	// were ignored: the FF filler of a SIM record, or what some firmware
	// appends to a stored PDU. It is 0 for a PDU that ends where its
	// message does.
	Trailing int
}
