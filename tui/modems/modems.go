// Package modems is the fleet health board: every dongle found with its
// signal, operator, SIM, storage, sends today against the limit, last good
// send and receive, error rate and state; read-in and a test text from here.
package modems

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/phone"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/common"
)

// Title is the screen's name.
const Title = "Modems"

// Row is one dongle on the board, with the SIM it holds.
type Row struct {
	Modem   common.ModemStatus
	SIM     *store.SIM // nil when the IMSI is not in the database yet
	Today   int        // parts sent today
	Health  store.SIMHealth
	Unknown bool
	// ByPort is set when SIM is the one last seen on the port (the dongle
	// is held by another process and did not say which SIM it has).
	ByPort bool
}

type (
	boardMsg struct {
		modems []common.ModemStatus
		sims   []store.SIM
		today  map[int64]int
		health map[int64]store.SIMHealth
		err    error
	}
	readInMsg struct {
		summary string
		err     error
	}
	testMsg struct {
		summary string
		err     error
	}
)

// Model is the fleet board.
type Model struct {
	common.Frame
	rows    []Row
	spare   []store.SIM // card SIMs in no dongle found
	cursor  int
	spin    spinner.Model
	loading bool
	reading bool
	result  string // the last read-in or test text, one line
	failed  bool
	ask     *textinput.Model // the test text's number, while asked
}

// New returns the fleet board.
func New(c *common.Common) *Model {
	sp := spinner.New(spinner.WithSpinner(spinner.Dot), spinner.WithStyle(c.Styles.Accent))
	return &Model{Frame: common.NewFrame(c, Title, ""), spin: sp}
}

// Init probes the dongles and reads the SIMs' figures; the result of an
// earlier read-in or test text is forgotten.
func (m *Model) Init() tea.Cmd {
	m.result, m.failed = "", false
	return m.reload()
}

// reload is Init keeping the result line, after a read-in.
func (m *Model) reload() tea.Cmd {
	m.loading = true
	be, db, ctx, now := m.Backend, m.DB, m.Context(), m.Now()
	loc := m.Loc
	load := func() tea.Msg {
		var b boardMsg
		if b.sims, b.err = db.SIMs(ctx); b.err != nil {
			return b
		}
		if b.today, b.err = db.SentToday(ctx, loc); b.err != nil {
			return b
		}
		if b.health, b.err = db.SIMsHealth(ctx, now.Add(-24*time.Hour)); b.err != nil {
			return b
		}
		b.modems, b.err = be.Modems(ctx)
		return b
	}
	return tea.Batch(load, m.spin.Tick)
}

// Captures implements common.Screen.
func (m *Model) Captures(msg tea.KeyMsg) bool { return m.ask != nil && msg.String() != "ctrl+c" }

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case boardMsg:
		m.loading = false
		m.board(msg)
		if msg.err != nil {
			return m, common.Err(fmt.Errorf("modems: %w", msg.err))
		}
	case readInMsg:
		m.reading = false
		m.result, m.failed = msg.summary, msg.err != nil
		if msg.err != nil {
			m.result = "read-in failed: " + msg.err.Error()
			if msg.summary != "" {
				m.result = msg.summary + " · " + msg.err.Error()
			}
		}
		return m, m.reload()
	case testMsg:
		m.reading = false
		m.result, m.failed = "test text: "+msg.summary, msg.err != nil
		if msg.err != nil {
			m.result = "test text failed: " + msg.err.Error()
		}
		// What the text did shows on the board (today's count, last sent).
		return m, m.reload()
	case spinner.TickMsg:
		if m.loading || m.reading {
			var cmd tea.Cmd
			m.spin, cmd = m.spin.Update(msg)
			return m, cmd
		}
	case tea.KeyMsg:
		return m, m.key(msg)
	}
	return m, nil
}

