package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/desk"
	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/replies"
	"github.com/texting-centre/texting/store"
)

// readInOptions holds what `texting read-in` needs.
type readInOptions struct {
	adminDeps

	Ports []string // --port, repeatable
	JSON  bool

	// SendWaiting sends the auto-replies the read-in queued (nil: leave
	// them queued for the next run that sends).
	SendWaiting func(ctx context.Context, ports []string) (string, error)
}

// newCmdReadIn builds `texting read-in`; runF replaces readIn in tests.
func newCmdReadIn(f *Factory, runF func(context.Context, *readInOptions) error) *cobra.Command {
	opts := &readInOptions{adminDeps: newAdminDeps(f), SendWaiting: func(ctx context.Context, ports []string) (string, error) {
		return sendAutoReplies(ctx, f, ports)
	}}
	cmd := &cobra.Command{
		Use:   "read-in [--port PATH]... [--json]",
		Short: "Drain the dongles' SIM inboxes into the database, sorting the replies",
		Long: "Read every text stored on the SIM cards (all dongles in parallel), store each once,\n" +
			"sort it (opt-out words, follow-up replies, memory, the learned model), queue\n" +
			"auto-replies, apply delivery reports, and only then delete it from the SIM.\n" +
			"Ports come from --port, else the setting modem.ports, else discovery.\n" +
			"The exit status is 1 when any port failed; the other ports are still read.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), opts, runF, readIn)
		},
	}
	cmd.Flags().StringArrayVar(&opts.Ports, "port", nil, "read this port (repeatable) instead of modem.ports or discovery")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

// readIn drains the dongles and prints one entry per port.
func readIn(ctx context.Context, opts *readInOptions) error {
	d, err := opts.Desk(ctx)
	if err != nil {
		return err
	}
	ports := opts.Ports
	if len(ports) == 0 {
		ports = d.Config.ModemPorts
	}
	p := replies.New(d.DB, replies.OptionsFrom(d.Config, d.Logger))
	self := outbox.ThisProcess()
	res, err := p.ReadIn(ctx, replies.ReadInOptions{
		Ports: ports,
		Modem: []modem.Option{modem.WithLogger(d.Logger), modem.WithTrace(d.Trace)},
		Alive: outbox.Liveness{DB: d.DB, Self: self, Now: d.DB.Now}.Alive(ctx),
		Self:  self.String(),
		PID:   self.PID,
	})
	if err != nil && len(res.Ports) == 0 {
		return err
	}
	if res.Ports == nil {
		res.Ports = []replies.PortResult{}
	}
	if opts.JSON {
		if werr := writeJSON(opts.Out, res); werr != nil {
			return werr
		}
	} else {
		for _, r := range res.Ports {
			fmt.Fprintln(opts.Out, readInLine(r))
		}
	}
	if err != nil {
		return fmt.Errorf("read-in: %w", err)
	}
	var read []string // the ports this read-in read; a held port's holder sends its own
	for _, r := range res.Ports {
		if r.HeldBy == nil && len(r.Errors) == 0 {
			read = append(read, r.Port)
		}
	}
	if opts.SendWaiting != nil && len(read) > 0 {
		// The replies' auto-replies go now, while the person is looking at
		// their phone, not at the next campaign run.
		line, serr := opts.SendWaiting(ctx, read)
		if line != "" && !opts.JSON {
			fmt.Fprintln(opts.Out, line)
		}
		if serr != nil {
			d.Logger.Warn("auto-replies", "err", serr)
		}
	}
	if res.Failed() {
		n := 0
		for _, r := range res.Ports {
			if len(r.Errors) > 0 {
				n++
			}
		}
		return &exitError{code: 1, err: fmt.Errorf("read-in: %d of %d ports failed", n, len(res.Ports))}
	}
	return nil
}

// readInLine is the plain output for one port.
func readInLine(r replies.PortResult) string {
	var b strings.Builder
	b.WriteString(r.Port)
	if r.HeldBy != nil {
		fmt.Fprintf(&b, ": held by pid %d (%s), which reads this SIM in itself", r.HeldBy.PID, r.HeldBy.What)
		return b.String()
	}
	switch {
	case r.SIM != "" && r.IMSI != "":
		fmt.Fprintf(&b, " %s (IMSI %s)", r.SIM, r.IMSI)
	case r.IMSI != "":
		fmt.Fprintf(&b, " (IMSI %s)", r.IMSI)
	}
	if r.NewSIM {
		b.WriteString(" new SIM")
	}
	fmt.Fprintf(&b, ": %d stored, %d deleted, %d held, %d incomplete, %d undecodable", r.Stored, r.Deleted, r.Held, r.Incomplete, r.Undecodable)
	if r.Held > 0 {
		// Parts of long texts waiting for the rest are stored, not lost:
		// say where to see them.
		fmt.Fprintf(&b, " (held: %s of long texts waiting for the rest, see texting messages --held)", plural(r.Held, "1 part", fmt.Sprintf("%d parts", r.Held)))
	}
	if r.Reports > 0 {
		fmt.Fprintf(&b, ", %d delivery reports", r.Reports)
	}
	if len(r.Errors) > 0 {
		b.WriteString("; failed: " + strings.Join(r.Errors, "; "))
	}
	return b.String()
}

// sendAutoReplies sends the auto-replies waiting in the outbox through the
// dongles (and gateway accounts) and says what happened; nothing is opened
// when none wait, and nothing is sent on a dry run (setting run = 0).
func sendAutoReplies(ctx context.Context, f *Factory, ports []string) (string, error) {
	d, err := f.Desk(ctx)
	if err != nil {
		return "", err
	}
	w, err := d.SendWaiting(ctx, desk.EnvOptions{Ports: ports, What: "read-in", Short: true}, store.KindAutoreply)
	for _, p := range w.Problems {
		fmt.Fprintln(f.Err, "texting: warning: "+oneLine(p))
	}
	return w.Line("auto-replies"), err
}
