package cli

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/desk"
	"github.com/texting-centre/texting/desk/tuibackend"
	"github.com/texting-centre/texting/store"
)

// The rules of issue 14, each run through both front ends — the command
// line (in process, as a user types it) and the TUI's backend (the calls
// its screens make) — on databases seeded alike. Both must give the same
// answer: the same refusal in the same words, or the same change.

// frontDesk is a seeded database: seedAdmin's networks, SIMs, category and
// template, plus a spare SIM, category and template nothing refers to, and
// history on O2 1 (a campaign text with Group A, a reply tagged Call back).
func frontDesk(t *testing.T) string {
	t.Helper()
	path := seedAdmin(t)
	for _, args := range [][]string{
		{"sim", "add", "--network", "O2"},
		{"category", "add", "Later"},
		{"template", "add", "Group B", "--body", "Hello"},
	} {
		if r := runCLI(t, path, nil, args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
	withDB(t, path, func(ctx context.Context, db *store.DB) {
		sim, err := db.FindSIM(ctx, "O2 1")
		if err != nil {
			t.Fatal(err)
		}
		tpl, _ := db.TemplateByName(ctx, "Group A")
		cat, _ := db.CategoryByName(ctx, "Call back")
		if _, _, err := db.InsertMessage(ctx, store.Message{Direction: store.Out, SIMID: sim.ID, Number: "+447700900501",
			Text: "Hi Ann", Kind: store.KindCampaign, TemplateID: tpl.ID, State: store.StateSent, Parts: 1}); err != nil {
			t.Fatal(err)
		}
		in, _, err := db.InsertMessage(ctx, store.Message{Direction: store.In, SIMID: sim.ID, Number: "+447700900501",
			Text: "call me", Kind: store.KindInbound})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Intake(ctx, func(tx *store.Intake) error { return tx.SetCategory(ctx, in, cat.ID, "operator", 0) }); err != nil {
			t.Fatal(err)
		}
	})
	return path
}

// frontDesks seeds one frontDesk for the test and returns a function that
// gives each caller its own copy of it: a table test's cases each start
// from the same database without seeding it again (every seeding runs a
// dozen commands), and may run in parallel.
func frontDesks(t *testing.T) func(t *testing.T) string {
	t.Helper()
	seed := frontDesk(t)
	return func(t *testing.T) string {
		t.Helper()
		path := filepath.Join(t.TempDir(), "t.db")
		// Every connection to the seed is closed, so the file is whole; a
		// write-ahead log left beside it goes along.
		for _, suffix := range []string{"", "-wal"} {
			b, err := os.ReadFile(seed + suffix)
			if errors.Is(err, fs.ErrNotExist) && suffix != "" {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path+suffix, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return path
	}
}

// withDB opens the database at path for fn and closes it.
func withDB(t *testing.T, path string, fn func(context.Context, *store.DB)) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fn(ctx, db)
}

// tuiSide runs fn with the TUI's backend over the database at path, set up
// as `texting` sets it up (the configuration from the settings), and
// returns its error.
func tuiSide(t *testing.T, path string, env map[string]string, fn func(context.Context, *tuibackend.Backend) error) error {
	t.Helper()
	var err error
	withDB(t, path, func(ctx context.Context, db *store.DB) {
		cfg, cerr := config.Load(ctx, db, func(k string) string { return env[k] })
		if cerr != nil {
			t.Fatal(cerr)
		}
		err = fn(ctx, tuibackend.New(desk.New(db, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))))
	})
	return err
}

// digest is a hash of every row of every table: equal digests mean nothing
// changed.
func digest(t *testing.T, path string) string {
	t.Helper()
	return digestWithout(t, path)
}

// digestWithout is digest leaving out the named columns ("table.column"),
// for what a command may rightly touch (a dongle's SIM last seen now).
func digestWithout(t *testing.T, path string, columns ...string) string {
	t.Helper()
	skip := map[string]bool{}
	for _, c := range columns {
		skip[c] = true
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	h := sha256.New()
	for _, tbl := range tables {
		r, err := db.Query(`SELECT * FROM "` + tbl + `" ORDER BY rowid`)
		if err != nil {
			r, err = db.Query(`SELECT * FROM "` + tbl + `"`) // WITHOUT ROWID: ordered by its key
			if err != nil {
				t.Fatal(err)
			}
		}
		cols, _ := r.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		fmt.Fprintf(h, "table %s\n", tbl)
		for r.Next() {
			if err := r.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, c := range cols {
				if skip[tbl+"."+c] {
					vals[i] = nil
				}
			}
			fmt.Fprintf(h, "%v\n", vals)
		}
		r.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

func ptr[T any](v T) *T { return &v }

// sameAnswer checks that both front ends refused with the same words (the
// CLI's one line holds the backend's error) or both succeeded, and that a
// refusal contains want.
func sameAnswer(t *testing.T, cli cliResult, tuiErr error, want string) {
	t.Helper()
	switch {
	case want == "" && (cli.code != 0 || tuiErr != nil):
		t.Fatalf("want success: CLI exit %d %q; TUI %v", cli.code, cli.err, tuiErr)
	case want != "" && (cli.code == 0 || tuiErr == nil):
		t.Fatalf("want a refusal containing %q: CLI exit %d %q; TUI %v", want, cli.code, cli.err, tuiErr)
	case want != "":
		if !strings.Contains(cli.err, tuiErr.Error()) {
			t.Errorf("the front ends differ:\n CLI: %s\n TUI: %s", strings.TrimSpace(cli.err), tuiErr)
		}
		if !strings.Contains(tuiErr.Error(), want) {
			t.Errorf("refusal %q does not say %q", tuiErr, want)
		}
		if strings.Count(strings.TrimRight(cli.err, "\n"), "\n") != 0 {
			t.Errorf("CLI error is not one line: %q", cli.err)
		}
	}
}

func simByLabel(t *testing.T, ctx context.Context, db *store.DB, label string) store.SIM {
	t.Helper()
	s, err := db.FindSIM(ctx, label)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRuleSIMValidation: what `sim set` refuses the TUI's SIM form refuses
// (it saved IMSI abc and a 22-character sender before), with the same words,
// and neither changes anything.
func TestRuleSIMValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		sim  string
		args []string
		u    store.SIMUpdate
		want string // "" = accepted
	}{
		{"IMSI letters", "O2 1", []string{"--imsi", "abc"}, store.SIMUpdate{IMSI: ptr("abc")}, `IMSI must be 6 to 15 digits, not "abc"`},
		{"sender too long", "SMSBCAST", []string{"--sender", "WAYTOOLONGSENDERNAME!!"}, store.SIMUpdate{Sender: ptr("WAYTOOLONGSENDERNAME!!")}, "at most 11 characters"},
		{"negative limit", "O2 1", []string{"--limit", "-1"}, store.SIMUpdate{Limit: ptr(-1)}, "daily limit must be 0 or more"},
		{"bad phone", "O2 1", []string{"--phone", "12"}, store.SIMUpdate{Phone: ptr("12")}, "invalid phone number"},
		{"unknown network", "O2 1", []string{"--network", "Orange"}, store.SIMUpdate{Network: ptr("Orange")}, `network "Orange" not found`},
		{"gateway without password", "O2 2", []string{"--url", "https://x.example/a", "--user", "u"},
			store.SIMUpdate{URL: ptr("https://x.example/a"), User: ptr("u")}, "a URL, a user and a password"},
		{"good IMSI and limit", "O2 1", []string{"--imsi", "234101234567890", "--limit", "120"},
			store.SIMUpdate{IMSI: ptr("234101234567890"), Limit: ptr(120)}, ""},
	}
	fresh := frontDesks(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cliDB, tuiDB := fresh(t), fresh(t)
			cliBefore, tuiBefore := digest(t, cliDB), digest(t, tuiDB)
			cli := runCLI(t, cliDB, nil, append([]string{"sim", "set", tt.sim}, tt.args...)...)
			tuiErr := tuiSide(t, tuiDB, nil, func(ctx context.Context, b *tuibackend.Backend) error {
				_, err := b.UpdateSIM(ctx, simByLabel(t, ctx, b.DB, tt.sim).ID, tt.u)
				return err
			})
			sameAnswer(t, cli, tuiErr, tt.want)
			if tt.want != "" && (digest(t, cliDB) != cliBefore || digest(t, tuiDB) != tuiBefore) {
				t.Fatal("a refused change changed the database")
			}
			var got [2]store.SIM
			for i, p := range []string{cliDB, tuiDB} {
				withDB(t, p, func(ctx context.Context, db *store.DB) { got[i] = simByLabel(t, ctx, db, tt.sim) })
			}
			if got[0] != got[1] {
				t.Fatalf("the front ends saved different SIMs:\n CLI %+v\n TUI %+v", got[0], got[1])
			}
		})
	}
}

// TestRuleUnparkOnNewCredentials: new gateway credentials lift a park in
// both front ends; an unrelated change, or the same password typed again,
// does not.
func TestRuleUnparkOnNewCredentials(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		u          store.SIMUpdate
		wantParked bool
	}{
		{"new password", []string{"--password", "new-secret"}, store.SIMUpdate{Password: ptr("new-secret")}, false},
		{"new user", []string{"--user", "someone"}, store.SIMUpdate{User: ptr("someone")}, false},
		{"new sender", []string{"--sender", "Acme"}, store.SIMUpdate{Sender: ptr("Acme")}, false},
		{"unpark", []string{"--unpark"}, store.SIMUpdate{Unpark: true}, false},
		{"limit only", []string{"--limit", "500"}, store.SIMUpdate{Limit: ptr(500)}, true},
		{"same password", []string{"--password", "hunter2secret"}, store.SIMUpdate{Password: ptr("hunter2secret")}, true},
	}
	park := func(t *testing.T, path string) {
		withDB(t, path, func(ctx context.Context, db *store.DB) {
			s := simByLabel(t, ctx, db, "SMSBCAST")
			if err := db.ParkSIM(ctx, s.ID, time.Now().Add(24*time.Hour), "refused by the provider: bad password"); err != nil {
				t.Fatal(err)
			}
		})
	}
	parked := func(t *testing.T, path string) (p bool) {
		withDB(t, path, func(ctx context.Context, db *store.DB) { p = simByLabel(t, ctx, db, "SMSBCAST").Parked(time.Now()) })
		return p
	}
	fresh := frontDesks(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cliDB, tuiDB := fresh(t), fresh(t)
			park(t, cliDB)
			park(t, tuiDB)
			cli := runCLI(t, cliDB, nil, append([]string{"sim", "set", "SMSBCAST"}, tt.args...)...)
			tuiErr := tuiSide(t, tuiDB, nil, func(ctx context.Context, b *tuibackend.Backend) error {
				_, err := b.UpdateSIM(ctx, simByLabel(t, ctx, b.DB, "SMSBCAST").ID, tt.u)
				return err
			})
			sameAnswer(t, cli, tuiErr, "")
			if c, u := parked(t, cliDB), parked(t, tuiDB); c != tt.wantParked || u != tt.wantParked {
				t.Fatalf("parked after: CLI %v, TUI %v; want %v", c, u, tt.wantParked)
			}
		})
	}
}

