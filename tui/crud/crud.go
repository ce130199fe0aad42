// Package crud is the shape the small administration screens share
// (categories, SIM cards, networks): a table, a form to add or edit a row,
// and a delete that asks first. Each screen gives a Spec.
package crud

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/common"
)

// Column is a table column.
type Column struct {
	Title string
	Width int // 0: takes what is left
}

// Col is a column titled title, w cells wide (0: what is left).
func Col(title string, w int) Column { return Column{Title: title, Width: w} }

// Spec is what one administration screen is made of.
type Spec[T any] struct {
	Title   string
	Tab     string // a shorter name for a narrow tab bar; "" for Title
	Noun    string // "category"
	Columns []Column
	// Load reads the rows (the administration tables hold tens of rows).
	Load func(ctx context.Context, db *store.DB) ([]T, error)
	Row  func(T) []string
	Name func(T) string
	// Form builds the form for a row; the zero T is a new row.
	Form func(c *common.Common, row T, isNew bool) *common.Form
	// Save reads the form and adds (isNew) or updates the row through the
	// backend, which validates it.
	Save func(ctx context.Context, row T, isNew bool, f *common.Form) error
	// Delete removes the row through the backend and says what it did
	// ("removed SIM O2 3"); a row that texts refer to is refused.
	Delete func(ctx context.Context, row T) (string, error)
	// Detail describes the selected row under the table; nil for none.
	Detail func(c *common.Common, row T) string
}

type mode int

const (
	listing mode = iota
	editing
	confirming
)

type (
	loadedMsg[T any] struct {
		rows []T
		err  error
		keep common.Keep // on a refresh: the row the cursor stays on
	}
	doneMsg struct {
		what string
		err  error
	}
)

// Model is an administration screen.
type Model[T any] struct {
	c      *common.Common
	spec   Spec[T]
	list   common.List[T]
	all    []T
	mode   mode
	form   *common.Form
	row    T
	isNew  bool
	errMsg string
	width  int
	height int
}

// New returns the screen for spec.
func New[T any](c *common.Common, spec Spec[T]) *Model[T] {
	m := &Model[T]{c: c, spec: spec}
	m.SetSize(100, 24)
	return m
}

// Title implements common.Screen.
func (m *Model[T]) Title() string { return m.spec.Title }

// Tab is the screen's name in a narrow tab bar.
func (m *Model[T]) Tab() string {
	if m.spec.Tab != "" {
		return m.spec.Tab
	}
	return m.spec.Title
}

// SetSize implements common.Screen.
func (m *Model[T]) SetSize(w, h int) {
	m.width, m.height = w, h
	m.list.SetPageSize(max(1, h-8))
	if m.form != nil {
		m.form.SetWidth(w)
	}
	m.page()
}

// Init implements common.Screen.
func (m *Model[T]) Init() tea.Cmd {
	db, ctx, load := m.c.DB, m.c.Context(), m.spec.Load
	return func() tea.Msg {
		rows, err := load(ctx, db)
		return loadedMsg[T]{rows: rows, err: err}
	}
}

// Captures implements common.Screen: the form and the question take every key.
func (m *Model[T]) Captures(msg tea.KeyMsg) bool {
	return m.mode != listing && msg.String() != "ctrl+c"
}

// page cuts the loaded rows to the page the cursor is on.
func (m *Model[T]) page() {
	abs := m.list.Offset + m.list.Cursor
	size := m.list.PageSize
	if abs >= len(m.all) {
		abs = max(0, len(m.all)-1)
	}
	off := abs / size * size
	end := min(len(m.all), off+size)
	m.list.Rows, m.list.Offset, m.list.Cursor, m.list.More = m.all[off:end], off, abs-off, end < len(m.all)
}

// Update implements common.Screen.
func (m *Model[T]) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg[T]:
		if msg.err != nil {
			return m, common.Err(msg.err)
		}
		m.all = msg.rows
		m.list.Follow(m.all, m.rowKey, msg.keep)
		m.page()
	case doneMsg:
		if msg.err != nil {
			m.errMsg = msg.err.Error()
			if m.mode == confirming {
				m.mode = listing
			}
			return m, nil
		}
		m.mode, m.form, m.errMsg = listing, nil, ""
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

