package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestCategoryMove(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "t.db")
	runCLI(t, dbPath, nil, "category", "add", "Call back")
	order := func() string {
		r := runCLI(t, dbPath, nil, "category", "list")
		var names []string
		for _, l := range strings.Split(r.out, "\n")[2:] {
			if f := strings.Fields(l); len(f) > 1 {
				names = append(names, f[1])
			}
		}
		return strings.Join(names, " ")
	}
	for _, tt := range []struct {
		args      []string
		out, want string
	}{
		{[]string{"Call", "back", "up"}, "moved Call back from place 6 to 5\n", "Thanks End Bot Misc Call Followup"},
		{[]string{"Call back", "1"}, "moved Call back from place 5 to 1\n", "Call Thanks End Bot Misc Followup"},
		{[]string{"Call back", "up"}, "moved Call back from place 1 to 1\n", "Call Thanks End Bot Misc Followup"},
		{[]string{"Thanks", "down"}, "moved Thanks from place 2 to 3\n", "Call End Thanks Bot Misc Followup"},
	} {
		args := tt.args
		if len(args) == 3 {
			args = []string{args[0] + " " + args[1], args[2]}
		}
		r := runCLI(t, dbPath, nil, append([]string{"category", "move"}, args...)...)
		if r.code != 0 || r.out != tt.out {
			t.Fatalf("move %v: %+v", args, r)
		}
		if got := order(); got != tt.want {
			t.Fatalf("after move %v: %s, want %s", args, got, tt.want)
		}
	}
	if r := runCLI(t, dbPath, nil, "category", "move", "Thanks", "sideways"); r.code != 1 || !strings.Contains(r.err, "up, down or a place from 1 to 6") {
		t.Fatalf("bad place: %+v", r)
	}
}
