// Package send is the "Send a text" screen: numbers, validated as they are
// typed, and a text with the same live counter as the templates editor. The
// text goes through the outbox like every other.
package send

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/phone"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/optouts"
)

// Title is the screen's name.
const Title = "Send"

type sentMsg struct {
	summary string
	err     error
}

// optOutsMsg answers the check made before sending: the numbers on the
// opt-out list.
type optOutsMsg struct {
	req     request
	optOuts []store.OptOut
	err     error
}

// request is one send the operator asked for.
type request struct {
	numbers   []string
	text, sim string
}

// Model is the send screen.
type Model struct {
	common.Frame
	form *common.Form
	to   *common.Field // the form's fields, by handle
	text *common.Field
	sim  *common.Field
	// numbers and problems are what To holds, checked when it changes
	// rather than on each frame.
	numbers, problems []string
	sending           bool
	blurred           bool // esc left the form: the global keys work until e or enter
	// asking holds a send to numbers on the opt-out list until the
	// operator says y (send anyway, recorded) or n.
	asking *optOutsMsg
	// optOuts is the opt-out list (ctrl+o), shown instead of the form
	// while it is open; nil when closed.
	optOuts common.Screen
	result  string
	failed  bool
}

// New returns the send screen.
func New(c *common.Common) *Model {
	m := &Model{Frame: common.NewFrame(c, Title, "")}
	m.reset()
	m.OnResize(m.layout)
	return m
}

func (m *Model) reset() {
	f := common.NewForm(m.Styles, m.Keys)
	m.to = f.Text("To", "")
	m.to.Hint = "numbers, comma-separated"
	m.text = f.Area("Text", "", 5, true)
	m.sim = f.Text("SIM", "")
	m.sim.Hint = "e.g. O2 3; empty: the person's last SIM, else the least used"
	f.SetWidth(m.Width)
	m.form = f
	m.numbers, m.problems = nil, nil
}

// update gives msg to the form and checks the numbers again.
func (m *Model) update(msg tea.Msg) tea.Cmd {
	cmd := m.form.Update(msg)
	m.numbers, m.problems = Numbers(m.to.Value(), m.Region)
	return cmd
}

// layout fits the screen to its size (common.Frame.OnResize).
func (m *Model) layout() {
	m.form.SetWidth(m.Width)
	if m.optOuts != nil {
		m.optOuts.SetSize(m.Width, m.Height)
	}
}

// Init focuses the first field.
func (m *Model) Init() tea.Cmd {
	m.blurred = false
	m.result, m.failed = "", false
	return m.form.Init()
}

// Captures implements common.Screen: while the form has focus, or the
// opt-out question waits, it takes every key (alt+digit still switches
// screens); esc leaves the form so that tab, digits and q are the global
// keys again.
func (m *Model) Captures(msg tea.KeyMsg) bool {
	if m.optOuts != nil {
		return m.optOuts.Captures(msg) || key.Matches(msg, m.Keys.Actions.OptOuts, m.Keys.Actions.Leave)
	}
	return (m.asking != nil || !m.blurred) && msg.String() != "ctrl+c"
}

// Numbers checks what was typed in To: the E.164 numbers, and a problem for
// each entry that is not a number.
func Numbers(s, region string) (numbers []string, problems []string) {
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := phone.Normalize(part, region)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		numbers = append(numbers, n)
	}
	return numbers, problems
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	if km, ok := msg.(tea.KeyMsg); ok && key.Matches(km, m.Keys.Actions.OptOuts) && m.asking == nil {
		if m.optOuts != nil {
			m.optOuts = nil
			return m, nil
		}
		m.optOuts = optouts.New(m.Common)
		m.optOuts.SetSize(m.Width, m.Height)
		return m, m.optOuts.Init()
	}
	if m.optOuts != nil {
		// The list is open: it takes the keys (esc closes it when it is not
		// in its own form or question) and its own messages.
		if km, ok := msg.(tea.KeyMsg); ok && key.Matches(km, m.Keys.Actions.Leave) && !m.optOuts.Captures(km) {
			m.optOuts = nil
			return m, nil
		}
		if _, ok := msg.(tea.KeyMsg); ok || !isSendMsg(msg) {
			var cmd tea.Cmd
			m.optOuts, cmd = m.optOuts.Update(msg)
			return m, cmd
		}
	}
	switch msg := msg.(type) {
	case optOutsMsg:
		switch {
		case msg.err != nil:
			m.sending = false
			m.result, m.failed = msg.err.Error(), true
		case len(msg.optOuts) > 0:
			m.sending, m.asking = false, &msg
		default:
			return m, m.dispatch(msg.req, false)
		}
		return m, nil
	case sentMsg:
		m.sending = false
		if msg.err != nil {
			m.result, m.failed = msg.err.Error(), true
			return m, nil
		}
		m.result, m.failed = msg.summary, false
		m.reset()
		return m, m.form.Init()
	case tea.KeyMsg:
		switch {
		case m.asking != nil:
			req := m.asking.req
			switch {
			case key.Matches(msg, m.Keys.Actions.Confirm):
				m.asking = nil
				return m, m.dispatch(req, true)
			case key.Matches(msg, m.Keys.Actions.Cancel):
				m.asking = nil
				m.result, m.failed = "not sent", true
			}
			return m, nil
		case m.blurred:
			if key.Matches(msg, m.Keys.Actions.Write) {
				return m, m.Init()
			}
			return m, nil
		case key.Matches(msg, m.Keys.Actions.Leave):
			m.blurred = true
			return m, nil
		case key.Matches(msg, m.Keys.Actions.Send):
			return m, m.send()
		}
		m.result = ""
		return m, m.update(msg)
	default:
		return m, m.update(msg)
	}
}

