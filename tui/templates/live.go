package templates

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/store"
)

func templateKey(t store.Template) any { return t.ID }

// Refresh implements common.Refresher: the templates are read again, the
// cursor staying on its template. An open form is left as it is.
func (m *Model) Refresh() tea.Cmd {
	db, ctx := m.c.DB, m.c.Context()
	keep := m.list.KeepSelected(templateKey)
	return func() tea.Msg {
		rows, err := db.Templates(ctx)
		return loadedMsg{rows: rows, err: err, keep: keep}
	}
}
