//go:build race

package classify

// raceDetector is true when the tests run under the race detector (-race),
// which makes training ten times slower: the corpus-accuracy tests then
// measure a deterministic sample (see accuracyCorpus), and the whole
// corpus is measured by the plain `go test`.
const raceDetector = true
