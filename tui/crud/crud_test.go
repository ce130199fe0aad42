package crud_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/crud"
	"github.com/texting-centre/texting/tui/tuitest"
)

// fruit is a row of the test screen.
type fruit struct{ name, colour string }

// screen is a crud screen over rows held in memory; saved is what its
// editor's Save got, changed counts the calls of Editor.Changed.
func screen(t *testing.T, rows []fruit, preview bool) (m *crud.Model[fruit], saved *[]fruit, changed *int) {
	t.Helper()
	c, _ := tuitest.Common(t)
	saved, changed = new([]fruit), new(int)
	spec := crud.Spec[fruit]{
		Title:   "Fruit",
		Noun:    "fruit",
		Columns: []crud.Column{crud.Col("Name", 10), crud.Col("Colour", 0)},
		Load:    func(context.Context, *store.DB) ([]fruit, error) { return rows, nil },
		Row:     func(f fruit) []string { return []string{f.name, f.colour} },
		Name:    func(f fruit) string { return f.name },
		Form: func(c *common.Common, f fruit, isNew bool) crud.Editor {
			form := common.NewForm(c.Styles, c.Keys)
			name := form.Text("Name", f.name)
			colour := form.Text("Colour", f.colour)
			return crud.Editor{
				Form: form,
				Name: name,
				Save: func(context.Context) error {
					if colour.Trimmed() == "" {
						return errors.New("a fruit has a colour")
					}
					*saved = append(*saved, fruit{name.Trimmed(), colour.Trimmed()})
					return nil
				},
				Changed: func() []string {
					*changed++
					if strings.Contains(name.Value(), "!") {
						return []string{"no ! in a name"}
					}
					return nil
				},
				Preview: func(w int) string { return "PREVIEW of " + name.Value() },
			}
		},
		Delete: func(_ context.Context, f fruit) (string, error) { return "removed " + f.name, nil },
	}
	if preview {
		spec.Line = func(f fruit) string { return f.name + " is " + f.colour }
		spec.Preview = func(f fruit, w int) string { return fmt.Sprintf("PREVIEW of %s (%d wide)", f.name, w) }
	}
	m = crud.New(c, spec)
	tuitest.Run(t, m, m.Init(), nil)
	return m, saved, changed
}

// TestEditorDerivesInUpdate: what the editor shows that derives from its
// fields is worked out when it opens and on each change, never on a frame.
func TestEditorDerivesInUpdate(t *testing.T) {
	m, saved, changed := screen(t, []fruit{{"apple", "red"}}, false)
	tuitest.Type(t, m, nil, "e")
	if *changed != 1 {
		t.Fatalf("Changed ran %d times on opening, want 1", *changed)
	}
	tuitest.Text(t, m, "!")
	after := *changed
	for range 50 {
		_ = m.View()
	}
	if *changed != after {
		t.Fatalf("View ran Changed: %d calls before 50 frames, %d after", after, *changed)
	}
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "✗ no ! in a name") {
		t.Fatalf("the problem is not shown:\n%s", v)
	}
	tuitest.Type(t, m, nil, "backspace", "ctrl+s")
	if len(*saved) != 1 || (*saved)[0] != (fruit{"apple", "red"}) {
		t.Fatalf("saved %+v, want the fields as edited", *saved)
	}
	if m.Captures(tuitest.Key("q")) {
		t.Fatal("the editor stays open after a save")
	}
}

// TestSaveRefusedKeepsEditor: a refused save shows why and leaves the
// editor open on what was typed.
func TestSaveRefusedKeepsEditor(t *testing.T) {
	m, saved, _ := screen(t, nil, false)
	tuitest.Type(t, m, nil, "a")
	tuitest.Text(t, m, "kiwi")
	tuitest.Type(t, m, nil, "ctrl+s")
	if len(*saved) != 0 {
		t.Fatalf("saved %+v", *saved)
	}
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "✗ a fruit has a colour") || !strings.Contains(v, "kiwi") || !m.Captures(tuitest.Key("q")) {
		t.Fatalf("the editor should stay open with the error:\n%s", v)
	}
}

// TestPreviewLayout: with a preview the rows are Line's, the selected row's
// preview stands beside them, and the editor draws its own.
func TestPreviewLayout(t *testing.T) {
	m, _, _ := screen(t, []fruit{{"apple", "red"}, {"lime", "green"}}, true)
	m.SetSize(80, 20)
	v := tuitest.Plain(m.View())
	for _, want := range []string{"apple is red", "lime is green", "PREVIEW of apple (34 wide)"} {
		if !strings.Contains(v, want) {
			t.Fatalf("no %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "Colour") {
		t.Fatalf("a screen with Line has no column header:\n%s", v)
	}
	tuitest.Type(t, m, nil, "down", "e")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "PREVIEW of lime") || !strings.Contains(v, "Edit fruit lime") {
		t.Fatalf("the editor's preview:\n%s", v)
	}
}

// TestFrame: the screen's name, its tab name and its size come from
// common.Frame; a new size lays the page out again.
func TestFrame(t *testing.T) {
	rows := make([]fruit, 30)
	for i := range rows {
		rows[i] = fruit{fmt.Sprintf("f%02d", i), "green"}
	}
	m, _, _ := screen(t, rows, false)
	if m.Title() != "Fruit" || m.Tab() != "Fruit" {
		t.Fatalf("title %q, tab %q", m.Title(), m.Tab())
	}
	if m.Width != common.DefaultWidth || m.Height != common.DefaultHeight {
		t.Fatalf("size before the root gives one: %d×%d", m.Width, m.Height)
	}
	for _, h := range []int{12, 30} {
		m.SetSize(90, h)
		var lines int
		for _, l := range strings.Split(tuitest.Plain(m.View()), "\n") {
			if strings.Contains(l, "green") {
				lines++
			}
		}
		if want := h - 8; lines != want {
			t.Fatalf("height %d: %d rows drawn, want %d", h, lines, want)
		}
	}
}
