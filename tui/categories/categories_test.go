package categories_test

import (
	"context"
	"strings"
	"testing"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/categories"
	"github.com/texting-centre/texting/tui/tuitest"
)

func TestAddEditDelete(t *testing.T) {
	ctx := context.Background()
	c, _ := tuitest.Setup(t)
	m := categories.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	// a: a form; name, opt-out (space), follow-up (space: basic), auto-reply.
	tuitest.Type(t, m, nil, "a")
	if !m.Captures(tuitest.Key("q")) {
		t.Fatal("the form must capture keys")
	}
	tuitest.Text(t, m, "Booked")
	tuitest.Type(t, m, nil, "tab", "tab", " ", " ", "tab")
	tuitest.Text(t, m, "See you then!")
	tuitest.Type(t, m, nil, "ctrl+s")
	got, err := c.DB.CategoryByName(ctx, "Booked")
	if err != nil {
		t.Fatal(err)
	}
	if got.OptOut || got.Followup != store.FollowupAlternative || got.AutoReply != "See you then!" {
		t.Fatalf("saved %+v", got)
	}
	// The rules' categories cannot be deleted: the error shows.
	tuitest.Type(t, m, nil, "d", "y")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "still in use") {
		t.Fatalf("no error for deleting Thanks:\n%s", v)
	}
	// Booked is last (position 6): edit its name, then delete it.
	for range 5 {
		tuitest.Type(t, m, nil, "down")
	}
	tuitest.Type(t, m, nil, "e")
	tuitest.Text(t, m, " in")
	tuitest.Type(t, m, nil, "ctrl+s")
	if _, err := c.DB.CategoryByName(ctx, "Booked in"); err != nil {
		t.Fatal(err)
	}
	tuitest.Type(t, m, nil, "d")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "Delete category Booked in? y/n") {
		t.Fatalf("no confirmation:\n%s", v)
	}
	tuitest.Type(t, m, nil, "y")
	if _, err := c.DB.CategoryByName(ctx, "Booked in"); err == nil {
		t.Fatal("not deleted")
	}
}
