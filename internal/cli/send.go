package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/desk"
	"github.com/texting-centre/texting/store"
)

// sendOptions holds what `texting send` needs.
type sendOptions struct {
	adminDeps
	To    []string // numbers, from --to N[,N] (repeatable)
	Text  string
	SIM   string // --sim REF: id or label
	Ports []string
	JSON  bool
	// Force sends to numbers on the opt-out list too (recorded, with Note).
	Force bool
	Note  string
}

// newCmdSend builds `texting send`; runF replaces sendRun in tests.
func newCmdSend(f *Factory, runF func(context.Context, *sendOptions) error) *cobra.Command {
	opts := &sendOptions{adminDeps: newAdminDeps(f)}
	cmd := &cobra.Command{
		Use:   "send --to NUMBER[,NUMBER] --text TEXT [--sim REF] [--force [--note TEXT]] [--json]",
		Short: "Send a manual text through the outbox",
		Long: "Queue one manual text to each number and send it at once (manual texts ignore\n" +
			"quiet hours). Without --sim it leaves from the SIM the person last texted with,\n" +
			"else the least used connected SIM with room today. {greeting} is rendered when\n" +
			"it goes. A number on the opt-out list is refused unless --force (recorded, with\n" +
			"--note). Nothing is sent while the setting run is 0 (dry run everywhere).\n" +
			"The exit status is 1 unless every text was sent.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), opts, runF, sendRun)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&opts.To, "to", nil, "recipient number(s), comma-separated or repeated")
	fl.StringVar(&opts.Text, "text", "", "the text to send")
	fl.StringVar(&opts.SIM, "sim", "", "send from this SIM (id or label such as \"O2 3\")")
	fl.StringArrayVar(&opts.Ports, "port", nil, "use this dongle port (repeatable) instead of modem.ports or discovery")
	fl.BoolVar(&opts.JSON, "json", false, "print JSON")
	fl.BoolVar(&opts.Force, "force", false, "send to a number on the opt-out list anyway (recorded)")
	fl.StringVar(&opts.Note, "note", "", "with --force: why (recorded with the text)")
	cmd.MarkFlagRequired("to")
	cmd.MarkFlagRequired("text")
	return cmd
}

func sendRun(ctx context.Context, opts *sendOptions) error {
	d, err := opts.Desk(ctx)
	if err != nil {
		return err
	}
	res, problems, err := d.Send(ctx, desk.SendRequest{Numbers: opts.To, Text: opts.Text, SIM: opts.SIM,
		Force: opts.Force, Note: opts.Note, Ports: opts.Ports})
	for _, p := range problems {
		fmt.Fprintln(opts.Err, "texting: warning: "+oneLine(p))
	}
	if errors.Is(err, desk.ErrDryRun) {
		return &exitError{code: 1, err: err}
	}
	if opts.JSON {
		if res == nil {
			res = []desk.SendResult{}
		}
		if werr := writeJSON(opts.Out, res); werr != nil {
			return werr
		}
	} else {
		for _, r := range res {
			switch r.State {
			case store.StateSent, store.StateDelivered:
				forced := ""
				if r.Forced {
					forced = ", opted out: sent with --force, recorded"
				}
				fmt.Fprintf(opts.Out, "%s to %s from %s (%d part%s, message %d%s)\n", r.State, r.Number, r.SIM, r.Parts, sendPlural(r.Parts), r.ID, forced)
			default:
				line := fmt.Sprintf("%s: %s", r.Number, r.State)
				if r.ID != 0 {
					line = fmt.Sprintf("%s: %s (message %d)", r.Number, r.State, r.ID)
				}
				if r.Error != "" {
					line += " (" + oneLine(r.Error) + ")"
				}
				fmt.Fprintln(opts.Out, line)
			}
		}
	}
	if err != nil {
		n, why := 0, ""
		for _, r := range res {
			if r.State != store.StateSent && r.State != store.StateDelivered {
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
