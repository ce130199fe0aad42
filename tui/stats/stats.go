// Package stats is the statistics screen: a per-day × per-SIM grid with
// limit usage coloured, a bar of each day's total, the least used SIM, and
// per template: texts sent, replies by category and opt-out rate. It leads
// from a count to the texts behind it: enter on a grid cell lists that SIM's
// texts of that day, enter on a template its replies by category. The grid
// pages back by week and by month.
package stats

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/common"
)

// Title is the screen's name.
const Title = "Stats"

// Days is how many days the grid and the chart show.
const Days = 14

// TemplateWindow is how far back the per-template figures look: a month of
// campaigns is what an operator compares, and it keeps the screen quick on
// a million texts.
const TemplateWindow = 30 * 24 * time.Hour

type loadedMsg struct {
	end       time.Time // the newest day shown
	days      []store.Day
	sims      []store.SIM
	least     []store.SIM
	used      map[int64]int
	templates []store.TemplateStats
	err       error

	// Worked out once per load, not on each frame:
	totals  []int    // parts sent each day, all SIMs
	most    int      // the largest of totals (at least 1), the chart's scale
	replies []string // each template's replies by category, "Misc 3 · STOP 1"
}

// derive works out what the screen draws from the figures read.
func (d *loadedMsg) derive() {
	d.totals, d.most = make([]int, len(d.days)), 1
	for i, day := range d.days {
		for _, sd := range day.SIMs {
			d.totals[i] += sd.Sent
		}
		d.most = max(d.most, d.totals[i])
	}
	d.replies = make([]string, len(d.templates))
	for i, t := range d.templates {
		var cats []string
		for name, n := range t.Replies {
			if name == "" {
				name = "to review"
			}
			cats = append(cats, fmt.Sprintf("%s %d", name, n))
		}
		sort.Strings(cats)
		d.replies[i] = common.Clean(strings.Join(cats, " · "))
	}
}

// focus is the part of the screen the arrow keys move in.
type focus int

const (
	focusGrid focus = iota
	focusTemplates
)

// Model is the statistics screen.
type Model struct {
	common.Frame
	data   loadedMsg
	loaded bool
	back   int // days the grid's newest day is before today (0: ends today)

	focus  focus
	row    int // the day under the cursor (index into data.days)
	col    int // the SIM under the cursor (index into data.sims)
	first  int // first SIM column shown
	tplRow int // the template under the cursor
	tplTop int // first template row shown

	drill *drill // texts behind a count, on show instead of the grid

	loading bool
	live    *liveState // how long a read of the figures takes, for pacing refreshes
}

// New returns the statistics screen.
func New(c *common.Common) *Model {
	return &Model{Frame: common.NewFrame(c, Title, ""), live: &liveState{}}
}

// Captures implements common.Screen: esc leaves a list of texts here, not
// the screen.
func (m *Model) Captures(msg tea.KeyMsg) bool {
	return (m.drill != nil || m.focus == focusTemplates) && msg.String() == "esc"
}

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd {
	m.loading = true
	db, ctx, loc, now := m.DB, m.Context(), m.Loc, m.Now()
	back := m.back
	drill := m.drill
	load := func() tea.Msg {
		var d loadedMsg
		today := time.Date(now.In(loc).Year(), now.In(loc).Month(), now.In(loc).Day(), 12, 0, 0, 0, loc)
		d.end = today.AddDate(0, 0, -back)
		if d.days, d.err = db.TrafficDays(ctx, d.end.AddDate(0, 0, -(Days-1)), d.end, loc); d.err != nil {
			return d
		}
		if d.sims, d.err = db.SIMs(ctx); d.err != nil {
			return d
		}
		if d.least, d.used, d.err = db.LeastUsed(ctx, loc); d.err != nil {
			return d
		}
		if d.templates, d.err = db.TemplatesStats(ctx, now.Add(-TemplateWindow)); d.err == nil {
			d.derive()
		}
		return d
	}
	if drill != nil {
		return tea.Batch(load, m.loadDrill(drill))
	}
	return load
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg:
		m.loading = false
		if msg.err != nil {
			return m, common.Err(fmt.Errorf("stats: %w", msg.err))
		}
		m.data, m.loaded = msg, true
		m.row = min(m.row, max(0, len(m.data.days)-1))
		m.col = min(m.col, max(0, len(m.data.sims)-1))
		m.tplRow = min(m.tplRow, max(0, len(m.data.templates)-1))
	case drillMsg:
		if m.drill != nil && msg.seq == m.drill.seq {
			if msg.err != nil {
				return m, common.Err(fmt.Errorf("stats: %w", msg.err))
			}
			m.drill.rows, m.drill.loaded = msg.rows, true
			m.drill.cursor = min(m.drill.cursor, max(0, len(msg.rows)-1))
		}
	case tea.KeyMsg:
		if m.drill != nil {
			return m, m.drillKey(msg)
		}
		return m, m.key(msg)
	}
	return m, nil
}

