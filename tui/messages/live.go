package messages

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/store"
)

// Refresh implements common.Refresher: the page is read again, the cursor
// staying on its text.
func (m *Model) Refresh() tea.Cmd {
	return m.load(m.list.Refresh(func(r store.Message) any { return r.ID }))
}
