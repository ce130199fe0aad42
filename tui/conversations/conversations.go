// Package conversations is the threads screen: one thread per number, what
// we sent and what they said, with states and categories; a reply goes out
// through the outbox from the SIM the person last texted with.
package conversations

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/common"
)

// Title is the screen's name.
const Title = "Conversations"

type (
	pageMsg struct {
		req   common.PageRequest
		rows  []store.Conversation
		names map[string]string // the name the data source gave, by number
		err   error
	}
	threadMsg struct {
		number string
		msgs   []store.Message
		err    error
	}
	sentMsg struct {
		summary string
		err     error
	}
	// askMsg holds a reply to a number on the opt-out list until the
	// operator says y (send anyway, recorded) or n.
	askMsg struct {
		optOut    store.OptOut
		text, sim string
	}
)

// Model is the conversations screen.
type Model struct {
	common.Frame
	list   common.Filtered[store.Conversation]
	thread []store.Message   // the selected number's newest texts, newest first
	number string            // whose thread is loaded
	names  map[string]string // the names known for this page's numbers
	reply  *common.Form      // open while a reply is written
	text   *common.Field     // the reply's text, the form's field
	ask    *askMsg           // the opt-out question, while it waits
}

// New returns the conversations screen.
func New(c *common.Common) *Model {
	m := &Model{Frame: common.NewFrame(c, Title, "Threads"), list: common.NewFiltered[store.Conversation](c.Styles)}
	m.OnResize(m.layout)
	return m
}

// layout fits the screen to its size (common.Frame.OnResize).
func (m *Model) layout() {
	m.list.SetPageSize(max(1, m.Height-3))
	if m.reply != nil {
		m.reply.SetWidth(m.sideWidth())
	}
}

func (m *Model) sideWidth() int { return m.Width - m.Width/2 - 1 }

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd { return m.load(m.list.Reload()) }

// Open shows the thread of number: the list is filtered to it.
func (m *Model) Open(number string) tea.Cmd {
	return m.load(m.list.SetFilter(number))
}

// Captures implements common.Screen.
func (m *Model) Captures(msg tea.KeyMsg) bool {
	return (m.list.Filtering() || m.reply != nil) && msg.String() != "ctrl+c"
}

func (m *Model) load(req common.PageRequest) tea.Cmd {
	db, ctx := m.DB, m.Context()
	return func() tea.Msg {
		rows, err := db.Conversations(ctx, store.PageFilter{Contains: req.Filter, Limit: req.Limit, Offset: req.Offset})
		if err != nil {
			return pageMsg{req: req, err: err}
		}
		numbers := make([]string, len(rows))
		for i, r := range rows {
			numbers[i] = r.Number
		}
		names, err := db.KnownNames(ctx, numbers)
		return pageMsg{req: req, rows: rows, names: names, err: err}
	}
}

func (m *Model) loadThread() tea.Cmd {
	cv, ok := m.list.Selected()
	if !ok || cv.Number == m.number {
		return nil
	}
	m.number, m.thread = cv.Number, nil
	db, ctx, n := m.DB, m.Context(), max(5, m.Height)
	return func() tea.Msg {
		msgs, err := db.MessagePage(ctx, store.MessageFilter{Number: cv.Number, Limit: n}, "")
		return threadMsg{cv.Number, msgs, err}
	}
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case pageMsg:
		if msg.err != nil {
			m.list.Loading = false
			return m, common.Err(msg.err)
		}
		if m.list.Loaded(msg.req, msg.rows) {
			m.names = msg.names
			m.number = "" // reload the thread: it may have grown
			return m, m.loadThread()
		}
	case threadMsg:
		if msg.err != nil {
			return m, common.Err(msg.err)
		}
		if msg.number == m.number {
			m.thread = msg.msgs
		}
	case askMsg:
		m.ask = &msg
		return m, nil
	case sentMsg:
		if msg.err != nil {
			return m, common.Err(msg.err)
		}
		m.reply, m.ask = nil, nil
		m.number = ""
		return m, tea.Batch(common.Status("reply queued: "+msg.summary), m.load(m.list.Reload()))
	case tea.KeyMsg:
		return m, m.key(msg)
	default:
		if m.reply != nil {
			return m, m.reply.Update(msg)
		}
	}
	return m, nil
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.Keys
	if m.ask != nil {
		switch {
		case key.Matches(msg, k.Actions.Confirm):
			a, be, ctx := *m.ask, m.Backend, m.Context()
			m.ask = nil
			return func() tea.Msg {
				s, err := be.Send(ctx, []string{a.optOut.Number}, a.text, a.sim, true)
				return sentMsg{s, err}
			}
		case key.Matches(msg, k.Actions.Cancel):
			m.ask = nil
			return common.Status("not sent: " + m.number + " is on the opt-out list")
		}
		return nil
	}
	if m.reply != nil {
		switch {
		case key.Matches(msg, k.Actions.Save):
			return m.send()
		case msg.String() == "esc":
			m.reply = nil
			return nil
		}
		return m.reply.Update(msg)
	}
	if cmd, ok := m.list.FilterKey(k.List, msg, m.load); ok {
		return cmd
	}
	switch {
	case key.Matches(msg, k.Actions.Reply):
		if _, ok := m.list.Selected(); ok {
			m.reply = common.NewForm(m.Styles, m.Keys)
			m.text = m.reply.Area("Reply", "", 4, true)
			m.reply.SetWidth(m.sideWidth())
			return m.reply.Init()
		}
	default:
		return m.list.MoveKey(k.List, msg, m.load, m.loadThread)
	}
	return nil
}

