package replies

import (
	"errors"
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/common"
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

// tagFailed says why a tag did not take: a group someone else tagged first
// (or a rule sorted meanwhile) is named with who and when — "already
// tagged: Thanks by sam 3 s ago" — on the status line, not as a failure.
func (m *Model) tagFailed(err error) tea.Cmd {
	var at *store.AlreadyTaggedError
	if !errors.As(err, &at) {
		return common.Err(err)
	}
	who := at.TaggedBy
	if who == "" {
		who = "the " + string(at.By)
	}
	line := fmt.Sprintf("already tagged: %s by %s", at.Category, who)
	if !at.At.IsZero() {
		line += " " + ago(m.Now().Sub(at.At)) + " ago"
	}
	return common.Status(common.OneLine(line))
}

// ago is a short, rounded age: 3 s, 4 min, 2 h, 5 d.
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", max(0, int(d.Seconds())))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(d.Hours()))
	}
	return fmt.Sprintf("%d d", int(d.Hours()/24))
}
