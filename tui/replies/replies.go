// Package replies is the review queue screen, where the program opens: the
// uncategorised texts, newest first, identical ones grouped; one keystroke
// per category puts every text of a group in it.
package replies

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
const Title = "Replies"

// Messages the screen's commands return.
type (
	categoriesMsg struct {
		cats []store.Category
		err  error
	}
	pageMsg struct {
		req           common.PageRequest
		rows          []store.ReviewGroup
		groups, texts int
		err           error
	}
	detailMsg struct {
		id       int64
		lastSent *store.Message
		sugg     common.Suggestion
		err      error
	}
	taggedMsg struct {
		pending int64 // the row the keystroke took out of the list
		tagged  common.Tagged
		err     error
	}
	undoneMsg struct {
		tagged common.Tagged
		err    error
	}
	// keptMsg answers the opt-out question after a tag: what the backend
	// did with the opt-outs the operator took off.
	keptMsg struct {
		said []string
		err  error
	}
)

// detail is what the side panel shows about the selected text.
type detail struct {
	lastSent *store.Message
	sugg     common.Suggestion
	loaded   bool
}

// Model is the review queue.
type Model struct {
	common.Frame
	list common.Filtered[store.ReviewGroup]
	cats []store.Category

	groups, texts int
	details       map[int64]detail // by message id, for the rows of this page
	pending       map[int64]bool   // rows being tagged: hidden until the store says so
	undo          []common.Tagged
	picking       *picker // the category picker, when open
	last          string  // what the last action did
	// keep are opt-outs a tag left in place although the category is not
	// an opt-out one: the screen asks whether to take them off (y) or keep
	// them (n) before anything else.
	keep     []store.OptOut
	keepWhat string // the category the texts went to
}

// New returns the review queue screen.
func New(c *common.Common) *Model {
	m := &Model{Frame: common.NewFrame(c, Title, ""), list: common.NewFiltered[store.ReviewGroup](c.Styles), details: map[int64]detail{}, pending: map[int64]bool{}}
	m.OnResize(m.layout)
	return m
}

// layout fits the screen to its size (common.Frame.OnResize).
func (m *Model) layout() {
	// Two lines of heading, one of column names, one for the category keys.
	m.list.SetPageSize(m.Height - 4)
}

// Init loads the categories and the first page. What the last action did
// is forgotten: the screen is being shown again, perhaps after other screens
// (or other processes) changed the queue.
func (m *Model) Init() tea.Cmd {
	m.last = ""
	return tea.Batch(m.loadCategories(), m.load(m.list.Reload()))
}

// Captures takes the digits (categories), enter, and every key while the
// filter field is open.
func (m *Model) Captures(msg tea.KeyMsg) bool {
	if m.list.Filtering() || m.picking != nil || len(m.keep) > 0 {
		return msg.String() != "ctrl+c"
	}
	// 0 is no category, but it must not leave the queue either.
	return key.Matches(msg, m.Keys.Replies.Pick) || msg.String() == "0"
}

func (m *Model) loadCategories() tea.Cmd {
	db, ctx := m.DB, m.Context()
	return func() tea.Msg {
		cats, err := db.Categories(ctx)
		return categoriesMsg{cats, err}
	}
}

func (m *Model) load(req common.PageRequest) tea.Cmd {
	db, ctx := m.DB, m.Context()
	return func() tea.Msg {
		rows, err := db.ReviewQueue(ctx, store.PageFilter{Contains: req.Filter, Limit: req.Limit, Offset: req.Offset})
		if err != nil {
			return pageMsg{req: req, err: err}
		}
		g, t, err := db.ReviewCount(ctx, req.Filter)
		return pageMsg{req: req, rows: rows, groups: g, texts: t, err: err}
	}
}

