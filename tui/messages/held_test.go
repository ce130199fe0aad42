package messages_test

import (
	"context"
	"strings"
	"testing"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/messages"
	"github.com/texting-centre/texting/tui/tuitest"
)

// TestInboxSaysWhatIsHeld: half a long text, stored while it waits for its
// other half, is said on the Inbox.
func TestInboxSaysWhatIsHeld(t *testing.T) {
	c, _ := tuitest.Setup(t)
	f := tuitest.Seed(t, c.DB)
	m := messages.New(c)
	m.SetSize(140, 20)
	tuitest.Run(t, m, m.Init(), nil)
	if v := tuitest.Plain(m.View()); strings.Contains(v, "waiting for the rest") {
		t.Fatalf("nothing is held yet:\n%s", v)
	}
	err := c.DB.Intake(context.Background(), func(tx *store.Intake) error {
		_, err := tx.InsertFragment(context.Background(), store.Fragment{SIMID: f.SIMs[0].ID, Number: "+447700900101",
			ConcatRef: 9, Total: 2, Seq: 1, Text: "Yes please, and could you also", DedupeKey: "test:1"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tuitest.Run(t, m, m.Init(), nil)
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "1 part of long texts waiting for the rest (texting messages --held)") {
		t.Fatalf("the held part is not said:\n%s", v)
	}
}
