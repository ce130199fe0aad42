package classify

import (
	"cmp"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// Example is one text with the category the operator gave it.
type Example struct {
	Text, Category string
}

// Model is a learned categoriser: multinomial logistic regression over hashed
// word, word-pair and character n-gram features, with its raw probabilities
// mapped to calibrated confidences. It is immutable after Train and safe for
// concurrent Predict.
type Model struct {
	classes []string  // sorted category names
	weights []float32 // feature-major: weights[f*len(classes)+c]
	bias    []float32
	calib   calibration
}

// Training settings. They are fixed rather than tuned per data set: the same
// model must serve operators whose categories and volumes differ.
const (
	// l2 is the strength of the weight penalty, per example.
	l2 = 2e-5
	// eta0 is the initial learning rate of the SGD schedule eta0/(1+eta0*l2*t).
	eta0 = 0.5
	// updatesWanted is about how many single-example updates training makes:
	// small data sets get more passes, large ones fewer (between minEpochs and
	// maxEpochs).
	updatesWanted        = 300_000
	minEpochs, maxEpochs = 3, 10
	// calibFolds is the internal cross-validation that gives the calibration
	// its out-of-fold scores; calibWanted caps how many out-of-fold scores are
	// made, as that many calibrate well and each fold costs a training.
	calibFolds  = 3
	calibWanted = 12_000
	// foldTrainCap caps a fold model's training rows on large data sets, where
	// the final model's own training is the cost that matters. A fold model
	// that learned from less is a little worse than the final model, which
	// errs on the side of caution: the calibration under-states confidence.
	foldTrainCap = 40_000
	// trainSeed makes training deterministic: the same examples give the same
	// model.
	trainSeed = 0x7e47
)

// dataset is the examples as feature vectors, rows in a flat layout.
type dataset struct {
	off    []int // row i is idx[off[i]:off[i+1]]
	idx    []uint32
	val    []float32
	label  []int // index into classes
	nclass int
}

func (d *dataset) row(i int) vector {
	return vector{idx: d.idx[d.off[i]:d.off[i+1]], val: d.val[d.off[i]:d.off[i+1]]}
}

// Train learns a model from every example with a category. With no examples,
// or examples of fewer than two categories, the model predicts nothing
// (category "", confidence 0): there is nothing to tell apart yet.
func Train(examples []Example) *Model {
	m := &Model{}
	var kept []Example
	for _, e := range examples {
		if e.Category != "" {
			kept = append(kept, e)
		}
	}
	for _, e := range kept {
		m.classes = append(m.classes, e.Category)
	}
	slices.Sort(m.classes)
	m.classes = slices.Compact(m.classes)
	if len(m.classes) < 2 {
		m.classes = nil
		return m
	}
	data := vectorize(kept, m.classes)
	n := len(kept)

	// Internal cross-validation for the calibration: folds of a seeded
	// shuffle, only as many as needed for calibWanted out-of-fold scores. The
	// fold models and the final model train in parallel.
	rng := rand.New(rand.NewPCG(trainSeed, uint64(n)))
	perm := rng.Perm(n)
	k := min(calibFolds, n)
	use := k
	if n > calibWanted {
		use = max(1, min(k, (calibWanted*k+n-1)/n))
	}
	// Texts that are the same once normalised share a fold: the model is
	// only ever asked about texts the operator has not categorised (rule 3,
	// memory, answers the others), so the calibration must see how it does on
	// unseen texts. Operators categorise many identical replies ("Thanks"),
	// and letting copies sit on both sides of a fold would make every guess
	// look certain.
	fold := groupFolds(kept, perm, k)
	type oof struct{ score, correct []float64 }
	results := make([]oof, use)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	wg.Go(func() {
		sem <- struct{}{}
		defer func() { <-sem }()
		m.weights, m.bias = fit(data, perm, trainSeed)
	})
	for f := range use {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			var train, test []int
			for _, r := range perm {
				if fold[r] == f {
					test = append(test, r)
				} else if len(train) < foldTrainCap {
					train = append(train, r)
				}
			}
			fm := &Model{classes: m.classes}
			fm.weights, fm.bias = fit(data, train, trainSeed+uint64(f)+1)
			probs := make([]float64, len(m.classes))
			for _, r := range test {
				c, p := fm.raw(data.row(r), probs)
				results[f].score = append(results[f].score, p)
				results[f].correct = append(results[f].correct, b2f(c == data.label[r]))
			}
		})
	}
	wg.Wait()
	var scores, correct []float64
	for _, r := range results {
		scores = append(scores, r.score...)
		correct = append(correct, r.correct...)
	}
	m.calib = fitCalibration(scores, correct)
	return m
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// vectorize extracts the examples' features on every CPU, each worker on a
// contiguous share written straight into its own flat arrays.
func vectorize(examples []Example, classes []string) *dataset {
	n := len(examples)
	workers := min(runtime.GOMAXPROCS(0), max(1, n/256))
	parts := make([]dataset, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			lo, hi := n*w/workers, n*(w+1)/workers
			part := &parts[w]
			part.off = make([]int, 0, hi-lo)
			var e extractor
			v := vector{idx: make([]uint32, 0, (hi-lo)*256), val: make([]float32, 0, (hi-lo)*256)}
			for i := lo; i < hi; i++ {
				v = e.features(examples[i].Text, v)
				part.off = append(part.off, len(v.idx))
			}
			part.idx, part.val = v.idx, v.val
		})
	}
	wg.Wait()
	d := &dataset{off: make([]int, 1, n+1), label: make([]int, n), nclass: len(classes)}
	for _, p := range parts {
		base := len(d.idx)
		for _, end := range p.off {
			d.off = append(d.off, base+end)
		}
		d.idx = append(d.idx, p.idx...)
		d.val = append(d.val, p.val...)
	}
	for i, e := range examples {
		d.label[i], _ = slices.BinarySearch(classes, e.Category)
	}
	return d
}