// Keys of the screen beyond the shared ones.
var (
	keyEnter     = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "texts behind it"))
	keyTemplates = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "templates/grid"))
	keyWeek      = key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp("pgup/pgdn", "week earlier/later"))
	keyMonth     = key.NewBinding(key.WithKeys("<", ">"), key.WithHelp("</>", "month earlier/later"))
)

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.Keys
	switch msg.String() {
	case "pgup":
		m.back += 7
		return m.Init()
	case "pgdown":
		m.back = max(0, m.back-7)
		return m.Init()
	case "<":
		m.back += 30
		return m.Init()
	case ">":
		m.back = max(0, m.back-30)
		return m.Init()
	case "t":
		if m.focus == focusGrid && len(m.data.templates) > 0 {
			m.focus = focusTemplates
		} else {
			m.focus = focusGrid
		}
		return nil
	case "esc":
		m.focus = focusGrid
		return nil
	case "enter":
		return m.open()
	}
	if m.focus == focusTemplates {
		switch {
		case key.Matches(msg, k.List.Up):
			m.tplRow = max(0, m.tplRow-1)
		case key.Matches(msg, k.List.Down):
			m.tplRow = min(max(0, len(m.data.templates)-1), m.tplRow+1)
		case key.Matches(msg, k.List.Refresh):
			return m.Init()
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Actions.NextSIM):
		m.col = min(m.col+1, max(0, len(m.data.sims)-1))
	case key.Matches(msg, k.Actions.PrevSIM):
		m.col = max(0, m.col-1)
	case key.Matches(msg, k.List.Up):
		m.row = max(0, m.row-1)
	case key.Matches(msg, k.List.Down):
		m.row = min(max(0, len(m.data.days)-1), m.row+1)
	case key.Matches(msg, k.List.Refresh):
		return m.Init()
	}
	return nil
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	if m.drill != nil {
		return []key.Binding{m.Keys.List.Up, m.Keys.List.Down, m.Keys.List.Back}
	}
	k := m.Keys
	return []key.Binding{keyEnter, keyTemplates, keyWeek, keyMonth, k.Actions.PrevSIM, k.Actions.NextSIM, k.List.Refresh}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.Keys
	return [][]key.Binding{
		{k.List.Up, k.List.Down, k.Actions.PrevSIM, k.Actions.NextSIM},
		{keyEnter, keyTemplates, keyWeek, keyMonth, k.List.Back, k.List.Refresh},
	}
}

const (
	dateW  = 11
	totW   = 7
	minBar = 8
	// limitW is room for a cell's "sent/limit" figures.
	limitW = len("300/300")
)

// columns returns the SIM columns that fit, each as wide as its whole label
// (or its figures), starting from first so that the cursor's is shown.
func (m *Model) columns() (first int, widths []int) {
	sims := m.data.sims
	width := func(s store.SIM) int {
		w := max(lipgloss.Width(common.Clean(s.Label())), limitW, len(fmt.Sprintf("%d/%d", s.DailyLimit, s.DailyLimit)))
		return w + 2
	}
	room := m.Width - dateW - totW - minBar - len("  [ ] 99 more")
	fit := func(from int) []int {
		var ws []int
		used := 0
		for i := from; i < len(sims); i++ {
			w := width(sims[i])
			if used+w > room && len(ws) > 0 {
				break
			}
			ws = append(ws, w)
			used += w
		}
		return ws
	}
	first = min(m.first, m.col)
	for {
		widths = fit(first)
		if m.col < first+len(widths) || first >= len(sims)-1 {
			break
		}
		first++
	}
	m.first = first
	return first, widths
}

