package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/desk"
	"github.com/texting-centre/texting/store"
)

// `texting template list|add|set|rm`: campaign templates.

func newCmdTemplate(f *Factory) *cobra.Command {
	cmd := adminGroup("template", "List, add, change and remove campaign templates")
	cmd.AddCommand(newCmdTemplateList(f, nil), newCmdTemplateAdd(f, nil), newCmdTemplateSet(f, nil), newCmdTemplateRm(f, nil))
	return cmd
}

type templateJSON struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Body        string `json:"body"`
	Followup    string `json:"followup"`
	AltFollowup string `json:"alt_followup"`
	UpdatedAt   any    `json:"updated_at"`
}

type templateListOptions struct {
	adminDeps
	JSON bool
}

func newCmdTemplateList(f *Factory, runF func(context.Context, *templateListOptions) error) *cobra.Command {
	opts := &templateListOptions{adminDeps: newAdminDeps(f)}
	cmd := &cobra.Command{Use: "list", Short: "List templates", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return run(cmd.Context(), opts, runF, templateList) }}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

func templateList(ctx context.Context, opts *templateListOptions) error {
	d, err := opts.Desk(ctx)
	if err != nil {
		return err
	}
	ts, err := d.DB.Templates(ctx)
	if err != nil {
		return err
	}
	if opts.JSON {
		out := []templateJSON{}
		for _, t := range ts {
			out = append(out, templateJSON{t.ID, t.Name, t.Body, t.Followup, t.AltFollowup, rfc3339(t.UpdatedAt)})
		}
		return writeJSON(opts.Out, out)
	}
	var rows [][]string
	for _, t := range ts {
		rows = append(rows, []string{t.Name, clipText(t.Body, 50), clipText(t.Followup, 30), clipText(t.AltFollowup, 30)})
	}
	return printTable(opts.Out, []string{"TEMPLATE", "BODY", "FOLLOW-UP", "ALTERNATIVE"}, rows)
}

// templateFlags are the flags `template add` and `template set` share.
type templateFlags struct {
	name, body, followup, alt string
}

func (o *templateFlags) register(cmd *cobra.Command, forSet bool) {
	fl := cmd.Flags()
	if forSet {
		fl.StringVar(&o.name, "name", "", "new name")
	}
	fl.StringVar(&o.body, "body", "", "the campaign text; may use {name} and {greeting}")
	fl.StringVar(&o.followup, "followup", "", "the basic follow-up text")
	fl.StringVar(&o.alt, "alt-followup", "", "the alternative follow-up text")
}

func (o *templateFlags) update(cmd *cobra.Command) store.TemplateUpdate {
	return store.TemplateUpdate{Name: changed(cmd, "name", o.name), Body: changed(cmd, "body", o.body),
		Followup: changed(cmd, "followup", o.followup), AltFollowup: changed(cmd, "alt-followup", o.alt)}
}

type templateAddOptions struct {
	adminDeps
	Update store.TemplateUpdate
}

func newCmdTemplateAdd(f *Factory, runF func(context.Context, *templateAddOptions) error) *cobra.Command {
	opts := &templateAddOptions{adminDeps: newAdminDeps(f)}
	var fl templateFlags
	cmd := &cobra.Command{Use: "add NAME", Short: "Add a template (NAME matches a data-source group)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Update = fl.update(cmd)
			opts.Update.Name = &args[0]
			return run(cmd.Context(), opts, runF, templateAdd)
		}}
	fl.register(cmd, false)
	return cmd
}

func templateAdd(ctx context.Context, opts *templateAddOptions) error {
	return deskOp(ctx, opts.adminDeps, func(ctx context.Context, d *desk.Desk) (string, error) {
		t, err := d.AddTemplate(ctx, opts.Update)
		return "added template " + t.Name, err
	})
}

type templateSetOptions struct {
	adminDeps
	Template string
	Update   store.TemplateUpdate
}

func newCmdTemplateSet(f *Factory, runF func(context.Context, *templateSetOptions) error) *cobra.Command {
	opts := &templateSetOptions{adminDeps: newAdminDeps(f)}
	var fl templateFlags
	cmd := &cobra.Command{Use: "set NAME", Short: "Change a template", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Template, opts.Update = args[0], fl.update(cmd)
			return run(cmd.Context(), opts, runF, templateSet)
		}}
	fl.register(cmd, true)
	return cmd
}

func templateSet(ctx context.Context, opts *templateSetOptions) error {
	return deskRowOp(ctx, opts.adminDeps, opts.Template, (*store.DB).TemplateByName,
		func(ctx context.Context, d *desk.Desk, t store.Template) (string, error) {
			t, err := d.UpdateTemplate(ctx, t.ID, opts.Update)
			return "changed template " + t.Name, err
		})
}

type templateRmOptions struct {
	adminDeps
	Template string
}

func newCmdTemplateRm(f *Factory, runF func(context.Context, *templateRmOptions) error) *cobra.Command {
	opts := &templateRmOptions{adminDeps: newAdminDeps(f)}
	return &cobra.Command{Use: "rm NAME", Short: "Remove a template no text was sent with", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Template = args[0]
			return run(cmd.Context(), opts, runF, templateRm)
		}}
}

func templateRm(ctx context.Context, opts *templateRmOptions) error {
	return deskRemove(ctx, opts.adminDeps, "template rm", opts.Template, (*store.DB).TemplateByName,
		func(ctx context.Context, d *desk.Desk, t store.Template) (string, error) {
			return d.RemoveTemplate(ctx, t.ID)
		})
}