// fit trains the logistic regression on the given rows by stochastic gradient
// descent with an L2 penalty (kept as one running scale of all weights, so a
// step costs only the example's own features).
func fit(d *dataset, rows []int, seed uint64) (weights, bias []float32) {
	C := d.nclass
	w := make([]float32, (featureMask+1)*C)
	b := make([]float64, C)
	scale := 1.0
	epochs := max(minEpochs, min(maxEpochs, updatesWanted/max(1, len(rows))))
	order := slices.Clone(rows)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	p := make([]float64, C)
	t := 0.0
	for range epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, r := range order {
			x := d.row(r)
			for c := range p {
				p[c] = 0
			}
			for k, f := range x.idx {
				v := float64(x.val[k])
				ws := w[int(f)*C : int(f)*C+C]
				for c := range ws {
					p[c] += v * float64(ws[c])
				}
			}
			for c := range p {
				p[c] = p[c]*scale + b[c]
			}
			softmax(p)
			eta := eta0 / (1 + eta0*l2*t)
			t++
			scale *= 1 - eta*l2
			for c := range p {
				if c == d.label[r] {
					p[c] -= 1
				}
				b[c] -= eta * p[c]
			}
			step := eta / scale
			for k, f := range x.idx {
				v := float64(x.val[k]) * step
				ws := w[int(f)*C : int(f)*C+C]
				for c := range ws {
					ws[c] -= float32(v * p[c])
				}
			}
			if scale < 1e-6 {
				for i := range w {
					w[i] *= float32(scale)
				}
				scale = 1
			}
		}
	}
	for i := range w {
		w[i] *= float32(scale)
	}
	bias = make([]float32, C)
	for c := range b {
		bias[c] = float32(b[c])
	}
	return w, bias
}

// softmax turns scores into probabilities in place.
func softmax(p []float64) {
	top := slices.Max(p)
	sum := 0.0
	for c := range p {
		p[c] = math.Exp(p[c] - top)
		sum += p[c]
	}
	for c := range p {
		p[c] /= sum
	}
}

// raw returns the most probable class of x and its uncalibrated probability;
// probs is scratch space of len(m.classes).
func (m *Model) raw(x vector, probs []float64) (int, float64) {
	C := len(m.classes)
	for c := range probs {
		probs[c] = float64(m.bias[c])
	}
	for k, f := range x.idx {
		v := float64(x.val[k])
		ws := m.weights[int(f)*C : int(f)*C+C]
		for c := range ws {
			probs[c] += v * float64(ws[c])
		}
	}
	softmax(probs)
	best := 0
	for c := range probs {
		if probs[c] > probs[best] {
			best = c
		}
	}
	return best, probs[best]
}

