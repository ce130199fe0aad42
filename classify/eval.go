package classify

import (
	"math/rand/v2"
	"slices"
)

// Report is how well the automatic sorting does on labelled examples, as
// measured by CrossValidate.
type Report struct {
	Folds, Examples int
	// Accuracy is the share of examples whose predicted category is right,
	// whatever the confidence.
	Accuracy float64
	// PerCategory has one entry per category among the examples, by name.
	PerCategory []CategoryReport
	// LeftForReview is the share of examples whose confidence is below the
	// threshold: they would wait for the operator.
	LeftForReview float64
	// AutoPrecision is the share right among those at or above the threshold
	// (0 when there are none).
	AutoPrecision float64
	Threshold     float64
}

// CategoryReport is the precision and recall of one category's predictions.
type CategoryReport struct {
	Category string
	// Support is how many examples have this category.
	Support int
	// Precision is the share right among the examples predicted to be in the
	// category; Recall the share of the category's examples predicted so.
	Precision, Recall float64
}

// CrossValidate measures the learned model by k-fold cross-validation: each
// example is predicted by a model trained on the other folds. Folds are drawn
// from a shuffle by seed, category by category, so that each fold holds its
// share of every category. k is clamped to [2, len(examples)].
func CrossValidate(examples []Example, k int, threshold float64, seed int64) Report {
	var kept []Example
	for _, e := range examples {
		if e.Category != "" {
			kept = append(kept, e)
		}
	}
	n := len(kept)
	r := Report{Examples: n, Threshold: threshold}
	if n < 2 {
		return r
	}
	k = max(2, min(k, n))
	r.Folds = k

	// Stratified folds: shuffle, group by category, deal round-robin.
	rng := rand.New(rand.NewPCG(uint64(seed), 0xc1a55))
	order := rng.Perm(n)
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case kept[a].Category < kept[b].Category:
			return -1
		case kept[a].Category > kept[b].Category:
			return 1
		}
		return 0
	})
	fold := make([]int, n)
	for i, e := range order {
		fold[e] = i % k
	}

	type stats struct{ support, predicted, right int }
	per := map[string]*stats{}
	get := func(c string) *stats {
		if per[c] == nil {
			per[c] = &stats{}
		}
		return per[c]
	}
	var right, auto, autoRight, review int
	for f := range k {
		var train, test []Example
		for i, e := range kept {
			if fold[i] == f {
				test = append(test, e)
			} else {
				train = append(train, e)
			}
		}
		m := Train(train)
		for _, e := range test {
			cat, conf := m.Predict(e.Text)
			get(e.Category).support++
			if cat != "" {
				get(cat).predicted++
			}
			ok := cat == e.Category
			if ok {
				right++
				get(cat).right++
			}
			if cat != "" && conf >= threshold {
				auto++
				if ok {
					autoRight++
				}
			} else {
				review++
			}
		}
	}
	r.Accuracy = ratio(right, n)
	r.LeftForReview = ratio(review, n)
	r.AutoPrecision = ratio(autoRight, auto)
	for c, s := range per {
		if s.support == 0 {
			continue // predicted, but never the truth: cannot happen with kept's classes
		}
		r.PerCategory = append(r.PerCategory, CategoryReport{
			Category: c, Support: s.support,
			Precision: ratio(s.right, s.predicted), Recall: ratio(s.right, s.support),
		})
	}
	slices.SortFunc(r.PerCategory, func(a, b CategoryReport) int {
		if a.Category < b.Category {
			return -1
		}
		return 1
	})
	return r
}

// ratio is a/b, or 0 when b is 0.
func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
