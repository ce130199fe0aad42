package common

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/tui/keys"
	"github.com/texting-centre/texting/tui/styles"
)

// PageRequest asks a screen to read one page of its list from the store.
type PageRequest struct {
	Offset int    // first row of the page in the whole list
	Limit  int    // rows to read: the page size plus one, to learn whether more follow
	Filter string // the list's filter text
	Seq    int    // answers to older requests are dropped
	Cursor int    // where the cursor goes on the new page; -1 for its last row
	// keep, on a refresh (List.Refresh), is where the cursor goes on the
	// new rows: onto the row it is on when the answer comes.
	keep func(old any, cursor int, rows any) int
}

// List is one page of a list read from the store, and the cursor on it. The
// page is as tall as the screen, so a list never holds more than it shows.
type List[T any] struct {
	Rows     []T
	Offset   int // index of Rows[0] in the whole list
	Cursor   int // index into Rows
	PageSize int
	More     bool // rows follow this page
	Loading  bool
	Filter   string
	seq      int
}

// SetPageSize sets the rows per page (at least 1).
func (l *List[T]) SetPageSize(n int) {
	if n < 1 {
		n = 1
	}
	l.PageSize = n
}

// Request starts a load of the page at offset, with the cursor going to cursor.
func (l *List[T]) Request(offset, cursor int) PageRequest {
	if offset < 0 {
		offset = 0
	}
	if l.PageSize < 1 {
		l.PageSize = 1
	}
	l.seq++
	l.Loading = true
	return PageRequest{Offset: offset, Limit: l.PageSize + 1, Filter: l.Filter, Seq: l.seq, Cursor: cursor}
}

// Reload asks for the current page again, keeping the cursor.
func (l *List[T]) Reload() PageRequest { return l.Request(l.Offset, l.Cursor) }

// Loaded takes the answer to req; it reports false (and changes nothing) when
// a newer request was made since.
func (l *List[T]) Loaded(req PageRequest, rows []T) bool {
	if req.Seq != l.seq {
		return false
	}
	l.Loading = false
	l.More = len(rows) > l.PageSize
	if l.More {
		rows = rows[:l.PageSize]
	}
	if len(rows) == 0 && req.Offset > 0 {
		// The page emptied (texts were categorised elsewhere): show the
		// previous one rather than nothing.
		l.Offset = max(0, req.Offset-l.PageSize)
		l.Rows = nil
		return true
	}
	cursor := req.Cursor
	if req.keep != nil {
		cursor = req.keep(l.Rows, l.Cursor, rows)
	}
	l.Rows, l.Offset = rows, req.Offset
	l.Cursor = cursor
	if l.Cursor < 0 || l.Cursor >= len(rows) {
		l.Cursor = max(0, min(len(rows)-1, l.Cursor))
		if req.Cursor < 0 {
			l.Cursor = max(0, len(rows)-1)
		}
	}
	return true
}

// Selected returns the row under the cursor.
func (l *List[T]) Selected() (T, bool) {
	var zero T
	if l.Cursor < 0 || l.Cursor >= len(l.Rows) {
		return zero, false
	}
	return l.Rows[l.Cursor], true
}

// Move moves the cursor by delta rows; crossing the page's edge asks for the
// next or previous page.
func (l *List[T]) Move(delta int) (PageRequest, bool) {
	c := l.Cursor + delta
	switch {
	case c >= len(l.Rows):
		if l.More {
			return l.Request(l.Offset+l.PageSize, 0), true
		}
		l.Cursor = max(0, len(l.Rows)-1)
	case c < 0:
		if l.Offset > 0 {
			return l.Request(l.Offset-l.PageSize, -1), true
		}
		l.Cursor = 0
	default:
		l.Cursor = c
	}
	return PageRequest{}, false
}

// HandleKey applies the list bindings; load is set when a page must be read.
func (l *List[T]) HandleKey(k keys.List, msg tea.KeyMsg) (req PageRequest, load, handled bool) {
	switch {
	case key.Matches(msg, k.Up):
		req, load = l.Move(-1)
	case key.Matches(msg, k.Down):
		req, load = l.Move(1)
	case key.Matches(msg, k.PageDown):
		if l.More {
			req, load = l.Request(l.Offset+l.PageSize, 0), true
		} else {
			l.Cursor = max(0, len(l.Rows)-1)
		}
	case key.Matches(msg, k.PageUp):
		if l.Offset > 0 {
			req, load = l.Request(l.Offset-l.PageSize, 0), true
		} else {
			l.Cursor = 0
		}
	case key.Matches(msg, k.Home):
		req, load = l.Request(0, 0), true
	case key.Matches(msg, k.Refresh):
		req, load = l.Reload(), true
	default:
		return req, false, false
	}
	return req, load, true
}

