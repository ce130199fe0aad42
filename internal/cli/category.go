package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/desk"
	"github.com/texting-centre/texting/store"
)

// `texting category list|add|set|rm|merge|move`: reply categories.

func newCmdCategory(f *Factory) *cobra.Command {
	cmd := adminGroup("category", "List, add, change, merge and remove reply categories")
	cmd.AddCommand(newCmdCategoryList(f, nil), newCmdCategoryAdd(f, nil), newCmdCategorySet(f, nil),
		newCmdCategoryRm(f, nil), newCmdCategoryMerge(f, nil), newCmdCategoryMove(f, nil))
	return cmd
}

type categoryJSON struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	OptOut    bool   `json:"opt_out"`
	Followup  string `json:"followup"`
	AutoReply string `json:"autoreply"`
	AnyHour   bool   `json:"autoreply_any_hour"`
	Role      string `json:"role,omitempty"`
}

type categoryListOptions struct {
	adminDeps
	JSON bool
}

func newCmdCategoryList(f *Factory, runF func(context.Context, *categoryListOptions) error) *cobra.Command {
	opts := &categoryListOptions{adminDeps: newAdminDeps(f)}
	cmd := &cobra.Command{Use: "list", Short: "List categories", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return run(cmd.Context(), opts, runF, categoryList) }}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

func categoryList(ctx context.Context, opts *categoryListOptions) error {
	d, err := opts.Desk(ctx)
	if err != nil {
		return err
	}
	cats, err := d.DB.Categories(ctx)
	if err != nil {
		return err
	}
	if opts.JSON {
		out := []categoryJSON{}
		for _, c := range cats {
			out = append(out, categoryJSON{c.ID, c.Name, c.OptOut, c.Followup, c.AutoReply, c.AutoReplyAnyHour, c.Role})
		}
		return writeJSON(opts.Out, out)
	}
	var rows [][]string
	for i, c := range cats {
		opt := ""
		if c.OptOut {
			opt = "opt-out"
		}
		when := ""
		if c.AutoReply != "" {
			when = "after quiet hours"
			if c.AutoReplyAnyHour {
				when = "any hour"
			}
		}
		rows = append(rows, []string{strconv.Itoa(i + 1), c.Name, opt, c.Followup, c.AutoReply, when})
	}
	return printTable(opts.Out, []string{"KEY", "CATEGORY", "OPT-OUT", "FOLLOW-UP", "AUTO-REPLY", "SENT"}, rows)
}

// categoryFlags are the flags `category add` and `category set` share.
type categoryFlags struct {
	name, followup, autoreply string
	optOut, anyHour           bool
}

func (o *categoryFlags) register(cmd *cobra.Command, forSet bool) {
	fl := cmd.Flags()
	if forSet {
		fl.StringVar(&o.name, "name", "", "new name")
	}
	fl.BoolVar(&o.optOut, "opt-out", false, "a reply in it puts the number on the opt-out list")
	fl.StringVar(&o.followup, "followup", "none", "follow-up after a reply in it: none, basic or alt")
	fl.StringVar(&o.autoreply, "autoreply", "", "text sent back automatically (once per number per window)")
	fl.BoolVar(&o.anyHour, "any-hour", false, "the auto-reply may go during quiet hours (else it waits for them to end)")
}

func (o *categoryFlags) update(cmd *cobra.Command) store.CategoryUpdate {
	return store.CategoryUpdate{Name: changed(cmd, "name", o.name), OptOut: changed(cmd, "opt-out", o.optOut),
		Followup: changed(cmd, "followup", o.followup), AutoReply: changed(cmd, "autoreply", o.autoreply),
		AnyHour: changed(cmd, "any-hour", o.anyHour)}
}

type categoryAddOptions struct {
	adminDeps
	Update store.CategoryUpdate
}

func newCmdCategoryAdd(f *Factory, runF func(context.Context, *categoryAddOptions) error) *cobra.Command {
	opts := &categoryAddOptions{adminDeps: newAdminDeps(f)}
	var fl categoryFlags
	cmd := &cobra.Command{Use: "add NAME", Short: "Add a category", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Update = fl.update(cmd)
			opts.Update.Name = &args[0]
			return run(cmd.Context(), opts, runF, categoryAdd)
		}}
	fl.register(cmd, false)
	return cmd
}

func categoryAdd(ctx context.Context, opts *categoryAddOptions) error {
	return deskOp(ctx, opts.adminDeps, func(ctx context.Context, d *desk.Desk) (string, error) {
		c, err := d.AddCategory(ctx, opts.Update)
		return "added category " + c.Name, err
	})
}

type categorySetOptions struct {
	adminDeps
	Category string
	Update   store.CategoryUpdate
}

