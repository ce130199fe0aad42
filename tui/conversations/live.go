package conversations

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/store"
)

// Refresh implements common.Refresher: the page of numbers is read again,
// the cursor staying on its number, and with it the thread on show.
func (m *Model) Refresh() tea.Cmd {
	return m.load(m.list.Refresh(func(c store.Conversation) any { return c.Number }))
}