// Position describes where the page is: "21–40, more below" while rows
// follow, "41–45 of 45" on the last page.
func (l *List[T]) Position() string {
	if len(l.Rows) == 0 {
		return "0"
	}
	if len(l.Rows) == 1 && l.Offset == 0 && !l.More {
		return "1 of 1"
	}
	s := itoa(l.Offset+1) + "–" + itoa(l.Offset+len(l.Rows))
	if l.More {
		s += ", more below"
	} else {
		s += " of " + itoa(l.Offset+len(l.Rows))
	}
	return s
}

// Filter is the "/" text field of a list.
type Filter struct {
	Input  textinput.Model
	Active bool
}

// NewFilter returns an inactive filter field.
func NewFilter(st *styles.Styles) Filter {
	ti := NewInput()
	ti.Prompt = "/"
	ti.Placeholder = "filter"
	ti.PromptStyle = st.Key
	ti.CharLimit = 80
	return Filter{Input: ti}
}

// Start focuses the field.
func (f *Filter) Start() tea.Cmd {
	f.Active = true
	return f.Input.Focus()
}

// Update takes a key while the field is active. It reports whether the
// filter text changed, and leaves the field on enter (keeping the text) or
// esc (clearing it).
func (f *Filter) Update(msg tea.Msg) (changed bool, cmd tea.Cmd) {
	before := f.Input.Value()
	if k, ok := msg.(tea.KeyMsg); ok {
		switch k.String() {
		case "enter":
			f.Active = false
			f.Input.Blur()
			return false, nil
		case "esc":
			f.Active = false
			f.Input.Blur()
			f.Input.SetValue("")
			return before != "", nil
		}
	}
	f.Input, cmd = f.Input.Update(msg)
	return f.Input.Value() != before, cmd
}

// Value is the filter text, trimmed.
func (f *Filter) Value() string { return strings.TrimSpace(f.Input.Value()) }

// View is the field, or the applied filter, or "".
func (f *Filter) View(st *styles.Styles) string {
	if f.Active {
		return f.Input.View()
	}
	if v := f.Value(); v != "" {
		return st.Subtle.Render("filter: ") + v + st.Subtle.Render("  (/ to change, esc clears)")
	}
	return ""
}

// Filtered is a paged list with its "/" filter field: the list screens
// (replies, conversations, inbox, outbox) share its keys.
type Filtered[T any] struct {
	List[T]
	Field Filter
}

// NewFiltered returns an empty list with an inactive filter field.
func NewFiltered[T any](st *styles.Styles) Filtered[T] {
	return Filtered[T]{Field: NewFilter(st)}
}

// Filtering reports whether the filter field is open (it takes every key).
func (l *Filtered[T]) Filtering() bool { return l.Field.Active }

// FilterKey takes the filter's keys: every key while the field is open, "/"
// to open it, esc to clear a filter that is applied. It reports whether msg
// was one of them; when the filter text changed, the first page is read
// again through load.
func (l *Filtered[T]) FilterKey(k keys.List, msg tea.KeyMsg, load func(PageRequest) tea.Cmd) (tea.Cmd, bool) {
	switch {
	case l.Field.Active:
		changed, cmd := l.Field.Update(msg)
		if changed {
			l.Filter = l.Field.Value()
			return tea.Batch(cmd, load(l.Request(0, 0))), true
		}
		return cmd, true
	case key.Matches(msg, k.Filter):
		return l.Field.Start(), true
	case key.Matches(msg, k.Back) && l.Field.Value() != "":
		l.Field.Input.SetValue("")
		l.Filter = ""
		return load(l.Request(0, 0)), true
	}
	return nil, false
}

// MoveKey applies the list's moves: a page to read goes through load, a
// move within the page runs moved (nil: nothing more to do).
func (l *Filtered[T]) MoveKey(k keys.List, msg tea.KeyMsg, load func(PageRequest) tea.Cmd, moved func() tea.Cmd) tea.Cmd {
	req, mustLoad, handled := l.HandleKey(k, msg)
	switch {
	case mustLoad:
		return load(req)
	case handled && moved != nil:
		return moved()
	}
	return nil
}

// SetFilter applies text as the filter (the field shows it) and returns the
// request for the first page.
func (l *Filtered[T]) SetFilter(text string) PageRequest {
	l.Field.Input.SetValue(text)
	l.Filter = text
	return l.Request(0, 0)
}

// FilterView is the filter field, or the filter applied, or "".
func (l *Filtered[T]) FilterView(st *styles.Styles) string { return l.Field.View(st) }

// ListHelp is the full help of a list screen: its actions, then the list's
// moves and filter keys.
func ListHelp(k keys.List, actions ...key.Binding) [][]key.Binding {
	return [][]key.Binding{actions, k.Moves(), k.Filtering()}
}
