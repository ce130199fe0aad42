package replies

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
)

// corpus is what an operator might have categorised: enough texts of three
// kinds for the model to tell them apart.
func corpus() map[string][]string {
	thanks := []string{"thanks", "thank you", "thanks a lot", "many thanks", "cheers thanks", "thank you so much",
		"thanks for letting me know", "thank you very much", "ok thanks", "great thanks", "thanks mate",
		"lovely thank you", "brilliant thanks", "thanks for the message", "thank you kindly", "thanks again",
		"much appreciated thanks", "ta very much", "thanks will do", "thank u", "thx", "thanks x", "thank you x",
		"awesome thanks", "nice one thanks", "perfect thank you", "thanks for the info", "cool thanks",
		"thanks so much", "thank you for the text"}
	interested := []string{"yes interested", "yes please call me", "interested please call", "can you call me",
		"call me tomorrow", "please ring me", "yes i am interested", "give me a call", "tell me more",
		"how much is it", "what is the price", "send me details", "i would like more info", "please send info",
		"call me after 5", "ring me please", "yes call me", "more details please", "what does it cost",
		"can someone call me", "i want to know more", "how much please", "price please", "call me back",
		"interested how much", "yes send details", "please phone me", "details please", "call me now please",
		"what are the prices"}
	wrong := []string{"wrong number", "who is this", "who are you", "i dont know you", "wrong person",
		"you have the wrong number", "who is this please", "not me wrong number", "dont know who this is",
		"how did you get my number", "who gave you my number", "sorry wrong number", "this is not john",
		"no one here by that name", "who dis", "wrong number mate", "i think you have the wrong person",
		"who is texting me", "never heard of you", "where did you get this number"}
	return map[string][]string{"Thanks": thanks, "Interested": interested, "Wrong number": wrong}
}

func addCategory(f *fixture, name, followup string) store.Category {
	f.t.Helper()
	c, err := f.db.AddCategory(f.ctx, store.Category{Name: name, Followup: followup})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// TestRuleOrder checks each automatic rule, and that an earlier rule wins
// over every later one that would also apply.
func TestRuleOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{Threshold: 0.9})
	addCategory(f, "Interested", store.FollowupBasic)
	addCategory(f, "Wrong number", store.FollowupNone)
	f.teach(corpus())
	// Memory of a text the model would put elsewhere: the operator filed
	// "thanks but how much" under Interested.
	out := f.receive("+447700900500", "thanks, but how much?")
	if _, err := f.p.Tag(f.ctx, out.ID, "Interested"); err != nil {
		t.Fatal(err)
	}
	// The operator once filed "stop" under Misc by hand: rule 1 still wins.
	out = f.receive("+447700900501", "Stop")
	if _, err := f.p.Tag(f.ctx, out.ID, "Misc"); err != nil {
		t.Fatal(err)
	}

	const followedUp = "+447700900600"
	f.sent(followedUp, store.KindFollowup)
	const campaigned = "+447700900601"
	f.sent(campaigned, store.KindCampaign)

	tests := []struct {
		name, from, text string
		wantCat          string
		wantBy           store.By
		wantOptOut       bool
	}{
		{"1 opt-out beats follow-up, memory and model", followedUp, "STOP", "End", store.ByRule, true},
		{"2 follow-up reply beats memory and model", followedUp, "Thanks", "Followup reply", store.ByRule, false},
		{"3 memory beats the model", campaigned, "Thanks, but how much!!", "Interested", store.ByMemory, false},
		{"3 memory of an exact text", campaigned, "THANK YOU SO MUCH", "Thanks", store.ByMemory, false},
		{"4 model on a text never seen", campaigned, "thanks very much indeed", "Thanks", store.ByModel, false},
		{"4 model on another category", campaigned, "who is this? wrong number i think", "Wrong number", store.ByModel, false},
		{"5 review queue when nothing knows", campaigned, "zebra xylophone quantum", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := f.receive(tt.from, tt.text)
			if out.Category != tt.wantCat || out.By != tt.wantBy {
				t.Fatalf("%q → %q by %q (confidence %.2f), want %q by %q", tt.text, out.Category, out.By,
					out.Confidence, tt.wantCat, tt.wantBy)
			}
			m := f.message(out.ID)
			if m.Category != tt.wantCat || m.CategoryBy != tt.wantBy {
				t.Fatalf("stored %q by %q, want %q by %q", m.Category, m.CategoryBy, tt.wantCat, tt.wantBy)
			}
			if tt.wantBy == store.ByModel {
				if !m.HasConf || m.Confidence < 0.9 || m.Confidence > 1 {
					t.Fatalf("model confidence %v (set %v), want ≥ 0.9", m.Confidence, m.HasConf)
				}
			} else if m.HasConf {
				t.Fatalf("confidence %v stored for a %q decision", m.Confidence, m.CategoryBy)
			}
			if got := out.OptedOut; got != tt.wantOptOut {
				t.Fatalf("opted out = %v, want %v", got, tt.wantOptOut)
			}
		})
	}
	if !f.optedOut(followedUp) {
		t.Fatal("the STOP did not put the number on the opt-out list")
	}
}

