package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/store"
)

// outboxOptions holds what `texting outbox` needs.
type outboxOptions struct {
	State string // --state: unknown, failed, queued (also sending); "" for all four
	JSON  bool
}

// outboxJSON is one outbox entry: the `texting messages --json` shape plus
// the error text.
type outboxJSON struct {
	messageJSON
	Error string `json:"error"`
}

// newCmdOutbox builds `texting outbox` with `resend` and `fail`.
func newCmdOutbox(f *Factory) *cobra.Command {
	opts := &outboxOptions{}
	cmd := &cobra.Command{
		Use:   "outbox [--state unknown|failed|queued] [--json]",
		Short: "List texts that are queued, sending, failed or of unknown outcome",
		Long: "List the outgoing texts that are not settled: queued (waiting to go), sending\n" +
			"(a process is sending them now), failed, and unknown (interrupted mid-send: they\n" +
			"may have gone out; nothing resends them on its own). Resolve an unknown text with\n" +
			"`texting outbox resend ID` (it did not go: queue it again) or `texting outbox fail\n" +
			"ID` (leave it unsent).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := f.Store(cmd.Context())
			if err != nil {
				return err
			}
			return outboxList(cmd.Context(), db, opts, f.Out)
		},
	}
	cmd.Flags().StringVar(&opts.State, "state", "", "only texts in this state: unknown, failed, queued or sending")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")

	resend := &cobra.Command{
		Use:   "resend ID",
		Short: "Queue an unknown or failed text again (it goes with the next send or run)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return outboxChange(cmd.Context(), f, args[0], "resend", "")
		},
	}
	var reason string
	fail := &cobra.Command{
		Use:   "fail ID",
		Short: "Mark an unknown or queued text failed (it will not go)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return outboxChange(cmd.Context(), f, args[0], "fail", reason)
		},
	}
	fail.Flags().StringVar(&reason, "reason", "", "why (kept as the text's error)")
	cmd.AddCommand(resend, fail)
	return cmd
}

func outboxStates(state string) ([]string, error) {
	switch s := strings.ToLower(strings.TrimSpace(state)); s {
	case "":
		return nil, nil
	case store.StateUnknown, store.StateFailed, store.StateQueued, store.StateSending:
		return []string{s}, nil
	default:
		return nil, fmt.Errorf("outbox: --state must be unknown, failed, queued or sending, not %q", state)
	}
}

// outboxList prints the outbox.
func outboxList(ctx context.Context, db *store.DB, opts *outboxOptions, out io.Writer) error {
	states, err := outboxStates(opts.State)
	if err != nil {
		return err
	}
	msgs, err := db.Outbox(ctx, states)
	if err != nil {
		return err
	}
	if opts.JSON {
		list := make([]outboxJSON, len(msgs))
		for i, m := range msgs {
			list[i] = outboxJSON{messageJSON: toMessageJSON(m.Message), Error: m.Error}
		}
		return writeJSON(out, list)
	}
	if len(msgs) == 0 {
		_, err := fmt.Fprintln(out, "The outbox is empty.")
		return err
	}
	rows := make([][]string, len(msgs))
	for i, m := range msgs {
		sim := m.SIM
		if sim == "" {
			sim = "-"
		}
		rows[i] = []string{strconv.FormatInt(m.ID, 10), m.State, sim, m.Number, m.Kind, shortTime(m.At), outboxClip(m.Text, 40), outboxClip(m.Error, 60)}
	}
	return printTable(out, []string{"ID", "STATE", "SIM", "NUMBER", "KIND", "AT", "TEXT", "ERROR"}, rows)
}

func outboxClip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// outboxChange is `outbox resend ID` and `outbox fail ID`.
func outboxChange(ctx context.Context, f *Factory, arg, action, reason string) error {
	id, err := strconv.ParseInt(strings.TrimSpace(arg), 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("outbox %s: %q is not a message id", action, arg)
	}
	d, err := f.Desk(ctx)
	if err != nil {
		return err
	}
	db := d.DB
	switch action {
	case "resend":
		err = d.Resend(ctx, id)
	default:
		err = db.Fail(ctx, id, reason)
	}
	if err != nil {
		return fmt.Errorf("outbox %s: %w", action, err)
	}
	m, err := db.Message(ctx, id)
	if err != nil {
		return err
	}
	if action == "resend" {
		_, err = fmt.Fprintf(f.Out, "%d to %s queued again; it goes with the next send or run\n", id, m.Number)
	} else {
		_, err = fmt.Fprintf(f.Out, "%d to %s marked failed\n", id, m.Number)
	}
	return err
}
