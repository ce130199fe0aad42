package cli

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestEveryCommandHasExamples walks the command tree: each of our commands
// shows Examples in --help, and every example names a command that exists.
func TestEveryCommandHasExamples(t *testing.T) {
	root := NewRootCmd(NewFactory())
	var walk func(c *cobra.Command)
	seen := map[string]bool{}
	walk = func(c *cobra.Command) {
		key := commandKey(c)
		if c.Name() == "help" || c.Name() == "completion" || (c.HasParent() && c.Parent().Name() == "completion") {
			return
		}
		seen[key] = true
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("texting %s has no Example: add it to commandExamples in examples.go", key)
		}
		for _, line := range strings.Split(c.Example, "\n") {
			line = strings.TrimSpace(line)
			if !strings.HasPrefix(line, "texting") {
				t.Errorf("texting %s: example %q does not start with texting", key, line)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for key := range commandExamples() {
		if !seen[key] {
			t.Errorf("commandExamples has %q, which is no command", key)
		}
	}
	// --help prints them.
	var out strings.Builder
	root = NewRootCmd(NewFactory())
	root.SetOut(&out)
	root.SetArgs([]string{"config", "set", "--help"})
	if err := root.Execute(); err != nil || !strings.Contains(out.String(), "Examples:\n  texting config set api.url") {
		t.Fatalf("config set --help: %v\n%s", err, out.String())
	}
}
