package cli

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportGraph keeps the package boundaries of docs/ARCHITECTURE.md honest: the leaf
// packages import nothing of ours, store only the SQLite driver, modem not
// store, and so on.
func TestImportGraph(t *testing.T) {
	t.Parallel() // only reads the module with go list
	const mod = "github.com/texting-centre/texting/"
	tests := []struct {
		pkg     string
		allowed []string // our packages it may depend on
	}{
		{"greeting", nil},
		{"classify", nil},
		{"modem/pdu", nil},
		{"phone", nil},
		{"termsafe", nil},
		{"store", nil},
		{"gateway", nil},
		{"config", []string{"phone"}},
		{"modem", []string{"modem/pdu"}},
		{"modem/modemtest", []string{"modem/pdu"}},
		{"gateway/gatewaytest", []string{"gateway"}},
		{"template", []string{"greeting", "modem/pdu"}},
		{"replies", []string{"store", "classify", "modem", "modem/pdu", "gateway", "config", "phone"}},
		// The greeting is handed to the outbox and campaigns as a function
		// (outbox.Env.Greet), so neither imports greeting.
		{"outbox", []string{"store", "modem", "modem/pdu", "gateway", "template", "phone", "config"}},
		// campaign runs on top of the outbox, so it reaches what the outbox
		// reaches; of its own it adds only the planner's phone parsing.
		{"campaign", []string{"outbox", "store", "template", "phone", "config", "modem", "modem/pdu", "gateway"}},
		// The application layer sits on the domain packages and knows no
		// front end (its TUI adapter, desk/tuibackend, is the one that
		// knows tui/common).
		{"desk", []string{"outbox", "campaign", "replies", "store", "template", "phone", "config", "greeting", "classify",
			"modem", "modem/pdu", "gateway"}},
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", mod+tt.pkg).Output()
			if err != nil {
				t.Fatalf("go list: %v", err)
			}
			allowed := map[string]bool{tt.pkg: true}
			for _, a := range tt.allowed {
				allowed[a] = true
			}
			for _, dep := range strings.Fields(string(out)) {
				if !strings.HasPrefix(dep, mod) {
					continue
				}
				if rel := strings.TrimPrefix(dep, mod); !allowed[rel] {
					t.Errorf("%s imports %s, which docs/ARCHITECTURE.md does not allow", tt.pkg, rel)
				}
			}
		})
	}
}

// TestTUIImportsNoSendingStack keeps the terminal UI a front end: no screen
// reaches the serial stack, the gateway client, the sending machinery, the
// inbound pipeline or the application layer itself; they are reached through
// the backend interface tui/common declares, which desk/tuibackend
// implements and the CLI hands the TUI.
func TestTUIImportsNoSendingStack(t *testing.T) {
	t.Parallel() // only reads the module with go list
	const mod = "github.com/texting-centre/texting/"
	forbidden := []string{"modem", "gateway", "outbox", "campaign", "replies", "desk", "desk/tuibackend"}
	// tui/tuitest is test support, imported by the screens' tests only: its
	// fake backend runs the real application layer (desk) over the test
	// database, so a screen's test meets the same rules as the program.
	exempt := map[string]bool{"tui/tuitest": true}
	out, err := exec.Command("go", "list", mod+"tui/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := strings.Fields(string(out))
	if len(pkgs) < 10 {
		t.Fatalf("go list found %d tui packages, want every screen: %v", len(pkgs), pkgs)
	}
	for _, pkg := range pkgs {
		rel := strings.TrimPrefix(pkg, mod)
		if exempt[rel] {
			continue
		}
		t.Run(rel, func(t *testing.T) {
			deps, err := exec.Command("go", "list", "-deps", pkg).Output()
			if err != nil {
				t.Fatalf("go list: %v", err)
			}
			for _, dep := range strings.Fields(string(deps)) {
				for _, f := range forbidden {
					if dep == mod+f {
						t.Errorf("%s imports %s: the TUI reaches sending only through its backend", rel, f)
					}
				}
			}
		})
	}
}
