package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/desk"
)

// `texting optout list|add|rm`: the opt-out list.

func newCmdOptOut(f *Factory) *cobra.Command {
	cmd := adminGroup("optout", "List the opt-out list, add a number to it or take one off")
	cmd.AddCommand(newCmdOptOutList(f, nil), newCmdOptOutAdd(f, nil), newCmdOptOutRm(f, nil))
	return cmd
}

type optOutJSON struct {
	Number    string `json:"number"`
	At        any    `json:"at"`
	MessageID any    `json:"message_id"` // the text that opted out, null when added by hand
	Text      string `json:"text"`
	Note      string `json:"note"`
}

type optOutListOptions struct {
	adminDeps
	JSON bool
}

func newCmdOptOutList(f *Factory, runF func(context.Context, *optOutListOptions) error) *cobra.Command {
	opts := &optOutListOptions{adminDeps: newAdminDeps(f)}
	cmd := &cobra.Command{Use: "list", Short: "List the numbers that opted out, newest first", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return run(cmd.Context(), opts, runF, optOutList) }}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

func optOutList(ctx context.Context, opts *optOutListOptions) error {
	d, err := opts.Desk(ctx)
	if err != nil {
		return err
	}
	list, err := d.DB.OptOuts(ctx)
	if err != nil {
		return err
	}
	if opts.JSON {
		out := []optOutJSON{}
		for _, o := range list {
			var id any
			if o.MessageID != 0 {
				id = o.MessageID
			}
			out = append(out, optOutJSON{Number: o.Number, At: rfc3339(o.At), MessageID: id, Text: o.Text, Note: o.Note})
		}
		return writeJSON(opts.Out, out)
	}
	var rows [][]string
	for _, o := range list {
		why := "by hand"
		switch {
		case o.Text != "":
			why = "reply: " + clipText(o.Text, 40)
		case o.Note != "":
			why = "by hand: " + clipText(o.Note, 40)
		}
		rows = append(rows, []string{o.Number, shortTime(o.At), why})
	}
	return printTable(opts.Out, []string{"NUMBER", "SINCE", "WHY"}, rows)
}

type optOutChangeOptions struct {
	adminDeps
	Number string
	Note   string
}

func newCmdOptOutAdd(f *Factory, runF func(context.Context, *optOutChangeOptions) error) *cobra.Command {
	opts := &optOutChangeOptions{adminDeps: newAdminDeps(f)}
	cmd := &cobra.Command{Use: "add NUMBER", Short: "Put a number on the opt-out list (asked by phone, by mail …)",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Number = args[0]
			return run(cmd.Context(), opts, runF, optOutAdd)
		}}
	cmd.Flags().StringVar(&opts.Note, "note", "", "who asked and how (kept with the entry)")
	return cmd
}

func optOutAdd(ctx context.Context, opts *optOutChangeOptions) error {
	return deskOp(ctx, opts.adminDeps, func(ctx context.Context, d *desk.Desk) (string, error) {
		return d.AddOptOut(ctx, opts.Number, opts.Note)
	})
}

func newCmdOptOutRm(f *Factory, runF func(context.Context, *optOutChangeOptions) error) *cobra.Command {
	opts := &optOutChangeOptions{adminDeps: newAdminDeps(f)}
	cmd := &cobra.Command{Use: "rm NUMBER", Short: "Take a number off the opt-out list (the person asked to come back)",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Number = args[0]
			return run(cmd.Context(), opts, runF, optOutRm)
		}}
	cmd.Flags().StringVar(&opts.Note, "note", "", "who asked and how (kept in the opt-out log)")
	return cmd
}

func optOutRm(ctx context.Context, opts *optOutChangeOptions) error {
	return deskOp(ctx, opts.adminDeps, func(ctx context.Context, d *desk.Desk) (string, error) {
		return d.RemoveOptOut(ctx, opts.Number, opts.Note)
	})
}
