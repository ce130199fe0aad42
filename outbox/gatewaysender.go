package outbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/texting-centre/texting/gateway"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/template"
)

// GatewaySender sends through an SMS gateway account (a gateway SIM).
type GatewaySender struct {
	Client *gateway.Client
	Card   store.SIM
}

// SIM implements Sender.
func (g *GatewaySender) SIM() store.SIM { return g.Card }

// Account is the gateway account of the SIM.
func (g *GatewaySender) Account() gateway.Account {
	return gateway.Account{URL: g.Card.GatewayURL, Username: g.Card.GatewayUser, Password: g.Card.GatewayPassword, Sender: g.Card.SenderID}
}

// Send implements Sender: one request with our message id as `ref`, and
// maxsplit set to the parts the text needs.
func (g *GatewaySender) Send(ctx context.Context, t Outgoing) (Result, error) {
	parts := t.Parts
	if parts <= 0 {
		parts = template.Parts(t.Text)
	}
	res, err := g.Client.Send(ctx, g.Account(), []string{t.Number}, t.Text, strconv.FormatInt(t.ID, 10), parts)
	switch {
	case err == nil:
	case errors.Is(err, gateway.ErrUnknownOutcome):
		if len(res) != 1 { // the answer broke off before our recipient's line
			return Result{}, &SendError{Class: ClassUnknown, Err: err}
		}
	case errors.Is(err, gateway.ErrRejected):
		// The account's own problems (credentials, credit, sender) park it;
		// anything else the provider refuses with is taken as passing.
		return Result{}, &SendError{Class: rejectedClass(err), Err: err}
	case errors.Is(err, gateway.ErrNotSent):
		return Result{}, &SendError{Class: ClassTransient, Err: err}
	default:
		return Result{}, &SendError{Class: ClassUnknown, Err: err}
	}
	if len(res) != 1 {
		return Result{}, &SendError{Class: ClassUnknown, Err: fmt.Errorf("gateway answered for %d recipients, not 1", len(res))}
	}
	if !res[0].OK {
		return Result{}, &SendError{Class: ClassRecipient, Err: fmt.Errorf("gateway refused %s: %s", t.Number, res[0].Reason)}
	}
	return Result{Ref: res[0].ProviderRef, Parts: parts}, nil
}

// rejectedClass sorts an `ERROR:` answer: about the account (credentials,
// credit, sender ID) it is the SIM's problem and parks it until the operator
// acts; anything else ("Service temporarily unavailable") is retried later.
func rejectedClass(err error) Class {
	var re *gateway.RejectedError
	if !errors.As(err, &re) {
		return ClassSIM
	}
	r := strings.ToLower(re.Reason)
	for _, w := range []string{"user", "password", "login", "credit", "balance", "account", "sender", "from", "suspend", "disabled"} {
		if strings.Contains(r, w) {
			return ClassSIM
		}
	}
	return ClassTransient
}
