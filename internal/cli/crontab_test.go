package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// crontabLines returns the settings and jobs of a crontab: every line that
// is not blank or a comment.
func crontabLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, strings.Join(strings.Fields(l), " "))
		}
	}
	return out
}

// readmeCrontab is the ```cron block of the README.
func readmeCrontab(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```cron\n(.*?)```").FindAllStringSubmatch(string(b), -1)
	if len(m) != 1 {
		t.Fatalf("README has %d cron blocks, want exactly one", len(m))
	}
	return crontabLines(m[0][1])
}

// TestCrontabREADMEAndExampleAgree: the README's crontab and
// docs/crontab.example are the same crontab.
func TestCrontabREADMEAndExampleAgree(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "crontab.example"))
	if err != nil {
		t.Fatal(err)
	}
	readme, example := readmeCrontab(t), crontabLines(string(b))
	if strings.Join(readme, "\n") != strings.Join(example, "\n") {
		t.Fatalf("README crontab:\n%s\n\ndocs/crontab.example:\n%s", strings.Join(readme, "\n"), strings.Join(example, "\n"))
	}
}

// cronCommand is a job's command as cron runs it: an unescaped % ends the
// command (the rest is its standard input) and \% is a plain %.
func cronCommand(cmd string) (command, stdin string) {
	var b strings.Builder
	for i := 0; i < len(cmd); i++ {
		switch {
		case cmd[i] == '\\' && i+1 < len(cmd) && cmd[i+1] == '%':
			b.WriteByte('%')
			i++
		case cmd[i] == '%':
			return b.String(), strings.ReplaceAll(cmd[i+1:], "%", "\n")
		default:
			b.WriteByte(cmd[i])
		}
	}
	return b.String(), ""
}

// TestREADMECrontabFindsTheBinary runs every job of the README's crontab as
// cron would: `env -i` with cron's PATH and HOME, then the crontab's own
// settings (its PATH line among them, with the operator's home directory
// written in as the README says), and /bin/sh -c. The binary sits where
// `go install` puts it, ~/go/bin: every job finds it, and the nightly backup
// writes its copy. Without the PATH line, cron's own PATH does not find it.
func TestREADMECrontabFindsTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	home := t.TempDir()
	gobin := filepath.Join(home, "go", "bin")
	for _, d := range []string{gobin, filepath.Join(home, "backups"), filepath.Join(home, ".local", "share", "texting")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	bin, err := os.ReadFile(textingBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(gobin, "texting"), bin, 0o755); err != nil {
		t.Fatal(err)
	}

	var settings []string
	var jobs []string
	setting := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)
	for _, l := range readmeCrontab(t) {
		l = strings.ReplaceAll(l, "/home/operator", home)
		if setting.MatchString(l) {
			settings = append(settings, l)
			continue
		}
		f := strings.SplitN(l, " ", 6)
		if len(f) != 6 {
			t.Fatalf("crontab line %q has no command", l)
		}
		jobs = append(jobs, f[5])
	}
	if len(jobs) < 4 || !slices.ContainsFunc(settings, func(s string) bool { return strings.HasPrefix(s, "PATH=") }) {
		t.Fatalf("crontab: settings %v, jobs %v", settings, jobs)
	}
	runJob := func(settings []string, job string) (int, string) {
		command, stdin := cronCommand(job)
		args := append([]string{"-i", "PATH=/usr/bin:/bin", "HOME=" + home, "SHELL=/bin/sh", "LOGNAME=operator"}, settings...)
		args = append(args, "/bin/sh", "-c", command)
		cmd := exec.Command("env", args...)
		cmd.Stdin = strings.NewReader(stdin)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		done := make(chan error, 1)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Fatalf("%s: still running after a minute\n%s", job, out.String())
		}
		return cmd.ProcessState.ExitCode(), out.String()
	}
	for _, job := range jobs {
		code, out := runJob(settings, job)
		if code == 127 || strings.Contains(out, "texting: not found") {
			t.Errorf("%s: exit %d: %s", job, code, out)
		}
		t.Logf("%s: exit %d: %s", job, code, strings.TrimSpace(out))
	}
	// The nightly backup wrote today's copy of the database of TEXTING_DB.
	day := time.Now().Format("Mon")
	if _, err := os.Stat(filepath.Join(home, "backups", fmt.Sprintf("texting-%s.db", day))); err != nil {
		t.Errorf("no backup for %s: %v", day, err)
	}
	if _, err := os.Stat(filepath.Join(home, ".local", "share", "texting", "texting.db")); err != nil {
		t.Errorf("the jobs did not use TEXTING_DB: %v", err)
	}

	// The same jobs without the crontab's PATH line: cron's PATH has no texting.
	var noPath []string
	for _, s := range settings {
		if !strings.HasPrefix(s, "PATH=") {
			noPath = append(noPath, s)
		}
	}
	if code, out := runJob(noPath, jobs[0]); code != 127 || !strings.Contains(out, "texting: not found") {
		t.Errorf("without the PATH line: exit %d: %s (want 127, not found)", code, out)
	}
}
