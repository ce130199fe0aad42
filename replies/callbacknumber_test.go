package replies

import (
	"testing"

	"github.com/texting-centre/texting/store"
)

// TestServeCallbackNumberForms: a gateway's callback sender in any form a
// provider sends (a tel: URI, spaces, 00, national, a phone's invisible
// marks) is stored as the E.164 number, so its STOP opts that number out;
// a sender that is no number, name or short code is stored as it came,
// flagged, and waits for review instead of being sorted under a string no
// campaign number will ever equal.
func TestServeCallbackNumberForms(t *testing.T) {
	s := newServer(t)
	forms := map[string]string{
		"tel:+447700900219":           "+447700900219",
		"tel:+44-7700-900220;ext=1":   "+447700900220",
		"0044 7700 900221":            "+447700900221",
		"07700 900222":                "+447700900222",
		"\u200e+44 7700 900223\u200e": "+447700900223",
		"+44\u00a07700\u00a0900224":   "+447700900224",
	}
	for from, want := range forms {
		if code := s.post("/api/inbound", tokenQ(), inboundForm("61400000001", from, "STOP")); code != 200 {
			t.Fatalf("POST from %q: %d", from, code)
		}
		if !s.optedOut(want) {
			t.Errorf("STOP from %q did not opt %s out", from, want)
		}
	}
	for _, from := range []string{"tel:call-me-maybe", "+999 12"} {
		if code := s.post("/api/inbound", tokenQ(), inboundForm("61400000001", from, "STOP")); code != 200 {
			t.Fatalf("POST from %q: %d", from, code)
		}
	}
	for _, m := range inbound(t, s.db) {
		odd := m.Number == "tel:call-me-maybe" || m.Number == "+999 12"
		switch {
		case odd && (!m.HasFlag(store.FlagOddNumber) || m.Category != ""):
			t.Errorf("%q: flags %v, category %q; want flagged %s and waiting for review", m.Number, m.Flags, m.Category, store.FlagOddNumber)
		case !odd && (m.HasFlag(store.FlagOddNumber) || m.Category != "End"):
			t.Errorf("%q: flags %v, category %q", m.Number, m.Flags, m.Category)
		}
	}
	// Re-running the automatic rules leaves them for the operator too.
	if _, err := s.p.Recategorise(s.ctx); err != nil {
		t.Fatal(err)
	}
	for _, m := range inbound(t, s.db) {
		if m.HasFlag(store.FlagOddNumber) && m.Category != "" {
			t.Errorf("recategorise sorted %q into %q", m.Number, m.Category)
		}
	}
	if s.optedOut("tel:call-me-maybe") {
		t.Error("a sender that is no number was put on the opt-out list")
	}
}
