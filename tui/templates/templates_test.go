package templates_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/templates"
	"github.com/texting-centre/texting/tui/tuitest"
)

func TestEditorCounterPreviewAndSave(t *testing.T) {
	ctx := context.Background()
	c, be := tuitest.Setup(t)
	f := tuitest.Seed(t, c.DB)
	be.Names = []string{"Al", "Bartholomew-Maximilian Fitzgerald", "Jo"}
	m := templates.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "Hi Alexandra, Have a good day! Your table") || !strings.Contains(v, "UCS-2") {
		t.Fatalf("preview of the selected template:\n%s", v)
	}
	// Edit welcome: the worst case over the data source's names shows.
	tuitest.Type(t, m, nil, "e")
	if !m.Captures(tuitest.Key("q")) {
		t.Fatal("the editor must capture keys")
	}
	if got := be.CallList(); len(got) != 1 || got[0] != "CampaignNames welcome" {
		t.Fatalf("calls = %q", got)
	}
	if v := tuitest.Plain(m.View()); !strings.Contains(v, `Worst case over 3 names:`) || !strings.Contains(v, `"Bartholomew`) {
		t.Fatalf("no worst case:\n%s", v)
	}
	// ctrl+g in the text turns the em dash into a hyphen: GSM-7, one part.
	tuitest.Type(t, m, nil, "tab", "ctrl+g")
	if v := tuitest.Plain(m.View()); strings.Contains(v, "UCS-2") {
		t.Fatalf("still UCS-2 after ctrl+g:\n%s", v)
	}
	// An unknown placeholder is shown at once and refuses the save.
	tuitest.Text(t, m, " {nmae}")
	tuitest.Type(t, m, nil, "ctrl+s")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "unknown placeholder {nmae}") {
		t.Fatalf("no placeholder error:\n%s", v)
	}
	got, _ := c.DB.Template(ctx, f.Welcome.ID)
	if strings.Contains(got.Body, "nmae") {
		t.Fatal("saved a template with an unknown placeholder")
	}
	for range len(" {nmae}") {
		tuitest.Type(t, m, nil, "backspace")
	}
	tuitest.Type(t, m, nil, "ctrl+s")
	got, _ = c.DB.Template(ctx, f.Welcome.ID)
	if !strings.Contains(got.Body, "ready - reply STOP") {
		t.Fatalf("not saved: %q", got.Body)
	}
	if m.Captures(tuitest.Key("q")) {
		t.Fatal("the editor must close after saving")
	}
}

func TestAddAndDelete(t *testing.T) {
	ctx := context.Background()
	c, be := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	be.Fail = errors.New("no data source set")
	m := templates.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	tuitest.Type(t, m, nil, "a")
	tuitest.Text(t, m, "spring")
	tuitest.Type(t, m, nil, "tab")
	tuitest.Text(t, m, "Spring is here, {name}!")
	tuitest.Type(t, m, nil, "ctrl+s")
	if _, err := c.DB.TemplateByName(ctx, "spring"); err != nil {
		t.Fatal(err)
	}
	// spring sorts first; d asks, n keeps it, y deletes it.
	tuitest.Type(t, m, nil, "d")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "Delete template spring? y/n") {
		t.Fatalf("no confirmation:\n%s", v)
	}
	tuitest.Type(t, m, nil, "n", "d", "y")
	if _, err := c.DB.TemplateByName(ctx, "spring"); err == nil {
		t.Fatal("not deleted")
	}
}

// TestTooManyParts: the editor says as the operator types that the text is
// over template.max_parts, and refuses to save it.
func TestTooManyParts(t *testing.T) {
	ctx := context.Background()
	c, be := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	be.Fail = errors.New("no data source set")
	m := templates.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	tuitest.Type(t, m, nil, "a")
	tuitest.Text(t, m, "huge")
	tuitest.Type(t, m, nil, "tab")
	tuitest.Text(t, m, strings.Repeat("word ", 180)) // 900 characters: 6 parts
	if v := tuitest.Plain(m.View()); strings.Contains(v, "max_parts") {
		t.Fatalf("six parts refused:\n%s", v)
	}
	tuitest.Text(t, m, strings.Repeat("more ", 30)) // 7 parts
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "text: template is 7 SMS parts, more than") {
		t.Fatalf("no size warning as you type:\n%s", v)
	}
	tuitest.Type(t, m, nil, "ctrl+s")
	if _, err := c.DB.TemplateByName(ctx, "huge"); err == nil {
		t.Fatal("saved a template over template.max_parts")
	}
}

// BenchmarkTemplatesView draws the templates screen: the list of 40
// templates with the selected one's preview, and the editor open on a long
// text with the worst case over 200 names (what is drawn on every key the
// operator types).
func BenchmarkTemplatesView(b *testing.B) {
	ctx := context.Background()
	c, be := tuitest.Setup(b)
	tuitest.Seed(b, c.DB)
	for i := range 40 {
		body := fmt.Sprintf("Hi {name}, {greeting}! Offer %d: %s", i, strings.Repeat("tables for two — ", 12))
		if _, err := be.AddTemplate(ctx, store.TemplateUpdate{Name: ptr(fmt.Sprintf("group%02d", i)), Body: &body}); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 200 {
		be.Names = append(be.Names, fmt.Sprintf("Person Number%d", i))
	}
	m := templates.New(c)
	m.SetSize(120, 40)
	tuitest.Run(b, m, m.Init(), nil)
	b.Run("list", func(b *testing.B) {
		for range b.N {
			_ = m.View()
		}
	})
	tuitest.Type(b, m, nil, "e")
	b.Run("editor", func(b *testing.B) {
		for range b.N {
			_ = m.View()
		}
	})
}

func ptr[V any](v V) *V { return &v }