func (m *Model) loadDetail(msg store.Message) tea.Cmd {
	if _, ok := m.details[msg.ID]; ok {
		return nil
	}
	m.details[msg.ID] = detail{}
	db, be, ctx := m.DB, m.Backend, m.Context()
	return func() tea.Msg {
		d := detailMsg{id: msg.ID}
		if last, err := db.LastSentTo(ctx, msg.Number, msg.At); err == nil {
			d.lastSent = &last
		}
		d.sugg, d.err = be.Suggest(ctx, msg.Text)
		return d
	}
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case categoriesMsg:
		if msg.err != nil {
			return m, common.Err(msg.err)
		}
		m.cats = msg.cats
	case pageMsg:
		if msg.err != nil {
			m.list.Loading = false
			return m, common.Err(msg.err)
		}
		rows := msg.rows[:0:0]
		for _, r := range msg.rows {
			if !m.pending[r.Latest.ID] {
				rows = append(rows, r)
			}
		}
		if m.list.Loaded(msg.req, rows) {
			m.groups, m.texts = msg.groups, msg.texts
			return m, m.selectionChanged()
		}
	case detailMsg:
		m.details[msg.id] = detail{lastSent: msg.lastSent, sugg: msg.sugg, loaded: true}
		if msg.err != nil {
			return m, common.Err(fmt.Errorf("suggestion: %w", msg.err))
		}
	case taggedMsg:
		delete(m.pending, msg.pending)
		cmd := m.load(m.list.Reload())
		if msg.err != nil {
			m.last = ""
			return m, tea.Batch(cmd, m.tagFailed(msg.err))
		}
		m.undo = append(m.undo, msg.tagged)
		m.last = fmt.Sprintf("%s: %d text%s", msg.tagged.Category, len(msg.tagged.IDs), plural(len(msg.tagged.IDs)))
		if msg.tagged.Note != "" {
			m.last += " · " + msg.tagged.Note
		}
		m.keep, m.keepWhat = msg.tagged.KeptOptOuts, msg.tagged.Category
		return m, cmd
	case keptMsg:
		if msg.err != nil {
			return m, common.Err(msg.err)
		}
		m.last = strings.Join(msg.said, "; ")
		return m, nil
	case undoneMsg:
		cmd := m.load(m.list.Reload())
		if msg.err != nil {
			m.undo = append(m.undo, msg.tagged)
			return m, tea.Batch(cmd, common.Err(msg.err))
		}
		m.last = fmt.Sprintf("undone: %d text%s back in the queue", len(msg.tagged.IDs), plural(len(msg.tagged.IDs)))
		return m, cmd
	case tea.KeyMsg:
		return m, m.key(msg)
	}
	return m, nil
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.Keys
	if len(m.keep) > 0 {
		switch {
		case key.Matches(msg, k.Actions.Confirm):
			keep, what, be, ctx := m.keep, m.keepWhat, m.Backend, m.Context()
			m.keep = nil
			return func() tea.Msg {
				var said []string
				for _, o := range keep {
					s, err := be.RemoveOptOut(ctx, o.Number, "its reply was re-tagged as "+what+" in the TUI")
					if err != nil {
						return keptMsg{said, err}
					}
					said = append(said, s)
				}
				return keptMsg{said, nil}
			}
		case key.Matches(msg, k.Actions.Cancel):
			m.last += fmt.Sprintf(" · %d opt-out%s kept", len(m.keep), plural(len(m.keep)))
			m.keep = nil
		}
		return nil
	}
	if m.picking != nil {
		return m.pickerKeyMsg(msg)
	}
	if cmd, ok := m.list.FilterKey(k.List, msg, m.load); ok {
		return cmd
	}
	switch {
	case msg.String() == "0":
		return common.Status("0 is no category: c lists them all (alt+0 goes to screen 0)")
	case key.Matches(msg, keyPicker):
		if _, ok := m.list.Selected(); !ok || len(m.cats) == 0 {
			return common.Status("nothing to categorise")
		}
		m.picking = &picker{}
		return nil
	case key.Matches(msg, k.Replies.Pick):
		i := int(msg.Runes[0] - '1')
		if i < 0 || i >= len(m.cats) {
			return common.Status(fmt.Sprintf("no category %d", i+1))
		}
		return m.tag(m.cats[i].Name)
	case key.Matches(msg, k.Replies.Accept):
		g, ok := m.list.Selected()
		if !ok {
			return nil
		}
		d := m.details[g.Latest.ID]
		if d.sugg.Category == "" {
			return common.Status("no suggestion for this text: pick a category with its number")
		}
		return m.tag(d.sugg.Category)
	case key.Matches(msg, k.Replies.Undo):
		if len(m.undo) == 0 {
			m.last = "" // the last action's result is not what undo did now
			return common.Status("nothing left to undo")
		}
		t := m.undo[len(m.undo)-1]
		m.undo = m.undo[:len(m.undo)-1]
		be, ctx := m.Backend, m.Context()
		return func() tea.Msg { return undoneMsg{t, be.Untag(ctx, t)} }
	case key.Matches(msg, k.Replies.Thread):
		if g, ok := m.list.Selected(); ok {
			return func() tea.Msg { return common.SwitchMsg{Title: "Conversations", Arg: g.Latest.Number} }
		}
	default:
		return m.list.MoveKey(k.List, msg, m.load, m.selectionChanged)
	}
	return nil
}

