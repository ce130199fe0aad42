package classify

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

// corpusPath is the SMS Spam Collection sample shared by the project.
const corpusPath = "../../shared/data/sms-spam-train.tsv"

// loadCorpus reads the corpus as examples: spam is "Bot", ham "Other". It
// skips the test when the file is absent.
func loadCorpus(tb testing.TB) []Example {
	tb.Helper()
	f, err := os.Open(corpusPath)
	if os.IsNotExist(err) {
		tb.Skipf("%s is absent", corpusPath)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []Example
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for first := true; sc.Scan(); first = false {
		label, text, ok := strings.Cut(sc.Text(), "\t")
		if first || !ok {
			continue // the header
		}
		cat := "Other"
		if label == "spam" {
			cat = "Bot"
		}
		out = append(out, Example{Text: text, Category: cat})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// raceSampleEvery is the sample the corpus-accuracy tests measure under the
// race detector: every raceSampleEvery-th example, in file order (the same
// sample on every run). The accuracy tests exercise no concurrency, so the
// race detector learns nothing from the whole corpus; `go test` without
// -race measures all of it.
const raceSampleEvery = 2

// accuracyCorpus is the corpus the accuracy tests train on: all of it, or
// under the race detector the deterministic sample above.
func accuracyCorpus(tb testing.TB) []Example {
	tb.Helper()
	corpus := loadCorpus(tb)
	if !raceDetector {
		return corpus
	}
	sample := make([]Example, 0, len(corpus)/raceSampleEvery+1)
	for i := 0; i < len(corpus); i += raceSampleEvery {
		sample = append(sample, corpus[i])
	}
	tb.Logf("race detector: measuring one example in %d (%d of %d)", raceSampleEvery, len(sample), len(corpus))
	return sample
}

// The acceptance targets on the SMS corpus, at the default threshold.
const (
	wantAccuracy      = 0.97
	wantAutoPrecision = 0.99
	maxLeftForReview  = 0.40
)

// TestCorpusHoldout trains on a seeded 70 % of the corpus and measures the
// other 30 %, for a few seeds so the targets do not hang on one split.
func TestCorpusHoldout(t *testing.T) {
	corpus := accuracyCorpus(t)
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 70))
			shuffled := slices.Clone(corpus)
			rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			cut := len(shuffled) * 7 / 10
			m := Train(shuffled[:cut])
			test := shuffled[cut:]
			var right, auto, autoRight int
			for _, e := range test {
				cat, conf := m.Predict(e.Text)
				ok := cat == e.Category
				if ok {
					right++
				}
				if conf >= DefaultThreshold {
					auto++
					if ok {
						autoRight++
					}
				}
			}
			acc := ratio(right, len(test))
			left := 1 - ratio(auto, len(test))
			autoPrec := ratio(autoRight, auto)
			t.Logf("train %d, test %d: accuracy %.2f%%, left for review %.2f%%, auto precision %.2f%%",
				cut, len(test), 100*acc, 100*left, 100*autoPrec)
			checkTargets(t, acc, left, autoPrec)
		})
	}
}

// TestCorpusCrossValidate runs CrossValidate on the whole corpus: what
// `texting classify eval` reports on an operator's data.
func TestCorpusCrossValidate(t *testing.T) {
	corpus := accuracyCorpus(t)
	r := CrossValidate(corpus, 5, DefaultThreshold, 7)
	t.Logf("5-fold: accuracy %.2f%%, left for review %.2f%%, auto precision %.2f%%, %+v",
		100*r.Accuracy, 100*r.LeftForReview, 100*r.AutoPrecision, r.PerCategory)
	checkTargets(t, r.Accuracy, r.LeftForReview, r.AutoPrecision)
	for _, c := range r.PerCategory {
		if c.Precision < 0.95 || c.Recall < 0.85 {
			t.Errorf("%s: precision %.3f, recall %.3f", c.Category, c.Precision, c.Recall)
		}
	}
}

func checkTargets(t *testing.T, acc, left, autoPrec float64) {
	t.Helper()
	if acc < wantAccuracy {
		t.Errorf("accuracy %.4f, want ≥ %.2f", acc, wantAccuracy)
	}
	if autoPrec < wantAutoPrecision {
		t.Errorf("precision of what is auto-categorised %.4f, want ≥ %.2f", autoPrec, wantAutoPrecision)
	}
	if left > maxLeftForReview {
		t.Errorf("left for review %.4f, want ≤ %.2f", left, maxLeftForReview)
	}
}

// TestCorpusUnseenTexts checks the trained model on texts written for this
// test, not taken from the corpus: campaign replies must not be taken for
// bots, and typical spam must be.
func TestCorpusUnseenTexts(t *testing.T) {
	m := Train(accuracyCorpus(t))
	tests := []struct{ text, want string }{
		{"Thanks, who is this?", "Other"},
		{"Yes please, can you call me tomorrow after 5", "Other"},
		{"Not interested thanks", "Other"},
		{"Sounds good, see you on Friday then x", "Other"},
		{"How much is it for two people?", "Other"},
		{"Sorry I missed your call, I was driving", "Other"},
		{"CONGRATULATIONS! You have been selected to receive a £500 voucher. Call 09061743810 now to claim. T&Cs apply", "Bot"},
		{"FREE entry to win an iPhone! Text WIN to 87121 now. £1.50/msg, 18+ only", "Bot"},
		{"Your mobile number has won a cash award of £2000. To claim call 0906 170 1461 from a landline", "Bot"},
	}
	for _, tt := range tests {
		cat, conf := m.Predict(tt.text)
		t.Logf("%-6s %.3f %q", cat, conf, tt.text)
		if cat != tt.want {
			t.Errorf("Predict(%q) = (%q, %.3f), want %q", tt.text, cat, conf, tt.want)
		}
	}
}
