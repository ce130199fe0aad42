package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
)

func TestStatsFromTo(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "t.db")
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.AddNetwork(ctx, store.Network{Name: "O2"})
	if err != nil {
		t.Fatal(err)
	}
	sim, err := db.AddSIM(ctx, store.SIM{NetworkID: n.ID, Active: true, DailyLimit: 300})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []struct {
		day   string
		parts int
	}{{"2026-03-02", 3}, {"2026-03-04", 5}, {"2026-04-01", 7}} {
		at, _ := time.ParseInLocation("2006-01-02 15:04", d.day+" 10:00", time.Local)
		if _, _, err := db.InsertMessage(ctx, store.Message{Direction: store.Out, SIMID: sim.ID, Number: "+447700900001",
			Text: "hi", At: at, Kind: store.KindManual, State: store.StateSent, Parts: d.parts}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	r := runCLI(t, dbPath, nil, "stats", "--from", "2026-03-01", "--to", "2026-03-05", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var got statsJSON
	if err := json.Unmarshal([]byte(r.out), &got); err != nil {
		t.Fatal(err)
	}
	var days []string
	sent := map[string]int{}
	for _, d := range got.Days {
		days = append(days, d.Date)
		sent[d.Date] = d.SIMs[0].Sent
	}
	if strings.Join(days, " ") != "2026-03-05 2026-03-04 2026-03-03 2026-03-02 2026-03-01" ||
		sent["2026-03-02"] != 3 || sent["2026-03-04"] != 5 || sent["2026-03-03"] != 0 {
		t.Fatalf("days %v, sent %v", days, sent)
	}
	// --to with --days counts back from --to.
	r = runCLI(t, dbPath, nil, "stats", "--to", "2026-04-01", "--days", "2", "--csv")
	if r.code != 0 || !strings.Contains(r.out, "2026-04-01,O2 1,7,") || !strings.Contains(r.out, "2026-03-31,O2 1,0,") ||
		strings.Contains(r.out, "2026-03-30") {
		t.Fatalf("--to --days: %d %q %q", r.code, r.out, r.err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--from", "2026-03-05", "--to", "2026-03-01"}, "is after --to"},
		{[]string{"--from", "March"}, "--from must be a date"},
		{[]string{"--to", "2026-13-01"}, "--to must be a date"},
		{[]string{"--from", "2026-03-01", "--days", "3"}, "cannot be used together"},
	} {
		r := runCLI(t, dbPath, nil, append([]string{"stats"}, tt.args...)...)
		if r.code != 1 || !strings.Contains(r.err, tt.want) || r.out != "" {
			t.Errorf("stats %v: %+v, want exit 1 with %q", tt.args, r, tt.want)
		}
	}
}