func newCmdCategorySet(f *Factory, runF func(context.Context, *categorySetOptions) error) *cobra.Command {
	opts := &categorySetOptions{adminDeps: newAdminDeps(f)}
	var fl categoryFlags
	cmd := &cobra.Command{Use: "set NAME", Short: "Change a category", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Category, opts.Update = args[0], fl.update(cmd)
			return run(cmd.Context(), opts, runF, categorySet)
		}}
	fl.register(cmd, true)
	return cmd
}

func categorySet(ctx context.Context, opts *categorySetOptions) error {
	return deskRowOp(ctx, opts.adminDeps, opts.Category, (*store.DB).CategoryByName,
		func(ctx context.Context, d *desk.Desk, c store.Category) (string, error) {
			c, err := d.UpdateCategory(ctx, c.ID, opts.Update)
			return "changed category " + c.Name, err
		})
}

type categoryRmOptions struct {
	adminDeps
	Category string
}

func newCmdCategoryRm(f *Factory, runF func(context.Context, *categoryRmOptions) error) *cobra.Command {
	opts := &categoryRmOptions{adminDeps: newAdminDeps(f)}
	return &cobra.Command{Use: "rm NAME", Short: "Remove a category that no text is in (else: merge or rename)",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Category = args[0]
			return run(cmd.Context(), opts, runF, categoryRm)
		}}
}

func categoryRm(ctx context.Context, opts *categoryRmOptions) error {
	return deskRemove(ctx, opts.adminDeps, "category rm", opts.Category, (*store.DB).CategoryByName,
		func(ctx context.Context, d *desk.Desk, c store.Category) (string, error) {
			return d.RemoveCategory(ctx, c.ID)
		})
}

type categoryMergeOptions struct {
	adminDeps
	From, Into string
}

func newCmdCategoryMerge(f *Factory, runF func(context.Context, *categoryMergeOptions) error) *cobra.Command {
	opts := &categoryMergeOptions{adminDeps: newAdminDeps(f)}
	return &cobra.Command{Use: "merge NAME INTO", Short: "Move every text of category NAME into INTO, then remove NAME",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.From, opts.Into = args[0], args[1]
			return run(cmd.Context(), opts, runF, categoryMerge)
		}}
}

func categoryMerge(ctx context.Context, opts *categoryMergeOptions) error {
	return deskOp(ctx, opts.adminDeps, func(ctx context.Context, d *desk.Desk) (string, error) {
		from, err := d.DB.CategoryByName(ctx, opts.From)
		if err != nil {
			return "", err
		}
		into, err := d.DB.CategoryByName(ctx, opts.Into)
		if err != nil {
			return "", err
		}
		msg, err := d.MergeCategory(ctx, from.ID, into.ID)
		if err != nil {
			return "", fmt.Errorf("category merge: %w", err)
		}
		return msg, nil
	})
}

// categoryMoveOptions holds what `texting category move NAME up|down|PLACE`
// needs.
type categoryMoveOptions struct {
	readDeps
	Category string
	// To is up, down or a place from 1 (checked against the categories
	// when it runs).
	To string
}

// newCmdCategoryMove builds `texting category move NAME up|down|PLACE`: the
// order of the categories is the order of the review queue's keys.
func newCmdCategoryMove(f *Factory, runF func(context.Context, *categoryMoveOptions) error) *cobra.Command {
	opts := &categoryMoveOptions{readDeps: newReadDeps(f)}
	return &cobra.Command{
		Use:   "move NAME up|down|PLACE",
		Short: "Move a category in the order the review queue keys them (1-9, then a, b …)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Category, opts.To = args[0], args[1]
			return run(cmd.Context(), opts, runF, categoryMove)
		},
	}
}

func categoryMove(ctx context.Context, opts *categoryMoveOptions) error {
	db, err := opts.Store(ctx)
	if err != nil {
		return err
	}
	c, err := db.CategoryByName(ctx, opts.Category)
	if err != nil {
		return fmt.Errorf("category move: %w", err)
	}
	cats, err := db.Categories(ctx)
	if err != nil {
		return err
	}
	at := 0
	for i, x := range cats {
		if x.ID == c.ID {
			at = i + 1
		}
	}
	var delta int
	switch w := strings.ToLower(opts.To); w {
	case "up":
		delta = -1
	case "down":
		delta = 1
	default:
		n, err := strconv.Atoi(w)
		if err != nil || n < 1 || n > len(cats) {
			return fmt.Errorf("category move: %q is not up, down or a place from 1 to %d", opts.To, len(cats))
		}
		delta = n - at
	}
	place, err := db.MoveCategory(ctx, c.ID, delta)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(opts.Out, "moved %s from place %d to %d\n", c.Name, at, place)
	return err
}
