package pdu

import (
	"errors"
	"fmt"
)

// Decoding errors. Every error returned by Decode and DecodeBytes wraps one of
// them, so callers can tell a broken PDU from a well-formed one that this
// package cannot turn into text; either way the caller keeps the raw PDU.
var (
	// ErrInvalid is a malformed PDU: bad hex, cut short, a length octet
	// that disagrees with the data, a reserved message type, an impossible
	// timestamp, text that is not valid in its alphabet.
	ErrInvalid = errors.New("invalid PDU")
	// ErrUnsupported is a well-formed PDU whose text this package does not
	// decode: compressed user data, national language shift tables.
	ErrUnsupported = errors.New("unsupported PDU")
)

// errf wraps kind with a one-line reason. Only error paths call it, so the
// hot path stays free of fmt.
func errf(kind error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{kind}, args...)...)
}
