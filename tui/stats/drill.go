package stats

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/common"
)

// drill is a list of the texts behind a count: one SIM's texts of one day,
// or the replies to one template by category.
type drill struct {
	title  string
	sim    store.SIM // a cell's SIM (ID 0 for a template's replies)
	day    time.Time // a cell's local midnight
	tpl    store.TemplateStats
	seq    int
	rows   []store.Message
	loaded bool
	cursor int
	top    int
}

type drillMsg struct {
	seq  int
	rows []store.Message
	err  error
}

// drillLimit is the most texts a drill-down lists (a SIM's day is at most
// its daily limit in practice).
const drillLimit = 2000

// open opens the texts behind the cell or the template under the cursor.
func (m *Model) open() tea.Cmd {
	d := &drill{seq: 1}
	if m.drill != nil {
		d.seq = m.drill.seq + 1
	}
	switch {
	case m.focus == focusTemplates && m.tplRow < len(m.data.templates):
		d.tpl = m.data.templates[m.tplRow]
		d.title = fmt.Sprintf("Replies to %s by category (30 days)", common.Clean(d.tpl.Template))
	case m.focus == focusGrid && m.row < len(m.data.days) && m.col < len(m.data.sims):
		d.sim, d.day = m.data.sims[m.col], m.data.days[m.row].Date
		d.title = fmt.Sprintf("%s on %s: texts sent and received", common.Clean(d.sim.Label()), d.day.Format("Mon 2 Jan 2006"))
	default:
		return nil
	}
	m.drill = d
	return m.loadDrill(d)
}

func (m *Model) loadDrill(d *drill) tea.Cmd {
	db, ctx, now := m.DB, m.Context(), m.Now()
	seq := d.seq
	if d.tpl.TemplateID != 0 {
		id := d.tpl.TemplateID
		return func() tea.Msg {
			rows, err := db.TemplateReplies(ctx, id, now.Add(-TemplateWindow), drillLimit)
			return drillMsg{seq: seq, rows: rows, err: err}
		}
	}
	flt := store.MessageFilter{SIMID: d.sim.ID, Since: d.day, Until: d.day.AddDate(0, 0, 1), Limit: drillLimit, Oldest: true}
	return func() tea.Msg {
		rows, err := db.Messages(ctx, flt)
		return drillMsg{seq: seq, rows: rows, err: err}
	}
}

func (m *Model) drillKey(msg tea.KeyMsg) tea.Cmd {
	k := m.Keys
	d := m.drill
	page := max(1, m.Height-3)
	switch {
	case msg.String() == "esc":
		m.drill = nil
	case key.Matches(msg, k.List.Up):
		d.cursor = max(0, d.cursor-1)
	case key.Matches(msg, k.List.Down):
		d.cursor = min(max(0, len(d.rows)-1), d.cursor+1)
	case key.Matches(msg, k.List.PageUp):
		d.cursor = max(0, d.cursor-page)
	case key.Matches(msg, k.List.PageDown):
		d.cursor = min(max(0, len(d.rows)-1), d.cursor+page)
	case key.Matches(msg, k.List.Home):
		d.cursor = 0
	case key.Matches(msg, k.List.Refresh):
		d.seq++
		return m.loadDrill(d)
	}
	return nil
}

// drillView lists the texts: time, direction, number, state or category,
// text; a template's replies under their category's heading.
func (m *Model) drillView() string {
	st := m.Styles
	d := m.drill
	var b strings.Builder
	b.WriteString(st.Title.Render(d.title) + st.Subtle.Render("  esc back") + "\n")
	if !d.loaded {
		b.WriteString(st.Subtle.Render("loading…"))
		return b.String()
	}
	if len(d.rows) == 0 {
		b.WriteString(st.Subtle.Render("No texts."))
		return b.String()
	}
	// The lines: a heading before each category of a template's replies.
	type line struct {
		text string
		row  int // index into d.rows; -1 for a heading
	}
	var lines []line
	cat := "\x00"
	counts := map[string]int{}
	for _, r := range d.rows {
		counts[r.Category]++
	}
	for i, r := range d.rows {
		if d.tpl.TemplateID != 0 && r.Category != cat {
			cat = r.Category
			name := cat
			if name == "" {
				name = "to review"
			}
			lines = append(lines, line{st.Header.Render(fmt.Sprintf("%s (%d)", common.Clean(name), counts[cat])), -1})
		}
		lines = append(lines, line{m.drillRow(r, i == d.cursor), i})
	}
	room := max(1, m.Height-2)
	cur := 0
	for i, l := range lines {
		if l.row == d.cursor {
			cur = i
		}
	}
	if cur < d.top {
		d.top = cur
	}
	if cur >= d.top+room {
		d.top = cur - room + 1
	}
	if d.top > 0 && lines[d.top].row >= 0 && lines[d.top-1].row < 0 && cur-d.top+1 < room {
		d.top-- // keep a category's heading above its first text
	}
	end := min(len(lines), d.top+room)
	for _, l := range lines[d.top:end] {
		b.WriteString(l.text + "\n")
	}
	pos := fmt.Sprintf("%d of %d", d.cursor+1, len(d.rows))
	if len(d.rows) == drillLimit {
		pos += fmt.Sprintf(" (the first %d)", drillLimit)
	}
	b.WriteString(st.Subtle.Render(pos))
	return b.String()
}

func (m *Model) drillRow(r store.Message, selected bool) string {
	st := m.Styles
	dir, style := "←", st.In
	what := r.Category
	if r.Direction == store.Out {
		dir, style, what = "→", st.Out, r.Kind+" "+r.State
	} else if what == "" {
		what = "to review"
	}
	when := r.At.In(m.Loc).Format("15:04")
	if m.drill.tpl.TemplateID != 0 {
		when = r.At.In(m.Loc).Format("02 Jan 15:04")
	}
	marker := "  "
	if selected {
		marker = st.Cursor
	}
	head := marker + common.Cell(when, len(when)+2) + style.Render(dir) + " " + common.Cell(common.Clean(r.Number), 15) +
		common.Cell(common.Clean(what), 20)
	text := common.OneLine(r.Text)
	if r.Direction == store.Out && r.Error != "" {
		text += " (" + common.OneLine(r.Error) + ")"
	}
	line := head + common.Truncate(text, max(10, m.Width-lipgloss.Width(head)))
	if selected {
		return st.Selected.Render(line)
	}
	return line
}
