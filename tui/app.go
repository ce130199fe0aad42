// Package tui is Texting Centre's full-screen terminal UI. The root model
// routes between screens (one package each); screens read the store in
// commands and act through the Backend, so the UI writes no SQL and keeps
// working while cron and serve write the same file.
package tui

import (
	"errors"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/texting-centre/texting/termsafe"
	"github.com/texting-centre/texting/tui/common"
)

// Backend is the set of actions the screens need beyond reading the store.
type Backend = common.Backend

// Opener is a screen that can be opened on something (a number, a SIM).
type Opener interface {
	Open(arg string) tea.Cmd
}

// Model is the root model: the tab bar, the active screen, the status line
// and the help.
type Model struct {
	c       *common.Common
	screens []common.Screen
	active  int
	help    help.Model
	full    bool // the full help is shown

	back []int // screens to return to with esc, after a jump (t on a reply)

	waiting    int       // texts waiting for review, shown on the tab titled waitingTab
	waitingTab string    // the review queue's title
	pollFailed bool      // the last look at the database failed (reported once)
	frame      string    // the last View, drawn again as it is after a look that found no change
	ringUntil  time.Time // frames until then ring the bell (tui.bell: a new reply)
	counted    bool      // waiting holds a count read from the database
	status     string
	err        error
	width      int
	height     int
}

// New returns the root model over the given screens, showing the first.
func New(c *common.Common, screens ...common.Screen) *Model {
	h := help.New()
	h.Styles.ShortKey = c.Styles.Key
	h.Styles.FullKey = c.Styles.Key
	h.Styles.ShortDesc = c.Styles.Help
	h.Styles.FullDesc = c.Styles.Help
	h.Styles.ShortSeparator = c.Styles.Help
	h.Styles.FullSeparator = c.Styles.Help
	m := &Model{c: c, screens: screens, help: h}
	m.resize(100, 30)
	return m
}

// Active returns the screen on show.
func (m *Model) Active() common.Screen { return m.screens[m.active] }

// Init starts the first screen only, so that the first frame comes at once,
// the count of texts waiting for review and the watch on the database.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.screens[m.active].Init(), m.loadWaiting(), m.poll())
}

// chrome is the lines the root takes: the tab bar and rule, the status line
// and the help line.
const chrome = 3

func (m *Model) resize(w, h int) {
	m.width, m.height = w, h
	m.help.Width = w
	for _, s := range m.screens {
		s.SetSize(w, max(1, h-chrome-m.helpHeight()))
	}
}

func (m *Model) helpHeight() int {
	if !m.full {
		return 0
	}
	n := 0
	for _, col := range m.fullHelp() {
		n = max(n, len(col))
	}
	return n - 1 // the full help takes the short help's line and n-1 more
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if p, ok := msg.(polledMsg); !ok || p.changed || p.err != nil {
		m.frame = "" // anything but an idle look may change the frame
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return m, nil
	case common.ErrMsg:
		m.err = msg.Err
		return m, nil
	case common.StatusMsg:
		m.status, m.err = msg.Text, nil
		return m, nil
	case polledMsg:
		return m, m.polled(msg)
	case waitingMsg:
		if msg.err != nil {
			return m, common.Err(msg.err)
		}
		m.ringNew(msg.texts)
		return m, nil
	case common.SwitchMsg:
		for i, s := range m.screens {
			if s.Title() == msg.Title {
				from := m.active
				cmd := m.show(i)
				m.back = append(m.back, from)
				if o, ok := s.(Opener); ok && msg.Arg != "" {
					cmd = tea.Batch(cmd, o.Open(msg.Arg))
				}
				return m, cmd
			}
		}
		return m, nil
	case tea.KeyMsg:
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			// Keys typed faster than the terminal is read arrive as one
			// message ("111"); each is a keystroke of its own.
			var cmds []tea.Cmd
			for _, r := range msg.Runes {
				cmds = append(cmds, m.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
			}
			return m, tea.Batch(cmds...)
		}
		return m, m.key(msg)
	}
	// Results of commands go to every screen: each takes only its own message
	// types, and a screen that was left while it loaded still gets its page.
	var cmds []tea.Cmd
	for i, s := range m.screens {
		var cmd tea.Cmd
		m.screens[i], cmd = s.Update(msg)
		cmds = append(cmds, cmd)
	}
	return m, tea.Batch(cmds...)
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	m.status, m.err = "", nil
	g := m.c.Keys.Global
	s := m.screens[m.active]
	if msg.String() == "ctrl+c" {
		return tea.Quit
	}
	for i, b := range g.AltJump {
		if key.Matches(msg, b) && i < len(m.screens) {
			return m.show(i)
		}
	}
	if cmd, ok := m.refreshKey(msg); ok {
		return cmd
	}
	if !s.Captures(msg) {
		switch {
		case msg.String() == "esc" && len(m.back) > 0:
			i := m.back[len(m.back)-1]
			m.back = m.back[:len(m.back)-1]
			m.active = i
			return m.screens[i].Init()
		case key.Matches(msg, g.Quit):
			return tea.Quit
		case key.Matches(msg, g.Help):
			m.full = !m.full
			m.resize(m.width, m.height)
			return nil
		case key.Matches(msg, g.Next):
			return m.show((m.active + 1) % len(m.screens))
		case key.Matches(msg, g.Prev):
			return m.show((m.active + len(m.screens) - 1) % len(m.screens))
		}
		for i, b := range g.Screens {
			if key.Matches(msg, b) && i < len(m.screens) {
				return m.show(i)
			}
		}
	}
	var cmd tea.Cmd
	m.screens[m.active], cmd = s.Update(msg)
	return cmd
}

