package cli

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/desk"
	"github.com/texting-centre/texting/replies"
	"github.com/texting-centre/texting/store"
)

func newCmdReplies(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "replies",
		Short: "Categorise received texts",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCmdRepliesList(f, nil), newCmdRepliesTag(f, nil), newCmdRepliesRecategorise(f, nil))
	return cmd
}

// repliesListOptions holds what `texting replies list` needs.
type repliesListOptions struct {
	readDeps
	JSON bool
}

func newCmdRepliesList(f *Factory, runF func(context.Context, *repliesListOptions) error) *cobra.Command {
	opts := &repliesListOptions{readDeps: newReadDeps(f)}
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "List the review queue: received texts waiting for a category",
		Long: "List the received texts that wait for the operator's category, newest first, one\n" +
			"line per text as written (identical texts after normalisation share one line; SAME\n" +
			"says how many). Tag a line with `texting replies tag ID CATEGORY`: every identical\n" +
			"text gets the category too.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), opts, runF, repliesList)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

// repliesTagOptions holds what `texting replies tag ID CATEGORY` needs.
type repliesTagOptions struct {
	adminDeps
	// Operator is who tags: --as, the operator setting or the login name.
	Operator func(config.Config) (string, error)
	ID       int64
	Category string
	JSON     bool
}

func newCmdRepliesTag(f *Factory, runF func(context.Context, *repliesTagOptions) error) *cobra.Command {
	opts := &repliesTagOptions{adminDeps: newAdminDeps(f),
		Operator: func(cfg config.Config) (string, error) { return operatorName(f, cfg) }}
	cmd := &cobra.Command{
		Use:   "tag ID CATEGORY",
		Short: "Categorise a received text, and every uncategorised text that is the same",
		Long: "Give the received text ID the category CATEGORY, as the operator's choice, and give it\n" +
			"also to every uncategorised text that is the same after normalisation (case, spacing,\n" +
			"punctuation). The category's opt-out and auto-reply apply; the learned model learns it.",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return fmt.Errorf("replies tag: %q is not a message id", args[0])
			}
			opts.ID, opts.Category = id, args[1]
			return run(cmd.Context(), opts, runF, repliesTag)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

// repliesRecategoriseOptions holds what `texting replies recategorise` needs.
type repliesRecategoriseOptions struct {
	adminDeps
	JSON bool
}

func newCmdRepliesRecategorise(f *Factory, runF func(context.Context, *repliesRecategoriseOptions) error) *cobra.Command {
	opts := &repliesRecategoriseOptions{adminDeps: newAdminDeps(f)}
	cmd := &cobra.Command{
		Use:     "recategorise",
		Aliases: []string{"recategorize"},
		Short:   "Run the automatic rules again over the texts waiting for review",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), opts, runF, repliesRecategorise)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

// reviewJSON is one line of `replies list --json`: the newest text of a group
// of identical uncategorised texts, in the messages contract shape, and how
// many texts the group holds.
type reviewJSON struct {
	messageJSON
	Identical int `json:"identical"`
}

// repliesList prints the review queue, a page at a time from the store.
func repliesList(ctx context.Context, opts *repliesListOptions) error {
	db, err := opts.Store(ctx)
	if err != nil {
		return err
	}
	const page = 500
	var groups []store.ReviewGroup
	for off := 0; ; off += page {
		g, err := db.ReviewQueue(ctx, store.PageFilter{Limit: page, Offset: off})
		if err != nil {
			return fmt.Errorf("replies list: %w", err)
		}
		groups = append(groups, g...)
		if len(g) < page {
			break
		}
	}
	if opts.JSON {
		out := make([]reviewJSON, 0, len(groups))
		for _, g := range groups {
			out = append(out, reviewJSON{messageJSON: toMessageJSON(g.Latest), Identical: g.Count})
		}
		return writeJSON(opts.Out, out)
	}
	if len(groups) == 0 {
		_, err := fmt.Fprintln(opts.Out, "nothing waiting for review")
		return err
	}
	rows := make([][]string, 0, len(groups))
	texts := 0
	for _, g := range groups {
		texts += g.Count
		m := g.Latest
		rows = append(rows, []string{strconv.FormatInt(m.ID, 10), shortTime(m.At), clipText(m.SIM, 12), m.Number,
			strconv.Itoa(g.Count), clipText(m.Text, 60)})
	}
	if err := printTable(opts.Out, []string{"ID", "TIME", "SIM", "NUMBER", "SAME", "TEXT"}, rows); err != nil {
		return err
	}
	_, err = fmt.Fprintf(opts.Out, "%d %s waiting for review (texting replies tag ID CATEGORY)\n", texts, plural(texts, "text", "texts"))
	return err
}

type tagJSON struct {
	Category string  `json:"category"`
	Tagged   int     `json:"tagged"`
	IDs      []int64 `json:"ids"`
	// OptOutsKept are the tagged texts' numbers that stay on the opt-out
	// list although the category is not an opt-out one.
	OptOutsKept []string `json:"opt_outs_kept"`
}

// repliesTag categorises message id and its like.
func repliesTag(ctx context.Context, opts *repliesTagOptions) error {
	d, err := opts.Desk(ctx)
	if err != nil {
		return err
	}
	operator, err := opts.Operator(d.Config)
	if err != nil {
		return err
	}
	id := opts.ID
	u, err := d.TagWith(ctx, id, opts.Category, store.TagOptions{Operator: operator})
	if err != nil {
		return fmt.Errorf("replies tag: %w", err)
	}
	// A STOP re-tagged as something else leaves the number opted out: say
	// so, and how to take it off, rather than change the list silently.
	kept := []string{}
	for _, o := range u.KeptOptOuts {
		kept = append(kept, o.Number)
		fmt.Fprintf(opts.Err, "%s stays on the opt-out list (since %s); 'texting optout rm %s' takes it off\n",
			o.Number, desk.DescribeOptOut(o, nil), o.Number)
	}
	if opts.JSON {
		return writeJSON(opts.Out, tagJSON{Category: u.Category, Tagged: u.Tagged, IDs: u.IDs, OptOutsKept: kept})
	}
	others := ""
	if u.Tagged > 1 {
		others = fmt.Sprintf(" and %d identical text(s)", u.Tagged-1)
	}
	if _, err := fmt.Fprintf(opts.Out, "message %d%s: %s\n", id, others, u.Category); err != nil {
		return err
	}
	note, err := d.AutoreplyNote(ctx, u)
	if note != "" {
		fmt.Fprintln(opts.Out, note)
	}
	return err
}

type recategoriseJSON struct {
	Checked     int            `json:"checked"`
	Categorised int            `json:"categorised"`
	ByCategory  map[string]int `json:"by_category"`
	OptedOut    int            `json:"opted_out"`
	Autoreplies int            `json:"autoreplies"`
}

// repliesRecategorise re-runs the automatic rules over the review queue.
func repliesRecategorise(ctx context.Context, opts *repliesRecategoriseOptions) error {
	d, err := opts.Desk(ctx)
	if err != nil {
		return err
	}
	p := replies.New(d.DB, replies.OptionsFrom(d.Config, d.Logger))
	res, err := p.Recategorise(ctx)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(opts.Out, recategoriseJSON{Checked: res.Checked, Categorised: res.Categorised,
			ByCategory: res.ByCategory, OptedOut: res.OptedOut, Autoreplies: res.Autoreplies})
	}
	var parts []string
	names := make([]string, 0, len(res.ByCategory))
	for n := range res.ByCategory {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%s %d", n, res.ByCategory[n]))
	}
	line := fmt.Sprintf("%d waiting, %d categorised", res.Checked, res.Categorised)
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	line += fmt.Sprintf(", %d opted out, %d auto-replies queued, %d still waiting for review",
		res.OptedOut, res.Autoreplies, res.Checked-res.Categorised)
	_, err = fmt.Fprintln(opts.Out, line)
	return err
}
