package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/replies"
)

// classifyEvalOptions holds what `texting classify eval` needs.
type classifyEvalOptions struct {
	adminDeps
	JSON bool
}

func newCmdClassify(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "classify",
		Short: "The learned categoriser of replies",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCmdClassifyEval(f, nil))
	return cmd
}

// newCmdClassifyEval builds `texting classify eval`; runF replaces
// classifyEval in tests.
func newCmdClassifyEval(f *Factory, runF func(context.Context, *classifyEvalOptions) error) *cobra.Command {
	opts := &classifyEvalOptions{adminDeps: newAdminDeps(f)}
	eval := &cobra.Command{
		Use:   "eval [--json]",
		Short: "How good the auto-sort is on your own categorised replies",
		Long: "Cross-validate the learned model on the replies you categorised (5 folds; identical\n" +
			"texts count once, as memory sorts those): accuracy, precision and recall per category,\n" +
			"and how many texts would wait for review at the current classify.threshold.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), opts, runF, classifyEval)
		},
	}
	eval.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return eval
}

type evalCategoryJSON struct {
	Category  string  `json:"category"`
	Support   int     `json:"support"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
}

type evalJSON struct {
	Texts         int                `json:"texts"`
	Examples      int                `json:"examples"`
	Folds         int                `json:"folds"`
	Accuracy      float64            `json:"accuracy"`
	Threshold     float64            `json:"threshold"`
	LeftForReview float64            `json:"left_for_review"`
	AutoPrecision float64            `json:"auto_precision"`
	Categories    []evalCategoryJSON `json:"categories"`
}

// classifyEval prints the cross-validation report.
func classifyEval(ctx context.Context, opts *classifyEvalOptions) error {
	d, err := opts.Desk(ctx)
	if err != nil {
		return err
	}
	p := replies.New(d.DB, replies.OptionsFrom(d.Config, d.Logger))
	ev, err := p.Evaluate(ctx)
	if err != nil {
		return fmt.Errorf("classify eval: %w", err)
	}
	out := evalJSON{Texts: ev.Texts, Examples: ev.Examples, Folds: ev.Folds, Accuracy: ev.Accuracy,
		Threshold: ev.Threshold, LeftForReview: ev.LeftForReview, AutoPrecision: ev.AutoPrecision,
		Categories: []evalCategoryJSON{}}
	for _, c := range ev.PerCategory {
		out.Categories = append(out.Categories, evalCategoryJSON{c.Category, c.Support, c.Precision, c.Recall})
	}
	if opts.JSON {
		return writeJSON(opts.Out, out)
	}
	if ev.Examples < 2 || len(ev.PerCategory) < 2 {
		_, err := fmt.Fprintf(opts.Out, "%d categorised texts (%d distinct): too few to measure; categorise replies of at least two categories first\n",
			ev.Texts, ev.Examples)
		return err
	}
	fmt.Fprintf(opts.Out, "%d categorised texts, %d distinct, %d-fold cross-validation\n", ev.Texts, ev.Examples, ev.Folds)
	fmt.Fprintf(opts.Out, "accuracy %.1f%%\n", 100*ev.Accuracy)
	fmt.Fprintf(opts.Out, "at threshold %.2f: %.1f%% would wait for review; %.1f%% right among those sorted automatically\n\n",
		ev.Threshold, 100*ev.LeftForReview, 100*ev.AutoPrecision)
	var rows [][]string
	for _, c := range out.Categories {
		rows = append(rows, []string{c.Category, fmt.Sprint(c.Support), fmt.Sprintf("%.1f%%", 100*c.Precision),
			fmt.Sprintf("%.1f%%", 100*c.Recall)})
	}
	return printTable(opts.Out, []string{"CATEGORY", "TEXTS", "PRECISION", "RECALL"}, rows)
}
