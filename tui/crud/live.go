package crud

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/tui/common"
)

// rowKey names a row for keeping the cursor on it across a refresh.
func (m *Model[T]) rowKey(row T) any { return m.spec.Name(row) }

// Refresh implements common.Refresher: the rows are read again, the cursor
// staying on its row. An open form or question is left as it is.
func (m *Model[T]) Refresh() tea.Cmd {
	db, ctx, load := m.DB, m.Context(), m.spec.Load
	keep := m.list.KeepSelected(m.rowKey)
	return func() tea.Msg {
		rows, err := load(ctx, db)
		return loadedMsg[T]{rows: rows, err: err, keep: keep}
	}
}

var _ common.Refresher = (*Model[int])(nil)
