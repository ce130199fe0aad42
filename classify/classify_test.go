package classify

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"case and punctuation", "Hello, World!", "hello world"},
		{"whitespace folded", "  a \t b\n\nc  ", "a b c"},
		{"repeated letters capped at two", "Sooooo GOOOD", "soo good"},
		{"double letters kept", "too good, see you", "too good see you"},
		{"digits not capped", "call 0800 100000", "call 0800 100000"},
		{"apostrophes join", "Don't won’t it's", "dont wont its"},
		{"hyphen separates", "non-stop", "non stop"},
		{"punctuation between words", "hi,how are you?ok", "hi how are you ok"},
		{"emoji are tokens", "thanks😂x", "thanks 😂 x"},
		{"repeated emoji capped", "😂😂😂😂", "😂 😂"},
		{"emoji selectors and skin tones dropped", "❤️ 👍🏽 👍", "❤ 👍 👍"},
		{"ZWJ sequence is one token", "👨\u200d👩\u200d👧 family", "👨\u200d👩\u200d👧 family"},
		{"flags pair", "🇬🇧🇺🇸", "🇬🇧 🇺🇸"},
		{"keycap digit", "1️⃣ first", "1 first"},
		{"currency is a token", "£1000 or $5", "£ 1000 or $ 5"},
		{"accents kept, case folded", "CAFÉ Über", "café über"},
		{"combining accent stays with its letter", "cafe\u0301", "cafe\u0301"},
		{"only punctuation", "?!...", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Normalize(tt.want); again != tt.want {
				t.Errorf("Normalize is not idempotent on %q: %q", tt.want, again)
			}
		})
	}
}

func TestIsOptOut(t *testing.T) {
	yes := []string{
		"STOP", "stop", "Stop.", "STOP!!", " stop ", "Stop 🛑", "stooop", "STOPPPP", "stop stop stop",
		"stop pls", "Stop please", "please stop", "Pls stop now", "stop thank you", "Stop thanks x",
		"stop it", "stop all", "STOPALL", "stop texting me", "Stop sending me messages",
		"stop messaging me please", "Please stop contacting me", "stop texts", "no more texts",
		"No more messages please", "I said stop", "Can you stop texting me", "i want to stop",
		"UNSUBSCRIBE", "unsubscribe me", "Unsubscribe please", "unsub", "unsubscribe from this list",
		"CANCEL", "cancel.", "cancel my subscription", "END", "End.", "QUIT", "quit!",
		"remove me", "Remove me from your list", "please remove my number", "delete my number",
		"take me off your list", "opt out", "OPT-OUT", "optout", "opt me out", "Opt out please",
		"don't text me", "Do not text me again", "dont message me anymore", "never contact me again",
		"Who is this? Stop texting me.", "Ok, stop", "wrong number, remove me",
	}
	no := []string{
		"", "don't stop", "Don't stop me now", "non-stop", "nonstop fun", "bus stop", "at the bus stop",
		"I'll stop by later", "Please stop by the shop", "can't stop laughing", "i cant stop",
		"the end", "end of the week works", "When does the sale end?", "Will end soon",
		"cancel my appointment", "I quit smoking", "stopped at the shop", "stopping by tomorrow",
		"remove the red one", "take me home", "opt in", "yes please", "Thanks, who is this?",
		"I want to know more", "please text me tomorrow", "don't stop texting me",
		"The weekend", "Backend developer", "endless", "stopwatch",
	}
	for _, s := range yes {
		if !IsOptOut(s) {
			t.Errorf("IsOptOut(%q) = false, want true", s)
		}
	}
	for _, s := range no {
		if IsOptOut(s) {
			t.Errorf("IsOptOut(%q) = true, want false", s)
		}
	}
}

// toyExamples is a small, clearly separable two-category set.
func toyExamples() []Example {
	var ex []Example
	for i := range 30 {
		ex = append(ex,
			Example{fmt.Sprintf("thanks so much, lovely to hear from you %d", i), "Thanks"},
			Example{fmt.Sprintf("thank you! have a great day %d", i), "Thanks"},
			Example{fmt.Sprintf("WIN a FREE prize now, call 0906 %d to claim", i), "Bot"},
			Example{fmt.Sprintf("URGENT you have won cash, text CLAIM to %d", 80000+i), "Bot"},
		)
	}
	return ex
}

func TestTrainWithoutEnoughData(t *testing.T) {
	for name, ex := range map[string][]Example{
		"nil":                  nil,
		"empty":                {},
		"one category":         {{"thanks", "Thanks"}, {"cheers", "Thanks"}},
		"uncategorised only":   {{"thanks", ""}, {"win cash", ""}},
		"one category and one": {{"thanks", "Thanks"}, {"win", ""}},
	} {
		m := Train(ex)
		if cat, conf := m.Predict("thanks"); cat != "" || conf != 0 {
			t.Errorf("%s: Predict = (%q, %v), want (\"\", 0)", name, cat, conf)
		}
	}
	var nilModel *Model
	if cat, conf := nilModel.Predict("x"); cat != "" || conf != 0 {
		t.Errorf("nil model Predict = (%q, %v)", cat, conf)
	}
}