// TestRulePlaceholderCheck: one placeholder check for `template add|set` and
// the TUI's template editor.
func TestRulePlaceholderCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		add  bool
		u    store.TemplateUpdate
		want string
	}{
		{"unknown in body", []string{"template", "add", "Spring", "--body", "Hi {nmae}"}, true,
			store.TemplateUpdate{Name: ptr("Spring"), Body: ptr("Hi {nmae}")}, "unknown placeholder {nmae}"},
		{"unknown in follow-up", []string{"template", "set", "Group A", "--followup", "Bye {frist}"}, false,
			store.TemplateUpdate{Followup: ptr("Bye {frist}")}, "follow-up: template has an unknown placeholder {frist}"},
		{"unclosed", []string{"template", "add", "Spring", "--body", "Hi {name"}, true,
			store.TemplateUpdate{Name: ptr("Spring"), Body: ptr("Hi {name")}, "Hi {name"},
		{"known ones", []string{"template", "add", "Spring", "--body", "Hi {name}, {greeting}"}, true,
			store.TemplateUpdate{Name: ptr("Spring"), Body: ptr("Hi {name}, {greeting}")}, ""},
	}
	fresh := frontDesks(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cliDB, tuiDB := fresh(t), fresh(t)
			cli := runCLI(t, cliDB, nil, tt.args...)
			tuiErr := tuiSide(t, tuiDB, nil, func(ctx context.Context, b *tuibackend.Backend) error {
				if tt.add {
					_, err := b.AddTemplate(ctx, tt.u)
					return err
				}
				tpl, err := b.DB.TemplateByName(ctx, "Group A")
				if err != nil {
					return err
				}
				_, err = b.UpdateTemplate(ctx, tpl.ID, tt.u)
				return err
			})
			if tt.name == "unclosed" {
				// Whatever the template package calls it, both say it.
				tt.want = ""
				if cli.code == 0 || tuiErr == nil {
					t.Fatalf("an unclosed placeholder was saved: CLI exit %d, TUI %v", cli.code, tuiErr)
				}
				sameAnswer(t, cli, tuiErr, tuiErr.Error())
				return
			}
			sameAnswer(t, cli, tuiErr, tt.want)
		})
	}
}

