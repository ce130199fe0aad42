package stats

import (
	tea "github.com/charmbracelet/bubbletea"
)

// Refresh implements common.Refresher: the figures are read again, unless
// a read is under way already (on a big database while a campaign runs, the
// changes come faster than the sums).
func (m *Model) Refresh() tea.Cmd {
	if m.loading {
		return nil
	}
	return m.Init()
}
