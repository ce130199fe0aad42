package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
)

// snapshot renders everything an admin command can change, to compare a
// database before and after a refused command.
func snapshot(t *testing.T, path string) string {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b strings.Builder
	nets, _ := db.Networks(ctx)
	sims, _ := db.SIMs(ctx)
	cats, _ := db.Categories(ctx)
	tpls, _ := db.Templates(ctx)
	sets, _ := db.Settings(ctx)
	n, _ := db.CountMessages(ctx, store.MessageFilter{})
	for _, v := range []any{nets, sims, cats, tpls, sets, n} {
		j, _ := json.Marshal(v)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

func seedAdmin(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.db")
	for _, args := range [][]string{
		{"network", "add", "O2", "--note", "CS 202"},
		{"network", "add", "SMSBCAST", "--gateway"},
		{"sim", "add", "--network", "O2", "--phone", "07700 900123", "--limit", "250"},
		{"sim", "add", "--network", "SMSBCAST", "--url", "https://api.example/api-adv.php", "--user", "me", "--password", "hunter2secret"},
		{"category", "add", "Call back", "--followup", "alt", "--autoreply", "We will call you"},
		{"template", "add", "Group A", "--body", "Hi {name}, {greeting}!", "--followup", "Still keen, {name}?"},
		{"config", "set", "dedupe.days", "90"},
	} {
		if r := runCLI(t, path, nil, args...); r.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.err)
		}
	}
	return path
}

func TestAdminCommands(t *testing.T) {
	t.Parallel()
	path := seedAdmin(t)
	r := runCLI(t, path, nil, "sim", "list", "--json")
	var sims []simJSON
	if err := json.Unmarshal([]byte(r.out), &sims); err != nil || len(sims) != 2 {
		t.Fatalf("sim list --json: %v %q", err, r.out)
	}
	if sims[0].Label != "O2 1" || sims[0].Phone != "+447700900123" || sims[0].DailyLimit != 250 {
		t.Errorf("O2 SIM = %+v", sims[0])
	}
	if sims[1].Label != "SMSBCAST" || sims[1].Password == "hunter2secret" || !strings.HasPrefix(sims[1].Password, "****") {
		t.Errorf("gateway SIM = %+v (password must be masked)", sims[1])
	}
	if r := runCLI(t, path, nil, "sim", "set", "O2 1", "--limit", "100", "--inactive"); r.code != 0 {
		t.Fatal(r.err)
	}
	r = runCLI(t, path, nil, "sim", "list")
	if !strings.Contains(r.out, "inactive") || !strings.Contains(r.out, "100") {
		t.Errorf("sim list after set:\n%s", r.out)
	}
	r = runCLI(t, path, nil, "category", "list", "--json")
	if !strings.Contains(r.out, `"name": "Call back"`) || !strings.Contains(r.out, `"followup": "alternative"`) {
		t.Errorf("category list: %s", r.out)
	}
	r = runCLI(t, path, nil, "config", "list")
	if !strings.Contains(r.out, "schema version") || !strings.Contains(r.out, "dedupe.days") {
		t.Errorf("config list:\n%s", r.out)
	}
	r = runCLI(t, path, map[string]string{"TEXTING_RUN": "0"}, "config", "get", "run")
	if strings.TrimSpace(r.out) != "0" {
		t.Errorf("environment must beat settings and defaults: run = %q", r.out)
	}
	tok1 := runCLI(t, path, nil, "config", "get", "serve.token").out
	tok2 := runCLI(t, path, nil, "config", "get", "serve.token").out
	if len(strings.TrimSpace(tok1)) < 16 || tok1 != tok2 {
		t.Errorf("serve.token %q then %q: want one generated token", tok1, tok2)
	}
	if r := runCLI(t, path, nil, "config", "list"); strings.Contains(r.out, strings.TrimSpace(tok1)) {
		t.Error("config list shows the token in full")
	}
	for _, args := range [][]string{{"template", "rm", "Group A"}, {"category", "rm", "Call back"}, {"sim", "rm", "O2 1"}, {"network", "rm", "O2"}} {
		if r := runCLI(t, path, nil, args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte(strings.Repeat("not a database\n", 500)), 0o600)
	tests := []struct {
		name    string
		db      string // "" = the seeded database
		args    []string
		wantErr string
	}{
		{"invalid number", "", []string{"sim", "add", "--network", "O2", "--phone", "12"}, "invalid phone number"},
		{"unknown placeholder", "", []string{"template", "add", "Group B", "--body", "Hi {nmae}"}, "unknown placeholder {nmae}"},
		{"unknown placeholder on set", "", []string{"template", "set", "Group A", "--followup", "Bye {frist}"}, "unknown placeholder"},
		{"unknown category", "", []string{"category", "set", "Nope", "--opt-out"}, "not found"},
		{"unknown network", "", []string{"sim", "add", "--network", "Orange"}, "not found"},
		{"bad follow-up", "", []string{"category", "add", "X", "--followup", "sometimes"}, "none, basic or alt"},
		{"duplicate network", "", []string{"network", "add", "o2"}, "already exists"},
		{"remove a rule category", "", []string{"category", "rm", "End"}, "rules use it"},
		{"unknown setting", "", []string{"config", "set", "colour", "blue"}, "unknown setting"},
		{"bad setting value", "", []string{"config", "set", "quiet.hours", "late"}, "quiet hours"},
		{"bad region", "", []string{"config", "set", "region", "XX"}, "region code"},
		{"greeting country it cannot serve", "", []string{"config", "set", "greeting.country", "XX"}, "greeting.country"},
		{"follow-up days out of order", "", []string{"config", "set", "followup.min_days", "7"}, "after followup.max_days"},
		{"negative value", "", []string{"config", "set", "followup.min_days", "-1"}, "whole number"},
		{"gateway without password", "", []string{"sim", "add", "--network", "SMSBCAST", "--url", "https://x.example/a", "--user", "u"}, "a user and a password"},
		{"bad stats days", "", []string{"stats", "--days", "0"}, "--days"},
		{"bad since", "", []string{"messages", "--since", "yesterday"}, "--since"},
		{"missing database directory", filepath.Join(dir, "nowhere", "t.db"), []string{"sim", "list"}, "does not exist"},
		{"not a database", junk, []string{"sim", "list"}, "not SQLite"},
		{"unknown flag", "", []string{"sim", "add", "--netwrok", "O2"}, "unknown flag"},
	}
	path := seedAdmin(t)
	before := snapshot(t, path)
	junkBefore, _ := os.ReadFile(junk)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := tt.db
			if db == "" {
				db = path
			}
			r := runCLI(t, db, nil, tt.args...)
			if r.code == 0 {
				t.Fatalf("exit 0, want an error (out %q)", r.out)
			}
			if strings.Count(strings.TrimRight(r.err, "\n"), "\n") != 0 || !strings.Contains(r.err, tt.wantErr) {
				t.Errorf("stderr = %q, want one line containing %q", r.err, tt.wantErr)
			}
			if r.out != "" {
				t.Errorf("stdout = %q, want nothing", r.out)
			}
		})
	}
	if after := snapshot(t, path); after != before {
		t.Errorf("refused commands changed the database:\nbefore %s\nafter  %s", before, after)
	}
	if after, _ := os.ReadFile(junk); string(after) != string(junkBefore) {
		t.Error("the junk file was changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "nowhere")); err == nil {
		t.Error("a missing database directory was created")
	}
}