// TestRuleRemovalKeepsHistory: removing what texts refer to is refused by
// both front ends with what refers to it and the alternative, changing
// nothing; removing what nothing refers to works and says so.
func TestRuleRemovalKeepsHistory(t *testing.T) {
	t.Parallel()
	type rm func(ctx context.Context, b *tuibackend.Backend) (string, error)
	tests := []struct {
		name string
		args []string
		tui  rm
		want string // the refusal, or the success line
		ok   bool
	}{
		{"SIM with history", []string{"sim", "rm", "O2 1"}, func(ctx context.Context, b *tuibackend.Backend) (string, error) {
			return b.RemoveSIM(ctx, simByLabel(t, ctx, b.DB, "O2 1").ID)
		}, `2 texts refer to it; history is never detached: stop sending from it instead (texting sim set "O2 1" --inactive`, false},
		{"unused SIM", []string{"sim", "rm", "O2 2"}, func(ctx context.Context, b *tuibackend.Backend) (string, error) {
			return b.RemoveSIM(ctx, simByLabel(t, ctx, b.DB, "O2 2").ID)
		}, "removed SIM O2 2", true},
		{"network with SIMs", []string{"network", "rm", "O2"}, func(ctx context.Context, b *tuibackend.Backend) (string, error) {
			n, _ := b.DB.NetworkByName(ctx, "O2")
			return b.RemoveNetwork(ctx, n.ID)
		}, "it has 2 SIM(s) (O2 1, O2 2)", false},
		{"category with texts", []string{"category", "rm", "Call back"}, func(ctx context.Context, b *tuibackend.Backend) (string, error) {
			c, _ := b.DB.CategoryByName(ctx, "Call back")
			return b.RemoveCategory(ctx, c.ID)
		}, `1 text refer to it; history is never detached: merge it into another (texting category merge "Call back" INTO)`, false},
		{"unused category", []string{"category", "rm", "Later"}, func(ctx context.Context, b *tuibackend.Backend) (string, error) {
			c, _ := b.DB.CategoryByName(ctx, "Later")
			return b.RemoveCategory(ctx, c.ID)
		}, "removed category Later", true},
		{"template with texts", []string{"template", "rm", "Group A"}, func(ctx context.Context, b *tuibackend.Backend) (string, error) {
			tp, _ := b.DB.TemplateByName(ctx, "Group A")
			return b.RemoveTemplate(ctx, tp.ID)
		}, "their follow-ups need it", false},
		{"unused template", []string{"template", "rm", "Group B"}, func(ctx context.Context, b *tuibackend.Backend) (string, error) {
			tp, _ := b.DB.TemplateByName(ctx, "Group B")
			return b.RemoveTemplate(ctx, tp.ID)
		}, "removed template Group B", true},
	}
	fresh := frontDesks(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cliDB, tuiDB := fresh(t), fresh(t)
			cliBefore, tuiBefore := digest(t, cliDB), digest(t, tuiDB)
			cli := runCLI(t, cliDB, nil, tt.args...)
			var said string
			tuiErr := tuiSide(t, tuiDB, nil, func(ctx context.Context, b *tuibackend.Backend) (err error) {
				said, err = tt.tui(ctx, b)
				return err
			})
			if tt.ok {
				sameAnswer(t, cli, tuiErr, "")
				if strings.TrimSpace(cli.err) != tt.want || said != tt.want {
					t.Fatalf("success lines: CLI %q, TUI %q; want %q", cli.err, said, tt.want)
				}
				return
			}
			sameAnswer(t, cli, tuiErr, tt.want)
			if cli.code != 1 {
				t.Errorf("CLI exit %d, want 1", cli.code)
			}
			if digest(t, cliDB) != cliBefore || digest(t, tuiDB) != tuiBefore {
				t.Fatal("a refused removal changed the database")
			}
		})
	}
}

