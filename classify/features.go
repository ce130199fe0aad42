package classify

import (
	"math"
	"strings"
	"unicode/utf8"
)

// featureBits sets the size of the hashed feature space (2^featureBits). It is
// part of the model's binary form.
const featureBits = 18

const featureMask = 1<<featureBits - 1

// Hash seeds keep the kinds of feature apart in the one hashed space.
const (
	seedWord   = 0x9e3779b9
	seedBigram = 0x85ebca6b
	seedChar   = 0xc2b2ae35
	seedShape  = 0x27d4eb2f
)

// maxFeatureText is how much of a text, in bytes, gives features: a whole SMS
// and more, while keeping a pasted novel from costing more than a reply.
const maxFeatureText = 4096

// vector is a sparse feature vector: distinct indices, in no particular
// order, and their values, of unit length.
type vector struct {
	idx []uint32
	val []float32
}

// extractor turns texts into feature vectors; it reuses its buffers, so each
// goroutine needs its own.
type extractor struct {
	hashes []uint32
	words  [][2]int // start and end of each word in text
	text   []byte
	table  []slot
	vec    vector // Predict's output buffer
}

// slot is a feature index and where it is in the vector.
type slot struct {
	f    uint32
	pos  uint16
	used bool
}

// damp is the value of a feature seen n times in a text: 1+ln n.
func damp(n float32) float64 {
	if i := int(n); i < len(dampTable) {
		return dampTable[i]
	}
	return 1 + math.Log(float64(n))
}

var dampTable = func() (t [32]float64) {
	for i := 1; i < len(t); i++ {
		t[i] = 1 + math.Log(float64(i))
	}
	return t
}()

// features returns the feature vector of text, appending to dst's slices.
//
// Features: the words of Normalize (with digits mapped to 0 so that prices
// and phone numbers generalise), word bigrams including the text's start and
// end, character 3- to 5-grams of the normalised text, and a few shape
// features of the raw text (length, capitals, digits, links, exclamation
// marks) that hold across languages and topics. Counts are damped (1+ln n)
// and the vector scaled to unit length, so long and short texts weigh alike.
func (e *extractor) features(text string, dst vector) vector {
	if len(text) > maxFeatureText {
		cut := maxFeatureText
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	e.hashes = e.hashes[:0]
	e.words = e.words[:0]
	e.text = append(e.text[:0], ' ')
	forTokens(text, func(tok []byte) {
		start := len(e.text)
		for _, c := range tok {
			if c >= '1' && c <= '9' {
				c = '0' // prices and phone numbers alike
			}
			e.text = append(e.text, c)
		}
		e.words = append(e.words, [2]int{start, len(e.text)})
		e.text = append(e.text, ' ')
	})

	prev := uint32(seedBigram) // the start of the text
	for _, w := range e.words {
		h := hashBytes(seedWord, e.text[w[0]:w[1]])
		e.hashes = append(e.hashes, mix(h))
		e.hashes = append(e.hashes, mix(prev*0x01000193^h))
		prev = h
	}
	e.hashes = append(e.hashes, mix(prev*0x01000193^seedBigram)) // the end

	b := e.text
	for i := range b {
		h := uint32(seedChar)
		for n := 0; n < 5 && i+n < len(b); n++ {
			h = (h ^ uint32(b[i+n])) * 0x01000193
			if n >= 2 {
				e.hashes = append(e.hashes, mix(h))
			}
		}
	}
	e.hashes = appendShape(e.hashes, text, len(e.words))

	// Count each distinct index in a small open-addressing table: cheaper
	// than sorting the few hundred hashes of a text.
	size := 64
	for size < 2*len(e.hashes) {
		size *= 2
	}
	if cap(e.table) < size {
		e.table = make([]slot, size)
	}
	table := e.table[:size]
	clear(table)
	start := len(dst.idx)
	for _, h := range e.hashes {
		f := h & featureMask
		for i := int(h>>(32-featureBits)) & (size - 1); ; i = (i + 1) & (size - 1) {
			if !table[i].used {
				table[i] = slot{f: f, used: true, pos: uint16(len(dst.idx) - start)}
				dst.idx = append(dst.idx, f)
				dst.val = append(dst.val, 1)
				break
			}
			if table[i].f == f {
				dst.val[start+int(table[i].pos)]++
				break
			}
		}
	}
	var norm float64
	for i := start; i < len(dst.val); i++ {
		v := damp(dst.val[i])
		norm += v * v
		dst.val[i] = float32(v)
	}
	if norm > 0 {
		inv := float32(1 / math.Sqrt(norm))
		for i := start; i < len(dst.val); i++ {
			dst.val[i] *= inv
		}
	}
	return dst
}

// appendShape adds features of the raw text's shape, each a bucket of a count.
func appendShape(hashes []uint32, text string, words int) []uint32 {
	var upper, letters, digits, bangs int
	for _, r := range text {
		switch {
		case r >= 'A' && r <= 'Z':
			upper++
			letters++
		case r >= 'a' && r <= 'z':
			letters++
		case r >= '0' && r <= '9':
			digits++
		case r == '!':
			bangs++
		}
	}
	link := false
	for i := 0; i < len(text) && !link; i++ {
		switch text[i] {
		case 'h', 'H':
			link = hasFoldAt(text, i, "http")
		case 'w', 'W':
			link = hasFoldAt(text, i, "www")
		case '.':
			link = hasFoldAt(text, i, ".com") || hasFoldAt(text, i, ".co.")
		}
	}
	capsShare := 0
	if letters > 0 {
		capsShare = 4 * upper / letters
	}
	for kind, v := range [...]int{
		bucket(len(text)), bucket(words), capsShare, bucket(digits), bucket(bangs), b2i(link),
	} {
		hashes = append(hashes, mix(uint32(seedShape)+uint32(kind)*0x01000193^uint32(v)*0x9e3779b1))
	}
	return hashes
}

// hasFoldAt reports whether s has the lower-case ASCII word at i, in any case.
func hasFoldAt(s string, i int, word string) bool {
	return i+len(word) <= len(s) && strings.EqualFold(s[i:i+len(word)], word)
}

// bucket is a rough log2 scale: 0, 1, 2–3, 4–7, …
func bucket(n int) int {
	b := 0
	for n > 0 {
		b++
		n >>= 1
	}
	return b
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// hashBytes is 32-bit FNV-1a from a seed.
func hashBytes(seed uint32, s []byte) uint32 {
	h := seed
	for _, c := range s {
		h = (h ^ uint32(c)) * 0x01000193
	}
	return h
}

// mix spreads a hash's bits (murmur3's finaliser) so that masking keeps
// them all.
func mix(h uint32) uint32 {
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}
