package common_test

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/keys"
	"github.com/texting-centre/texting/tui/styles"
	"github.com/texting-centre/texting/tui/tuitest"
)

// TestFilteredKeys: the filter keys the list screens share. Each step is a
// key on the list as the steps before left it.
func TestFilteredKeys(t *testing.T) {
	km := keys.Default()
	l := common.NewFiltered[int](styles.New(nil))
	l.SetPageSize(5)
	var loads []common.PageRequest
	load := func(req common.PageRequest) tea.Cmd {
		loads = append(loads, req)
		return nil
	}
	steps := []struct {
		key       string
		handled   bool
		filtering bool   // the field is open after the key
		filter    string // the list's filter after the key
		loaded    bool   // the first page was asked for
	}{
		{"esc", false, false, "", false}, // no filter: esc is not the list's
		{"j", false, false, "", false},   // a move is not a filter key
		{"/", true, true, "", false},
		{"0", true, true, "0", true},
		{"9", true, true, "09", true},
		{"q", true, true, "09q", true}, // the field takes every key
		{"backspace", true, true, "09", true},
		{"enter", true, false, "09", false}, // leaves the field, keeps the filter
		{"esc", true, false, "", true},      // clears it
		{"/", true, true, "", false},
		{"x", true, true, "x", true},
		{"esc", true, false, "", true}, // esc in the field clears it too
	}
	for i, s := range steps {
		loads = nil
		_, handled := l.FilterKey(km.List, tuitest.Key(s.key), load)
		if handled != s.handled || l.Filtering() != s.filtering || l.Filter != s.filter || (len(loads) > 0) != s.loaded {
			t.Fatalf("step %d %q: handled %v filtering %v filter %q loaded %d, want %v %v %q %v",
				i, s.key, handled, l.Filtering(), l.Filter, len(loads), s.handled, s.filtering, s.filter, s.loaded)
		}
		for _, req := range loads {
			if req.Offset != 0 || req.Filter != s.filter {
				t.Fatalf("step %d %q: asked for %+v, want the first page filtered %q", i, s.key, req, s.filter)
			}
		}
	}
	if req := l.SetFilter("+447700900123"); req.Filter != "+447700900123" || l.Field.Value() != "+447700900123" {
		t.Fatalf("SetFilter: request %+v, field %q", req, l.Field.Value())
	}
}

// TestFilteredMoveKey: a move within the page runs moved; one past its
// edge asks for the next page instead; a key that is no move does neither.
func TestFilteredMoveKey(t *testing.T) {
	km := keys.Default()
	l := common.NewFiltered[int](styles.New(nil))
	l.SetPageSize(2)
	l.Loaded(l.Request(0, 0), []int{1, 2, 3}) // a third row: more follow
	var loads, moves int
	load := func(common.PageRequest) tea.Cmd { loads++; return nil }
	moved := func() tea.Cmd { moves++; return nil }
	tests := []struct {
		key          string
		loads, moves int
	}{
		{"down", 0, 1}, // to the page's second row
		{"down", 1, 0}, // past the edge: the next page
		{"x", 0, 0},
	}
	for _, tt := range tests {
		loads, moves = 0, 0
		l.MoveKey(km.List, tuitest.Key(tt.key), load, moved)
		if loads != tt.loads || moves != tt.moves {
			t.Fatalf("%q: %d loads %d moves, want %d %d", tt.key, loads, moves, tt.loads, tt.moves)
		}
	}
}