// Predict returns the most likely category of text and a calibrated
// confidence: about the share of texts given that confidence that really are
// in that category. A model that knows fewer than two categories returns
// ("", 0).
func (m *Model) Predict(text string) (category string, confidence float64) {
	if m == nil || len(m.classes) < 2 {
		return "", 0
	}
	e := extractors.Get().(*extractor)
	defer extractors.Put(e)
	x := e.features(text, vector{idx: e.vec.idx[:0], val: e.vec.val[:0]})
	e.vec = x
	var buf [8]float64
	probs := buf[:0]
	if len(m.classes) > len(buf) {
		probs = make([]float64, len(m.classes))
	} else {
		probs = buf[:len(m.classes)]
	}
	c, p := m.raw(x, probs)
	return m.classes[c], m.calib.apply(p) * m.familiar(x)
}

// familiar is how much of x the model has learned anything about: the share
// of its (unit-length) weight on features that carry a weight. A text made
// of words and letter runs the operator never sorted ("zebra xylophone
// quantum") gets its category from the bias and a stray n-gram or two; the
// calibration, measured on texts like the training ones, would vouch for it
// all the same. Below minFamiliar the confidence is scaled down with it.
func (m *Model) familiar(x vector) float64 {
	C := len(m.classes)
	known := 0.0
	for k, f := range x.idx {
		for _, w := range m.weights[int(f)*C : int(f)*C+C] {
			if w != 0 {
				v := float64(x.val[k])
				known += v * v
				break
			}
		}
	}
	if known >= minFamiliar {
		return 1
	}
	return known / minFamiliar
}

// minFamiliar is the share of a text's features the model must know for its
// confidence to stand as calibrated.
const minFamiliar = 0.6

// groupFolds assigns each example a fold from 0 to k-1, the same fold for
// every example with the same normalised text, spreading the distinct texts
// round-robin in the seeded order perm.
func groupFolds(examples []Example, perm []int, k int) []int {
	fold := make([]int, len(examples))
	seen := make(map[string]int, len(examples))
	next := 0
	for _, r := range perm {
		key := Normalize(examples[r].Text)
		f, ok := seen[key]
		if !ok {
			f = next % k
			seen[key] = f
			next++
		}
		fold[r] = f
	}
	return fold
}

// extractors keeps Predict's scratch buffers for reuse; it holds no state
// between calls.
var extractors = sync.Pool{New: func() any { return new(extractor) }}

// calibration maps a raw top probability to the share of such predictions
// that were right in the internal cross-validation: an isotonic (monotone)
// fit, each step shrunk towards 1/2 by its number of cases, so that a few
// lucky guesses do not make a confident model.
type calibration struct {
	from []float32 // ascending raw scores where each step begins
	conf []float32 // the confidence of each step, non-decreasing
}

func (c calibration) apply(p float64) float64 {
	i, _ := slices.BinarySearch(c.from, float32(p))
	// i is the first step beginning at or after p; p belongs to the one before,
	// unless it begins exactly at p.
	if i < len(c.from) && c.from[i] == float32(p) {
		return float64(c.conf[i])
	}
	if i == 0 {
		// Below every score the cross-validation saw (a text unlike any the
		// operator sorted): trust the raw probability, never more than the
		// lowest step, rather than carry a good record down to it.
		if len(c.conf) == 0 {
			return 0
		}
		return min(float64(c.conf[0]), p)
	}
	return float64(c.conf[i-1])
}

// fitCalibration fits the isotonic steps by pool-adjacent-violators.
func fitCalibration(scores, correct []float64) calibration {
	type block struct {
		from   float64
		sum, n float64
	}
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(scores[a], scores[b]) })
	var blocks []block
	for _, i := range order {
		blocks = append(blocks, block{from: scores[i], sum: correct[i], n: 1})
		for len(blocks) > 1 {
			a, b := blocks[len(blocks)-2], blocks[len(blocks)-1]
			if a.sum/a.n < b.sum/b.n {
				break
			}
			blocks = blocks[:len(blocks)-2]
			blocks = append(blocks, block{from: a.from, sum: a.sum + b.sum, n: a.n + b.n})
		}
	}
	var c calibration
	for _, b := range blocks {
		c.from = append(c.from, float32(b.from))
		c.conf = append(c.conf, float32((b.sum+1)/(b.n+2)))
	}
	// Shrinking can break the order; lower a step rather than raise one.
	for i := len(c.conf) - 2; i >= 0; i-- {
		c.conf[i] = min(c.conf[i], c.conf[i+1])
	}
	// The first step begins at the lowest score the cross-validation saw;
	// below it nothing was measured, and apply does not extrapolate.
	return c
}
