package tui

import (
	"strconv"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/tui/common"
)

// PollEvery is how often the root asks whether the database changed. The
// question is one PRAGMA on a connection of its own, so an idle desk costs
// next to nothing; a change shows within about this long plus one page read.
const PollEvery = 500 * time.Millisecond

// Messages of the root's live view.
type (
	// polledMsg answers one look at the database's change counter.
	polledMsg struct {
		changed bool
		err     error
	}
	// waitingMsg is how many texts wait in the review queue.
	waitingMsg struct {
		texts int
		err   error
	}
)

// poll looks at the change counter after PollEvery, in a command's own
// goroutine: a keystroke never waits for it.
func (m *Model) poll() tea.Cmd {
	w, ctx := m.c.Watch, m.c.Context()
	if w == nil {
		return nil
	}
	return func() tea.Msg {
		// Not tea.Tick: the wait ends with the program's context, so that
		// an SSH session that closed leaves no timer behind.
		t := time.NewTimer(PollEvery)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return nil
		}
		changed, err := w.Changed(ctx)
		return polledMsg{changed, err}
	}
}

// loadWaiting counts the texts waiting for review, for the tab bar.
func (m *Model) loadWaiting() tea.Cmd {
	db, ctx := m.c.DB, m.c.Context()
	if db == nil {
		return nil
	}
	return func() tea.Msg {
		_, texts, err := db.ReviewCount(ctx, "")
		return waitingMsg{texts, err}
	}
}

// polled takes a look's answer: on a change the screen on show reads its
// page again and the tab bar its count; then the next look is scheduled.
// A failed look is reported once and looking goes on (the file may be busy
// being restored).
func (m *Model) polled(msg polledMsg) tea.Cmd {
	cmds := []tea.Cmd{m.poll()}
	switch {
	case msg.err != nil:
		if !m.pollFailed {
			m.pollFailed = true
			cmds = append(cmds, common.Err(msg.err))
		}
	case msg.changed:
		m.pollFailed = false
		cmds = append(cmds, m.refresh())
	default:
		m.pollFailed = false
	}
	return tea.Batch(cmds...)
}

// refresh reads again what the screen on show displays and the count of
// texts waiting for review.
func (m *Model) refresh() tea.Cmd {
	cmds := []tea.Cmd{m.loadWaiting()}
	if r, ok := m.screens[m.active].(common.Refresher); ok {
		cmds = append(cmds, r.Refresh())
	}
	return tea.Batch(cmds...)
}

// refreshKey is ctrl+r on a screen that can refresh (and does not take the
// key itself).
func (m *Model) refreshKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	s := m.screens[m.active]
	if _, ok := s.(common.Refresher); !ok || s.Captures(msg) || !key.Matches(msg, m.c.Keys.List.Refresh) {
		return nil, false
	}
	return m.refresh(), true
}

// badge is what the tab of the screen titled title shows beside its name:
// the texts waiting for review on the Replies tab.
func (m *Model) badge(title string) string {
	if title != m.waitingTab || m.waiting == 0 {
		return ""
	}
	return strconv.Itoa(m.waiting)
}

// offersRefresh reports whether the footer should offer ctrl+r: the screen
// can refresh, does not take the key itself and does not list it already.
func (m *Model) offersRefresh(listed []key.Binding) bool {
	s := m.screens[m.active]
	if _, ok := s.(common.Refresher); !ok || s.Captures(tea.KeyMsg{Type: tea.KeyCtrlR}) {
		return false
	}
	for _, b := range listed {
		if b.Help().Key == m.c.Keys.List.Refresh.Help().Key {
			return false
		}
	}
	return true
}

// ringFor is how long frames carry the bell: a few of the renderer's
// flushes (60 a second).
const ringFor = 100 * time.Millisecond

// ringNew takes a new count of texts waiting for review: with the bell on,
// more than before (not the first count) rings it on the next frame.
func (m *Model) ringNew(texts int) {
	if m.c.Bell && m.counted && texts > m.waiting {
		m.ringUntil = time.Now().Add(ringFor)
	}
	m.waiting, m.counted = texts, true
}
