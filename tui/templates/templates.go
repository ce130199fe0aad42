// Package templates is the campaign texts screen: the templates, and an
// editor with a live counter (characters, GSM-7 or UCS-2 and what forced it,
// parts), a preview with {greeting} and a sample {name} (and the worst case
// over the next campaign's names), placeholder checks and the follow-ups.
package templates

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

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

type (
	loadedMsg struct {
		rows []store.Template
		err  error
		keep common.Keep // on a refresh: the row the cursor stays on
	}
	namesMsg struct {
		template string
		names    []string
		err      error
	}
	doneMsg struct {
		what string
		err  error
	}
)

// Model is the templates screen.
type Model struct {
	c       *common.Common
	list    common.List[store.Template]
	all     []store.Template
	form    *common.Form // the editor, while open
	editing store.Template
	isNew   bool
	confirm bool
	names   map[string][]string // the next campaign's names, by template
	namesOK map[string]string   // why they could not be had, by template
	errMsg  string
	width   int
	height  int
}

// New returns the templates screen.
func New(c *common.Common) *Model {
	m := &Model{c: c, names: map[string][]string{}, namesOK: map[string]string{}}
	m.SetSize(100, 24)
	return m
}

// Title implements common.Screen.
func (m *Model) Title() string { return Title }

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.list.SetPageSize(max(1, h-3))
	if m.form != nil {
		m.form.SetWidth(m.formWidth())
	}
	m.page()
}

func (m *Model) formWidth() int { return m.width * 11 / 20 }

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd {
	db, ctx := m.c.DB, m.c.Context()
	return func() tea.Msg {
		rows, err := db.Templates(ctx)
		return loadedMsg{rows: rows, err: err}
	}
}

// Captures implements common.Screen.
func (m *Model) Captures(msg tea.KeyMsg) bool {
	return (m.form != nil || m.confirm) && msg.String() != "ctrl+c"
}

func (m *Model) page() {
	abs := m.list.Offset + m.list.Cursor
	size := max(1, m.list.PageSize)
	abs = max(0, min(abs, len(m.all)-1))
	off := abs / size * size
	end := min(len(m.all), off+size)
	m.list.Rows, m.list.Offset, m.list.Cursor, m.list.More = m.all[off:end], off, abs-off, end < len(m.all)
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg:
		if msg.err != nil {
			return m, common.Err(msg.err)
		}
		m.all = msg.rows
		m.list.Follow(m.all, templateKey, msg.keep)
		m.page()
	case namesMsg:
		if msg.err != nil {
			m.namesOK[msg.template] = msg.err.Error()
		} else {
			m.names[msg.template] = msg.names
			delete(m.namesOK, msg.template)
		}
	case doneMsg:
		if msg.err != nil {
			m.errMsg = msg.err.Error()
			m.confirm = false
			return m, nil
		}
		m.form, m.confirm, m.errMsg = nil, false, ""
		return m, tea.Batch(m.Init(), common.Status(msg.what))
	case tea.KeyMsg:
		return m, m.key(msg)
	default:
		if m.form != nil {
			return m, m.form.Update(msg)
		}
	}
	return m, nil
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	if m.form != nil {
		switch {
		case key.Matches(msg, k.Actions.Save):
			return m.save()
		case msg.String() == "esc":
			m.form, m.errMsg = nil, ""
			return nil
		}
		return m.form.Update(msg)
	}
	if m.confirm {
		switch {
		case key.Matches(msg, k.Actions.Confirm):
			t, be, ctx := m.editing, m.c.Backend, m.c.Context()
			return func() tea.Msg {
				what, err := be.RemoveTemplate(ctx, t.ID)
				return doneMsg{what, err}
			}
		case key.Matches(msg, k.Actions.Cancel):
			m.confirm = false
		}
		return nil
	}
	m.errMsg = ""
	switch {
	case key.Matches(msg, k.Actions.Add):
		return m.edit(store.Template{}, true)
	case key.Matches(msg, k.Actions.Edit):
		if t, ok := m.list.Selected(); ok {
			return m.edit(t, false)
		}
	case key.Matches(msg, k.Actions.Delete):
		if t, ok := m.list.Selected(); ok {
			m.editing, m.confirm = t, true
		}
	default:
		if _, _, handled := m.list.HandleKey(k.List, msg); handled {
			if key.Matches(msg, k.List.Refresh) {
				return m.Init()
			}
			m.page()
		}
	}
	return nil
}

