package replies

import (
	"context"
	"sort"
	"strconv"

	"github.com/texting-centre/texting/classify"
	"github.com/texting-centre/texting/store"
)

// EvalFolds is how many folds Evaluate cross-validates with.
const EvalFolds = 5

// evalSeed fixes the shuffle so that the same data gives the same figures.
const evalSeed = 1

// Evaluation is how well the learned model sorts the operator's own
// categorised replies: a classify.Report with category names.
type Evaluation struct {
	classify.Report
	// Texts is how many texts the operator categorised; Examples (in the
	// report) counts the distinct ones after normalisation, which is what
	// the model is measured on: identical texts are sorted by memory, not
	// by the model, and would flatter it.
	Texts int
}

// Evaluate cross-validates the learned model on the texts the operator has
// categorised, at the pipeline's threshold.
func (p *Pipeline) Evaluate(ctx context.Context) (Evaluation, error) {
	examples, _, err := p.db.OperatorExamples(ctx)
	if err != nil {
		return Evaluation{}, err
	}
	cats, err := p.db.Categories(ctx)
	if err != nil {
		return Evaluation{}, err
	}
	names := map[string]string{}
	for _, c := range cats {
		names[strconv.FormatInt(c.ID, 10)] = c.Name
	}
	distinct := distinctExamples(examples)
	rep := classify.CrossValidate(distinct, EvalFolds, p.opts.Threshold, evalSeed)
	for i, c := range rep.PerCategory {
		if n, ok := names[c.Category]; ok {
			rep.PerCategory[i].Category = n
		}
	}
	sort.SliceStable(rep.PerCategory, func(i, j int) bool { return rep.PerCategory[i].Category < rep.PerCategory[j].Category })
	return Evaluation{Report: rep, Texts: len(examples)}, nil
}

// distinctExamples keeps one example per normalised text, with the category
// the operator gave it last.
func distinctExamples(examples []store.Example) []classify.Example {
	idx := map[string]int{}
	var out []classify.Example
	for _, e := range examples {
		ex := classify.Example{Text: e.Text, Category: strconv.FormatInt(e.CategoryID, 10)}
		key := e.Norm
		if key == "" {
			key = "\x00" + e.Text
		}
		if i, ok := idx[key]; ok {
			out[i] = ex // later categorisations win
			continue
		}
		idx[key] = len(out)
		out = append(out, ex)
	}
	return out
}
