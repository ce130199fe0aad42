package common

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/texting-centre/texting/modem/pdu"
	"github.com/texting-centre/texting/tui/keys"
	"github.com/texting-centre/texting/tui/styles"
)

// FieldKind is the kind of a form field.
type FieldKind int

// Kinds of form field.
const (
	TextField   FieldKind = iota // one line
	SecretField                  // one line, shown masked
	AreaField                    // several lines (bubbles/textarea)
	ToggleField                  // yes / no, space toggles
	ChoiceField                  // one of Options, ←/→ or space cycles
)

// Field is one field of a Form.
type Field struct {
	Label   string
	Kind    FieldKind
	Options []string // ChoiceField
	Counter bool     // AreaField: show the SMS counter under it
	Hint    string   // shown after the field

	input  textinput.Model
	area   textarea.Model
	on     bool
	choice int
}

// Form is a column of labelled fields with one in focus; tab and shift+tab
// move between them.
type Form struct {
	Fields []*Field
	Focus  int
	st     *styles.Styles
	k      keys.Actions
	width  int
}

// NewForm returns an empty form.
func NewForm(st *styles.Styles, k *keys.KeyMap) *Form { return &Form{st: st, k: k.Actions, width: 60} }

// NewInput returns a text input with a steady cursor: a blinking one would
// redraw the screen twice a second for nothing.
func NewInput() textinput.Model {
	ti := textinput.New()
	ti.Cursor.SetMode(cursor.CursorStatic)
	return ti
}

// Text adds a one-line field.
func (f *Form) Text(label, value string) *Field {
	ti := NewInput()
	ti.Prompt = ""
	ti.SetValue(value)
	ti.CharLimit = 500
	fl := &Field{Label: label, Kind: TextField, input: ti}
	return f.add(fl)
}

// Secret adds a masked one-line field (a password).
func (f *Form) Secret(label, value string) *Field {
	fl := f.Text(label, value)
	fl.Kind = SecretField
	fl.input.EchoMode = textinput.EchoPassword
	fl.input.EchoCharacter = '•'
	return fl
}

// Area adds a multi-line field, height lines tall.
func (f *Form) Area(label, value string, height int, counter bool) *Field {
	ta := textarea.New()
	ta.Cursor.SetMode(cursor.CursorStatic)
	ta.ShowLineNumbers = false
	ta.Prompt = ""
	ta.CharLimit = 2000
	ta.SetHeight(height)
	ta.SetValue(value)
	ta.FocusedStyle.CursorLine = f.st.Renderer.NewStyle()
	ta.KeyMap.InsertNewline.SetKeys("enter", "ctrl+j")
	fl := &Field{Label: label, Kind: AreaField, area: ta, Counter: counter}
	return f.add(fl)
}

// Toggle adds a yes/no field.
func (f *Form) Toggle(label string, on bool) *Field {
	return f.add(&Field{Label: label, Kind: ToggleField, on: on})
}

// Choice adds a field that is one of options.
func (f *Form) Choice(label string, options []string, value string) *Field {
	fl := &Field{Label: label, Kind: ChoiceField, Options: options}
	for i, o := range options {
		if o == value {
			fl.choice = i
		}
	}
	return f.add(fl)
}

func (f *Form) add(fl *Field) *Field {
	f.Fields = append(f.Fields, fl)
	f.SetWidth(f.width)
	return fl
}

// SetWidth sets the width the fields are drawn in.
func (f *Form) SetWidth(w int) {
	f.width = w
	for _, fl := range f.Fields {
		switch fl.Kind {
		case AreaField:
			fl.area.SetWidth(max(10, w-2))
		case TextField, SecretField:
			iw, _ := f.inputWidth(fl)
			fl.input.Width = iw
		}
	}
}

// minInput is the narrowest a one-line field is drawn beside its hint;
// narrower than that the hint goes on a line of its own below the field.
const minInput = 24

// inputWidth is the width of a one-line field's input, and whether its hint
// fits beside it (else it is drawn below).
func (f *Form) inputWidth(fl *Field) (w int, beside bool) {
	// the cursor mark (2), the label and a space, the input and its
	// cursor cell (1)
	full := f.width - 2 - f.labelWidth() - 1 - 1
	if fl.Hint == "" {
		return max(10, full), true
	}
	if iw := full - 2 - lipgloss.Width(fl.Hint); iw >= minInput {
		return iw, true
	}
	return max(10, full), false
}

func (f *Form) labelWidth() int {
	n := 0
	for _, fl := range f.Fields {
		if fl.Kind != AreaField {
			n = max(n, len(fl.Label))
		}
	}
	return n + 1
}

// Init focuses the first field.
func (f *Form) Init() tea.Cmd { return f.focus(0) }

