package cli

import (
	"context"
	"database/sql"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
)

// integrity runs PRAGMA integrity_check on the database file at path.
func integrity(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil {
		t.Fatalf("integrity_check %s: %v", path, err)
	}
	return res
}

// queuedIn counts the texts in the database copy at path.
func queuedIn(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM messages`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBackupWhileACampaignWrites backs the database up with the real binary,
// again and again, while another process runs a campaign that writes to it:
// each copy opens and passes PRAGMA integrity_check. A restore meanwhile is
// refused (the database is in use) and changes nothing; afterwards it works.
func TestBackupWhileACampaignWrites(t *testing.T) {
	t.Parallel() // its own database, source and process
	if testing.Short() {
		t.Skip("builds the binary and runs a campaign")
	}
	bin := textingBinary(t)
	fx := newCampaignFixture(t, 90, 40*time.Millisecond)
	run := fx.command(t)
	var out strings.Builder
	run.Stdout, run.Stderr = &out, &out
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- run.Wait() }()

	dir := t.TempDir()
	var copies []string
	refused := false
	ctx := context.Background()
	for i := 0; ; i++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("campaign run: %v\n%s", err, out.String())
			}
			goto finished
		default:
		}
		path := filepath.Join(dir, fmt.Sprintf("copy-%d.db", i))
		b, err := exec.Command(bin, "--db", fx.dbPath, "backup", path).CombinedOutput()
		if err != nil {
			t.Fatalf("backup %d: %v\n%s", i, err, b)
		}
		if !strings.Contains(string(b), "integrity ok") {
			t.Fatalf("backup said %q", b)
		}
		copies = append(copies, path)
		if !refused && queuedIn(t, path) > 0 {
			// The campaign has the database open and is writing to it.
			r := exec.Command(bin, "--db", fx.dbPath, "restore", path)
			b, err := r.CombinedOutput()
			if err == nil || r.ProcessState.ExitCode() != 1 || !strings.Contains(string(b), "in use by another process") ||
				strings.Count(string(b), "\n") != 1 {
				// The campaign may have ended in between: then the restore is allowed.
				select {
				case <-done:
					t.Skipf("the campaign ended before a restore could be tried against it: %s", b)
				default:
				}
				t.Fatalf("restore while the campaign runs: %v\n%s", err, b)
			}
			refused = true
		}
		time.Sleep(50 * time.Millisecond)
	}
finished:
	if len(copies) < 2 || !refused {
		t.Fatalf("only %d backups during the campaign (refused restore: %v)", len(copies), refused)
	}
	counts := map[int]bool{}
	for _, c := range copies {
		if res := integrity(t, c); res != "ok" {
			t.Fatalf("%s: integrity_check %q", c, res)
		}
		db, err := store.Open(ctx, c)
		if err != nil {
			t.Fatalf("open %s: %v", c, err)
		}
		n, err := db.CountMessages(ctx, store.MessageFilter{Direction: store.Out, States: []string{store.StateSent}})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		counts[n] = true
	}
	t.Logf("%d backups during the campaign, at %d different counts of texts sent", len(copies), len(counts))

	// The campaign is over: restore the first copy; the one replaced is kept.
	b, err := exec.Command(bin, "--db", fx.dbPath, "restore", copies[0]).CombinedOutput()
	if err != nil || !strings.Contains(string(b), "restored "+fx.dbPath) || !strings.Contains(string(b), ".before-restore-") {
		t.Fatalf("restore after the campaign: %v\n%s", err, b)
	}
	if res := integrity(t, fx.dbPath); res != "ok" {
		t.Fatalf("restored database: %q", res)
	}
}

func TestBackupAndRestoreRefuse(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "t.db")
	if r := runCLI(t, dbPath, nil, "config", "set", "dedupe.days", "90"); r.code != 0 {
		t.Fatal(r.err)
	}
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"backup over the live database", []string{"backup", dbPath}, "the live database itself"},
		{"backup into a missing directory", []string{"backup", filepath.Join(dir, "no", "x.db")}, "does not exist"},
		{"backup to a directory", []string{"backup", dir}, "is a directory"},
		{"restore a missing file", []string{"restore", filepath.Join(dir, "none.db")}, "no such file"},
		{"restore the database over itself", []string{"restore", dbPath}, "the database itself"},
		{"no file", []string{"backup"}, "accepts 1 arg"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, dbPath, nil, tt.args...)
			if r.code != 1 || !strings.Contains(r.err, tt.want) || strings.Count(r.err, "\n") != 1 || r.out != "" {
				t.Fatalf("%v = %+v, want exit 1 and one line with %q", tt.args, r, tt.want)
			}
		})
	}
	if r := runCLI(t, dbPath, nil, "config", "get", "dedupe.days"); r.out != "90\n" {
		t.Fatalf("the database changed: %q", r.out)
	}
}