// TestSimRmWithHistoryChangesNothing is the issue's own check: `texting sim
// rm` on a SIM with history exits 1 and the database digest is the same
// before and after, with the binary as a user runs it.
func TestSimRmWithHistoryChangesNothing(t *testing.T) {
	t.Parallel()
	path := frontDesk(t)
	before := digest(t, path)
	cmd := exec.Command(textingBinary(t), "--db", path, "sim", "rm", "O2 1")
	b, err := cmd.CombinedOutput()
	out := string(b)
	if err == nil || cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("sim rm: %v, want exit 1 (%s)", err, out)
	}
	if !strings.Contains(out, "SIM O2 1 is still in use: 2 texts refer to it") || !strings.Contains(out, "--inactive") {
		t.Errorf("the refusal does not say what refers to it and what to do: %q", out)
	}
	if after := digest(t, path); after != before {
		t.Fatalf("database digest %s before, %s after", before, after)
	}
}

// TestRuleOptOutOnManualSend: a manual text to an opted-out number is
// refused by both front ends naming the opt-out and its date; forced, it
// goes from a real (emulated) dongle and is recorded.
func TestRuleOptOutOnManualSend(t *testing.T) {
	t.Parallel()
	const number = "+447700900777"
	fresh := frontDesks(t)
	setup := func(t *testing.T) (path string, env map[string]string, port string) {
		path = fresh(t)
		withDB(t, path, func(ctx context.Context, db *store.DB) {
			db.Now = func() time.Time { return time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC) }
			id, _, err := db.InsertMessage(ctx, store.Message{Direction: store.In, Number: number, Text: "STOP please",
				Kind: store.KindInbound, At: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.AddOptOut(ctx, number, id); err != nil {
				t.Fatal(err)
			}
		})
		dongle := newEmulator(t, "234109999999999")
		return path, map[string]string{}, dongle.Path()
	}
	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		cliDB, _, cliPort := setup(t)
		tuiDB, _, tuiPort := setup(t)
		cliBefore := digest(t, cliDB)
		cli := runCLI(t, cliDB, nil, "send", "--to", "07700 900777", "--text", "Hello", "--port", cliPort)
		var summary string
		tuiErr := tuiSide(t, tuiDB, nil, func(ctx context.Context, b *tuibackend.Backend) (err error) {
			b.Config.ModemPorts = []string{tuiPort}
			summary, err = b.Send(ctx, []string{"07700 900777"}, "Hello", "", false)
			return err
		})
		if cli.code != 1 || tuiErr == nil {
			t.Fatalf("CLI exit %d (%s), TUI %v: want both refused", cli.code, cli.err, tuiErr)
		}
		for _, said := range []string{cli.out + cli.err, summary + " " + tuiErr.Error()} {
			if !strings.Contains(said, number+" is on the opt-out list since 2 Nov 2026") || !strings.Contains(said, `"STOP please"`) {
				t.Errorf("the refusal does not name the opt-out and its date: %q", said)
			}
		}
		var oe *desk.OptedOutError
		if !errors.As(tuiErr, &oe) || !strings.Contains(cli.err, oe.Error()) {
			t.Errorf("the front ends differ:\n CLI: %s\n TUI: %v", cli.err, tuiErr)
		}
		if digest(t, cliDB) != cliBefore {
			t.Fatal("a refused send changed the database")
		}
	})
	t.Run("resend refused", func(t *testing.T) {
		t.Parallel()
		failed := func(path string) (id int64) {
			withDB(t, path, func(ctx context.Context, db *store.DB) {
				var err error
				id, _, err = db.InsertMessage(ctx, store.Message{Direction: store.Out, Number: number, Text: "Hello",
					Kind: store.KindManual, State: store.StateFailed, Error: "no signal"})
				if err != nil {
					t.Fatal(err)
				}
			})
			return id
		}
		cliDB, _, _ := setup(t)
		tuiDB, _, _ := setup(t)
		cliID, tuiID := failed(cliDB), failed(tuiDB)
		cliBefore, tuiBefore := digest(t, cliDB), digest(t, tuiDB)
		cli := runCLI(t, cliDB, nil, "outbox", "resend", fmt.Sprint(cliID))
		tuiErr := tuiSide(t, tuiDB, nil, func(ctx context.Context, b *tuibackend.Backend) error { return b.Resend(ctx, tuiID) })
		sameAnswer(t, cli, tuiErr, number+" is on the opt-out list since 2 Nov 2026")
		if digest(t, cliDB) != cliBefore || digest(t, tuiDB) != tuiBefore {
			t.Fatal("a refused resend changed the database")
		}
	})
	t.Run("forced", func(t *testing.T) {
		t.Parallel()
		cliDB, _, cliPort := setup(t)
		tuiDB, _, tuiPort := setup(t)
		cli := runCLI(t, cliDB, nil, "send", "--to", number, "--text", "Your engineer is on the way", "--force",
			"--note", "booked by phone", "--port", cliPort)
		tuiErr := tuiSide(t, tuiDB, nil, func(ctx context.Context, b *tuibackend.Backend) error {
			b.Config.ModemPorts = []string{tuiPort}
			_, err := b.Send(ctx, []string{number}, "Your engineer is on the way", "", true)
			return err
		})
		sameAnswer(t, cli, tuiErr, "")
		if !strings.Contains(cli.out, "sent with --force, recorded") {
			t.Errorf("the CLI does not say the text was forced: %q", cli.out)
		}
		for _, p := range []string{cliDB, tuiDB} {
			withDB(t, p, func(ctx context.Context, db *store.DB) {
				msgs, err := db.Messages(ctx, store.MessageFilter{Direction: store.Out, Number: number})
				// Delivered when the holder applied its report already.
				if err != nil || len(msgs) != 1 || (msgs[0].State != store.StateSent && msgs[0].State != store.StateDelivered) {
					t.Fatalf("forced text: %+v %v", msgs, err)
				}
				if !strings.Contains(strings.Join(msgs[0].Flags, ","), store.FlagForced) {
					t.Errorf("forced text not flagged: %v", msgs[0].Flags)
				}
				log, err := db.OptOutLog(ctx, number)
				if err != nil || len(log) != 1 || log[0].Action != store.OptOutForced || log[0].MessageID != msgs[0].ID {
					t.Fatalf("opt-out log: %+v %v", log, err)
				}
				if still, _ := db.IsOptedOut(ctx, number); !still {
					t.Error("forcing a text took the number off the list")
				}
			})
		}
	})
}

