// Package stats is the statistics screen: a per-day × per-SIM grid of the
// last 14 days with limit usage coloured, a bar of each day's total, the
// least used SIM, and per template: texts sent, replies by category and
// opt-out rate.
package stats

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

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
	days      []store.Day
	sims      []store.SIM
	least     []store.SIM
	used      map[int64]int
	templates []store.TemplateStats
	err       error
}

// Model is the statistics screen.
type Model struct {
	c       *common.Common
	data    loadedMsg
	loaded  bool
	first   int // first SIM column shown
	width   int
	height  int
	loading bool
}

// New returns the statistics screen.
func New(c *common.Common) *Model { return &Model{c: c, width: 100, height: 24} }

// Title implements common.Screen.
func (m *Model) Title() string { return Title }

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Captures implements common.Screen.
func (m *Model) Captures(tea.KeyMsg) bool { return false }

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd {
	m.loading = true
	db, ctx, loc, now := m.c.DB, m.c.Context(), m.c.Loc, m.c.Now()
	return func() tea.Msg {
		var d loadedMsg
		if d.days, d.err = db.DailyTraffic(ctx, Days, loc); d.err != nil {
			return d
		}
		if d.sims, d.err = db.SIMs(ctx); d.err != nil {
			return d
		}
		if d.least, d.used, d.err = db.LeastUsed(ctx, loc); d.err != nil {
			return d
		}
		d.templates, d.err = db.TemplatesStats(ctx, now.Add(-TemplateWindow))
		return d
	}
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
	case tea.KeyMsg:
		k := m.c.Keys
		switch {
		case key.Matches(msg, k.Actions.NextSIM):
			m.first = min(m.first+1, max(0, len(m.data.sims)-1))
		case key.Matches(msg, k.Actions.PrevSIM):
			m.first = max(0, m.first-1)
		case key.Matches(msg, k.List.Refresh):
			return m, m.Init()
		}
	}
	return m, nil
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{k.Actions.PrevSIM, k.Actions.NextSIM, k.List.Refresh}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

const (
	dateW = 11
	cellW = 9
	totW  = 7
)

// View implements common.Screen.
func (m *Model) View() string {
	st := m.c.Styles
	if !m.loaded {
		return st.Title.Render("Stats") + st.Subtle.Render("  loading…")
	}
	d := m.data
	var b strings.Builder
	b.WriteString(st.Title.Render("Stats") + st.Subtle.Render(fmt.Sprintf("  last %d days · parts sent / daily limit", Days)) + "\n")

	// Which SIM columns fit beside the date, the total and a bar of 12.
	room := max(1, (m.width-dateW-totW-14)/cellW)
	sims := d.sims
	if m.first > 0 && m.first < len(sims) {
		sims = sims[m.first:]
	}
	hidden := 0
	if len(sims) > room {
		hidden = len(sims) - room
		sims = sims[:room]
	}
	head := common.Cell("Day", dateW)
	for _, s := range sims {
		head += common.PadLeft(common.Clean(s.Label()), cellW-1) + " "
	}
	head += common.PadLeft("Total", totW)
	if hidden > 0 || m.first > 0 {
		head += st.Subtle.Render(fmt.Sprintf("  [ ] %d more", hidden+m.first))
	}
	b.WriteString(st.Header.Render(head) + "\n")

	totals := make([]int, len(d.days))
	most := 1
	for i, day := range d.days {
		for _, sd := range day.SIMs {
			totals[i] += sd.Sent
		}
		most = max(most, totals[i])
	}
	barW := max(4, m.width-dateW-len(sims)*cellW-totW-2)
	for i, day := range d.days {
		line := common.Cell(day.Date.Format("Mon 02 Jan"), dateW)
		for _, s := range sims {
			sd := day.SIMs[s.ID]
			cell := "·"
			if sd.Sent > 0 {
				cell = fmt.Sprintf("%d/%d", sd.Sent, s.DailyLimit)
			}
			style := st.Subtle
			if sd.Sent > 0 {
				style = st.Usage(sd.Sent, s.DailyLimit)
			}
			line += style.Render(common.PadLeft(cell, cellW-1)) + " "
		}
		line += common.PadLeft(fmt.Sprint(totals[i]), totW) + " " + st.Bar.Render(strings.Repeat("█", totals[i]*barW/most))
		b.WriteString(line + "\n")
	}

	b.WriteString("\n")
	if len(d.least) > 0 {
		s := d.least[0]
		b.WriteString(st.Label.Render("Least used (12 days): ") + st.Accent.Render(common.Clean(s.Label())) +
			st.Subtle.Render(fmt.Sprintf(" %d parts", d.used[s.ID])) + "\n")
	}

	b.WriteString("\n" + st.Header.Render(common.Cell("Template", 14)+common.PadLeft("Sent", 7)+common.PadLeft("People", 8)+
		common.PadLeft("Replied", 9)+common.PadLeft("Opt-out", 9)+"  Replies by category (people, 30 days)") + "\n")
	if len(d.templates) == 0 {
		b.WriteString(st.Subtle.Render("No campaign texts in the last 30 days.") + "\n")
	}
	for _, t := range d.templates {
		var cats []string
		for name, n := range t.Replies {
			if name == "" {
				name = "to review"
			}
			cats = append(cats, fmt.Sprintf("%s %d", name, n))
		}
		sort.Strings(cats)
		rate := st.Good
		if t.OptOutRate() >= 0.05 {
			rate = st.Bad
		}
		b.WriteString(common.Cell(t.Template, 14) + common.PadLeft(fmt.Sprint(t.Texts), 7) + common.PadLeft(fmt.Sprint(t.Recipients), 8) +
			common.PadLeft(fmt.Sprint(t.Replied), 9) + rate.Render(common.PadLeft(common.Percent(t.OptOutRate()), 9)) + "  " +
			common.Truncate(strings.Join(cats, " · "), max(10, m.width-49)) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
