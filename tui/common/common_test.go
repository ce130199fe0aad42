package common_test

import (
	"testing"

	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/keys"
	"github.com/texting-centre/texting/tui/tuitest"
)

func TestGSMTwins(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"quotes", "‘It’s’ “here”", `'It's' "here"`},
		{"dashes", "a – b — c", "a - b - c"},
		{"ellipsis and nbsp", "wait…\u00a0now", "wait... now"},
		{"plain stays", "Hello {name}!", "Hello {name}!"},
		{"emoji stays", "Hi 🙂", "Hi 🙂"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := common.GSMTwins(tt.in); got != tt.want {
				t.Fatalf("GSMTwins(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestListPaging(t *testing.T) {
	var l common.List[int]
	l.SetPageSize(3)
	req := l.Request(0, 0)
	if req.Limit != 4 || !l.Loading {
		t.Fatalf("request %+v", req)
	}
	if !l.Loaded(req, []int{1, 2, 3, 4}) || !l.More || len(l.Rows) != 3 {
		t.Fatalf("loaded %+v", l)
	}
	stale := req
	k := keys.Default().List
	if _, load, _ := l.HandleKey(k, tuitest.Key("down")); load || l.Cursor != 1 {
		t.Fatalf("down within the page: cursor %d", l.Cursor)
	}
	l.Cursor = 2
	next, load, _ := l.HandleKey(k, tuitest.Key("down"))
	if !load || next.Offset != 3 || next.Cursor != 0 {
		t.Fatalf("down past the page: %+v %v", next, load)
	}
	if l.Loaded(stale, []int{9}) {
		t.Fatal("a stale answer was taken")
	}
	l.Loaded(next, []int{4, 5})
	if l.More || l.Offset != 3 || l.Position() != "4–5 of 5" {
		t.Fatalf("second page %+v %s", l, l.Position())
	}
	prev, load, _ := l.HandleKey(k, tuitest.Key("up"))
	if !load || prev.Offset != 0 || prev.Cursor != -1 {
		t.Fatalf("up past the top: %+v", prev)
	}
	l.Loaded(prev, []int{1, 2, 3, 4})
	if l.Cursor != 2 {
		t.Fatalf("cursor on the previous page's last row expected, got %d", l.Cursor)
	}
	// A page that emptied (rows categorised elsewhere) falls back a page.
	emptied := l.Request(3, 0)
	l.Loaded(emptied, nil)
	if l.Offset != 0 {
		t.Fatalf("offset %d after an empty page", l.Offset)
	}
}

func TestCellKeepsAGap(t *testing.T) {
	tests := []struct {
		name, in string
		w        int
		want     string
	}{
		{"short", "ok", 5, "ok   "},
		{"one short of the width", "abcd", 5, "abcd "},
		{"exactly the width", "abcde", 5, "abc… "},
		{"longer", "Followup reply", 13, "Followup re… "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := common.Cell(tt.in, tt.w); got != tt.want {
				t.Fatalf("Cell(%q, %d) = %q, want %q", tt.in, tt.w, got, tt.want)
			}
		})
	}
}
