// Package messages is the per-SIM Inbox and Sent screen: the texts one SIM
// received or sent, newest first, a page at a time.
package messages

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/common"
)

// Title is the screen's name.
const Title = "Inbox/Sent"

type (
	simsMsg struct {
		sims []store.SIM
		err  error
	}
	pageMsg struct {
		req  common.PageRequest
		rows []store.Message
		held int // parts of long texts waiting for their other parts
		err  error
	}
)

// Model is the inbox/sent screen.
type Model struct {
	common.Frame
	sims []store.SIM
	sim  int // index into sims; -1 for every SIM
	out  bool
	list common.Filtered[store.Message]
	held int // parts of long texts stored, waiting for their other parts
}

// New returns the inbox/sent screen, on every SIM's inbox.
func New(c *common.Common) *Model {
	m := &Model{Frame: common.NewFrame(c, Title, "Inbox"), sim: -1, list: common.NewFiltered[store.Message](c.Styles)}
	m.OnResize(m.layout)
	return m
}

// layout fits the screen to its size (common.Frame.OnResize).
func (m *Model) layout() {
	m.list.SetPageSize(max(1, m.Height-5))
}

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd {
	db, ctx := m.DB, m.Context()
	return tea.Batch(func() tea.Msg {
		sims, err := db.SIMs(ctx)
		return simsMsg{sims, err}
	}, m.load(m.list.Reload()))
}

// Open shows the inbox of the SIM labelled label.
func (m *Model) Open(label string) tea.Cmd {
	for i, s := range m.sims {
		if s.Label() == label {
			m.sim = i
		}
	}
	return m.load(m.list.Request(0, 0))
}

// Captures implements common.Screen.
func (m *Model) Captures(msg tea.KeyMsg) bool { return m.list.Filtering() && msg.String() != "ctrl+c" }

func (m *Model) filterFor() store.MessageFilter {
	f := store.MessageFilter{Direction: store.In}
	if m.out {
		f.Direction = store.Out
	}
	if m.sim >= 0 && m.sim < len(m.sims) {
		f.SIMID = m.sims[m.sim].ID
	}
	return f
}

func (m *Model) load(req common.PageRequest) tea.Cmd {
	db, ctx, f := m.DB, m.Context(), m.filterFor()
	f.Limit, f.Offset = req.Limit, req.Offset
	return func() tea.Msg {
		rows, err := db.MessagePage(ctx, f, req.Filter)
		if err != nil {
			return pageMsg{req: req, err: err}
		}
		held, err := db.CountFragments(ctx)
		return pageMsg{req: req, rows: rows, held: held, err: err}
	}
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case simsMsg:
		if msg.err != nil {
			return m, common.Err(msg.err)
		}
		m.sims = msg.sims
		if m.sim >= len(m.sims) {
			m.sim = -1
		}
	case pageMsg:
		if msg.err != nil {
			m.list.Loading = false
			return m, common.Err(msg.err)
		}
		if m.list.Loaded(msg.req, msg.rows) {
			m.held = msg.held
		}
	case tea.KeyMsg:
		return m, m.key(msg)
	}
	return m, nil
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.Keys
	if cmd, ok := m.list.FilterKey(k.List, msg, m.load); ok {
		return cmd
	}
	switch {
	case key.Matches(msg, k.Actions.Toggle):
		m.out = !m.out
		return m.load(m.list.Request(0, 0))
	case key.Matches(msg, k.Actions.NextSIM):
		m.sim++
		if m.sim >= len(m.sims) {
			m.sim = -1
		}
		return m.load(m.list.Request(0, 0))
	case key.Matches(msg, k.Actions.PrevSIM):
		m.sim--
		if m.sim < -1 {
			m.sim = len(m.sims) - 1
		}
		return m.load(m.list.Request(0, 0))
	case key.Matches(msg, k.Actions.Edit):
		if t, ok := m.list.Selected(); ok {
			return func() tea.Msg { return common.SwitchMsg{Title: "Conversations", Arg: t.Number} }
		}
	default:
		return m.list.MoveKey(k.List, msg, m.load, nil)
	}
	return nil
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.Keys
	return []key.Binding{k.Actions.Toggle, k.Actions.PrevSIM, k.Actions.NextSIM, k.List.Filter}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.Keys
	return common.ListHelp(k.List, k.Actions.Toggle, k.Actions.PrevSIM, k.Actions.NextSIM)
}

// View implements common.Screen.
func (m *Model) View() string {
	st := m.Styles
	box := "Inbox"
	if m.out {
		box = "Sent"
	}
	sim := "every SIM"
	if m.sim >= 0 && m.sim < len(m.sims) {
		sim = common.Clean(m.sims[m.sim].Label())
	}
	var tabs []string
	for i := -1; i < len(m.sims); i++ {
		name := "All"
		if i >= 0 {
			name = common.Clean(m.sims[i].Label())
		}
		if i == m.sim {
			tabs = append(tabs, st.ActiveTab.Render(name))
		} else {
			tabs = append(tabs, st.Tab.Render(name))
		}
	}
	head := st.Title.Render(box+" · "+sim) + "  " + st.Subtle.Render(m.list.Position())
	if m.held > 0 && !m.out {
		// Half a long text is stored but is no text yet: say so.
		parts := "parts"
		if m.held == 1 {
			parts = "part"
		}
		head += "  " + st.Warn.Render(fmt.Sprintf("%d %s of long texts waiting for the rest (texting messages --held)", m.held, parts))
	}
	sub := strings.Join(tabs, "")
	if f := m.list.FilterView(st); f != "" {
		sub = f
	}
	textW := max(10, m.Width-2-10-15-12-13)
	cols := st.Header.Render("  " + common.Cell("When", 10) + common.Cell("Number", 15) + common.Cell("SIM", 12) +
		common.Cell(map[bool]string{false: "Category", true: "State"}[m.out], 13) + "Text")
	rows := make([]string, len(m.list.Rows))
	for i, t := range m.list.Rows {
		info := t.Category
		if m.out {
			info = t.State
		} else if info == "" {
			info = "to review"
		}
		rows[i] = common.Cell(common.When(t.At, m.Now(), m.Loc), 10) + common.Cell(common.Clean(t.Number), 15) + common.Cell(common.Clean(t.SIM), 12) +
			common.Cell(common.Clean(info), 13) + common.Truncate(common.OneLine(t.Text), textW)
	}
	body := common.Rows(st, rows, m.list.Cursor, m.Width)
	if len(rows) == 0 && !m.list.Loading {
		body = st.Subtle.Render(fmt.Sprintf("  No texts in this %s.", strings.ToLower(box)))
	}
	return common.Truncate(head, m.Width) + "\n" + common.Truncate(sub, m.Width) + "\n\n" + cols + "\n" + body
}
