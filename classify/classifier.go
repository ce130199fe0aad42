package classify

// By says how a reply's category was set.
type By string

// How a category was set, as stored with each message.
const (
	ByOperator By = "operator"
	ByRule     By = "rule"
	ByMemory   By = "memory"
	ByModel    By = "model"
)

// DefaultThreshold is the model confidence needed to categorise on its own
// (the classify.threshold setting's default).
const DefaultThreshold = 0.9

// Input is what the rule chain knows about one inbound text; the caller fills
// it from the database.
type Input struct {
	Text string
	// LastOutWasFollowup is whether our last text to the sender was a
	// follow-up (rule 2).
	LastOutWasFollowup bool
	// Memory looks up the category the operator gave an earlier text with the
	// same normalised form (rule 3); nil means no memory.
	Memory func(norm string) (category string, ok bool)
}

// Categories names the categories the rules give.
type Categories struct {
	// OptOut is the category of opt-out texts (rule 1), e.g. "End".
	OptOut string
	// FollowupReply is the category of replies to a follow-up (rule 2); empty
	// turns rule 2 off.
	FollowupReply string
}

// Decision is the outcome of the rule chain for one text.
type Decision struct {
	// Category is "" when the text waits for the operator.
	Category string
	By       By
	// Confidence is the model's calibrated confidence for ByModel, 1 for the
	// rules and memory, 0 when waiting.
	Confidence float64
	// OptOut is set when the text asks for no more texts: the sender's number
	// goes on the opt-out list.
	OptOut bool
}

// Classifier runs the automatic rules of docs/ARCHITECTURE.md in order. The zero value knows no model and
// waits for the operator on everything the rules and memory do not settle.
type Classifier struct {
	// Model is the learned categoriser; nil means none yet.
	Model *Model
	// Threshold is the confidence the model needs to decide alone (see
	// DefaultThreshold); a model guess below it waits for the operator.
	Threshold  float64
	Categories Categories
}

// Decide categorises a text by the first rule that applies:
//  1. opt-out words → Categories.OptOut, and OptOut set (even when no opt-out
//     category is named, so the number still goes on the list);
//  2. a reply to our follow-up → Categories.FollowupReply;
//  3. a text whose normalised form the operator categorised before → that
//     category;
//  4. the model's guess, when its confidence reaches the threshold;
//  5. otherwise nothing: the text waits for the operator.
func (c *Classifier) Decide(in Input) Decision {
	if IsOptOut(in.Text) {
		return Decision{Category: c.Categories.OptOut, By: ByRule, Confidence: 1, OptOut: true}
	}
	if in.LastOutWasFollowup && c.Categories.FollowupReply != "" {
		return Decision{Category: c.Categories.FollowupReply, By: ByRule, Confidence: 1}
	}
	if in.Memory != nil {
		if cat, ok := in.Memory(Normalize(in.Text)); ok && cat != "" {
			return Decision{Category: cat, By: ByMemory, Confidence: 1}
		}
	}
	if c.Model != nil {
		if cat, conf := c.Model.Predict(in.Text); cat != "" && conf >= c.Threshold {
			return Decision{Category: cat, By: ByModel, Confidence: conf}
		}
	}
	return Decision{}
}
