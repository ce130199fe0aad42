// Package templates is the campaign texts screen: the templates, and an
// editor with a live counter (characters, GSM-7 or UCS-2 and what forced it,
// parts), a preview with {greeting} and a sample {name} (and the worst case
// over the next campaign's names), placeholder checks and the follow-ups.
// It is a crud screen with a preview beside it.
package templates

import (
	"context"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/modem/pdu"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/template"
	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/crud"
)

// Title is the screen's name.
const Title = "Templates"

// SampleName fills {name} in the preview.
const SampleName = "Alexandra"

// Row is a template as the list shows it: its parts are counted when the
// list is read, not on each frame.
type Row struct {
	store.Template
	Parts int
}

// namesMsg is the answer to the editor's question for the next campaign's
// names.
type namesMsg struct {
	template string
	names    []string
	err      error
}

// New returns the templates screen.
func New(c *common.Common) *crud.Model[Row] {
	p := &preview{c: c, names: map[string][]string{}, namesErr: map[string]string{}}
	return crud.New(c, crud.Spec[Row]{
		Title: Title,
		Noun:  "template",
		Load: func(ctx context.Context, db *store.DB) ([]Row, error) {
			ts, err := db.Templates(ctx)
			rows := make([]Row, len(ts))
			for i, t := range ts {
				rows[i] = Row{t, pdu.Counting(t.Body).Parts}
			}
			return rows, err
		},
		Line: func(r Row) string {
			return common.Cell(common.Clean(r.Name), 16) + c.Styles.Subtle.Render(fmt.Sprintf("%d part%s", r.Parts, plural(r.Parts)))
		},
		Name:  func(r Row) string { return r.Name },
		Empty: "A template is sent to the data source's group of the same name.",
		Form:  p.editor,
		Delete: func(ctx context.Context, r Row) (string, error) {
			return c.Backend.RemoveTemplate(ctx, r.ID)
		},
		Preview: func(r Row, w int) string {
			return p.view(r.Name, r.Body, []string{r.Followup, r.AltFollowup}, w)
		},
		Receive: p.receive,
	})
}

// preview draws a text as a person would get it now, and keeps what that
// takes beyond the text itself: the next campaign's names by template, and
// the worst case over them, worked out when the text or the names change.
type preview struct {
	c        *common.Common
	names    map[string][]string // the next campaign's names, by template
	namesErr map[string]string   // why they could not be had, by template
	worst    worstCase           // the last worst case worked out
}

// worstCase is the most parts a text takes over a campaign's names, for
// one text, greeting and set of names.
type worstCase struct {
	template, body, greeting string
	n                        int // names counted
	count                    pdu.Count
	name                     string
}

// editor opens the form on a template; the fields are held by handle.
func (p *preview) editor(c *common.Common, r Row, isNew bool) crud.Editor {
	f := common.NewForm(c.Styles, c.Keys)
	name := f.Text("Name", r.Name)
	name.Hint = "the data source's group"
	body := f.Area("Text", r.Body, 4, true)
	followup := f.Area("Follow-up", r.Followup, 2, true)
	alt := f.Area("Alternative follow-up", r.AltFollowup, 2, true)
	ed := crud.Editor{Form: f, Name: name}
	ed.Save = func(ctx context.Context) error {
		// The backend checks the placeholders (the same check `texting
		// template` makes); Changed only shows them while typing.
		u := store.TemplateUpdate{
			Name:        crud.Changed(name.Trimmed(), r.Name),
			Body:        crud.Changed(body.Trimmed(), r.Body),
			Followup:    crud.Changed(followup.Trimmed(), r.Followup),
			AltFollowup: crud.Changed(alt.Trimmed(), r.AltFollowup),
		}
		if isNew {
			b := body.Trimmed()
			u.Body = &b // required on a new template, even empty (the backend says so)
		}
		return crud.Put(ctx, isNew, r.ID, u, c.Backend.AddTemplate, c.Backend.UpdateTemplate)
	}
	ed.Changed = func() []string {
		p.prepare(r.Name, body.Value())
		return problems(body.Value(), followup.Value(), alt.Value(), c.MaxParts)
	}
	ed.Preview = func(w int) string {
		return p.view(r.Name, body.Value(), []string{followup.Value(), alt.Value()}, w)
	}
	if !isNew {
		be, ctx, group := c.Backend, c.Context(), r.Name
		ed.Cmd = func() tea.Msg {
			names, err := be.CampaignNames(ctx, group)
			return namesMsg{group, names, err}
		}
	}
	return ed
}

