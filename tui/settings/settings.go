// Package settings is the Settings screen: every configuration key with its
// value, where the value comes from and what it means; enter edits one, with
// the same validation as `texting config set`. Secrets show nothing of
// themselves.
package settings

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/tui/common"
)

// Title is the screen's name.
const Title = "Settings"

type loadedMsg struct {
	items []common.Setting
	err   error
}

type savedMsg struct {
	key, was, now string
	secret        bool
	err           error
}

// Model is the Settings screen.
type Model struct {
	common.Frame
	items   []common.Setting
	loaded  bool
	cursor  int
	top     int
	editing bool
	input   textinput.Model
	problem string // why the value typed was refused
}

// New returns the Settings screen.
func New(c *common.Common) *Model {
	in := common.NewInput()
	in.Prompt = ""
	in.CharLimit = 500
	m := &Model{Frame: common.NewFrame(c, Title, ""), input: in}
	m.OnResize(m.layout)
	return m
}

// layout fits the screen to its size (common.Frame.OnResize).
func (m *Model) layout() {
	m.input.Width = max(10, m.Width-30)
}

// Captures implements common.Screen: every key goes to the field while a
// value is typed.
func (m *Model) Captures(msg tea.KeyMsg) bool { return m.editing && msg.String() != "ctrl+c" }

func (m *Model) backend() (common.SettingsBackend, bool) {
	b, ok := m.Backend.(common.SettingsBackend)
	return b, ok
}

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd {
	be, ok := m.backend()
	if !ok {
		return nil
	}
	ctx := m.Context()
	return func() tea.Msg {
		items, err := be.Settings(ctx)
		return loadedMsg{items, err}
	}
}

var (
	keyEdit   = key.NewBinding(key.WithKeys("enter", "e"), key.WithHelp("enter", "change"))
	keyReset  = key.NewBinding(key.WithKeys("d", "delete"), key.WithHelp("d", "back to the default"))
	keySave   = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save"))
	keyCancel = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
)

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg:
		if msg.err != nil {
			return m, common.Err(fmt.Errorf("settings: %w", msg.err))
		}
		m.items, m.loaded = msg.items, true
		m.cursor = min(m.cursor, max(0, len(m.items)-1))
	case savedMsg:
		if msg.err != nil {
			m.problem = common.OneLine(msg.err.Error())
			return m, common.Err(msg.err)
		}
		m.editing, m.problem = false, ""
		m.input.Blur()
		return m, tea.Batch(m.Init(), common.Status(changed(msg)))
	case tea.KeyMsg:
		if m.editing {
			return m, m.editKey(msg)
		}
		return m, m.key(msg)
	}
	return m, nil
}