func (m *Model) send() tea.Cmd {
	if m.sending {
		return nil
	}
	numbers, problems := m.numbers, m.problems
	text := m.text.Trimmed()
	switch {
	case len(problems) > 0:
		m.result, m.failed = "fix the numbers first", true
		return nil
	case len(numbers) == 0:
		m.result, m.failed = "no number to send to", true
		return nil
	case text == "":
		m.result, m.failed = "the text is empty", true
		return nil
	}
	m.sending = true
	req := request{numbers: numbers, text: text, sim: m.sim.Trimmed()}
	be, ctx := m.Backend, m.Context()
	// A number on the opt-out list is asked about first, with when and
	// why it opted out; the backend refuses it unless the operator says y.
	return func() tea.Msg {
		list, err := be.OptOutsOf(ctx, req.numbers)
		return optOutsMsg{req: req, optOuts: list, err: err}
	}
}

// isSendMsg reports whether msg answers the screen's own send, which goes
// on while the opt-out list is open.
func isSendMsg(msg tea.Msg) bool {
	switch msg.(type) {
	case sentMsg, optOutsMsg:
		return true
	}
	return false
}

// dispatch sends req; force sends to the numbers on the opt-out list too.
func (m *Model) dispatch(req request, force bool) tea.Cmd {
	m.sending = true
	be, ctx := m.Backend, m.Context()
	return func() tea.Msg {
		s, err := be.Send(ctx, req.numbers, req.text, req.sim, force)
		return sentMsg{s, err}
	}
}

// describe says when and why a number opted out: `since 2 Nov 2026 14:03
// ("STOP")`.
func (m *Model) describe(o store.OptOut) string {
	s := "since " + o.At.In(m.Loc).Format("2 Jan 2006 15:04")
	switch {
	case o.Text != "":
		s += fmt.Sprintf(" (%q)", common.OneLine(o.Text))
	case o.Note != "":
		s += " (added by hand: " + common.OneLine(o.Note) + ")"
	default:
		s += " (added by hand)"
	}
	return s
}

// ShortHelp implements help.KeyMap: the form's keys while it is being
// edited, the way back into it once esc left it.
func (m *Model) ShortHelp() []key.Binding {
	k := m.Keys
	switch {
	case m.optOuts != nil:
		return append(m.optOuts.ShortHelp(), k.Actions.OptOuts)
	case m.asking != nil:
		return []key.Binding{k.Actions.Confirm, k.Actions.Cancel}
	case m.blurred:
		return []key.Binding{k.Actions.Write}
	}
	return []key.Binding{k.Actions.Send, k.Actions.NextField, k.Actions.Leave, k.Actions.GSMTwins}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.Keys
	jump := key.NewBinding(key.WithKeys("alt+1"), key.WithHelp("alt+1-0", "other screens (digits are typed here)"))
	switch {
	case m.optOuts != nil:
		return append(m.optOuts.FullHelp(), []key.Binding{k.Actions.OptOuts})
	case m.blurred:
		return [][]key.Binding{{k.Actions.Write, k.Actions.OptOuts}}
	}
	return [][]key.Binding{{k.Actions.Send, k.Actions.NextField, k.Actions.PrevField, k.Actions.Leave, k.Actions.GSMTwins, jump},
		{k.Actions.OptOuts}}
}

// View implements common.Screen.
func (m *Model) View() string {
	if m.optOuts != nil {
		return m.optOuts.View()
	}
	st := m.Styles
	var b strings.Builder
	hint := "  it goes through the outbox; ctrl+s sends · esc leaves the form"
	if m.blurred {
		hint = "  e or enter to write"
	}
	b.WriteString(common.Truncate(st.Title.Render("Send a text")+st.Subtle.Render(hint), m.Width) + "\n\n")
	b.WriteString(m.form.View() + "\n\n")
	numbers, problems := m.numbers, m.problems
	if len(numbers) > 0 {
		b.WriteString(st.Good.Render(fmt.Sprintf("✓ %d number(s): %s", len(numbers), common.Clean(strings.Join(numbers, ", ")))) + "\n")
	}
	for _, p := range problems {
		b.WriteString(st.Bad.Render("✗ "+common.OneLine(p)) + "\n")
	}
	switch {
	case m.asking != nil:
		for _, o := range m.asking.optOuts {
			b.WriteString(st.Warn.Render("⚠ "+o.Number+" is on the opt-out list "+m.describe(o)) + "\n")
		}
		b.WriteString(st.Warn.Render("Send anyway? It is recorded. y/n"))
	case m.sending:
		b.WriteString(st.Subtle.Render("sending…"))
	case m.result != "" && m.failed:
		b.WriteString(st.Error.Render("✗ " + common.OneLine(m.result)))
	case m.result != "":
		b.WriteString(st.Good.Render("✓ " + common.OneLine(m.result)))
	}
	return b.String()
}