// send queues the reply from the SIM the person last texted with.
func (m *Model) send() tea.Cmd {
	cv, ok := m.list.Selected()
	text := m.text.Trimmed()
	if !ok || text == "" {
		return common.Status("write the reply first")
	}
	sim := ""
	for _, t := range m.thread {
		if t.SIM != "" {
			sim = t.SIM
			break
		}
	}
	be, ctx := m.Backend, m.Context()
	return func() tea.Msg {
		// A number on the opt-out list is asked about first.
		list, err := be.OptOutsOf(ctx, []string{cv.Number})
		if err != nil {
			return sentMsg{"", err}
		}
		if len(list) > 0 {
			return askMsg{optOut: list[0], text: text, sim: sim}
		}
		s, err := be.Send(ctx, []string{cv.Number}, text, sim, false)
		return sentMsg{s, err}
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.Keys
	if m.reply != nil {
		return []key.Binding{k.Actions.Save, k.Actions.GSMTwins, k.List.Back}
	}
	return []key.Binding{k.List.Up, k.List.Down, k.Actions.Reply, k.List.Filter}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.Keys
	return common.ListHelp(k.List, k.Actions.Reply, k.Actions.Save, k.Actions.GSMTwins)
}

// View implements common.Screen.
func (m *Model) View() string {
	st := m.Styles
	listW := m.Width / 2
	sideW := m.sideWidth()
	head := st.Title.Render("Conversations") + "  " + st.Subtle.Render(m.list.Position())
	if f := m.list.FilterView(st); f != "" {
		head += "  " + f
	}
	rows := make([]string, len(m.list.Rows))
	for i, cv := range m.list.Rows {
		badge := "  "
		if cv.Uncategorised > 0 {
			badge = "● "
		}
		dir := "←"
		if cv.Latest.Direction == store.Out {
			dir = "→"
		}
		who := cv.Number
		if n := m.names[cv.Number]; n != "" {
			who = n + " " + cv.Number
		}
		rows[i] = badge + common.Cell(common.Clean(who), 22) + common.Pad(common.When(cv.Latest.At, m.Now(), m.Loc), 9) +
			" " + dir + " " + common.Truncate(common.OneLine(cv.Latest.Text), max(1, listW-40))
	}
	left := common.Rows(st, rows, m.list.Cursor, listW)
	if len(m.list.Rows) == 0 && !m.list.Loading {
		left = st.Subtle.Render("  No conversations.")
	}
	bodyH := m.Height - 1
	left = common.Fit(left, listW, bodyH)
	side := common.Fit(m.threadView(sideW, bodyH), sideW, bodyH)
	return common.Truncate(head, m.Width) + "\n" + lipgloss.JoinHorizontal(lipgloss.Top, left, " ", side)
}

// threadView draws the thread oldest at the top, the newest just above the
// reply box, cut to fit.
func (m *Model) threadView(w, h int) string {
	st := m.Styles
	cv, ok := m.list.Selected()
	if !ok {
		return ""
	}
	var footer string
	if m.reply != nil {
		footer = m.reply.View() + "\n" + st.Subtle.Render("ctrl+s sends · esc cancels")
		if a := m.ask; a != nil {
			since := a.optOut.At.In(m.Loc).Format("2 Jan 2006")
			if a.optOut.Text != "" {
				since += fmt.Sprintf(" %q", common.OneLine(a.optOut.Text))
			}
			footer += "\n" + st.Warn.Render(common.Wrap("⚠ on the opt-out list since "+since+". Send anyway? It is recorded. y/n", w))
		}
	} else {
		footer = st.Subtle.Render("r replies")
	}
	who := cv.Number
	if n := m.names[cv.Number]; n != "" {
		who = n + " · " + cv.Number
	}
	texts := "texts"
	if cv.Texts == 1 {
		texts = "text"
	}
	title := st.Title.Render(common.Clean(who)) + st.Subtle.Render(fmt.Sprintf("  %d %s", cv.Texts, texts))
	var blocks []string
	for i := len(m.thread) - 1; i >= 0; i-- {
		t := m.thread[i]
		meta := common.When(t.At, m.Now(), m.Loc)
		if t.SIM != "" {
			meta += " · " + common.Clean(t.SIM)
		}
		var body string
		if t.Direction == store.Out {
			meta += " · " + t.Kind + " · " + t.State
			if t.Error != "" {
				meta += " · " + common.OneLine(t.Error)
			}
			body = st.Out.Render(common.Wrap(common.Text(t.Text), w-4))
			blocks = append(blocks, st.Subtle.Render("→ "+meta)+"\n  "+strings.ReplaceAll(body, "\n", "\n  "))
		} else {
			if t.Category != "" {
				meta += " · " + common.Clean(t.Category)
				if t.CategoryBy != "" && t.CategoryBy != "operator" {
					meta += " (" + string(t.CategoryBy) + ")"
				}
				if t.TaggedBy != "" {
					meta += " by " + common.Clean(t.TaggedBy)
				}
			} else {
				meta += " · to review"
			}
			body = st.In.Render(common.Wrap(common.Text(t.Text), w-4))
			blocks = append(blocks, st.Subtle.Render("← "+meta)+"\n  "+strings.ReplaceAll(body, "\n", "\n  "))
		}
	}
	thread := strings.Split(strings.Join(blocks, "\n"), "\n")
	room := h - 2 - lipgloss.Height(footer)
	if len(thread) > room && room > 0 {
		thread = thread[len(thread)-room:]
	}
	return title + "\n" + strings.Join(thread, "\n") + "\n\n" + footer
}