// changed says what a save did, as `texting config set` does.
func changed(s savedMsg) string {
	show := func(v string) string {
		switch {
		case v == "":
			return "the default"
		case s.secret:
			return "a new secret"
		}
		return v
	}
	if s.was == s.now {
		return fmt.Sprintf("✓ %s: unchanged", s.key)
	}
	if s.secret {
		if s.now == "" {
			return fmt.Sprintf("✓ %s removed", s.key)
		}
		return fmt.Sprintf("✓ %s changed", s.key)
	}
	return fmt.Sprintf("✓ %s: %s (was %s)", s.key, show(s.now), show(s.was))
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.Keys
	switch {
	case key.Matches(msg, k.List.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(msg, k.List.Down):
		m.cursor = min(max(0, len(m.items)-1), m.cursor+1)
	case key.Matches(msg, k.List.Home):
		m.cursor = 0
	case key.Matches(msg, k.List.Refresh):
		return m.Init()
	case key.Matches(msg, keyEdit):
		if m.cursor >= len(m.items) {
			return nil
		}
		if _, ok := m.backend(); !ok {
			return common.Status("settings cannot be changed here: use texting config set")
		}
		s := m.items[m.cursor]
		m.editing, m.problem = true, ""
		m.input.SetValue("")
		m.input.Placeholder = ""
		if s.Secret {
			m.input.Placeholder = "type the new secret (it is not shown)"
			m.input.EchoMode = textinput.EchoPassword
		} else {
			m.input.EchoMode = textinput.EchoNormal
			if s.Source == "settings" {
				m.input.SetValue(s.Value)
			}
			m.input.Placeholder = s.Default
		}
		m.input.CursorEnd()
		return m.input.Focus()
	case key.Matches(msg, keyReset):
		if m.cursor < len(m.items) {
			return m.save(m.items[m.cursor], "")
		}
	}
	return nil
}

func (m *Model) editKey(msg tea.KeyMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		m.editing, m.problem = false, ""
		m.input.Blur()
		return nil
	case "enter":
		s := m.items[m.cursor]
		v := strings.TrimSpace(m.input.Value())
		if s.Secret && v == "" {
			m.editing = false
			m.input.Blur()
			return common.Status(s.Key + ": unchanged (d removes it)")
		}
		return m.save(s, v)
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return cmd
}

func (m *Model) save(s common.Setting, value string) tea.Cmd {
	be, ok := m.backend()
	if !ok {
		return nil
	}
	ctx := m.Context()
	return func() tea.Msg {
		was, now, err := be.SetSetting(ctx, s.Key, value)
		return savedMsg{key: s.Key, was: was, now: now, secret: s.Secret, err: err}
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	if m.editing {
		return []key.Binding{keySave, keyCancel}
	}
	k := m.Keys
	return []key.Binding{keyEdit, keyReset, k.List.Up, k.List.Down, k.List.Refresh}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.Keys
	return [][]key.Binding{{keyEdit, keyReset, keySave, keyCancel}, {k.List.Up, k.List.Down, k.List.Home, k.List.Refresh}}
}

const (
	keyW    = 20
	valueW  = 26
	sourceW = 10
)

// View implements common.Screen.
func (m *Model) View() string {
	st := m.Styles
	var b strings.Builder
	b.WriteString(st.Title.Render("Settings") + st.Subtle.Render("  the same as texting config; the environment wins over what is set here") + "\n")
	if _, ok := m.backend(); !ok {
		return b.String() + st.Subtle.Render("Settings cannot be read here: use texting config list.")
	}
	if !m.loaded {
		return b.String() + st.Subtle.Render("loading…")
	}
	b.WriteString(st.Header.Render(common.Truncate(common.Cell("  Key", keyW+2)+common.Cell("Value", valueW)+common.Cell("From", sourceW)+"Meaning", m.Width)) + "\n")
	editH := 0
	if m.editing {
		editH = 4
	}
	room := max(1, m.Height-2-editH-1)
	if m.cursor < m.top {
		m.top = m.cursor
	}
	if m.cursor >= m.top+room {
		m.top = m.cursor - room + 1
	}
	end := min(len(m.items), m.top+room)
	rows := make([]string, 0, end-m.top)
	for _, s := range m.items[m.top:end] {
		value, from := common.Clean(s.Value), s.Source
		switch {
		case s.Secret && s.Value != "":
			value = "(set)"
		case value == "":
			value = "-"
		}
		if from == "" {
			from = "-"
		}
		rows = append(rows, common.Cell(s.Key, keyW)+common.Cell(value, valueW)+common.Cell(from, sourceW)+
			common.Truncate(common.Clean(s.Help), max(10, m.Width-keyW-valueW-sourceW-2)))
	}
	b.WriteString(common.Rows(st, rows, m.cursor-m.top, m.Width) + "\n")
	if m.editing && m.cursor < len(m.items) {
		s := m.items[m.cursor]
		b.WriteString("\n" + st.Label.Render(s.Key+" = ") + m.input.View() + "\n")
		hint := common.Clean(s.Help)
		if s.Default != "" {
			hint += " · default " + s.Default + " (empty: back to it)"
		}
		if s.Source == "env" {
			hint += " · note: " + s.Env + " in the environment overrides it"
		}
		b.WriteString(st.Subtle.Render(common.Truncate(hint, m.Width)) + "\n")
		if m.problem != "" {
			b.WriteString(st.Error.Render(common.Truncate("✗ "+m.problem, m.Width)) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
