package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// cliResult is what one command printed and its exit status.
type cliResult struct {
	code     int
	out, err string
}

// runCLI runs args in-process against the database at dbPath.
func runCLI(t *testing.T, dbPath string, env map[string]string, args ...string) cliResult {
	t.Helper()
	return runCLIOn(t, dbPath, env, "", args...)
}

// runCLIWithInput is runCLI with in as standard input.
func runCLIWithInput(t *testing.T, dbPath, in string, args ...string) cliResult {
	t.Helper()
	return runCLIOn(t, dbPath, nil, in, args...)
}

func runCLIOn(t *testing.T, dbPath string, env map[string]string, in string, args ...string) cliResult {
	t.Helper()
	var out, errb bytes.Buffer
	f := NewFactory()
	f.In = strings.NewReader(in)
	f.Out, f.Err = &out, &errb
	f.Getenv = func(k string) string { return env[k] }
	all := append([]string{"--db", dbPath}, args...)
	code := Run(context.Background(), f, all)
	return cliResult{code, out.String(), errb.String()}
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// TestMain removes the binary textingBinary built.
func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin != "" && buildErr == nil {
		os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}

// textingBinary builds the real binary once per test run and returns its path.
func textingBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "texting-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "texting")
		cmd := exec.Command("go", "build", "-o", builtBin, "github.com/texting-centre/texting/cmd/texting")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = err
			builtBin = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build texting: %v\n%s", buildErr, builtBin)
	}
	return builtBin
}
