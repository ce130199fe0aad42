package cli

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/store"
)

// `texting category list|add|set|rm|merge`: reply categories.

func newCmdCategory(f *Factory) *cobra.Command {
	cmd := adminGroup("category", "List, add, change, merge and remove reply categories")
	cmd.AddCommand(newCmdCategoryList(f, nil), newCmdCategoryAdd(f, nil), newCmdCategorySet(f, nil),
		newCmdCategoryRm(f, nil), newCmdCategoryMerge(f, nil), newCmdCategoryMove(f))
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
	d, err := opts.Desk(ctx)
	if err != nil {
		return err
	}
	c, err := d.AddCategory(ctx, opts.Update)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.Err, "added category %s\n", c.Name)
	return nil
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
	d, err := opts.Desk(ctx)
	if err != nil {
		return err
	}
	c, err := d.DB.CategoryByName(ctx, opts.Category)
	if err != nil {
		return err
	}
	c, err = d.UpdateCategory(ctx, c.ID, opts.Update)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.Err, "changed category %s\n", c.Name)
	return nil
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
	d, err := opts.Desk(ctx)
	if err != nil {
		return err
	}
	c, err := d.DB.CategoryByName(ctx, opts.Category)
	if err != nil {
		return err
	}
	msg, err := d.RemoveCategory(ctx, c.ID)
	if err != nil {
		return fmt.Errorf("category rm: %w", err)
	}
	fmt.Fprintln(opts.Err, msg)
	return nil
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
	d, err := opts.Desk(ctx)
	if err != nil {
		return err
	}
	from, err := d.DB.CategoryByName(ctx, opts.From)
	if err != nil {
		return err
	}
	into, err := d.DB.CategoryByName(ctx, opts.Into)
	if err != nil {
		return err
	}
	msg, err := d.MergeCategory(ctx, from.ID, into.ID)
	if err != nil {
		return fmt.Errorf("category merge: %w", err)
	}
	fmt.Fprintln(opts.Err, msg)
	return nil
}
