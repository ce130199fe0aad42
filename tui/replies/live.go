package replies

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/store"
)

// groupKey names a group of the queue however many texts join it: its
// normalised text (the newest text's id when it has none), as the store
// groups them.
func groupKey(g store.ReviewGroup) any {
	if g.Latest.Norm == "" {
		return g.Latest.ID
	}
	return g.Latest.Norm
}

// Refresh implements common.Refresher: the categories and the page on show
// are read again, the cursor staying on its group.
func (m *Model) Refresh() tea.Cmd {
	return tea.Batch(m.loadCategories(), m.load(m.list.Refresh(groupKey)))
}