// tag takes the selected group out of the list at once (so the next
// keystroke acts on the next group) and categorises it in a command.
func (m *Model) tag(category string) tea.Cmd {
	g, ok := m.list.Selected()
	if !ok {
		return nil
	}
	id := g.Latest.ID
	m.pending[id] = true
	m.list.Rows = append(m.list.Rows[:m.list.Cursor:m.list.Cursor], m.list.Rows[m.list.Cursor+1:]...)
	if m.list.Cursor >= len(m.list.Rows) {
		m.list.Cursor = max(0, len(m.list.Rows)-1)
	}
	m.groups--
	m.texts -= g.Count
	be, ctx := m.Backend, m.Context()
	tagCmd := func() tea.Msg {
		t, err := be.Tag(ctx, id, category)
		return taggedMsg{pending: id, tagged: t, err: err}
	}
	return tea.Batch(tagCmd, m.selectionChanged())
}

func (m *Model) selectionChanged() tea.Cmd {
	if g, ok := m.list.Selected(); ok {
		return m.loadDetail(g.Latest)
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.Keys
	if len(m.keep) > 0 {
		return []key.Binding{k.Actions.Confirm, k.Actions.Cancel}
	}
	if m.picking != nil {
		return []key.Binding{key.NewBinding(key.WithKeys("1"), key.WithHelp("1-9 a-z", "pick")),
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("↑/↓ enter", "pick")), k.List.Back}
	}
	return []key.Binding{k.Replies.Pick, keyPicker, k.Replies.Accept, k.Replies.Undo, k.Replies.Thread, k.List.Filter}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.Keys
	return common.ListHelp(k.List, k.Replies.Pick, keyPicker, k.Replies.Accept, k.Replies.Undo, k.Replies.Thread)
}

// View implements common.Screen.
func (m *Model) View() string {
	st := m.Styles
	listW := m.Width * 11 / 20
	sideW := m.Width - listW - 1
	head := st.Title.Render("Review queue") + st.Subtle.Render(fmt.Sprintf("  %d group%s · %d text%s", m.groups, plural(m.groups), m.texts, plural(m.texts)))
	if m.list.Loading && len(m.list.Rows) == 0 {
		head += st.Subtle.Render("  loading…")
	}
	if m.last != "" {
		head += "  " + st.Good.Render("✓ "+common.OneLine(m.last))
	}
	sub := m.list.FilterView(st)
	switch {
	case sub != "":
	case m.list.More || m.list.Offset > 0:
		sub = st.Subtle.Render(fmt.Sprintf("groups %s · newest first", m.list.Position()))
	default:
		sub = st.Subtle.Render("newest first · identical texts grouped")
	}
	if len(m.keep) > 0 {
		var nums []string
		for _, o := range m.keep {
			why := o.At.In(m.Loc).Format("2 Jan 2006")
			if o.Text != "" {
				why += fmt.Sprintf(" %q", common.OneLine(o.Text))
			}
			nums = append(nums, common.Clean(o.Number)+" (since "+why+")")
		}
		verb, them := "stay", "them"
		if len(nums) == 1 {
			verb, them = "stays", "it"
		}
		sub = st.Warn.Render(fmt.Sprintf("%s %s opted out. Take %s off the list? y/n", strings.Join(nums, ", "), verb, them))
	}

	bodyH := m.Height - 3
	var left string
	if len(m.list.Rows) == 0 && !m.list.Loading {
		left = st.Subtle.Render("  Nothing to review. New texts come in with read-in and serve.")
	} else {
		textW := listW - 2 - 6 - 10 - 2
		rows := make([]string, len(m.list.Rows))
		for i, g := range m.list.Rows {
			count := ""
			if g.Count > 1 {
				count = fmt.Sprintf("×%d", g.Count)
			}
			rows[i] = common.PadLeft(count, 5) + " " + common.Cell(common.When(g.Latest.At, m.Now(), m.Loc), 10) +
				common.Truncate(common.OneLine(g.Latest.Text), textW)
		}
		left = st.Header.Render(common.Pad("   count when      text", listW)) + "\n" + common.Rows(st, rows, m.list.Cursor, listW)
	}
	left = common.Fit(left, listW, bodyH)
	side := common.Fit(m.side(sideW), sideW, bodyH)
	if m.picking != nil {
		side = common.Fit(m.pickerView(sideW, bodyH), sideW, bodyH)
	}
	body := lipgloss.JoinHorizontal(lipgloss.Top, left, " ", side)
	return strings.Join([]string{common.Truncate(head, m.Width), common.Truncate(sub, m.Width), body, m.keysLine()}, "\n")
}

