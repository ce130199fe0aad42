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
	"github.com/charmbracelet/lipgloss"

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
	// Anything a row shows that takes work to compute (a template's parts)
	// is computed here, once per load, not on each frame.
	Load func(ctx context.Context, db *store.DB) ([]T, error)
	Row  func(T) []string
	// Line, when set, draws a row as one line instead of Row's columns, and
	// the table has no header.
	Line func(T) string
	Name func(T) string
	// Empty is said after "None yet: a adds one." when there are no rows.
	Empty string
	// Form opens the editor on a row; the zero T is a new row.
	Form func(c *common.Common, row T, isNew bool) Editor
	// Delete removes the row through the backend and says what it did
	// ("removed SIM O2 3"); a row that texts refer to is refused.
	Delete func(ctx context.Context, row T) (string, error)
	// Detail describes the selected row under the table; nil for none.
	Detail func(c *common.Common, row T) string
	// Preview, when set, draws a pane beside the table for the selected
	// row, w cells wide (the templates' preview); the editor draws its own
	// (Editor.Preview). The table and the editor then take 11/20 of the
	// width.
	Preview func(row T, w int) string
	// Receive takes the answers to the commands the screen's editors start
	// (Editor.Cmd); it reports whether msg was one.
	Receive func(msg tea.Msg) bool
	// Move, when set, moves a row delta places in the table's order (K up,
	// J down) through the backend and says what it did.
	Move func(ctx context.Context, row T, delta int) (string, error)
}

// Keys that move a row when Spec.Move is set.
var (
	keyMoveUp   = key.NewBinding(key.WithKeys("K"), key.WithHelp("K/J", "move up/down"))
	keyMoveDown = key.NewBinding(key.WithKeys("J"), key.WithHelp("J", "move down"))
)

// Editor is a form open on a row. Its fields are held by handle in the
// closures that read them.
type Editor struct {
	Form *common.Form
	// Save adds or updates the row through the backend, which validates it.
	Save func(ctx context.Context) error
	// Name, when set, is the field with the row's name: the status line
	// says "saved <noun> <name>" (else "saved <noun>").
	Name *common.Field
	// Changed, when set, is called when the editor opens and after each
	// change to the form: it computes what the editor shows that derives
	// from the fields (the preview's worst case) and returns the problems
	// to show under the form as the operator types. The backend still
	// refuses a bad row when it is saved.
	Changed func() []string
	// Preview, when set, draws the side pane for the form as it stands, w
	// cells wide (with Spec.Preview).
	Preview func(w int) string
	// Cmd, when set, starts with the editor; its answer goes to
	// Spec.Receive.
	Cmd tea.Cmd
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
	common.Frame
	spec   Spec[T]
	list   common.List[T]
	all    []T
	mode   mode
	ed     *Editor
	row    T
	isNew  bool
	errMsg string
	// problems are the editor's problems as of its last change
	// (Editor.Changed), kept for the frames drawn until the next one.
	problems []string
}

// New returns the screen for spec.
func New[T any](c *common.Common, spec Spec[T]) *Model[T] {
	m := &Model[T]{Frame: common.NewFrame(c, spec.Title, spec.Tab), spec: spec}
	m.OnResize(m.layout)
	return m
}

// layout fits the screen to its size (common.Frame.OnResize).
func (m *Model[T]) layout() {
	if m.spec.Preview != nil {
		m.list.SetPageSize(max(1, m.Height-3)) // the title, and a question under the rows
	} else {
		m.list.SetPageSize(max(1, m.Height-8))
	}
	if m.ed != nil {
		m.ed.Form.SetWidth(m.mainWidth())
	}
	m.page()
}

// mainWidth is the width of the table and the editor: all of it, or 11/20
// of it beside a preview.
func (m *Model[T]) mainWidth() int {
	if m.spec.Preview != nil {
		return m.Width * 11 / 20
	}
	return m.Width
}

