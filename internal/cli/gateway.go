package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/gateway"
	"github.com/texting-centre/texting/store"
)

// errNoGatewaySIM is the error of commands that need a gateway account.
var errNoGatewaySIM = errors.New("no gateway SIM: add one with 'texting sim add --network NAME --url URL --user USER --password PASS'")

// gatewayBalanceOptions holds what `texting gateway balance` needs.
type gatewayBalanceOptions struct {
	readDeps
	HTTP *http.Client // nil: the default client

	SIM  string // --sim
	JSON bool
}

func newCmdGateway(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "gateway",
		Short: "The SMS gateway account",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCmdGatewayBalance(f, nil))
	return cmd
}

// newCmdGatewayBalance builds `texting gateway balance`; runF replaces
// gatewayBalance in tests.
func newCmdGatewayBalance(f *Factory, runF func(context.Context, *gatewayBalanceOptions) error) *cobra.Command {
	opts := &gatewayBalanceOptions{readDeps: newReadDeps(f)}
	balance := &cobra.Command{
		Use:   "balance [--sim REF]",
		Short: "Ask the gateway provider for the account's remaining credits",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), opts, runF, gatewayBalance)
		},
	}
	balance.Flags().StringVar(&opts.SIM, "sim", "", "the gateway SIM, by id or label, when there are several")
	balance.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return balance
}

// gatewaySIM picks the gateway account ref names, or the only one.
func gatewaySIM(ctx context.Context, db *store.DB, ref string) (store.SIM, error) {
	if ref != "" {
		s, err := db.FindSIM(ctx, ref)
		if err != nil {
			return s, err
		}
		if !s.IsGateway() || s.GatewayURL == "" {
			return s, fmt.Errorf("sim %s is not a gateway account (it has no API URL)", s.Label())
		}
		return s, nil
	}
	sims, err := db.GatewaySIMs(ctx)
	if err != nil {
		return store.SIM{}, err
	}
	var usable []store.SIM
	for _, s := range sims {
		if s.GatewayURL != "" {
			usable = append(usable, s)
		}
	}
	switch len(usable) {
	case 0:
		return store.SIM{}, errNoGatewaySIM
	case 1:
		return usable[0], nil
	}
	var labels []string
	for _, s := range usable {
		labels = append(labels, s.Label())
	}
	return store.SIM{}, fmt.Errorf("%d gateway SIMs (%s): choose one with --sim", len(usable), strings.Join(labels, ", "))
}

// gatewayAccount is the gateway client's view of a gateway SIM.
func gatewayAccount(s store.SIM) gateway.Account {
	return gateway.Account{URL: s.GatewayURL, Username: s.GatewayUser, Password: s.GatewayPassword, Sender: s.SenderID}
}

type balanceJSON struct {
	SIM     string `json:"sim"`
	Credits int    `json:"credits"`
}

// gatewayBalance prints the account's credits.
func gatewayBalance(ctx context.Context, opts *gatewayBalanceOptions) error {
	db, err := opts.Store(ctx)
	if err != nil {
		return err
	}
	s, err := gatewaySIM(ctx, db, opts.SIM)
	if err != nil {
		return fmt.Errorf("gateway balance: %w", err)
	}
	c := &gateway.Client{HTTP: opts.HTTP, Logger: opts.Logger()}
	credits, err := c.Balance(ctx, gatewayAccount(s))
	if err != nil {
		return fmt.Errorf("gateway balance of %s: %w", s.Label(), err)
	}
	if opts.JSON {
		return writeJSON(opts.Out, balanceJSON{SIM: s.Label(), Credits: credits})
	}
	_, err = fmt.Fprintf(opts.Out, "%s: %d credits\n", s.Label(), credits)
	return err
}