// View implements common.Screen.
func (m *Model) View() string {
	st := m.Styles
	if !m.loaded {
		return st.Title.Render("Stats") + st.Subtle.Render("  loading…")
	}
	if m.drill != nil {
		return m.drillView()
	}
	d := m.data
	var b strings.Builder
	span := fmt.Sprintf("  %s – %s", d.end.AddDate(0, 0, -(Days-1)).Format("2 Jan"), d.end.Format("2 Jan 2006"))
	if m.back == 0 {
		span = fmt.Sprintf("  last %d days", Days)
	}
	b.WriteString(st.Title.Render("Stats") + st.Subtle.Render(span+" · parts sent / daily limit") + "\n")

	first, widths := m.columns()
	sims := d.sims[first : first+len(widths)]
	head := common.Cell("Day", dateW)
	for i, s := range sims {
		head += common.PadLeft(common.Clean(s.Label()), widths[i]-2) + "  "
	}
	head += common.PadLeft("Total", totW)
	if more := len(d.sims) - len(sims); more > 0 {
		head += st.Subtle.Render(fmt.Sprintf("  [ ] %d more", more))
	}
	b.WriteString(st.Header.Render(head) + "\n")

	totals, most := d.totals, d.most
	used := dateW + totW + 1
	for _, w := range widths {
		used += w
	}
	barW := max(4, m.Width-used)
	gridRows := len(d.days)
	for i, day := range d.days {
		line := common.Cell(day.Date.Format("Mon 02 Jan"), dateW)
		for j, s := range sims {
			sd := day.SIMs[s.ID]
			cell := "·"
			if sd.Sent > 0 || sd.Received > 0 {
				cell = fmt.Sprintf("%d/%d", sd.Sent, s.DailyLimit)
			}
			style := st.Subtle
			if sd.Sent > 0 {
				style = st.Usage(sd.Sent, s.DailyLimit)
			}
			text := common.PadLeft(cell, widths[j]-2)
			if m.focus == focusGrid && i == m.row && first+j == m.col {
				// a marker as well as the colour, so NO_COLOR shows it
				text = st.Selected.Render("▸" + common.PadLeft(cell, widths[j]-3))
			} else {
				text = style.Render(text)
			}
			line += text + "  "
		}
		line += common.PadLeft(fmt.Sprint(totals[i]), totW) + " " + st.Bar.Render(strings.Repeat("█", totals[i]*barW/most))
		b.WriteString(line + "\n")
	}

	if len(d.least) > 0 {
		s := d.least[0]
		b.WriteString(st.Label.Render("Least used (12 days): ") + st.Accent.Render(common.Clean(s.Label())) +
			st.Subtle.Render(fmt.Sprintf(" %d parts", d.used[s.ID])) + "\n")
	}

	tplHead := common.Cell("Template", 14) + common.PadLeft("Sent", 7) + common.PadLeft("People", 8) +
		common.PadLeft("Replied", 9) + common.PadLeft("Opt-out", 9) + "  Replies by category (people, 30 days)"
	b.WriteString(st.Header.Render(common.Truncate(tplHead, m.Width)) + "\n")
	if len(d.templates) == 0 {
		b.WriteString(st.Subtle.Render("No campaign texts in the last 30 days.") + "\n")
		return strings.TrimRight(b.String(), "\n")
	}
	// The template table gets the lines the grid leaves, and scrolls.
	n := len(d.templates)
	room := max(1, m.Height-(gridRows+4))
	if n > room {
		room = max(1, room-1) // a line says where the table is
	}
	if m.tplRow < m.tplTop {
		m.tplTop = m.tplRow
	}
	if m.tplRow >= m.tplTop+room {
		m.tplTop = m.tplRow - room + 1
	}
	m.tplTop = max(0, min(m.tplTop, n-room))
	end := min(n, m.tplTop+room)
	for i := m.tplTop; i < end; i++ {
		t := d.templates[i]
		rate := st.Good
		if t.OptOutRate() >= 0.05 {
			rate = st.Bad
		}
		name := common.Cell(common.Clean(t.Template), 14)
		if m.focus == focusTemplates && i == m.tplRow {
			name = st.Selected.Render("▸ " + common.Cell(common.Clean(t.Template), 12))
		}
		b.WriteString(name + common.PadLeft(fmt.Sprint(t.Texts), 7) + common.PadLeft(fmt.Sprint(t.Recipients), 8) +
			common.PadLeft(fmt.Sprint(t.Replied), 9) + rate.Render(common.PadLeft(common.Percent(t.OptOutRate()), 9)) + "  " +
			common.Truncate(d.replies[i], max(10, m.Width-49)) + "\n")
	}
	if end-m.tplTop < n {
		b.WriteString(st.Subtle.Render(fmt.Sprintf("templates %d–%d of %d (t, then ↑/↓)", m.tplTop+1, end, len(d.templates))) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
