package classify

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// perturbed returns n examples resampled from the corpus, each changed a
// little (words dropped, swapped or repeated, letters held down, case
// changed, a number added) so that few are exact copies.
func perturbed(corpus []Example, n int, seed uint64) []Example {
	rng := rand.New(rand.NewPCG(seed, 1))
	out := make([]Example, n)
	for i := range out {
		e := corpus[rng.IntN(len(corpus))]
		words := strings.Fields(e.Text)
		for j := 0; j < len(words); j++ {
			switch rng.IntN(12) {
			case 0:
				if len(words) > 1 {
					words = append(words[:j], words[j+1:]...)
				}
			case 1:
				if j+1 < len(words) {
					words[j], words[j+1] = words[j+1], words[j]
				}
			case 2:
				if w := words[j]; w != "" {
					k := rng.IntN(len(w))
					words[j] = w[:k+1] + w[k:]
				}
			case 3:
				words[j] = strings.ToUpper(words[j])
			case 4:
				words[j] = strings.Map(unicode.ToLower, words[j])
			case 5:
				words = append(words[:j+1], append([]string{strconv.Itoa(rng.IntN(1000))}, words[j+1:]...)...)
				j++
			}
		}
		out[i] = Example{Text: strings.Join(words, " "), Category: e.Category}
	}
	return out
}

func BenchmarkPredict(b *testing.B) {
	corpus := loadCorpus(b)
	m := Train(corpus)
	texts := perturbed(corpus, 10_000, 2)
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m.Predict(texts[i%len(texts)].Text)
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "texts/s")
}

func BenchmarkPredictParallel(b *testing.B) {
	corpus := loadCorpus(b)
	m := Train(corpus)
	texts := perturbed(corpus, 10_000, 2)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			m.Predict(texts[i%len(texts)].Text)
			i++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "texts/s")
}

func BenchmarkTrain100k(b *testing.B) {
	examples := perturbed(loadCorpus(b), 100_000, 3)
	b.ResetTimer()
	for b.Loop() {
		Train(examples)
	}
}
