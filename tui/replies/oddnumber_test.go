package replies_test

import (
	"context"
	"strings"
	"testing"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/replies"
	"github.com/texting-centre/texting/tui/tuitest"
)

// TestOddSenderShownForReview: a text whose sender could not be read as a
// number waits in the queue and says so.
func TestOddSenderShownForReview(t *testing.T) {
	c, _ := tuitest.Setup(t)
	if _, _, err := c.DB.InsertMessage(context.Background(), store.Message{Direction: store.In, Number: "tel:call-me-maybe",
		Text: "STOP", At: tuitest.Now, Kind: store.KindInbound, Flags: []string{store.FlagOddNumber}}); err != nil {
		t.Fatal(err)
	}
	m := replies.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "tel:call-me-maybe") || !strings.Contains(v, "The sender is no phone number") {
		t.Fatalf("the odd sender is not shown for review:\n%s", v)
	}
}