// TestFewExamplesAreNotConfident checks the calibration's caution: a handful
// of examples must not give a confidence that passes the default threshold.
func TestFewExamplesAreNotConfident(t *testing.T) {
	ex := []Example{
		{"thanks a lot", "Thanks"}, {"thank you", "Thanks"}, {"cheers mate", "Thanks"},
		{"win a prize now", "Bot"}, {"free cash call now", "Bot"}, {"claim your reward", "Bot"},
	}
	m := Train(ex)
	for _, text := range []string{"thanks a lot", "win a prize now", "see you tomorrow"} {
		if _, conf := m.Predict(text); conf >= DefaultThreshold {
			t.Errorf("Predict(%q) confidence %v from six examples, want < %v", text, conf, DefaultThreshold)
		}
	}
}

func TestTrainIsDeterministic(t *testing.T) {
	a, _ := Train(toyExamples()).MarshalBinary()
	b, _ := Train(toyExamples()).MarshalBinary()
	if !bytes.Equal(a, b) {
		t.Error("two trainings on the same examples differ")
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	for name, m := range map[string]*Model{"trained": Train(toyExamples()), "empty": Train(nil)} {
		data, err := m.MarshalBinary()
		if err != nil {
			t.Fatalf("%s: MarshalBinary: %v", name, err)
		}
		var got Model
		if err := got.UnmarshalBinary(data); err != nil {
			t.Fatalf("%s: UnmarshalBinary: %v", name, err)
		}
		for _, text := range []string{"thanks so much", "WIN cash now", "who is this", ""} {
			c1, p1 := m.Predict(text)
			c2, p2 := got.Predict(text)
			if c1 != c2 || p1 != p2 {
				t.Errorf("%s: Predict(%q) = (%q, %v) after a round trip, want (%q, %v)", name, text, c2, p2, c1, p1)
			}
		}
	}

	good, _ := Train(toyExamples()).MarshalBinary()
	for name, data := range map[string][]byte{
		"nil":       nil,
		"garbage":   []byte("not a model at all"),
		"truncated": good[:len(good)/2],
		"version":   append([]byte(modelMagic+"\x09\x12"), good[6:]...),
	} {
		var m Model
		if err := m.UnmarshalBinary(data); !errors.Is(err, errBadModel) {
			t.Errorf("%s: UnmarshalBinary error = %v, want errBadModel", name, err)
		}
	}
}

func TestConcurrentPredict(t *testing.T) {
	m := Train(toyExamples())
	want, wantConf := m.Predict("free prize, call now")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				if got, conf := m.Predict("free prize, call now"); got != want || conf != wantConf {
					t.Errorf("concurrent Predict = (%q, %v), want (%q, %v)", got, conf, want, wantConf)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestCrossValidateReport(t *testing.T) {
	ex := append(toyExamples(), Example{"no category", ""})
	r := CrossValidate(ex, 4, 0.9, 1)
	if r.Folds != 4 || r.Examples != 120 || r.Threshold != 0.9 {
		t.Errorf("report header = %+v", r)
	}
	support := 0
	for _, c := range r.PerCategory {
		support += c.Support
		if c.Precision < 0 || c.Precision > 1 || c.Recall < 0 || c.Recall > 1 {
			t.Errorf("category %+v out of range", c)
		}
	}
	if support != r.Examples || len(r.PerCategory) != 2 || r.PerCategory[0].Category != "Bot" {
		t.Errorf("per category = %+v, want Bot and Thanks covering every example", r.PerCategory)
	}
	if r.Accuracy < 0.95 {
		t.Errorf("accuracy %v on a separable toy set", r.Accuracy)
	}
	if e := CrossValidate(nil, 5, 0.9, 1); e.Examples != 0 || e.Folds != 0 {
		t.Errorf("empty report = %+v", e)
	}
	if e := CrossValidate(ex[:3], 10, 0.9, 1); e.Folds != 3 {
		t.Errorf("folds clamped to examples: %+v", e)
	}
}

func TestCalibrationIsMonotone(t *testing.T) {
	c := fitCalibration(
		[]float64{0.5, 0.55, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.99, 0.999},
		[]float64{0, 1, 0, 1, 1, 0, 1, 1, 1, 1})
	prev := -1.0
	for p := 0.0; p <= 1; p += 0.01 {
		v := c.apply(p)
		if v < prev || v < 0 || v > 1 || math.IsNaN(v) {
			t.Fatalf("apply(%v) = %v after %v", p, v, prev)
		}
		prev = v
	}
	if top := c.apply(1); top >= 1 {
		t.Errorf("confidence %v from ten cases, want the shrinkage to keep it under 1", top)
	}
}

func TestMoreThanTwoCategories(t *testing.T) {
	ex := toyExamples()
	for i := range 30 {
		ex = append(ex,
			Example{fmt.Sprintf("what time do you open on saturday %d", i), "Question"},
			Example{fmt.Sprintf("how much does it cost for %d people?", i), "Question"},
		)
	}
	m := Train(ex)
	for text, want := range map[string]string{
		"thank you so much, lovely":    "Thanks",
		"WIN a FREE prize, call now":   "Bot",
		"what time do you open today?": "Question",
	} {
		if got, conf := m.Predict(text); got != want || conf <= 0.5 || conf > 1 {
			t.Errorf("Predict(%q) = (%q, %v), want %q with some confidence", text, got, conf, want)
		}
	}
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Model
	if err := back.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if a, b := fmt.Sprint(m.Predict("how much is it?")), fmt.Sprint(back.Predict("how much is it?")); a != b {
		t.Errorf("after a round trip %s, want %s", b, a)
	}
}
