package modems

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/tui/common"
)

// Refresh implements common.Refresher: the SIMs' figures (sent today,
// health) are read again from the database; the dongles are not probed
// again — that opens their ports, which a campaign run may hold — so their
// live state stays as last read (r probes them).
func (m *Model) Refresh() tea.Cmd {
	if m.loading {
		return nil // the board is being read already
	}
	modems := make([]common.ModemStatus, len(m.rows))
	for i, r := range m.rows {
		modems[i] = r.Modem
	}
	db, ctx, now, loc := m.DB, m.Context(), m.Now(), m.Loc
	return func() tea.Msg {
		b := boardMsg{modems: modems}
		if b.sims, b.err = db.SIMs(ctx); b.err != nil {
			return b
		}
		if b.today, b.err = db.SentToday(ctx, loc); b.err != nil {
			return b
		}
		b.health, b.err = db.SIMsHealth(ctx, now.Add(-24*time.Hour))
		return b
	}
}
