package replies

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/tui/common"
)

// The picker reaches every category from the keyboard, however many there
// are: `c` opens it beside the list; 1–9 and then a, b, c … (the letters
// after 9) pick at once, ↑/↓ and enter pick the one under the cursor, esc
// closes it.

// keyPicker opens the picker.
var keyPicker = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "all categories"))

// pickerKey is the key of the i-th category (0-based): 1–9, then a–z.
func pickerKey(i int) string {
	switch {
	case i < 9:
		return string(rune('1' + i))
	case i < 9+26:
		return string(rune('a' + i - 9))
	}
	return ""
}

// pickerIndex is the category a key picks, -1 for none.
func pickerIndex(k string) int {
	if len(k) != 1 {
		return -1
	}
	switch c := k[0]; {
	case c >= '1' && c <= '9':
		return int(c - '1')
	case c >= 'a' && c <= 'z':
		return 9 + int(c-'a')
	}
	return -1
}

// picker is the open category picker.
type picker struct {
	cursor int
}

// pickerKeyMsg handles a key while the picker is open.
func (m *Model) pickerKeyMsg(msg tea.KeyMsg) tea.Cmd {
	k := m.Keys
	switch {
	case msg.String() == "esc":
		m.picking = nil
		return nil
	case key.Matches(msg, k.List.Up) && msg.String() != "k":
		m.picking.cursor = max(0, m.picking.cursor-1)
		return nil
	case key.Matches(msg, k.List.Down) && msg.String() != "j":
		m.picking.cursor = min(len(m.cats)-1, m.picking.cursor+1)
		return nil
	case msg.String() == "enter":
		if m.picking.cursor < len(m.cats) {
			name := m.cats[m.picking.cursor].Name
			m.picking = nil
			return m.tag(name)
		}
		return nil
	}
	i := pickerIndex(msg.String())
	if i < 0 || i >= len(m.cats) {
		return common.Status(fmt.Sprintf("no category on %q: esc closes the list", msg.String()))
	}
	name := m.cats[i].Name
	m.picking = nil
	return m.tag(name)
}

// pickerView lists every category with its key, in the side panel's place.
func (m *Model) pickerView(w, h int) string {
	st := m.Styles
	var b strings.Builder
	b.WriteString(st.Title.Render("Categorise as") + st.Subtle.Render("  key, or ↑/↓ enter · esc") + "\n")
	top := 0
	room := max(1, h-1)
	if m.picking.cursor >= room {
		top = m.picking.cursor - room + 1
	}
	for i := top; i < len(m.cats) && i < top+room; i++ {
		c := m.cats[i]
		marker := "  "
		if i == m.picking.cursor {
			marker = st.Cursor
		}
		line := marker + st.Key.Render("["+pickerKey(i)+"]") + " " + common.Truncate(common.Clean(c.Name), max(4, w-8))
		if i == m.picking.cursor {
			line = st.Selected.Render(line)
		}
		b.WriteString(line + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