func (f *Form) focus(i int) tea.Cmd {
	if len(f.Fields) == 0 {
		return nil
	}
	for _, fl := range f.Fields {
		fl.input.Blur()
		fl.area.Blur()
	}
	f.Focus = (i + len(f.Fields)) % len(f.Fields)
	fl := f.Fields[f.Focus]
	switch fl.Kind {
	case TextField, SecretField:
		return fl.input.Focus()
	case AreaField:
		return fl.area.Focus()
	}
	return nil
}

// Focused returns the field in focus.
func (f *Form) Focused() *Field {
	if len(f.Fields) == 0 {
		return nil
	}
	return f.Fields[f.Focus]
}

// Update takes a key or a message for the focused field.
func (f *Form) Update(msg tea.Msg) tea.Cmd {
	fl := f.Focused()
	if fl == nil {
		return nil
	}
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case k.String() == "tab" || k.String() == "shift+tab":
			if k.String() == "tab" {
				return f.focus(f.Focus + 1)
			}
			return f.focus(f.Focus - 1)
		case fl.Kind != AreaField && key.Matches(k, f.k.NextField):
			return f.focus(f.Focus + 1)
		case fl.Kind != AreaField && key.Matches(k, f.k.PrevField):
			return f.focus(f.Focus - 1)
		case fl.Kind == AreaField && key.Matches(k, f.k.GSMTwins):
			fl.area.SetValue(GSMTwins(fl.area.Value()))
			return nil
		}
		switch fl.Kind {
		case ToggleField:
			if s := k.String(); s == " " || s == "enter" || s == "y" || s == "n" {
				fl.on = s == "y" || (s != "n" && !fl.on)
			}
			return nil
		case ChoiceField:
			switch k.String() {
			case " ", "right", "l", "enter":
				fl.choice = (fl.choice + 1) % len(fl.Options)
			case "left", "h":
				fl.choice = (fl.choice + len(fl.Options) - 1) % len(fl.Options)
			}
			return nil
		}
	}
	var cmd tea.Cmd
	switch fl.Kind {
	case TextField, SecretField:
		fl.input, cmd = fl.input.Update(msg)
	case AreaField:
		fl.area, cmd = fl.area.Update(msg)
	}
	return cmd
}

// Value returns a text or area field's text, a toggle's "yes"/"no", a
// choice's option.
func (fl *Field) Value() string {
	switch fl.Kind {
	case AreaField:
		return fl.area.Value()
	case ToggleField:
		if fl.on {
			return "yes"
		}
		return "no"
	case ChoiceField:
		return fl.Options[fl.choice]
	}
	return fl.input.Value()
}

// Trimmed is Value without the spaces around it: what a save reads.
func (fl *Field) Trimmed() string { return strings.TrimSpace(fl.Value()) }

// HasArea reports whether the form has a multi-line field (where ctrl+g
// applies).
func (f *Form) HasArea() bool {
	for _, fl := range f.Fields {
		if fl.Kind == AreaField {
			return true
		}
	}
	return false
}

// On reports whether a toggle is on.
func (fl *Field) On() bool { return fl.on }

// SetValue replaces a text or area field's text.
func (fl *Field) SetValue(s string) {
	switch fl.Kind {
	case AreaField:
		fl.area.SetValue(s)
	case TextField, SecretField:
		fl.input.SetValue(s)
	}
}

// View draws the form.
func (f *Form) View() string {
	st := f.st
	lw := f.labelWidth()
	var b strings.Builder
	for i, fl := range f.Fields {
		focused := i == f.Focus
		label := fl.Label
		mark := "  "
		if focused {
			mark = st.Cursor
			label = st.Accent.Render(label)
		} else {
			label = st.Label.Render(label)
		}
		switch fl.Kind {
		case AreaField:
			b.WriteString(mark + label + "\n")
			b.WriteString(fl.area.View() + "\n")
			if fl.Counter {
				b.WriteString(Wrap(CountLine(st, pdu.Counting(fl.area.Value())), f.width) + "\n")
			}
		default:
			var v string
			switch fl.Kind {
			case ToggleField:
				v = "[ ] no"
				if fl.on {
					v = "[x] yes"
				}
			case ChoiceField:
				v = "‹ " + fl.Options[fl.choice] + " ›"
			default:
				v = fl.input.View()
			}
			b.WriteString(mark + Pad(label, lw) + " " + v)
			if fl.Hint != "" {
				_, beside := f.inputWidth(fl)
				if fl.Kind == ToggleField || fl.Kind == ChoiceField || beside {
					b.WriteString("  " + st.Subtle.Render(fl.Hint))
				} else {
					indent := strings.Repeat(" ", 2+lw+1)
					b.WriteString("\n" + indent + st.Subtle.Render(Truncate(fl.Hint, max(1, f.width-len(indent)))))
				}
			}
			b.WriteString("\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