// TestModelThreshold checks that a model guess under the threshold leaves
// the text for review, and the same guess over it categorises.
func TestModelThreshold(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{Threshold: 0.9})
	addCategory(f, "Interested", store.FollowupBasic)
	addCategory(f, "Wrong number", store.FollowupNone)
	f.teach(corpus())
	m, err := f.p.Model(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	const text = "thanks very much indeed"
	_, conf := m.Predict(text)
	if conf < 0.9 {
		t.Fatalf("model confidence %.2f on %q; the corpus should make it sure", conf, text)
	}
	strict := New(f.db, Options{Threshold: conf + (1-conf)/2 + 1e-9})
	out, err := strict.Store(f.ctx, Text{SIMID: f.sim1.ID, From: "+447700900700", Body: text})
	if err != nil {
		t.Fatal(err)
	}
	if out.Category != "" {
		t.Fatalf("confidence %.2f under the threshold categorised as %q by %s", conf, out.Category, out.By)
	}
	loose := New(f.db, Options{Threshold: conf})
	out, err = loose.Store(f.ctx, Text{SIMID: f.sim1.ID, From: "+447700900701", Body: text})
	if err != nil {
		t.Fatal(err)
	}
	if out.Category != "Thanks" || out.By != store.ByModel {
		t.Fatalf("confidence %.2f at the threshold: %q by %q", conf, out.Category, out.By)
	}
}

// TestFollowupRuleNeedsLastText checks that rule 2 looks at our last text
// only: a follow-up followed by another text does not count, nor does a
// follow-up that never went out.
func TestFollowupRuleNeedsLastText(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	f.sent("+447700900001", store.KindFollowup)
	f.advance(time.Minute)
	f.sent("+447700900001", store.KindManual)
	if out := f.receive("+447700900001", "ok"); out.Category != "" {
		t.Fatalf("a follow-up that was not our last text made it %q", out.Category)
	}
	if _, _, err := f.db.InsertMessage(f.ctx, store.Message{Direction: store.Out, SIMID: f.sim1.ID,
		Number: "+447700900002", Text: "x", Kind: store.KindFollowup, State: store.StateQueued}); err != nil {
		t.Fatal(err)
	}
	if out := f.receive("+447700900002", "ok"); out.Category != "" {
		t.Fatalf("a queued follow-up made it %q", out.Category)
	}
	f.sent("+447700900003", store.KindFollowup)
	// National form of the same number: stored in E.164, so rule 2 sees it.
	if out := f.receive("07700 900003", "ok"); out.Category != "Followup reply" {
		t.Fatalf("reply to a follow-up: %q", out.Category)
	}
}

// TestOptOutVariants sends opt-out requests and their look-alikes through
// the whole pipeline and checks the opt-out list.
func TestOptOutVariants(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	optOuts := []string{"STOP", "stop", "Stop.", "STOP!!", "stop pls", "Stoppp", "  stop  ", "STOPALL",
		"Unsubscribe", "unsubscribe me", "CANCEL", "End", "QUIT", "opt out", "please stop texting me",
		"remove me from your list", "no more texts", "don't text me again", "Stop. Thanks"}
	lookAlikes := []string{"don't stop", "non-stop", "bus stop", "stop by later", "Can't stop smiling",
		"end of the month is fine", "I quit smoking last year", "please call me", "the weekend"}
	for i, text := range optOuts {
		t.Run("opt-out "+text, func(t *testing.T) {
			number := fmt.Sprintf("+4477009001%02d", i)
			out := f.receive(number, text)
			if out.Category != "End" || out.By != store.ByRule || !out.OptedOut {
				t.Fatalf("%q → %q by %q, opted out %v", text, out.Category, out.By, out.OptedOut)
			}
			if !f.optedOut(number) {
				t.Fatalf("%q did not put %s on the opt-out list", text, number)
			}
		})
	}
	for i, text := range lookAlikes {
		t.Run("not an opt-out "+text, func(t *testing.T) {
			number := fmt.Sprintf("+4477009002%02d", i)
			out := f.receive(number, text)
			if out.OptedOut || out.Category == "End" || f.optedOut(number) {
				t.Fatalf("%q opted %s out (%q by %q)", text, number, out.Category, out.By)
			}
		})
	}
}

// TestOperatorOptOutCategory checks that the operator filing a text under an
// opt-out category opts its number out too.
func TestOperatorOptOutCategory(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	out := f.receive("+447700900010", "leave me alone")
	if out.Category != "" {
		t.Fatalf("categorised as %q", out.Category)
	}
	if _, err := f.p.Tag(f.ctx, out.ID, "end"); err != nil {
		t.Fatal(err)
	}
	if !f.optedOut("+447700900010") {
		t.Fatal("tagged End but not opted out")
	}
	// Memory now files the same words under End, and opts out that number.
	out = f.receive("+447700900011", "Leave me alone!")
	if out.Category != "End" || out.By != store.ByMemory || !f.optedOut("+447700900011") {
		t.Fatalf("memory of an opt-out text: %q by %q, opted out %v", out.Category, out.By, f.optedOut("+447700900011"))
	}
}

// TestUndecodableNotSorted checks that an undecodable text is stored raw
// and flagged, and left for the operator.
func TestUndecodableNotSorted(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	out, err := f.p.Store(f.ctx, Text{SIMID: f.sim1.ID, Key: "k1", Raw: "0791FFFF", Flags: []string{store.FlagUndecodable}})
	if err != nil {
		t.Fatal(err)
	}
	m := f.message(out.ID)
	if !m.HasFlag(store.FlagUndecodable) || m.Raw != "0791FFFF" || m.Category != "" {
		t.Fatalf("stored %+v", m)
	}
	again, err := f.p.Store(f.ctx, Text{SIMID: f.sim1.ID, Key: "k1", Raw: "0791FFFF", Flags: []string{store.FlagUndecodable}})
	if err != nil || !again.Duplicate || again.ID != out.ID {
		t.Fatalf("second store: %+v, %v", again, err)
	}
	if strings.TrimSpace(m.Text) != "" {
		t.Fatalf("text %q", m.Text)
	}
}