// keysLine lists the numbered categories; when they do not all fit (or
// there are more than 9) it ends with the key that lists them all.
func (m *Model) keysLine() string {
	st := m.Styles
	if len(m.cats) == 0 {
		return ""
	}
	all := st.Key.Render("[c]") + fmt.Sprintf(" all %d", len(m.cats))
	var parts []string
	for i, c := range m.cats {
		if i >= 9 {
			break
		}
		parts = append(parts, st.Key.Render(fmt.Sprintf("[%d]", i+1))+" "+common.Clean(c.Name))
	}
	for n := len(parts); n > 0; n-- {
		line := strings.Join(parts[:n], "  ")
		if n < len(m.cats) {
			line += "  " + all
		}
		if lipgloss.Width(line) <= m.Width {
			return line
		}
	}
	return common.Truncate(all, m.Width)
}

// side is the panel beside the list: the selected text, what we had sent
// that person, and the model's suggestion.
func (m *Model) side(w int) string {
	st := m.Styles
	g, ok := m.list.Selected()
	if !ok {
		return ""
	}
	msg := g.Latest
	var b strings.Builder
	from := common.Clean(msg.Number)
	if msg.SIM != "" {
		from += st.Subtle.Render(" → " + common.Clean(msg.SIM))
	}
	b.WriteString(st.Label.Render("From ") + from + "\n")
	b.WriteString(st.Label.Render("At   ") + msg.At.In(m.Loc).Format("Mon 2 Jan 15:04"))
	if g.Count > 1 {
		b.WriteString("\n" + st.Warn.Render(fmt.Sprintf("×%d identical texts: one key tags them all", g.Count)))
	}
	if msg.HasFlag(store.FlagOddNumber) {
		b.WriteString("\n" + st.Warn.Render(common.Wrap("The sender is no phone number: it cannot be texted back, nor opted out by its words.", w)))
	}
	b.WriteString("\n\n")
	b.WriteString(st.In.Render(common.Wrap(common.Text(msg.Text), w)) + "\n")
	d := m.details[msg.ID]
	b.WriteString("\n")
	switch {
	case !d.loaded:
		b.WriteString(st.Subtle.Render("…"))
	case d.sugg.Category != "":
		b.WriteString(st.Label.Render("Suggestion ") + st.Accent.Render(common.Clean(d.sugg.Category)) +
			st.Subtle.Render(fmt.Sprintf(" %s  enter accepts", common.Percent(d.sugg.Confidence))))
	default:
		b.WriteString(st.Subtle.Render("No suggestion yet"))
	}
	b.WriteString("\n\n")
	if d.lastSent != nil {
		b.WriteString(st.Label.Render("We sent "+common.When(d.lastSent.At, m.Now(), m.Loc)) + "\n")
		b.WriteString(st.Out.Render(common.Wrap(common.Text(d.lastSent.Text), w)))
	} else if d.loaded {
		b.WriteString(st.Subtle.Render("We had sent them nothing"))
	}
	return b.String()
}
