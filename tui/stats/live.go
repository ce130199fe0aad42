package stats

import (
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// liveState paces the refreshes: the sums take a while on a big database
// (about 0.6 s on a million texts), and while a campaign runs the changes
// come faster than that.
type liveState struct {
	took atomic.Int64 // nanoseconds the last refresh's read took
	done atomic.Int64 // when it ended, Unix nanoseconds
}

// Refresh implements common.Refresher: the figures are read again. A read
// under way already is not doubled, and a refresh waits until as long as
// the last read took has passed since it ended, so that the screen spends
// at most about half its time summing while the database keeps changing.
func (m *Model) Refresh() tea.Cmd {
	if m.loading {
		return nil
	}
	live, ctx := m.live, m.Context()
	wait := time.Duration(live.took.Load()) - time.Since(time.Unix(0, live.done.Load()))
	load := m.Init()
	return func() tea.Msg {
		if wait > 0 {
			t := time.NewTimer(wait)
			defer t.Stop()
			select {
			case <-t.C:
			case <-ctx.Done():
				return nil
			}
		}
		start := time.Now()
		msg := load()
		live.took.Store(int64(time.Since(start)))
		live.done.Store(time.Now().UnixNano())
		return msg
	}
}