func (m *Model[T]) key(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	switch m.mode {
	case editing:
		switch {
		case key.Matches(msg, k.Actions.Save):
			return m.save()
		case msg.String() == "esc":
			m.mode, m.form, m.errMsg = listing, nil, ""
			return nil
		}
		return m.form.Update(msg)
	case confirming:
		switch {
		case key.Matches(msg, k.Actions.Confirm):
			row, ctx, del := m.row, m.c.Context(), m.spec.Delete
			return func() tea.Msg {
				what, err := del(ctx, row)
				return doneMsg{what, err}
			}
		case key.Matches(msg, k.Actions.Cancel):
			m.mode = listing
		}
		return nil
	}
	m.errMsg = ""
	switch {
	case key.Matches(msg, k.Actions.Add):
		var zero T
		return m.edit(zero, true)
	case key.Matches(msg, k.Actions.Edit):
		if row, ok := m.list.Selected(); ok {
			return m.edit(row, false)
		}
	case key.Matches(msg, k.Actions.Delete):
		if row, ok := m.list.Selected(); ok {
			m.row, m.mode = row, confirming
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

func (m *Model[T]) edit(row T, isNew bool) tea.Cmd {
	m.row, m.isNew, m.mode = row, isNew, editing
	m.form = m.spec.Form(m.c, row, isNew)
	m.form.SetWidth(m.width)
	return m.form.Init()
}

func (m *Model[T]) save() tea.Cmd {
	row, isNew, f, ctx, save := m.row, m.isNew, m.form, m.c.Context(), m.spec.Save
	what := "saved " + m.spec.Noun
	return func() tea.Msg { return doneMsg{what, save(ctx, row, isNew, f)} }
}

// ShortHelp implements help.KeyMap.
func (m *Model[T]) ShortHelp() []key.Binding {
	k := m.c.Keys
	switch m.mode {
	case editing:
		return []key.Binding{k.Actions.Save, k.Actions.NextField, k.List.Back}
	case confirming:
		return []key.Binding{k.Actions.Confirm, k.Actions.Cancel}
	}
	return []key.Binding{k.Actions.Add, k.Actions.Edit, k.Actions.Delete, k.List.Up, k.List.Down}
}

// FullHelp implements help.KeyMap.
func (m *Model[T]) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{
		{k.Actions.Add, k.Actions.Edit, k.Actions.Delete, k.Actions.Save, k.Actions.NextField},
		{k.List.Up, k.List.Down, k.List.PageUp, k.List.PageDown, k.List.Refresh},
	}
}

// View implements common.Screen.
func (m *Model[T]) View() string {
	st := m.c.Styles
	head := st.Title.Render(m.spec.Title) + st.Subtle.Render(fmt.Sprintf("  %d", len(m.all)))
	if m.mode == editing {
		verb := "Edit " + m.spec.Noun + " " + common.Clean(m.spec.Name(m.row))
		if m.isNew {
			verb = "New " + m.spec.Noun
		}
		out := head + "\n" + st.Title.Render(verb) + "\n\n" + m.form.View()
		if m.errMsg != "" {
			out += "\n\n" + st.Error.Render("✗ "+common.OneLine(m.errMsg))
		}
		return out + "\n\n" + st.Subtle.Render("ctrl+s saves · esc cancels · tab moves")
	}
	widths := m.widths()
	var hb strings.Builder
	for i, c := range m.spec.Columns {
		hb.WriteString(common.Pad(c.Title, widths[i]) + " ")
	}
	rows := make([]string, len(m.list.Rows))
	for i, r := range m.list.Rows {
		var b strings.Builder
		for j, cell := range m.spec.Row(r) {
			if j < len(widths) {
				b.WriteString(common.Pad(common.Clean(cell), widths[j]) + " ")
			}
		}
		rows[i] = b.String()
	}
	out := head + "\n" + st.Header.Render("  "+hb.String()) + "\n" + common.Rows(st, rows, m.list.Cursor, m.width)
	if len(m.all) == 0 {
		out += st.Subtle.Render("  None yet: a adds one.")
	}
	if m.mode == confirming {
		out += "\n\n" + st.Warn.Render(fmt.Sprintf("Delete %s %s? y/n", m.spec.Noun, common.Clean(m.spec.Name(m.row))))
	} else if m.errMsg != "" {
		out += "\n\n" + st.Error.Render("✗ "+common.OneLine(m.errMsg))
	} else if row, ok := m.list.Selected(); ok && m.spec.Detail != nil {
		out += "\n\n" + m.spec.Detail(m.c, row)
	}
	return st.Renderer.NewStyle().MaxWidth(m.width).Render(out)
}

func (m *Model[T]) widths() []int {
	ws := make([]int, len(m.spec.Columns))
	used, flex := 2, -1
	for i, c := range m.spec.Columns {
		ws[i] = c.Width
		used += c.Width + 1
		if c.Width == 0 {
			flex = i
		}
	}
	if flex >= 0 {
		ws[flex] = max(8, m.width-used-1)
	}
	return ws
}

// Changed returns &v when v differs from was, else nil: a form field left
// as it was leaves the row's value alone in a partial update (the backend's
// nil = unchanged), so a form and a command's flags map onto the same call.
func Changed[V comparable](v, was V) *V {
	if v == was {
		return nil
	}
	return &v
}