// board joins the dongles found with the SIMs they hold.
func (m *Model) board(b boardMsg) {
	byIMSI := map[string]*store.SIM{}
	for i := range b.sims {
		if b.sims[i].IMSI != "" {
			byIMSI[b.sims[i].IMSI] = &b.sims[i]
		}
	}
	m.rows = m.rows[:0]
	seen := map[int64]bool{}
	byPort := map[string]*store.SIM{}
	for i := range b.sims {
		if b.sims[i].LastPort != "" {
			byPort[b.sims[i].LastPort] = &b.sims[i]
		}
	}
	for _, md := range b.modems {
		r := Row{Modem: md, SIM: byIMSI[md.IMSI]}
		if r.SIM == nil && md.IMSI == "" {
			// A port another process holds tells nothing of itself: its
			// SIM is the one last seen on that port, if any.
			r.SIM, r.ByPort = byPort[md.Port], byPort[md.Port] != nil
		}
		if r.SIM != nil {
			seen[r.SIM.ID] = true
			r.Today, r.Health = b.today[r.SIM.ID], b.health[r.SIM.ID]
		}
		m.rows = append(m.rows, r)
	}
	m.spare = m.spare[:0]
	for _, s := range b.sims {
		if !seen[s.ID] && !s.IsGateway() && s.Active {
			m.spare = append(m.spare, s)
		}
	}
	m.cursor = min(m.cursor, max(0, len(m.rows)-1))
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.Keys
	if m.ask != nil {
		switch msg.String() {
		case "esc":
			m.ask = nil
			return nil
		case "enter":
			return m.testText()
		}
		var cmd tea.Cmd
		*m.ask, cmd = m.ask.Update(msg)
		return cmd
	}
	switch {
	case key.Matches(msg, k.List.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(msg, k.List.Down):
		m.cursor = min(max(0, len(m.rows)-1), m.cursor+1)
	case key.Matches(msg, k.List.Refresh):
		return m.Init()
	case key.Matches(msg, k.Actions.ReadIn):
		if m.reading {
			return nil
		}
		m.reading, m.result = true, ""
		be, ctx := m.Backend, m.Context()
		return tea.Batch(func() tea.Msg {
			s, err := be.ReadIn(ctx)
			return readInMsg{s, err}
		}, m.spin.Tick)
	case key.Matches(msg, k.Actions.TestText):
		if m.cursor >= len(m.rows) || m.rows[m.cursor].SIM == nil {
			return common.Status("pick a dongle whose SIM is known (read in once to record it)")
		}
		ti := common.NewInput()
		ti.Prompt = "Send a test text to: "
		ti.Placeholder = "a number you can check"
		m.ask = &ti
		return m.ask.Focus()
	}
	return nil
}

func (m *Model) testText() tea.Cmd {
	number, err := phone.Normalize(m.ask.Value(), m.Region)
	if err != nil {
		return common.Err(err)
	}
	m.ask = nil
	sim := m.rows[m.cursor].SIM.Label()
	text := fmt.Sprintf("Texting Centre test text from %s at %s", sim, m.Now().In(m.Loc).Format("15:04"))
	m.reading = true
	be, ctx := m.Backend, m.Context()
	return tea.Batch(func() tea.Msg {
		s, err := be.Send(ctx, []string{number}, text, sim, false)
		return testMsg{s, err}
	}, m.spin.Tick)
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.Keys
	return []key.Binding{k.Actions.ReadIn, k.Actions.TestText, k.List.Refresh}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.Keys
	return [][]key.Binding{{k.Actions.ReadIn, k.Actions.TestText, k.List.Refresh}, {k.List.Up, k.List.Down}}
}

// View implements common.Screen.
func (m *Model) View() string {
	st := m.Styles
	head := st.Title.Render("Modems") + st.Subtle.Render(fmt.Sprintf("  %d dongle(s) found", len(m.rows)))
	if m.loading {
		head += "  " + m.spin.View() + st.Subtle.Render(" probing")
	}
	var status string
	switch {
	case m.reading:
		status = m.spin.View() + " working…"
	case m.result != "" && m.failed:
		status = st.Error.Render("✗ " + common.OneLine(m.result))
	case m.result != "":
		status = st.Good.Render("✓ " + common.OneLine(m.result))
	}
	cols := []struct {
		title string
		w     int
	}{{"Port", 10}, {"SIM", 11}, {"State", 11}, {"Signal", 10}, {"IMSI", 16}, {"Store", 6}, {"Today", 8},
		{"Last sent", 10}, {"Last recv", 10}, {"Err", 5}}
	var hb strings.Builder
	for _, c := range cols {
		hb.WriteString(common.Cell(c.title, c.w))
	}
	lines := make([]string, len(m.rows))
	now := m.Now()
	detail := ""
	for i, r := range m.rows {
		md := r.Modem
		sim, today, lastS, lastR, errs := "new", "", "", "", ""
		if md.IMSI == "" {
			sim = "?" // its SIM did not say: not a SIM we have not seen
		}
		state, why, stateStyle := "ok", "", st.Good
		todayStyle := st.Value
		if r.SIM != nil {
			sim = common.Clean(r.SIM.Label())
			if r.ByPort {
				sim += "?"
			}
			today = fmt.Sprintf("%d/%d", r.Today, r.SIM.DailyLimit)
			todayStyle = st.Usage(r.Today, r.SIM.DailyLimit)
			lastS = common.When(r.Health.LastSent, now, m.Loc)
			lastR = common.When(r.Health.LastReceived, now, m.Loc)
			if r.Health.Tried > 0 {
				errs = common.Percent(r.Health.ErrorRate())
			}
			if r.SIM.Parked(now) {
				state, why, stateStyle = "parked", common.Clean(r.SIM.ParkReason)+" (until "+r.SIM.ParkedUntil.In(m.Loc).Format("15:04")+")", st.Warn
			}
		}
		switch {
		case md.HeldBy != "":
			state, why, stateStyle = "held", "held by "+common.OneLine(md.HeldBy)+", which reads this SIM in and sends what is queued for it", st.Warn
		case md.Err != "":
			state, why, stateStyle = "error", common.OneLine(md.Err), st.Bad
		case md.Recovering:
			state, why, stateStyle = "recovering", "re-initialising after it stopped answering", st.Warn
		}
		storage := ""
		if md.StorageTotal > 0 {
			storage = fmt.Sprintf("%d/%d", md.StorageUsed, md.StorageTotal)
		}
		signal := common.Signal(md.Bars)
		if md.SignalDBM != 0 {
			signal += fmt.Sprintf(" %d", md.SignalDBM)
		}
		lines[i] = common.Cell(common.Clean(strings.TrimPrefix(md.Port, "/dev/")), 10) + common.Cell(sim, 11) + stateStyle.Render(common.Cell(state, 11)) + common.Cell(signal, 10) +
			common.Cell(common.Clean(md.IMSI), 16) + st.Usage(md.StorageUsed, md.StorageTotal).Render(common.Cell(storage, 6)) + todayStyle.Render(common.Cell(today, 8)) +
			common.Cell(lastS, 10) + common.Cell(lastR, 10) + common.Cell(errs, 5)
		if i == m.cursor {
			detail = st.Label.Render("Port ") + common.Clean(md.Port) + st.Label.Render("  operator ") + common.Clean(md.Operator) +
				st.Label.Render("  IMEI ") + common.Clean(md.IMEI)
			if r.Health.Tried > 0 {
				detail += st.Subtle.Render(fmt.Sprintf("  %d of %d sends failed in 24 h", r.Health.Failed, r.Health.Tried))
			}
			if why != "" {
				detail += "\n" + stateStyle.Render(state+": "+why)
			}
		}
	}
	body := common.Rows(st, lines, m.cursor, m.Width)
	if len(m.rows) == 0 && !m.loading {
		body = st.Subtle.Render(common.Wrap("  No dongle found. Plug one in (a stick in CD-ROM or HiLink mode needs usb_modeswitch), or set modem.ports.", m.Width))
	}
	out := common.Truncate(head, m.Width) + "\n" + common.Truncate(status, m.Width) + "\n" + st.Header.Render("  "+hb.String()) + "\n" + body
	if detail != "" {
		out += "\n\n" + detail
	}
	if len(m.spare) > 0 {
		var names []string
		for _, s := range m.spare {
			names = append(names, common.Clean(s.Label()))
		}
		out += "\n\n" + st.Subtle.Render(common.Wrap("Active SIMs in no dongle found: "+strings.Join(names, ", "), m.Width))
	}
	if m.ask != nil {
		out += "\n\n" + m.ask.View() + st.Subtle.Render("  enter sends · esc cancels")
	}
	return out
}
