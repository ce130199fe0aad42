package outbox

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/store"
)

// ModemSender sends through a Huawei dongle.
type ModemSender struct {
	Dongle *modem.Dongle
	Card   store.SIM
	// Options are passed to every Send (delivery reports, validity).
	Options modem.SendOptions
}

// SIM implements Sender.
func (m *ModemSender) SIM() store.SIM { return m.Card }

// Send implements Sender. The modem retries transient errors itself, so a
// transient error here means "try another SIM".
func (m *ModemSender) Send(ctx context.Context, t Outgoing) (Result, error) {
	res, err := m.Dongle.Send(ctx, t.Number, t.Text, m.Options)
	ref := joinRefs(res.Refs)
	if err == nil {
		return Result{Ref: ref, Parts: res.Parts}, nil
	}
	return Result{}, &SendError{Class: modemClass(err), Ref: ref, Err: err}
}

// modemClass maps the modem's error classes onto the dispatcher's.
func modemClass(err error) Class {
	if errors.Is(err, modem.ErrParked) {
		return ClassTransient
	}
	switch modem.ClassOf(err) {
	case modem.ClassRecipient:
		return ClassRecipient
	case modem.ClassSIM:
		return ClassSIM
	case modem.ClassTransient, modem.ClassStorage:
		return ClassTransient
	default:
		return ClassUnknown
	}
}

func joinRefs(refs []int) string {
	s := make([]string, len(refs))
	for i, r := range refs {
		s[i] = strconv.Itoa(r)
	}
	return strings.Join(s, ",")
}