// Init implements common.Screen.
func (m *Model[T]) Init() tea.Cmd {
	db, ctx, load := m.DB, m.Context(), m.spec.Load
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
		m.close()
		return m, tea.Batch(m.Init(), common.Status(msg.what))
	case tea.KeyMsg:
		return m, m.key(msg)
	default:
		if m.spec.Receive != nil && m.spec.Receive(msg) {
			return m, nil
		}
		if m.ed != nil {
			return m, m.update(msg)
		}
	}
	return m, nil
}

// update gives msg to the editor's form and recomputes what derives from it.
func (m *Model[T]) update(msg tea.Msg) tea.Cmd {
	cmd := m.ed.Form.Update(msg)
	m.changed()
	return cmd
}

func (m *Model[T]) changed() {
	if m.ed.Changed != nil {
		m.problems = m.ed.Changed()
	}
}

func (m *Model[T]) close() {
	m.mode, m.ed, m.errMsg, m.problems = listing, nil, "", nil
}

func (m *Model[T]) key(msg tea.KeyMsg) tea.Cmd {
	k := m.Keys
	switch m.mode {
	case editing:
		switch {
		case key.Matches(msg, k.Actions.Save):
			return m.save()
		case msg.String() == "esc":
			m.close()
			return nil
		}
		return m.update(msg)
	case confirming:
		switch {
		case key.Matches(msg, k.Actions.Confirm):
			row, ctx, del := m.row, m.Context(), m.spec.Delete
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
	case m.spec.Move != nil && (key.Matches(msg, keyMoveUp) || key.Matches(msg, keyMoveDown)):
		row, ok := m.list.Selected()
		if !ok {
			return nil
		}
		delta := 1
		if key.Matches(msg, keyMoveUp) {
			delta = -1
		}
		// The cursor follows the row to its new place.
		m.list.Cursor = max(0, min(len(m.list.Rows)-1, m.list.Cursor+delta))
		ctx, move := m.Context(), m.spec.Move
		return func() tea.Msg {
			what, err := move(ctx, row, delta)
			return doneMsg{what, err}
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
	ed := m.spec.Form(m.Common, row, isNew)
	m.ed = &ed
	ed.Form.SetWidth(m.mainWidth())
	m.changed()
	return tea.Batch(ed.Form.Init(), ed.Cmd)
}

func (m *Model[T]) save() tea.Cmd {
	ctx, save := m.Context(), m.ed.Save
	what := "saved " + m.spec.Noun
	if m.ed.Name != nil {
		what += " " + m.ed.Name.Trimmed()
	}
	return func() tea.Msg { return doneMsg{what, save(ctx)} }
}

// ShortHelp implements help.KeyMap.
func (m *Model[T]) ShortHelp() []key.Binding {
	k := m.Keys
	switch m.mode {
	case editing:
		if m.ed.Form.HasArea() {
			return []key.Binding{k.Actions.Save, k.Actions.GSMTwins, k.Actions.NextField, k.List.Back}
		}
		return []key.Binding{k.Actions.Save, k.Actions.NextField, k.List.Back}
	case confirming:
		return []key.Binding{k.Actions.Confirm, k.Actions.Cancel}
	}
	if m.spec.Preview != nil {
		// a screen with a preview keeps its help line to the actions
		return []key.Binding{k.Actions.Add, k.Actions.Edit, k.Actions.Delete}
	}
	if m.spec.Move != nil {
		return []key.Binding{k.Actions.Add, k.Actions.Edit, k.Actions.Delete, keyMoveUp, k.List.Up, k.List.Down}
	}
	return []key.Binding{k.Actions.Add, k.Actions.Edit, k.Actions.Delete, k.List.Up, k.List.Down}
}

// FullHelp implements help.KeyMap.
func (m *Model[T]) FullHelp() [][]key.Binding {
	k := m.Keys
	actions := []key.Binding{k.Actions.Add, k.Actions.Edit, k.Actions.Delete, k.Actions.Save, k.Actions.NextField}
	if m.spec.Move != nil {
		actions = append(actions, keyMoveUp, keyMoveDown)
	}
	return [][]key.Binding{actions, {k.List.Up, k.List.Down, k.List.PageUp, k.List.PageDown, k.List.Refresh}}
}

// View implements common.Screen.
func (m *Model[T]) View() string {
	st := m.Styles
	w := m.mainWidth()
	head := st.Title.Render(m.spec.Title) + st.Subtle.Render(fmt.Sprintf("  %d", len(m.all)))
	var out, side string
	if m.mode == editing {
		verb := "Edit " + m.spec.Noun + " " + common.Clean(m.spec.Name(m.row))
		if m.isNew {
			verb = "New " + m.spec.Noun
		}
		out = head + "\n" + st.Title.Render(verb) + "\n\n" + m.ed.Form.View()
		if len(m.problems) > 0 {
			out += "\n\n" + st.Error.Render("✗ "+common.OneLine(strings.Join(m.problems, "; ")))
		} else if m.errMsg != "" {
			out += "\n\n" + st.Error.Render("✗ "+common.OneLine(m.errMsg))
		}
		out += "\n\n" + st.Subtle.Render("ctrl+s saves · esc cancels · tab moves")
		if m.ed.Preview != nil {
			side = m.ed.Preview(m.Width - w - 2)
		}
	} else {
		out = head + "\n" + m.table(w)
		if len(m.all) == 0 {
			out += st.Subtle.Render("  " + strings.TrimSpace("None yet: a adds one. "+m.spec.Empty))
		}
		row, selected := m.list.Selected()
		if m.mode == confirming {
			out += "\n\n" + st.Warn.Render(fmt.Sprintf("Delete %s %s? y/n", m.spec.Noun, common.Clean(m.spec.Name(m.row))))
		} else if m.errMsg != "" {
			out += "\n\n" + st.Error.Render("✗ "+common.OneLine(m.errMsg))
		} else if selected && m.spec.Detail != nil {
			out += "\n\n" + m.spec.Detail(m.Common, row)
		}
		if selected && m.spec.Preview != nil {
			side = m.spec.Preview(row, m.Width-w-2)
		}
	}
	if m.spec.Preview == nil {
		return st.Renderer.NewStyle().MaxWidth(m.Width).Render(out)
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, common.Fit(out, w, m.Height), "  ", common.Fit(side, m.Width-w-2, m.Height))
}

// table is the header and the page of rows, w cells wide.
func (m *Model[T]) table(w int) string {
	st := m.Styles
	rows := make([]string, len(m.list.Rows))
	if m.spec.Line != nil {
		for i, r := range m.list.Rows {
			rows[i] = m.spec.Line(r)
		}
		return common.Rows(st, rows, m.list.Cursor, w)
	}
	widths := m.widths()
	var hb strings.Builder
	for i, c := range m.spec.Columns {
		hb.WriteString(common.Pad(c.Title, widths[i]) + " ")
	}
	for i, r := range m.list.Rows {
		var b strings.Builder
		for j, cell := range m.spec.Row(r) {
			if j < len(widths) {
				b.WriteString(common.Pad(common.Clean(cell), widths[j]) + " ")
			}
		}
		rows[i] = b.String()
	}
	return st.Header.Render("  "+hb.String()) + "\n" + common.Rows(st, rows, m.list.Cursor, w)
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
		ws[flex] = max(8, m.Width-used-1)
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

// Put adds u through add when the row is new, else updates row id with it
// through update: the save of a form whose add and update take the same
// partial update.
func Put[U, R any](ctx context.Context, isNew bool, id int64, u U,
	add func(context.Context, U) (R, error), update func(context.Context, int64, U) (R, error)) error {
	var err error
	if isNew {
		_, err = add(ctx, u)
	} else {
		_, err = update(ctx, id, u)
	}
	return err
}