// TestRuleRunZeroStopsEverySend: with the setting run = 0 neither `texting
// send` nor the TUI's Send sends or queues anything, and both say why.
func TestRuleRunZeroStopsEverySend(t *testing.T) {
	t.Parallel()
	fresh := frontDesks(t)
	for _, how := range []struct {
		name string
		set  func(t *testing.T, path string) map[string]string
	}{
		{"setting", func(t *testing.T, path string) map[string]string {
			if r := runCLI(t, path, nil, "config", "set", "run", "0"); r.code != 0 {
				t.Fatal(r.err)
			}
			return nil
		}},
		{"environment", func(t *testing.T, path string) map[string]string { return map[string]string{"TEXTING_RUN": "0"} }},
	} {
		t.Run(how.name, func(t *testing.T) {
			t.Parallel()
			cliDB, tuiDB := fresh(t), fresh(t)
			cliEnv, tuiEnv := how.set(t, cliDB), how.set(t, tuiDB)
			port := newEmulator(t, "234109999999998").Path()
			cliBefore, tuiBefore := digest(t, cliDB), digest(t, tuiDB)
			cli := runCLI(t, cliDB, cliEnv, "send", "--to", "+447700900888", "--text", "Hello", "--port", port)
			tuiErr := tuiSide(t, tuiDB, tuiEnv, func(ctx context.Context, b *tuibackend.Backend) error {
				b.Config.ModemPorts = []string{port}
				_, err := b.Send(ctx, []string{"+447700900888"}, "Hello", "", true)
				return err
			})
			sameAnswer(t, cli, tuiErr, "setting run is 0")
			if cli.code != 1 {
				t.Errorf("CLI exit %d, want 1", cli.code)
			}
			if digest(t, cliDB) != cliBefore || digest(t, tuiDB) != tuiBefore {
				t.Fatal("a send under run = 0 changed the database")
			}
		})
	}
}

