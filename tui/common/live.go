package common

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"
)

// Watcher tells whether the database changed since it was last asked, by
// any process or connection (store.Watcher).
type Watcher interface {
	Changed(ctx context.Context) (bool, error)
}

// Refresher is a screen that can read again what it shows — the visible
// page only — keeping the cursor on the same item, the filter and the
// scroll. The root calls it when the database changed and on ctrl+r.
type Refresher interface {
	Refresh() tea.Cmd
}

// Refresh asks for the current page again with the cursor staying on the
// row it is on when the page comes — by key(row), wherever that row moved on
// the page (a new text came in above it, one above it was tagged
// elsewhere). When that row left the page, the cursor keeps its place.
func (l *List[T]) Refresh(key func(T) any) PageRequest {
	req := l.Reload()
	req.keep = func(old any, cursor int, rows any) int {
		was, _ := old.([]T)
		now, _ := rows.([]T)
		if cursor < 0 || cursor >= len(was) {
			return cursor
		}
		want := key(was[cursor])
		for i, r := range now {
			if key(r) == want {
				return i
			}
		}
		return cursor
	}
	return req
}

// Keep says which row a refreshed list of every row (the administration
// screens hold them all) keeps the cursor on.
type Keep struct {
	Key any  // the selected row's key
	Set bool // a row was selected
}

// KeepSelected is the Keep for the row under the cursor.
func (l *List[T]) KeepSelected(key func(T) any) Keep {
	if sel, ok := l.Selected(); ok {
		return Keep{Key: key(sel), Set: true}
	}
	return Keep{}
}

// Follow puts the cursor of a list cut from all on the row k names, when it
// is still there; the caller then cuts the page the cursor is on.
func (l *List[T]) Follow(all []T, key func(T) any, k Keep) {
	if !k.Set {
		return
	}
	for i, r := range all {
		if key(r) == k.Key {
			l.Offset, l.Cursor = 0, i
			return
		}
	}
}
