package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/store"
)

// outboxOptions holds what `texting outbox` needs.
type outboxOptions struct {
	readDeps
	State string // --state: unknown, failed, queued (also sending); "" for all four
	// Archived lists the failed texts archived out of the way too (the
	// Outbox screen hides them, as the list does without it).
	Archived bool
	JSON     bool
}

// outboxJSON is one outbox entry: the `texting messages --json` shape plus
// the error text.
type outboxJSON struct {
	messageJSON
	Error string `json:"error"`
}

// newCmdOutbox builds `texting outbox` (the list) with `resend` and `fail`;
// runF replaces outboxList in tests.
func newCmdOutbox(f *Factory, runF func(context.Context, *outboxOptions) error) *cobra.Command {
	opts := &outboxOptions{readDeps: newReadDeps(f)}
	cmd := &cobra.Command{
		Use:   "outbox [--state unknown|failed|queued] [--archived] [--json]",
		Short: "List texts that are queued, sending, failed or of unknown outcome",
		Long: "List the outgoing texts that are not settled: queued (waiting to go), sending\n" +
			"(a process is sending them now), failed, and unknown (interrupted mid-send: they\n" +
			"may have gone out; nothing resends them on its own). Resolve an unknown text with\n" +
			"`texting outbox resend ID` (it did not go: queue it again) or `texting outbox fail\n" +
			"ID` (leave it unsent). Failed texts archived with `texting outbox archive` are\n" +
			"left out, as on the TUI's Outbox screen; --archived lists them too.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), opts, runF, outboxList)
		},
	}
	cmd.Flags().StringVar(&opts.State, "state", "", "only texts in this state: unknown, failed, queued or sending")
	cmd.Flags().BoolVar(&opts.Archived, "archived", false, "list archived failed texts too")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	cmd.AddCommand(newCmdOutboxResend(f, nil), newCmdOutboxFail(f, nil), newCmdOutboxArchive(f, nil))
	return cmd
}

// outboxChangeOptions holds what `texting outbox resend|fail ID` need.
type outboxChangeOptions struct {
	adminDeps
	ID     int64
	Reason string // fail --reason
}

// outboxID reads the ID argument of resend and fail.
func outboxID(action, arg string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(arg), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("outbox %s: %q is not a message id", action, arg)
	}
	return id, nil
}

func newCmdOutboxResend(f *Factory, runF func(context.Context, *outboxChangeOptions) error) *cobra.Command {
	opts := &outboxChangeOptions{adminDeps: newAdminDeps(f)}
	return &cobra.Command{
		Use:   "resend ID",
		Short: "Queue an unknown or failed text again (it goes with the next send or run)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.ID, err = outboxID("resend", args[0]); err != nil {
				return err
			}
			return run(cmd.Context(), opts, runF, outboxResend)
		},
	}
}

func newCmdOutboxFail(f *Factory, runF func(context.Context, *outboxChangeOptions) error) *cobra.Command {
	opts := &outboxChangeOptions{adminDeps: newAdminDeps(f)}
	cmd := &cobra.Command{
		Use:   "fail ID",
		Short: "Mark an unknown or queued text failed (it will not go)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.ID, err = outboxID("fail", args[0]); err != nil {
				return err
			}
			return run(cmd.Context(), opts, runF, outboxFail)
		},
	}
	cmd.Flags().StringVar(&opts.Reason, "reason", "", "why (kept as the text's error)")
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
func outboxList(ctx context.Context, opts *outboxOptions) error {
	states, err := outboxStates(opts.State)
	if err != nil {
		return err
	}
	db, err := opts.Store(ctx)
	if err != nil {
		return err
	}
	out := opts.Out
	all, err := db.Outbox(ctx, states)
	if err != nil {
		return err
	}
	msgs, hidden := all, 0
	if !opts.Archived {
		msgs = make([]store.Queued, 0, len(all))
		for _, m := range all {
			if m.HasFlag(store.FlagArchived) {
				hidden++
				continue
			}
			msgs = append(msgs, m)
		}
	}
	if opts.JSON {
		list := make([]outboxJSON, len(msgs))
		for i, m := range msgs {
			list[i] = outboxJSON{messageJSON: toMessageJSON(m.Message), Error: m.Error}
		}
		return writeJSON(out, list)
	}
	note := ""
	if hidden > 0 {
		note = fmt.Sprintf("%d archived failed %s not listed: --archived lists them", hidden, plural(hidden, "text", "texts"))
	}
	if len(msgs) == 0 {
		if note != "" {
			_, err := fmt.Fprintf(out, "The outbox is empty; %s.\n", note)
			return err
		}
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
	if err := printTable(out, []string{"ID", "STATE", "SIM", "NUMBER", "KIND", "AT", "TEXT", "ERROR"}, rows); err != nil {
		return err
	}
	if note != "" {
		_, err = fmt.Fprintf(out, "(%s)\n", note)
	}
	return err
}

func outboxClip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// outboxResend queues an unknown or failed text again.
func outboxResend(ctx context.Context, opts *outboxChangeOptions) error {
	d, err := opts.Desk(ctx)
	if err != nil {
		return err
	}
	if err := d.Resend(ctx, opts.ID); err != nil {
		return fmt.Errorf("outbox resend: %w", err)
	}
	m, err := d.DB.Message(ctx, opts.ID)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(opts.Out, "%d to %s queued again; it goes with the next send or run\n", opts.ID, m.Number)
	return err
}

// outboxFail marks an unknown or queued text failed.
func outboxFail(ctx context.Context, opts *outboxChangeOptions) error {
	d, err := opts.Desk(ctx)
	if err != nil {
		return err
	}
	if err := d.DB.Fail(ctx, opts.ID, opts.Reason); err != nil {
		return fmt.Errorf("outbox fail: %w", err)
	}
	m, err := d.DB.Message(ctx, opts.ID)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(opts.Out, "%d to %s marked failed\n", opts.ID, m.Number)
	return err
}

// outboxArchiveOptions holds what `texting outbox archive` needs.
type outboxArchiveOptions struct {
	readDeps
	OlderThan int // days
}

// newCmdOutboxArchive builds `texting outbox archive`: what the Outbox
// screen's a does.
func newCmdOutboxArchive(f *Factory, runF func(context.Context, *outboxArchiveOptions) error) *cobra.Command {
	opts := &outboxArchiveOptions{readDeps: newReadDeps(f)}
	cmd := &cobra.Command{
		Use:   "archive [--older-than DAYS]",
		Short: "Archive failed texts older than DAYS: the outbox (texting outbox, the TUI's Outbox) stops listing them; they stay in the database",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.OlderThan < 0 || opts.OlderThan > 3650 {
				return fmt.Errorf("outbox archive: --older-than must be from 0 to 3650 days, not %d", opts.OlderThan)
			}
			return run(cmd.Context(), opts, runF, outboxArchive)
		},
	}
	cmd.Flags().IntVar(&opts.OlderThan, "older-than", 7, "archive failed texts older than this many days")
	return cmd
}

func outboxArchive(ctx context.Context, opts *outboxArchiveOptions) error {
	db, err := opts.Store(ctx)
	if err != nil {
		return err
	}
	n, err := db.ArchiveFailed(ctx, db.Now().Add(-time.Duration(opts.OlderThan)*24*time.Hour))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(opts.Out, "archived %d failed %s older than %d days (kept in the database; texting messages still lists them)\n",
		n, plural(n, "text", "texts"), opts.OlderThan)
	return err
}
