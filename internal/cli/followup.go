package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/campaign"
	"github.com/texting-centre/texting/desk"
)

// newCmdFollowup builds `texting followup`.
func newCmdFollowup(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "followup",
		Short: "Follow-up runs (once a day, in the evening)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newCmdFollowupRun(f, nil))
	return cmd
}

// followupRunOptions holds what `texting followup run` needs.
type followupRunOptions struct {
	sendDeps
	DryRun bool
	Ports  []string
	JSON   bool
}

// newCmdFollowupRun builds `texting followup run`; runF replaces followupRun in tests.
func newCmdFollowupRun(f *Factory, runF func(context.Context, *followupRunOptions) error) *cobra.Command {
	opts := &followupRunOptions{sendDeps: newSendDeps(f)}
	cmd := &cobra.Command{
		Use:   "run [--dry-run] [--json]",
		Short: "Send the follow-ups due today",
		Long: "For each campaign text sent between followup.min_days and followup.max_days\n" +
			"calendar days ago that has had no follow-up: no reply since → the template's\n" +
			"follow-up; a reply in a category whose follow-up is basic → the same; alternative\n" +
			"→ the alternative follow-up; none, an opt-out, or a reply not yet categorised →\n" +
			"nothing. A follow-up leaves from the campaign text's SIM; when that SIM is not\n" +
			"connected or has no room today it waits for a later run.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), opts, runF, followupRun)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.DryRun, "dry-run", false, "decide and print; send and save nothing")
	fl.StringArrayVar(&opts.Ports, "port", nil, "use this dongle port (repeatable) instead of modem.ports or discovery")
	fl.BoolVar(&opts.JSON, "json", false, "print a JSON summary")
	return cmd
}

func followupRun(ctx context.Context, opts *followupRunOptions) error {
	d, err := opts.Desk(ctx)
	if err != nil {
		return err
	}
	prog := newRunProgress(opts.Err, false, nil)
	sum, err := d.RunFollowups(ctx, desk.RunRequest{DryRun: opts.DryRun, Ports: opts.Ports, Progress: prog,
		OnProblem: func(p string) { fmt.Fprintln(opts.Err, "texting: warning: "+oneLine(p)) }})
	prog.done()
	if sum != nil && (err == nil || sum.RunID != 0) {
		if opts.JSON {
			if werr := writeJSON(opts.Out, sum); werr != nil {
				return werr
			}
		} else {
			printFollowupSummary(opts.Out, sum)
		}
	}
	if err == nil && sum != nil && !sum.DryRun {
		if ferr := followupFailure(sum); ferr != nil {
			return &exitError{code: 1, err: ferr}
		}
	}
	return err
}

// followupFailure is why a finished follow-up run must make cron mail it,
// by the campaign run's rule (runFailure): follow-ups of its own ended
// unknown, or it sent none of those it queued (quiet hours aside).
func followupFailure(s *campaign.FollowupSummary) error {
	switch {
	case s.Unknown > 0:
		return fmt.Errorf("followup run: %d of its texts ended unknown (they may have gone): see texting outbox --state unknown", s.Unknown)
	case s.Queued > 0 && s.Sent == 0 && !s.Quiet:
		return fmt.Errorf("followup run: sent none of the %d follow-ups it queued", s.Queued)
	}
	return nil
}

// printFollowupSummary is the plain report cron mails.
func printFollowupSummary(w io.Writer, s *campaign.FollowupSummary) {
	if s.DryRun {
		fmt.Fprintf(w, "Follow-ups (dry run, nothing sent): %d due of %d campaign texts (%d basic, %d alternative)\n",
			s.Queued, s.Candidates, s.Basic, s.Alternative)
	} else {
		fmt.Fprintf(w, "Follow-up run %d: %d sent (%d parts) of %d campaign texts (%d basic, %d alternative)\n",
			s.RunID, s.Sent, s.Parts, s.Candidates, s.Basic, s.Alternative)
	}
	var rows [][]string
	for _, r := range campaign.FollowupReasons() {
		if n := s.Skipped[r]; n > 0 {
			rows = append(rows, []string{r, strconv.Itoa(n)})
		}
	}
	if len(rows) > 0 {
		printTable(w, []string{"NO FOLLOW-UP", "TEXTS"}, rows)
	}
	if s.Failed > 0 || s.Unknown > 0 {
		fmt.Fprintf(w, "%d failed, %d unknown (see texting outbox).\n", s.Failed, s.Unknown)
	}
	if s.Waiting > 0 {
		why := ""
		if s.Quiet {
			why = " (quiet hours)"
		}
		fmt.Fprintf(w, "%d follow-ups wait in the queue%s.\n", s.Waiting, why)
	}
	if s.Recovered > 0 {
		fmt.Fprintf(w, "%d texts were interrupted mid-send by an earlier run: resolve them with texting outbox --state unknown.\n", s.Recovered)
	}
}
