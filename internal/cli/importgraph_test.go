package cli

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportGraph keeps the package boundaries of DESIGN.md honest: the leaf
// packages import nothing of ours, store only the SQLite driver, modem not
// store, and so on.
func TestImportGraph(t *testing.T) {
	const mod = "github.com/texting-centre/texting/"
	tests := []struct {
		pkg     string
		allowed []string // our packages it may depend on
	}{
		{"greeting", nil},
		{"classify", nil},
		{"modem/pdu", nil},
		{"phone", nil},
		{"store", nil},
		{"gateway", nil},
		{"config", []string{"phone"}},
		{"modem", []string{"modem/pdu"}},
		{"modem/modemtest", []string{"modem/pdu"}},
		{"gateway/gatewaytest", []string{"gateway"}},
		{"campaign", []string{"store", "greeting", "classify", "modem", "modem/pdu", "gateway", "config", "phone"}},
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
					t.Errorf("%s imports %s, which DESIGN.md does not allow", tt.pkg, rel)
				}
			}
		})
	}
}