// TestTwoBinariesAtOnce runs the built program twice at the same time against
// one new database: every row of both must be there and no "database is
// locked" may appear.
func TestTwoBinariesAtOnce(t *testing.T) {
	t.Parallel() // its own database, ports and processes
	if testing.Short() {
		t.Skip("spawns processes")
	}
	bin := textingBinary(t)
	path := filepath.Join(t.TempDir(), "shared.db")
	const each = 40
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for p := 0; p < 2; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				out, err := exec.Command(bin, "--db", path, "network", "add", fmt.Sprintf("net-%d-%d", p, i)).CombinedOutput()
				if err != nil {
					errs <- fmt.Errorf("process %d insert %d: %v: %s", p, i, err, out)
				}
			}
		}(p)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	out, err := exec.Command(bin, "--db", path, "network", "list", "--json").Output()
	if err != nil {
		t.Fatal(err)
	}
	var nets []networkJSON
	if err := json.Unmarshal(out, &nets); err != nil || len(nets) != 2*each {
		t.Fatalf("%d networks after two writers, want %d (%v)", len(nets), 2*each, err)
	}
}

func TestSIMSetUnparks(t *testing.T) {
	t.Parallel()
	path := seedAdmin(t)
	ctx := context.Background()
	park := func(label string) {
		db, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		s, err := db.FindSIM(ctx, label)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.ParkSIM(ctx, s.ID, time.Now().Add(24*time.Hour), "refused by the provider: Username or password is incorrect"); err != nil {
			t.Fatal(err)
		}
	}
	parked := func(label string) bool {
		r := runCLI(t, path, nil, "sim", "list", "--json")
		var sims []simJSON
		if err := json.Unmarshal([]byte(r.out), &sims); err != nil {
			t.Fatal(err)
		}
		for _, s := range sims {
			if s.Label == label {
				return s.ParkedUntil != nil
			}
		}
		t.Fatalf("no SIM %s", label)
		return false
	}
	park("SMSBCAST")
	if r := runCLI(t, path, nil, "sim", "set", "SMSBCAST", "--limit", "500"); r.code != 0 || !parked("SMSBCAST") {
		t.Fatalf("an unrelated change lifted the park (exit %d %s)", r.code, r.err)
	}
	if r := runCLI(t, path, nil, "sim", "set", "SMSBCAST", "--password", "new-secret"); r.code != 0 || parked("SMSBCAST") {
		t.Fatalf("new credentials did not lift the park (exit %d %s)", r.code, r.err)
	}
	park("O2 1")
	if r := runCLI(t, path, nil, "sim", "set", "O2 1", "--unpark"); r.code != 0 || parked("O2 1") {
		t.Fatalf("--unpark did not lift the park (exit %d %s)", r.code, r.err)
	}
}
