package desk

import (
	"errors"
	"fmt"
	"time"

	"github.com/texting-centre/texting/store"
)

// ErrDryRun is the error of a send refused because the setting run is 0.
var ErrDryRun = errors.New("setting run is 0: dry run everywhere, nothing is sent (texting config set run 1 sends again)")

// RefusedError is a removal refused because texts refer to the row: what
// refers to it, and what to do instead. It matches store.ErrInUse.
type RefusedError struct {
	InUse       *store.InUseError
	Alternative string // "stop sending from it instead: texting sim set \"O2 3\" --inactive"
}

// Error implements error.
func (e *RefusedError) Error() string {
	msg := e.InUse.Error() + "; history is never detached"
	if e.Alternative != "" {
		msg += ": " + e.Alternative
	}
	return msg
}

// Unwrap returns the store's error.
func (e *RefusedError) Unwrap() error { return e.InUse }

// refused turns the store's *InUseError into a RefusedError with the
// alternative alt; other errors pass through.
func refused(err error, alt string) error {
	var inUse *store.InUseError
	if errors.As(err, &inUse) {
		return &RefusedError{InUse: inUse, Alternative: alt}
	}
	return err
}

// OptedOutError is a manual text refused because its number is on the
// opt-out list.
type OptedOutError struct {
	OptOut store.OptOut
	Loc    *time.Location // for the date; nil is local time
}

// Error implements error: the number, since when, and why.
func (e *OptedOutError) Error() string {
	return fmt.Sprintf("%s is on the opt-out list since %s; sending anyway must be forced (texting send --force, or y on the TUI's Send screen), and is recorded",
		e.OptOut.Number, DescribeOptOut(e.OptOut, e.Loc))
}

// DescribeOptOut says when (in loc; nil is local time) and how a number
// opted out: `2 Nov 2026 14:03 ("STOP")` or `2 Nov 2026 14:03 (by hand:
// asked by phone)`.
func DescribeOptOut(o store.OptOut, loc *time.Location) string {
	if loc == nil {
		loc = time.Local
	}
	s := o.At.In(loc).Format("2 Jan 2006 15:04")
	switch {
	case o.Text != "":
		s += fmt.Sprintf(" (%q)", oneLine(o.Text, 40))
	case o.Note != "":
		s += fmt.Sprintf(" (by hand: %s)", oneLine(o.Note, 40))
	default:
		s += " (by hand)"
	}
	return s
}

func oneLine(s string, n int) string {
	r := []rune(s)
	for i, c := range r {
		if c == '\n' || c == '\r' || c == '\t' {
			r[i] = ' '
		}
	}
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return string(r)
}