func (m *Model) edit(t store.Template, isNew bool) tea.Cmd {
	m.editing, m.isNew = t, isNew
	f := common.NewForm(m.c.Styles, m.c.Keys)
	f.Text("Name", t.Name).Hint = "the data source's group"
	f.Area("Text", t.Body, 4, true)
	f.Area("Follow-up", t.Followup, 2, true)
	f.Area("Alternative follow-up", t.AltFollowup, 2, true)
	f.SetWidth(m.formWidth())
	m.form = f
	cmds := []tea.Cmd{f.Init()}
	if !isNew {
		be, ctx, name := m.c.Backend, m.c.Context(), t.Name
		cmds = append(cmds, func() tea.Msg {
			names, err := be.CampaignNames(ctx, name)
			return namesMsg{name, names, err}
		})
	}
	return tea.Batch(cmds...)
}

// problems checks every body's placeholders and size (template.max_parts),
// as the operator types.
func (m *Model) problems() []string {
	var out []string
	for i, label := range []string{"text", "follow-up", "alternative follow-up"} {
		body := m.form.Fields[i+1].Value()
		if i > 0 && strings.TrimSpace(body) == "" {
			continue
		}
		if err := template.Check(body); err != nil {
			out = append(out, label+": "+err.Error())
		} else if err := template.CheckSize(body, m.c.MaxParts); err != nil {
			out = append(out, label+": "+err.Error())
		}
	}
	return out
}

