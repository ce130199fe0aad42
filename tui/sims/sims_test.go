package sims_test

import (
	"context"
	"strings"
	"testing"

	"github.com/texting-centre/texting/tui/sims"
	"github.com/texting-centre/texting/tui/tuitest"
)

func TestSIMForm(t *testing.T) {
	ctx := context.Background()
	c, _ := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	m := sims.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	v := tuitest.Plain(m.View())
	if strings.Contains(v, "s3cret-pass") || strings.Contains(v, "****") || !strings.Contains(v, "desk (password set)") {
		t.Fatalf("nothing of the password may show:\n%s", v)
	}
	if !strings.Contains(v, "parked") {
		t.Fatalf("the parked SIM is not shown as parked:\n%s", v)
	}
	// Add a Vodafone SIM with a bad limit first: the error shows, nothing saved.
	tuitest.Type(t, m, nil, "a")
	tuitest.Text(t, m, "Vodafone")
	tuitest.Type(t, m, nil, "tab", "tab")
	tuitest.Text(t, m, "07700 900777")
	tuitest.Type(t, m, nil, "tab", "tab")
	for range 3 {
		tuitest.Type(t, m, nil, "backspace")
	}
	tuitest.Text(t, m, "lots")
	tuitest.Type(t, m, nil, "ctrl+s")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, `daily limit must be a whole number, not "lots"`) {
		t.Fatalf("no error:\n%s", v)
	}
	for range 4 {
		tuitest.Type(t, m, nil, "backspace")
	}
	tuitest.Text(t, m, "150")
	tuitest.Type(t, m, nil, "ctrl+s")
	s, err := c.DB.FindSIM(ctx, "Vodafone 2")
	if err != nil {
		t.Fatal(err)
	}
	if s.Phone != "+447700900777" || s.DailyLimit != 150 || !s.Active {
		t.Fatalf("saved %+v", s)
	}
	// The password field is masked in the form too.
	tuitest.Type(t, m, nil, "down", "down", "e")
	if v := tuitest.Plain(m.View()); strings.Contains(v, "s3cret-pass") || !strings.Contains(v, "•••") {
		t.Fatalf("password shown in the form:\n%s", v)
	}
}

// TestSIMFormValidates: the form saves through the backend, so what `texting
// sim set` refuses the form refuses with the same words, and a field left
// alone stays as it was (issue 14: it saved IMSI "abc" before).
func TestSIMFormValidates(t *testing.T) {
	ctx := context.Background()
	c, _ := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	m := sims.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	before, err := c.DB.FindSIM(ctx, "O2 1")
	if err != nil {
		t.Fatal(err)
	}
	tuitest.Type(t, m, nil, "e", "tab", "tab", "tab") // O2 1's IMSI
	for range len(before.IMSI) {
		tuitest.Type(t, m, nil, "backspace")
	}
	tuitest.Text(t, m, "abc")
	tuitest.Type(t, m, nil, "ctrl+s")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, `IMSI must be 6 to 15 digits, not "abc"`) {
		t.Fatalf("IMSI abc accepted:\n%s", v)
	}
	if after, _ := c.DB.FindSIM(ctx, "O2 1"); after != before {
		t.Fatalf("a refused form changed the SIM:\n%+v\n%+v", before, after)
	}
}