// problems checks every body's placeholders and size (template.max_parts).
func problems(body, followup, alt string, maxParts int) []string {
	var out []string
	for i, b := range []string{body, followup, alt} {
		if i > 0 && strings.TrimSpace(b) == "" {
			continue
		}
		label := []string{"text", "follow-up", "alternative follow-up"}[i]
		if err := template.Check(b); err != nil {
			out = append(out, label+": "+err.Error())
		} else if err := template.CheckSize(b, maxParts); err != nil {
			out = append(out, label+": "+err.Error())
		}
	}
	return out
}

// receive takes the next campaign's names for a template.
func (p *preview) receive(msg tea.Msg) bool {
	nm, ok := msg.(namesMsg)
	if !ok {
		return false
	}
	if nm.err != nil {
		p.namesErr[nm.template] = nm.err.Error()
	} else {
		p.names[nm.template] = nm.names
		delete(p.namesErr, nm.template)
	}
	was := p.worst
	p.worst = worstCase{} // the names changed: work the text on show out again
	if was.template == nm.template {
		p.prepare(was.template, was.body)
	}
	return true
}

func (p *preview) render(body, who, greeting string) string {
	return template.RenderGreeting(template.RenderName(body, who), greeting)
}

// greeting is {greeting} now.
func (p *preview) greeting() string { return p.c.Greeting(p.c.Now().In(p.c.Loc)) }

// prepare works out the worst case of body over the template's names,
// unless it is the one kept.
func (p *preview) prepare(tmpl, body string) worstCase {
	names, greeting := p.names[tmpl], p.greeting()
	w := p.worst
	if w.template == tmpl && w.body == body && w.greeting == greeting && w.n == len(names) {
		return w
	}
	w = worstCase{template: tmpl, body: body, greeting: greeting, n: len(names), count: pdu.Counting(p.render(body, "", greeting))}
	for _, n := range names {
		if c := pdu.Counting(p.render(body, n, greeting)); c.Parts > w.count.Parts || (c.Parts == w.count.Parts && c.Units > w.count.Units) {
			w.count, w.name = c, n
		}
	}
	p.worst = w
	return w
}

// view renders the text as a person would get it now, and the worst case
// over the next campaign's names; "" for no text.
func (p *preview) view(tmpl, body string, followups []string, w int) string {
	if body == "" {
		return ""
	}
	st := p.c.Styles
	greeting := p.greeting()
	sample := p.render(body, SampleName, greeting)
	count := pdu.Counting(sample)
	var b strings.Builder
	b.WriteString(st.Title.Render("Preview") + st.Subtle.Render(" {name} = "+SampleName) + "\n")
	b.WriteString(st.Out.Render(common.Wrap(common.Text(sample), w)) + "\n")
	b.WriteString(common.Wrap(common.CountLine(st, count), w) + "\n\n")
	if names := p.names[tmpl]; len(names) > 0 {
		worst := p.prepare(tmpl, body) // kept from Update unless the greeting turned
		line := fmt.Sprintf("Worst case over %d names: %q → %d part%s", len(names), template.FirstName(worst.name), worst.count.Parts, plural(worst.count.Parts))
		style := st.Good
		if worst.count.Parts > count.Parts {
			style = st.Warn
		}
		b.WriteString(style.Render(common.Wrap(common.Clean(line), w)) + "\n\n")
	} else if why, ok := p.namesErr[tmpl]; ok {
		b.WriteString(st.Subtle.Render(common.Wrap(common.OneLine("Worst case: "+why), w)) + "\n\n")
	}
	for i, f := range followups {
		if strings.TrimSpace(f) == "" {
			continue
		}
		label := "Follow-up"
		if i == 1 {
			label = "Alternative follow-up"
		}
		r := p.render(f, SampleName, greeting)
		b.WriteString(st.Label.Render(label) + "\n" + st.Out.Render(common.Wrap(common.Text(r), w)) + "\n" + common.Wrap(common.CountLine(st, pdu.Counting(r)), w) + "\n\n")
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