// show makes screen i the active one and (re)loads its data, so that what
// other processes wrote since shows.
func (m *Model) show(i int) tea.Cmd {
	m.back = m.back[:0]
	m.active = i
	return m.screens[i].Init()
}

func (m *Model) fullHelp() [][]key.Binding {
	g := m.c.Keys.Global
	jump := key.NewBinding(key.WithKeys("1"), key.WithHelp("1-0 / alt+1-0", "go to screen"))
	return append(m.screens[m.active].FullHelp(), []key.Binding{g.Next, g.Prev, jump, g.Help, g.Quit})
}

// View implements tea.Model. After a look at the database that found no
// change the last frame is drawn again as it is: an idle desk redraws
// nothing.
func (m *Model) View() string {
	if m.frame == "" {
		m.frame = m.view()
	}
	if !m.ringUntil.IsZero() && time.Now().Before(m.ringUntil) {
		// The bell goes after the frame has been made safe: ours. Every
		// frame for a moment carries it, so that the one the renderer
		// flushes does; the renderer writes an unchanged line once, so the
		// terminal rings once.
		return m.frame + "\a"
	}
	return m.frame
}

func (m *Model) view() string {
	st := m.c.Styles
	body := common.Fit(m.screens[m.active].View(), m.width, max(1, m.height-chrome-m.helpHeight()))
	var status string
	switch {
	case m.err != nil:
		status = st.Error.Render("✗ " + oneLineErr(m.err))
	case m.status != "":
		status = st.Status.Render(common.Clean(m.status))
	}
	var helpView string
	if m.full {
		helpView = m.help.FullHelpView(m.fullHelp())
	} else {
		helpView = m.shortHelp()
	}
	parts := []string{m.tabs(), body, common.Truncate(status, m.width), helpView}
	return termsafe.Frame(strings.Join(parts, "\n"))
}

// shortHelp is the one-line footer: the screen's bindings and tab, then
// "? help" and "q quit", which always show. When the line is wider than the
// terminal the least important bindings go first: tab (the tab bar names the
// screens), then the screen's own from the last, since screens list them
// most important first.
//
// While the screen takes the keys itself (a text field has focus) tab, ? and
// q are typed or move between fields, so the footer offers ctrl+c to quit
// instead of claiming them.
func (m *Model) shortHelp() string {
	g := m.c.Keys.Global
	s := m.screens[m.active]
	opt := s.ShortHelp()
	fixed := []key.Binding{g.Help, g.Quit}
	if s.Captures(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}}) {
		fixed = []key.Binding{key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"))}
	}
	if m.offersRefresh(opt) {
		opt = append(opt, m.c.Keys.List.Refresh)
	}
	if !s.Captures(tea.KeyMsg{Type: tea.KeyTab}) {
		opt = append(opt, g.Next)
	}
	h := m.help
	h.Width = 0 // measured here, not cut with "…" by bubbles/help
	for {
		line := h.ShortHelpView(append(opt[:len(opt):len(opt)], fixed...))
		if lipgloss.Width(line) <= m.width || len(opt) == 0 {
			return common.Truncate(line, m.width)
		}
		opt = opt[:len(opt)-1]
	}
}

func oneLineErr(err error) string {
	for errors.Unwrap(err) != nil && err.Error() == "" {
		err = errors.Unwrap(err)
	}
	return common.OneLine(err.Error())
}

// Tabbed is a screen with a shorter name for the tab bar than its title.
type Tabbed interface{ Tab() string }

// tabs is the tab bar: every screen with its number, the active one
// highlighted, the review queue's with the texts waiting in it. Screens past
// the tenth have no digit: "tab" says how they are reached. When the
// terminal is narrow the brand goes, then the "tab" hint, then the names
// shorten (those without a digit first), the active one staying whole.
func (m *Model) tabs() string {
	st := m.c.Styles
	brand := st.Brand.Render("Texting Centre") + "  "
	if m.c.Operator != "" {
		// Over SSH several people use the desk: say whose it is.
		brand = st.Brand.Render("Texting Centre") + st.Subtle.Render(" · "+common.Clean(m.c.Operator)) + "  "
	}
	for level := 0; level < 6; level++ {
		var parts []string
		for i, s := range m.screens {
			name := s.Title()
			if t, ok := s.(Tabbed); ok && level > 0 {
				name = t.Tab()
			}
			badge := m.badge(s.Title())
			if i != m.active {
				switch {
				case level == 3 && i >= 10, level == 4: // the screens without a digit shorten first
					name = string([]rune(name)[:min(3, len([]rune(name)))])
				case level == 5:
					name = ""
				}
			}
			if badge != "" {
				name = strings.TrimSpace(name) + "·" + badge
			}
			switch {
			case i < 10:
				name = strings.TrimSpace(string("1234567890"[i]) + " " + name)
			case i != m.active && level < 2:
				name = "tab " + name
			}
			tab, active := st.Tab, st.ActiveTab
			if i == len(m.screens)-1 {
				// nothing follows the last: no space after it
				tab, active = tab.UnsetPaddingRight(), active.UnsetMarginRight()
			}
			if i == m.active {
				parts = append(parts, active.Render(name))
			} else {
				parts = append(parts, tab.Render(name))
			}
		}
		bar := strings.Join(parts, "")
		if level == 0 {
			bar = brand + bar
		}
		if lipgloss.Width(bar) <= m.width || level == 5 {
			return common.Truncate(bar, m.width)
		}
	}
	return ""
}
