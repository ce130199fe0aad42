package replies

import (
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem/modemtest"
)

// TestOptOutByFirstPart: a long text whose first part says STOP opts its
// sender out at the read-in that stores that part, although the other part
// has not arrived (it may take fragments.timeout, a day). When the other part
// comes, the whole text is sorted as usual and the opt-out is tied to it.
// A first part whose last, unfinished clause only looks like one ("please
// stop" + "ping by") opts nobody out.
func TestOptOutByFirstPart(t *testing.T) {
	f := newFixture(t, Options{FragmentTimeout: 24 * time.Hour, AutoreplyWindow: 30 * 24 * time.Hour})
	f.setAutoreply("End", "You will get no more texts from us.")
	const stopper, visitor = "+447700900301", "+447700900302"
	stopText := "ＳＴＯＰ. I never asked for any of these messages and I want them to end right now, thank you."
	stopParts := longParts(t, stopper, stopText, 41)
	// The unfinished clause at the end of part 1 is "please stop"; the text
	// goes on "ping by" in part 2.
	head := "Hi. I will be in town on Friday and Saturday"
	pad := strings.Repeat(" and Saturday", (153-len(head)-len(". please stop"))/len(" and Saturday"))
	head += pad
	head += strings.Repeat("!", 153-len(head)-len(". please stop")) + ". please stop"
	if len(head) != 153 {
		t.Fatalf("part 1 is %d characters", len(head))
	}
	visitText := head + "ping by the shop then"
	visitParts := longParts(t, visitor, visitText, 42)
	if len(stopParts) != 2 || len(visitParts) != 2 {
		t.Fatalf("parts: %d and %d, want 2 each", len(stopParts), len(visitParts))
	}

	m := emulator(t, "234100000000001", modemtest.WithInbox(stopParts[0], visitParts[0]))
	res := readIn(t, f.p, m.Path())
	if len(res.Ports) != 1 || len(res.Ports[0].Errors) > 0 {
		t.Fatalf("read-in: %+v", res)
	}
	if n, _ := f.db.CountFragments(f.ctx); n != 2 {
		t.Fatalf("%d parts held, want 2", n)
	}
	if len(inbound(t, f.db)) != 0 {
		t.Fatal("a text was stored before its parts were all there")
	}
	if out, _ := f.db.IsOptedOut(f.ctx, stopper); !out {
		t.Fatal("the STOP in part 1 did not opt the number out at the read-in that stored it")
	}
	if out, _ := f.db.IsOptedOut(f.ctx, visitor); out {
		t.Fatal(`"please stop" cut off by the end of part 1 opted the number out`)
	}

	// The second parts arrive: the texts are whole, sorted, and the opt-out
	// is tied to the STOP text.
	if err := m.Store(stopParts[1], visitParts[1]); err != nil {
		t.Fatal(err)
	}
	readIn(t, f.p, m.Path())
	msgs := inbound(t, f.db)
	if len(msgs) != 2 {
		t.Fatalf("%d texts stored, want 2", len(msgs))
	}
	var stopID int64
	for _, msg := range msgs {
		switch msg.Number {
		case stopper:
			stopID = msg.ID
			if msg.Text != stopText || msg.Category != "End" {
				t.Errorf("STOP text stored as %q in %q", msg.Text, msg.Category)
			}
		case visitor:
			if msg.Text != visitText || msg.Category == "End" {
				t.Errorf("visit text stored as %q in %q", msg.Text, msg.Category)
			}
		}
	}
	outs, err := f.db.OptOuts(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 1 || outs[0].Number != stopper || outs[0].MessageID != stopID {
		t.Fatalf("opt-outs %+v, want %s tied to message %d", outs, stopper, stopID)
	}
	// The whole text confirms the opt-out, once.
	if got := len(f.autoreplies(stopper)); got != 1 {
		t.Errorf("%d confirmations of the opt-out, want 1", got)
	}
}