// TestOptOutCommands: optout add, list (plain and JSON), rm, each saying
// what it did; a number not on the list cannot be removed.
func TestOptOutCommands(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "t.db")
	steps := []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"optout", "add", "07700 900123", "--note", "asked by phone"}, 0, "", "+447700900123 added to the opt-out list"},
		{[]string{"optout", "add", "+447700900123"}, 0, "", "on the opt-out list already"},
		{[]string{"optout", "list"}, 0, "by hand: asked by phone", ""},
		{[]string{"optout", "list", "--json"}, 0, `"number": "+447700900123"`, ""},
		{[]string{"optout", "add", "12"}, 1, "", "invalid phone number"},
		{[]string{"optout", "rm", "+447700900123", "--note", "came back"}, 0, "", "+447700900123 removed from the opt-out list"},
		{[]string{"optout", "rm", "+447700900123"}, 1, "", "is not on the opt-out list"},
		{[]string{"optout", "list", "--json"}, 0, "[]", ""},
	}
	for _, s := range steps {
		r := runCLI(t, path, nil, s.args...)
		if r.code != s.code || !strings.Contains(r.out, s.out) || !strings.Contains(r.err, s.err) {
			t.Fatalf("%v: exit %d\nstdout %q\nstderr %q\nwant exit %d, stdout with %q, stderr with %q", s.args, r.code, r.out, r.err,
				s.code, s.out, s.err)
		}
	}
	withDB(t, path, func(ctx context.Context, db *store.DB) {
		log, err := db.OptOutLog(ctx, "+447700900123")
		if err != nil || len(log) != 2 || log[0].Note != "asked by phone" || log[1].Action != store.OptOutRemoved || log[1].Note != "came back" {
			t.Fatalf("opt-out log: %+v %v", log, err)
		}
	})
}

