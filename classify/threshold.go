package classify

// DefaultThreshold is the model confidence needed to categorise on its own
// (the classify.threshold setting's default).
const DefaultThreshold = 0.9
