package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/store"
)

// sendOptions holds what `texting send` needs.
type sendOptions struct {
	To    []string // numbers, from --to N[,N] (repeatable)
	Text  string
	SIM   string // --sim REF: id or label
	Ports []string
	JSON  bool
}

// newCmdSend builds `texting send`; runF replaces sendRun in tests.
func newCmdSend(f *Factory, runF func(context.Context, *Factory, *sendOptions) error) *cobra.Command {
	opts := &sendOptions{}
	cmd := &cobra.Command{
		Use:   "send --to NUMBER[,NUMBER] --text TEXT [--sim REF] [--json]",
		Short: "Send a manual text through the outbox",
		Long: "Queue one manual text to each number and send it at once (manual texts ignore\n" +
			"quiet hours). Without --sim it leaves from the SIM the person last texted with,\n" +
			"else the least used connected SIM with room today. {greeting} is rendered when\n" +
			"it goes. The exit status is 1 unless every text was sent.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), f, opts)
			}
			return sendRun(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&opts.To, "to", nil, "recipient number(s), comma-separated or repeated")
	fl.StringVar(&opts.Text, "text", "", "the text to send")
	fl.StringVar(&opts.SIM, "sim", "", "send from this SIM (id or label such as \"O2 3\")")
	fl.StringArrayVar(&opts.Ports, "port", nil, "use this dongle port (repeatable) instead of modem.ports or discovery")
	fl.BoolVar(&opts.JSON, "json", false, "print JSON")
	cmd.MarkFlagRequired("to")
	cmd.MarkFlagRequired("text")
	return cmd
}

func sendRun(ctx context.Context, f *Factory, opts *sendOptions) error {
	var to []string
	for _, n := range opts.To {
		if n = strings.TrimSpace(n); n != "" {
			to = append(to, n)
		}
	}
	s, err := newSendSetup(ctx, f, opts.Ports)
	if err != nil {
		return err
	}
	res, err := outbox.SendManual(ctx, s.Env, to, opts.Text, opts.SIM)
	if opts.JSON {
		if res == nil {
			res = []outbox.SendResult{}
		}
		if werr := writeJSON(f.Out, res); werr != nil {
			return werr
		}
	} else {
		for _, r := range res {
			switch r.State {
			case store.StateSent:
				fmt.Fprintf(f.Out, "sent to %s from %s (%d part%s, message %d)\n", r.Number, r.SIM, r.Parts, sendPlural(r.Parts), r.ID)
			default:
				line := fmt.Sprintf("%s: %s", r.Number, r.State)
				if r.ID != 0 {
					line = fmt.Sprintf("%s: %s (message %d)", r.Number, r.State, r.ID)
				}
				if r.Error != "" {
					line += " (" + oneLine(r.Error) + ")"
				}
				fmt.Fprintln(f.Out, line)
			}
		}
	}
	if err != nil {
		n, why := 0, ""
		for _, r := range res {
			if r.State != store.StateSent {
				n++
				if why == "" {
					why = r.Error
					switch {
					case why != "":
					case r.State == store.StateQueued:
						why = "it waits in the outbox: its SIM is over today's limit, parked or not connected"
					default:
						why = r.State
					}
				}
			}
		}
		if n > 0 && len(res) > 0 {
			return &exitError{code: 1, err: fmt.Errorf("send: %d of %d texts not sent: %s", n, len(res), why)}
		}
		return err
	}
	return nil
}

func sendPlural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