func (m *Model) save() tea.Cmd {
	t := m.editing
	v := func(i int) string { return strings.TrimSpace(m.form.Fields[i].Value()) }
	// The backend checks the placeholders (the same check `texting template`
	// makes); problems() only shows them while typing.
	u := store.TemplateUpdate{
		Name:        crud.Changed(v(0), t.Name),
		Body:        crud.Changed(v(1), t.Body),
		Followup:    crud.Changed(v(2), t.Followup),
		AltFollowup: crud.Changed(v(3), t.AltFollowup),
	}
	isNew, be, ctx, name, body := m.isNew, m.c.Backend, m.c.Context(), v(0), v(1)
	if isNew {
		u.Body = &body // required on a new template, even empty (the backend says so)
	}
	return func() tea.Msg {
		var err error
		if isNew {
			_, err = be.AddTemplate(ctx, u)
		} else {
			_, err = be.UpdateTemplate(ctx, t.ID, u)
		}
		return doneMsg{"saved template " + name, err}
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.form != nil {
		return []key.Binding{k.Actions.Save, k.Actions.GSMTwins, k.Actions.NextField, k.List.Back}
	}
	if m.confirm {
		return []key.Binding{k.Actions.Confirm, k.Actions.Cancel}
	}
	return []key.Binding{k.Actions.Add, k.Actions.Edit, k.Actions.Delete}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{
		{k.Actions.Add, k.Actions.Edit, k.Actions.Delete},
		{k.Actions.Save, k.Actions.GSMTwins, k.Actions.NextField, k.Actions.PrevField},
		{k.List.Up, k.List.Down, k.List.Refresh},
	}
}

// View implements common.Screen.
func (m *Model) View() string {
	st := m.c.Styles
	leftW := m.formWidth()
	sideW := m.width - leftW - 2
	var left, body, name string
	var followups []string
	if m.form != nil {
		title := "Edit " + common.Clean(m.editing.Name)
		if m.isNew {
			title = "New template"
		}
		left = st.Title.Render(title) + "\n" + m.form.View()
		if p := m.problems(); len(p) > 0 {
			left += "\n" + st.Error.Render("✗ "+common.OneLine(strings.Join(p, "; ")))
		} else if m.errMsg != "" {
			left += "\n" + st.Error.Render("✗ "+common.OneLine(m.errMsg))
		}
		name, body = m.editing.Name, m.form.Fields[1].Value()
		followups = []string{m.form.Fields[2].Value(), m.form.Fields[3].Value()}
	} else {
		rows := make([]string, len(m.list.Rows))
		for i, t := range m.list.Rows {
			c := pdu.Counting(t.Body)
			rows[i] = common.Cell(common.Clean(t.Name), 16) + st.Subtle.Render(fmt.Sprintf("%d part%s", c.Parts, map[bool]string{true: "", false: "s"}[c.Parts == 1]))
		}
		left = st.Title.Render("Templates") + st.Subtle.Render(fmt.Sprintf("  %d", len(m.all))) + "\n" + common.Rows(st, rows, m.list.Cursor, leftW)
		if len(m.all) == 0 {
			left += st.Subtle.Render("  None yet: a adds one. A template is sent to the data source's group of the same name.")
		}
		if m.confirm {
			left += "\n\n" + st.Warn.Render("Delete template "+common.Clean(m.editing.Name)+"? y/n")
		} else if m.errMsg != "" {
			left += "\n\n" + st.Error.Render("✗ "+common.OneLine(m.errMsg))
		}
		if t, ok := m.list.Selected(); ok {
			name, body, followups = t.Name, t.Body, []string{t.Followup, t.AltFollowup}
		}
	}
	side := ""
	if body != "" {
		side = m.preview(name, body, followups, sideW)
	}
	h := m.height
	return lipgloss.JoinHorizontal(lipgloss.Top, common.Fit(left, leftW, h), "  ", common.Fit(side, sideW, h))
}

// preview renders the text as a person would get it now, and the worst case
// over the next campaign's names.
func (m *Model) preview(name, body string, followups []string, w int) string {
	st := m.c.Styles
	now := m.c.Now().In(m.c.Loc)
	render := func(b, who string) string {
		return template.RenderGreeting(template.RenderName(b, who), m.c.Greeting(now))
	}
	sample := render(body, SampleName)
	var b strings.Builder
	b.WriteString(st.Title.Render("Preview") + st.Subtle.Render(" {name} = "+SampleName) + "\n")
	b.WriteString(st.Out.Render(common.Wrap(common.Text(sample), w)) + "\n")
	b.WriteString(common.Wrap(common.CountLine(st, pdu.Counting(sample)), w) + "\n\n")
	if names, ok := m.names[name]; ok && len(names) > 0 {
		worst, worstName := pdu.Counting(render(body, "")), ""
		for _, n := range names {
			if c := pdu.Counting(render(body, n)); c.Parts > worst.Parts || (c.Parts == worst.Parts && c.Units > worst.Units) {
				worst, worstName = c, n
			}
		}
		line := fmt.Sprintf("Worst case over %d names: %q → %d part", len(names), template.FirstName(worstName), worst.Parts)
		if worst.Parts != 1 {
			line += "s"
		}
		style := st.Good
		if worst.Parts > pdu.Counting(sample).Parts {
			style = st.Warn
		}
		b.WriteString(style.Render(common.Wrap(common.Clean(line), w)) + "\n\n")
	} else if why, ok := m.namesOK[name]; ok {
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
		r := render(f, SampleName)
		b.WriteString(st.Label.Render(label) + "\n" + st.Out.Render(common.Wrap(common.Text(r), w)) + "\n" + common.Wrap(common.CountLine(st, pdu.Counting(r)), w) + "\n\n")
	}
	return b.String()
}
