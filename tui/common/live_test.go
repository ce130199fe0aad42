package common_test

import (
	"testing"

	"github.com/texting-centre/texting/tui/common"
)

// TestListRefreshKeepsItem: a refresh puts the cursor back on the item it
// is on when the page comes, by key, wherever the item moved; when the
// item left the page the cursor keeps its place; the filter and the page
// stay.
func TestListRefreshKeepsItem(t *testing.T) {
	key := func(s string) any { return s }
	tests := []struct {
		name   string
		before []string
		cursor int
		moveTo int // where the operator moved while the page loaded; -1: no move
		after  []string
		want   string
	}{
		{"a new row above", []string{"a", "b", "c"}, 1, -1, []string{"new", "a", "b"}, "b"},
		{"a row above went", []string{"a", "b", "c"}, 2, -1, []string{"b", "c"}, "c"},
		{"the row itself went", []string{"a", "b", "c"}, 1, -1, []string{"a", "c"}, "c"},
		{"moved while loading", []string{"a", "b", "c"}, 0, 2, []string{"new", "a", "b", "c"}, "c"},
		{"nothing changed", []string{"a", "b", "c"}, 2, -1, []string{"a", "b", "c"}, "c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l common.List[string]
			l.SetPageSize(4)
			l.Filter = "x"
			req := l.Request(4, tt.cursor)
			l.Loaded(req, tt.before)
			req = l.Refresh(key)
			if req.Offset != 4 || req.Filter != "x" {
				t.Fatalf("refresh asks for %+v", req)
			}
			if tt.moveTo >= 0 {
				l.Cursor = tt.moveTo
			}
			l.Loaded(req, tt.after)
			if got, _ := l.Selected(); got != tt.want || l.Offset != 4 {
				t.Fatalf("cursor on %q at offset %d, want %q", got, l.Offset, tt.want)
			}
		})
	}
}
