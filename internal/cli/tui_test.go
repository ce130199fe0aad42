package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/texting-centre/texting/classify"
	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/desk"
	"github.com/texting-centre/texting/desk/tuibackend"
	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

func tuiTestBackend(t *testing.T, ports ...string) (*tuibackend.Backend, *store.DB) {
	t.Helper()
	db := storetest.Open(t)
	cfg, err := config.Load(context.Background(), db, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.ModemPorts = ports
	return tuibackend.New(desk.New(db, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))), db
}

func insertInbound(t *testing.T, db *store.DB, number, text string) int64 {
	t.Helper()
	id, _, err := db.InsertMessage(context.Background(), store.Message{Direction: store.In, Number: number, Text: text,
		Norm: classify.Normalize(text), Kind: store.KindInbound})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestTUIBackendTagUndoSuggest: the TUI tags through the replies pipeline
// (every identical text, as the operator), undoes exactly, and suggests with
// the model learned from the operator's choices.
func TestTUIBackendTagUndoSuggest(t *testing.T) {
	ctx := context.Background()
	b, db := tuiTestBackend(t)
	a := insertInbound(t, db, "+447700900001", "Thanks a lot")
	twin := insertInbound(t, db, "+447700900002", "thanks a lot!")
	other := insertInbound(t, db, "+447700900003", "STOP")

	tagged, err := b.Tag(ctx, a, "thanks")
	if err != nil {
		t.Fatal(err)
	}
	if tagged.Category != "Thanks" || len(tagged.IDs) != 2 {
		t.Fatalf("tagged = %+v", tagged)
	}
	for _, id := range []int64{a, twin} {
		m, _ := db.Message(ctx, id)
		if m.Category != "Thanks" || m.CategoryBy != "operator" {
			t.Fatalf("message %d: %q by %q", id, m.Category, m.CategoryBy)
		}
	}
	if err := b.Untag(ctx, tagged); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{a, twin} {
		if m, _ := db.Message(ctx, id); m.Category != "" {
			t.Fatalf("undo left message %d in %q", id, m.Category)
		}
	}
	if _, err := b.Tag(ctx, other, "no such category"); err == nil {
		t.Fatal("tagging with an unknown category must fail")
	}

	// Teach the model two categories, then ask it.
	for i, text := range []string{"thank you so much", "many thanks", "thanks!!", "cheers thanks"} {
		id := insertInbound(t, db, "+4477009002"+string(rune('0'+i))+"0", text)
		if _, err := b.Tag(ctx, id, "Thanks"); err != nil {
			t.Fatal(err)
		}
	}
	for i, text := range []string{"who is this", "who are you", "who is this please", "who r u"} {
		id := insertInbound(t, db, "+4477009003"+string(rune('0'+i))+"0", text)
		if _, err := b.Tag(ctx, id, "Misc"); err != nil {
			t.Fatal(err)
		}
	}
	s, err := b.Suggest(ctx, "thanks so much")
	if err != nil {
		t.Fatal(err)
	}
	if s.Category != "Thanks" || s.Confidence <= 0 || s.Confidence > 1 {
		t.Fatalf("suggestion = %+v", s)
	}
}

// TestTUIBackendOutbox: resend and mark failed are the store's operator
// changes, refused for texts in the wrong state.
func TestTUIBackendOutbox(t *testing.T) {
	ctx := context.Background()
	b, db := tuiTestBackend(t)
	ins := func(state string) int64 {
		id, _, err := db.InsertMessage(ctx, store.Message{Direction: store.Out, Number: "+447700900001", Text: "x",
			Kind: store.KindManual, State: state})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	lost, failed, sent := ins(store.StateUnknown), ins(store.StateFailed), ins(store.StateSent)
	if err := b.MarkFailed(ctx, lost); err != nil {
		t.Fatal(err)
	}
	if err := b.Resend(ctx, failed); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]string{lost: store.StateFailed, failed: store.StateQueued} {
		if m, _ := db.Message(ctx, id); m.State != want {
			t.Fatalf("message %d is %s, want %s", id, m.State, want)
		}
	}
	if err := b.Resend(ctx, sent); err == nil {
		t.Fatal("a sent text must not be resent")
	}
}

// TestTUIBackendDongle: the fleet board, read-in and a test text against the
// dongle emulator on a real pseudo-terminal.
func TestTUIBackendDongle(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	em := newEmulator(t, "234101234567890")
	if err := em.Receive("+447700900123", "Hello from the emulator"); err != nil {
		t.Fatal(err)
	}
	b, db := tuiTestBackend(t, em.Path())

	board, err := b.Modems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(board) != 1 || board[0].IMSI != "234101234567890" || board[0].Port != em.Path() || board[0].Err != "" ||
		board[0].StorageTotal == 0 {
		t.Fatalf("board = %+v", board)
	}

	summary, err := b.ReadIn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(summary, "1 stored") {
		t.Fatalf("read-in summary %q", summary)
	}
	in, err := db.Messages(ctx, store.MessageFilter{Direction: store.In})
	if err != nil || len(in) != 1 || in[0].Text != "Hello from the emulator" {
		t.Fatalf("inbound = %+v, %v", in, err)
	}

	sent, err := b.Send(ctx, []string{"+447700900456"}, "Test text", "", false)
	if err != nil {
		t.Fatalf("send: %v (%s)", err, sent)
	}
	// The dongle's holder applies the delivery report as it comes: the
	// text may already be delivered when its outcome is read.
	if !strings.Contains(sent, "+447700900456 sent") && !strings.Contains(sent, "+447700900456 delivered") {
		t.Fatalf("send summary %q", sent)
	}
	if got := em.Sent(); len(got) != 1 {
		t.Fatalf("the emulator got %d texts", len(got))
	}
}

// TestTUIColours: NO_COLOR turns colour off, whatever the terminal can do.
func TestTUIColours(t *testing.T) {
	b, db := tuiTestBackend(t)
	for _, tt := range []struct {
		name    string
		noColor string
		want    termenv.Profile
	}{{"NO_COLOR set", "1", termenv.Ascii}, {"colours", "", termenv.TrueColor}} {
		t.Run(tt.name, func(t *testing.T) {
			r := lipgloss.NewRenderer(io.Discard)
			r.SetColorProfile(termenv.TrueColor)
			c := newTUICommon(context.Background(), db, b, b.Config, r, func(k string) string {
				if k == "NO_COLOR" {
					return tt.noColor
				}
				return ""
			})
			if got := c.Styles.Renderer.ColorProfile(); got != tt.want {
				t.Fatalf("profile %v, want %v", got, tt.want)
			}
			styled := c.Styles.Error.Render("x")
			if colour := strings.Contains(styled, "\x1b["); colour != (tt.want != termenv.Ascii) {
				t.Fatalf("styled %q with profile %v", styled, tt.want)
			}
		})
	}
}

// TestTUIBackendReadInOnHeldDongle: the Modems screen's read-in on a dongle
// a campaign run holds says who holds it and that it reads that SIM in, and
// is no failure — as `texting read-in` says (it showed ✗ port busy).
func TestTUIBackendReadInOnHeldDongle(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	em := newEmulator(t, "234101234567890")
	b, db := tuiTestBackend(t, em.Path())
	// The run: the port open and recorded as held for campaign run 9.
	d, err := modem.Open(ctx, em.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	self := outbox.ThisProcess()
	if err := db.HoldPort(ctx, em.Path(), self.String(), self.PID, "campaign run 9", false); err != nil {
		t.Fatal(err)
	}
	summary, err := b.ReadIn(ctx)
	want := fmt.Sprintf("%s: held by pid %d (campaign run 9), which reads this SIM in itself", em.Path(), self.PID)
	if err != nil || !strings.Contains(summary, want) {
		t.Fatalf("read-in on a held dongle: %q, %v; want %q and no error", summary, err, want)
	}
	board, err := b.Modems(ctx)
	if err != nil || len(board) != 1 || board[0].HeldBy != fmt.Sprintf("pid %d (campaign run 9)", self.PID) {
		t.Fatalf("the board of a held dongle: %+v, %v", board, err)
	}
}