// TestRetagStopSaysOptOutStays: re-tagging a STOP as Misc leaves the number
// opted out, and `replies tag` says so and how to take it off.
func TestRetagStopSaysOptOutStays(t *testing.T) {
	t.Parallel()
	path := frontDesk(t)
	var id int64
	withDB(t, path, func(ctx context.Context, db *store.DB) {
		var err error
		id, _, err = db.InsertMessage(ctx, store.Message{Direction: store.In, Number: "+447700900321", Text: "STOP",
			Norm: "stop", Kind: store.KindInbound})
		if err != nil {
			t.Fatal(err)
		}
	})
	if r := runCLI(t, path, nil, "replies", "tag", fmt.Sprint(id), "End"); r.code != 0 || strings.Contains(r.err, "stays") {
		t.Fatalf("tag End: exit %d %q", r.code, r.err)
	}
	r := runCLI(t, path, nil, "replies", "tag", fmt.Sprint(id), "Misc", "--json")
	if r.code != 0 || !strings.Contains(r.err, "+447700900321 stays on the opt-out list") ||
		!strings.Contains(r.err, "texting optout rm +447700900321") || !strings.Contains(r.out, `"opt_outs_kept": [`) {
		t.Fatalf("re-tag as Misc: exit %d\nstdout %q\nstderr %q", r.code, r.out, r.err)
	}
}
