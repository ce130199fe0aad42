package outbox

import (
	"context"
	"errors"
	"fmt"

	"github.com/texting-centre/texting/store"
)

// Sender sends texts from one SIM: a dongle's SIM card or a gateway account.
// The dispatcher drives each Sender from one goroutine, so an implementation
// need not be safe for concurrent use.
type Sender interface {
	// SIM is the SIM the texts leave from, as stored.
	SIM() store.SIM
	// Send sends one text. A nil error means the network or the provider
	// accepted it. A non-nil error should be a *SendError saying what to do
	// about it; any other error is taken as ClassUnknown, the only safe
	// assumption.
	Send(ctx context.Context, t Outgoing) (Result, error)
}

// Outgoing is one text to send.
type Outgoing struct {
	ID     int64  // the message id: our reference for delivery reports
	Number string // E.164
	Text   string // final: every placeholder rendered
	Parts  int    // SMS parts as counted
}

// Result is what a successful Send did.
type Result struct {
	// Ref is the modem's message references (comma-separated) or the
	// gateway's reference, for matching delivery reports.
	Ref string
	// Parts is how many SMS parts the text took; 0 means as counted.
	Parts int
}

// Class says what a failed send means for the text and the SIM.
type Class int

// The classes of send errors (docs/ARCHITECTURE.md, "Outbox states").
const (
	// ClassUnknown: the text may have gone out. It becomes `unknown`, counts
	// as sent, and is never resent automatically.
	ClassUnknown Class = iota
	// ClassTransient: nothing went out and trying again later, or from
	// another SIM, may work (network busy, no prompt, link trouble).
	ClassTransient
	// ClassSIM: our SIM or plan is at fault (no credit, barred, SMSC):
	// the SIM is parked and the text goes to another SIM.
	ClassSIM
	// ClassRecipient: the recipient or the content is at fault; the text
	// fails and is not retried.
	ClassRecipient
)

// String names the class as logs and JSON show it.
func (c Class) String() string {
	switch c {
	case ClassTransient:
		return "transient"
	case ClassSIM:
		return "sim"
	case ClassRecipient:
		return "recipient"
	default:
		return "unknown"
	}
}

// SendError is a classified send failure.
type SendError struct {
	Class Class
	// Ref is the references of the parts that went out before a long text
	// failed, if any.
	Ref string
	Err error
}

// Error returns the underlying error's text.
func (e *SendError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *SendError) Unwrap() error { return e.Err }

// ClassOf returns the class of a send error: the class of the *SendError in
// its chain, else ClassUnknown.
func ClassOf(err error) Class {
	var se *SendError
	if errors.As(err, &se) {
		return se.Class
	}
	return ClassUnknown
}

// Classified wraps err as a *SendError of class c.
func Classified(c Class, err error) error {
	if err == nil {
		return nil
	}
	return &SendError{Class: c, Err: err}
}

func simError(s store.SIM, err error) error { return fmt.Errorf("%s: %w", s.Label(), err) }
