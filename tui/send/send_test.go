package send_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/send"
	"github.com/texting-centre/texting/tui/tuitest"
)

func TestNumbers(t *testing.T) {
	tests := []struct {
		name, in      string
		want, invalid int
	}{
		{"one", "07700 900123", 1, 0},
		{"two with junk", "07700 900123, +44 7700 900124; abc", 2, 1},
		{"empty", " , ", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, p := send.Numbers(tt.in, "GB")
			if len(n) != tt.want || len(p) != tt.invalid {
				t.Fatalf("Numbers(%q) = %q, %q", tt.in, n, p)
			}
		})
	}
}

func TestSendScreen(t *testing.T) {
	c, be := tuitest.Setup(t)
	be.Result = "+447700900123 sent from O2 1"
	m := send.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	tuitest.Text(t, m, "07700 900123, 12")
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "✓ 1 number(s): +447700900123") || !strings.Contains(v, "✗ invalid phone number") {
		t.Fatalf("numbers not validated as typed:\n%s", v)
	}
	tuitest.Type(t, m, nil, "ctrl+s")
	if len(be.CallList()) != 0 || !strings.Contains(tuitest.Plain(m.View()), "fix the numbers first") {
		t.Fatal("sent with an invalid number")
	}
	for range 4 {
		tuitest.Type(t, m, nil, "backspace")
	}
	tuitest.Type(t, m, nil, "tab")
	tuitest.Text(t, m, "It’s ready — come by")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "UCS-2") || !strings.Contains(v, `forced by "’" "—"`) {
		t.Fatalf("counter does not show UCS-2 and why:\n%s", v)
	}
	tuitest.Type(t, m, nil, "ctrl+g")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "GSM-7") || !strings.Contains(v, "It's ready - come by") {
		t.Fatalf("smart quotes not replaced:\n%s", v)
	}
	tuitest.Type(t, m, nil, "ctrl+s")
	want := []string{"Send +447700900123 It's ready - come by"}
	if got := be.CallList(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("calls = %q, want %q", got, want)
	}
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "✓ +447700900123 sent from O2 1") {
		t.Fatalf("no result:\n%s", v)
	}
	// esc leaves the form: the global keys work again.
	tuitest.Type(t, m, nil, "esc")
	if m.Captures(tuitest.Key("q")) {
		t.Fatal("after esc q must be the root's")
	}
}

// TestSendHintsAndHelp: the fields' hints are whole at 100 columns (below
// the field where they do not fit beside it) and the help follows the form's
// state.
func TestSendHintsAndHelp(t *testing.T) {
	c, _ := tuitest.Setup(t)
	for _, w := range []int{100, 60} {
		m := send.New(c)
		m.SetSize(w, 26)
		tuitest.Run(t, m, m.Init(), nil)
		v := tuitest.Plain(m.View())
		for _, hint := range []string{"numbers, comma-separated", "e.g. O2 3; empty: the person's last SIM"} {
			if !strings.Contains(v, hint) {
				t.Errorf("at %d the hint %q is cut:\n%s", w, hint, v)
			}
		}
		for _, line := range strings.Split(v, "\n") {
			if n := len([]rune(line)); n > w {
				t.Errorf("at %d a line is %d wide: %q", w, n, line)
			}
		}
	}
	m := send.New(c)
	tuitest.Run(t, m, m.Init(), nil)
	help := func() string {
		var s []string
		for _, b := range m.ShortHelp() {
			s = append(s, b.Help().Key+" "+b.Help().Desc)
		}
		return strings.Join(s, " • ")
	}
	if h := help(); !strings.Contains(h, "ctrl+s send") || !strings.Contains(h, "esc leave form") {
		t.Fatalf("help while editing: %q", h)
	}
	tuitest.Type(t, m, nil, "esc")
	if h := help(); h != "e write" {
		t.Fatalf("help after esc: %q", h)
	}
	tuitest.Type(t, m, nil, "e")
	if !m.Captures(tuitest.Key("q")) || !strings.Contains(help(), "ctrl+s send") {
		t.Fatalf("e did not go back into the form: %q", help())
	}
}

// TestSendAsksAboutOptOuts: a number on the opt-out list is asked about
// first, with the date and the text it opted out with; n sends nothing, y
// sends with force (the backend records it).
func TestSendAsksAboutOptOuts(t *testing.T) {
	ctx := context.Background()
	c, be := tuitest.Setup(t)
	id, _, err := c.DB.InsertMessage(ctx, store.Message{Direction: store.In, Number: "+447700900701", Text: "STOP texting me",
		Kind: store.KindInbound})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DB.AddOptOut(ctx, "+447700900701", id); err != nil {
		t.Fatal(err)
	}
	m := send.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	tuitest.Text(t, m, "07700 900701")
	tuitest.Type(t, m, nil, "tab")
	tuitest.Text(t, m, "Your engineer is on the way")
	tuitest.Type(t, m, nil, "ctrl+s")
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "+447700900701 is on the opt-out list since 26 Nov 2026 15:04") ||
		!strings.Contains(v, `"STOP texting me"`) || !strings.Contains(v, "Send anyway? It is recorded. y/n") {
		t.Fatalf("no question:\n%s", v)
	}
	if !m.Captures(tuitest.Key("q")) {
		t.Fatal("the question must take the keys")
	}
	tuitest.Type(t, m, nil, "n")
	if len(be.CallList()) != 0 || !strings.Contains(tuitest.Plain(m.View()), "not sent") {
		t.Fatalf("n sent anyway: %v", be.CallList())
	}
	tuitest.Type(t, m, nil, "ctrl+s", "y")
	want := []string{"Send +447700900701 Your engineer is on the way  force"}
	if got := be.CallList(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("calls = %q, want %q", got, want)
	}
}

// TestOptOutList: ctrl+o opens the opt-out list on the Send screen; a adds
// a number through the backend, d takes it off, esc goes back to the form.
func TestOptOutList(t *testing.T) {
	ctx := context.Background()
	c, _ := tuitest.Setup(t)
	m := send.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	tuitest.Type(t, m, nil, "ctrl+o", "a")
	tuitest.Text(t, m, "07700 900555")
	tuitest.Type(t, m, nil, "tab")
	tuitest.Text(t, m, "asked by phone")
	tuitest.Type(t, m, nil, "ctrl+s")
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "Opt-outs") || !strings.Contains(v, "+447700900555") || !strings.Contains(v, "by hand: asked by phone") {
		t.Fatalf("added number not listed:\n%s", v)
	}
	if out, _ := c.DB.IsOptedOut(ctx, "+447700900555"); !out {
		t.Fatal("not on the list")
	}
	tuitest.Type(t, m, nil, "d", "y")
	if out, _ := c.DB.IsOptedOut(ctx, "+447700900555"); out {
		t.Fatal("d y did not take it off")
	}
	tuitest.Type(t, m, nil, "esc")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "Send a text") {
		t.Fatalf("esc did not go back to the form:\n%s", v)
	}
}
