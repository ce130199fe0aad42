package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

func TestOpenCreatesPrivateFileAndMigratesOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := db.SchemaVersion(ctx)
	if err != nil || v1 < 1 {
		t.Fatalf("schema version = %d, %v", v1, err)
	}
	cats, _ := db.Categories(ctx)
	db.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", st.Mode().Perm())
	}
	// A second open applies nothing twice: the seeded categories are not doubled.
	db, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v2, _ := db.SchemaVersion(ctx)
	cats2, _ := db.Categories(ctx)
	if v2 != v1 || len(cats2) != len(cats) {
		t.Errorf("second open: version %d→%d, categories %d→%d", v1, v2, len(cats), len(cats2))
	}
}

func TestSeededCategories(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	ctx := context.Background()
	want := map[string]struct {
		optOut   bool
		followup string
	}{
		"Thanks": {false, "basic"}, "End": {true, "none"}, "Bot": {false, "none"},
		"Misc": {false, "basic"}, "Followup reply": {false, "none"},
	}
	cats, err := db.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cats) != len(want) {
		t.Fatalf("got %d categories, want %d", len(cats), len(want))
	}
	for _, c := range cats {
		w, ok := want[c.Name]
		if !ok || w.optOut != c.OptOut || w.followup != c.Followup {
			t.Errorf("category %+v not as seeded", c)
		}
	}
	end, err := db.CategoryByRole(ctx, store.RoleEnd)
	if err != nil || end.Name != "End" {
		t.Errorf("role end = %v, %v", end, err)
	}
}

func TestOpenRefusesBadFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := store.Open(ctx, filepath.Join(dir, "missing", "t.db")); err == nil ||
		!strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing directory: err = %v", err)
	}
	junk := filepath.Join(dir, "junk.db")
	content := []byte("this is not a database, it is a shopping list: eggs, milk, bread, tea, more tea\n")
	content = append(content, make([]byte, 4096)...)
	os.WriteFile(junk, content, 0o600)
	_, err := store.Open(ctx, junk)
	if err == nil || !strings.Contains(err.Error(), "not SQLite") {
		t.Errorf("junk file: err = %v", err)
	}
	after, _ := os.ReadFile(junk)
	if string(after) != string(content) {
		t.Error("opening a junk file changed it")
	}
}

func TestPragmasOnEveryConnection(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	ctx := context.Background()
	// Hold several connections at once so the pool must open new ones.
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fk, busy, mode, err := db.Pragmas(ctx)
			if err == nil && (fk != 1 || busy < 5000 || mode != "wal") {
				err = fmt.Errorf("foreign_keys=%d busy_timeout=%d journal_mode=%s", fk, busy, mode)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestNetworkSIMCRUD(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	ctx := context.Background()
	o2, err := db.AddNetwork(ctx, store.Network{Name: "O2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddNetwork(ctx, store.Network{Name: "o2"}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate network: err = %v, want ErrConflict", err)
	}
	s1, err := db.AddSIM(ctx, store.SIM{NetworkID: o2.ID, DailyLimit: 300, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := db.AddSIM(ctx, store.SIM{NetworkID: o2.ID, DailyLimit: 300, Active: true})
	if s1.Label() != "O2 1" || s2.Label() != "O2 2" {
		t.Errorf("labels %q %q", s1.Label(), s2.Label())
	}
	got, err := db.FindSIM(ctx, "o2 2")
	if err != nil || got.ID != s2.ID {
		t.Errorf("FindSIM(o2 2) = %v, %v", got.ID, err)
	}
	if _, err := db.FindSIM(ctx, "O2"); err == nil {
		t.Error("FindSIM(O2) with two SIMs should be ambiguous")
	}
	if err := db.DeleteNetwork(ctx, o2.ID); !errors.Is(err, store.ErrInUse) {
		t.Errorf("delete network with SIMs: %v", err)
	}
	gw, _ := db.AddNetwork(ctx, store.Network{Name: "SMSBCAST", Gateway: true})
	acct, err := db.AddSIM(ctx, store.SIM{NetworkID: gw.ID, GatewayURL: "https://x/api-adv.php", GatewayUser: "u", GatewayPassword: "p", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if acct.Label() != "SMSBCAST" {
		t.Errorf("gateway label = %q", acct.Label())
	}
	if got, err := db.FindSIM(ctx, "SMSBCAST"); err != nil || got.ID != acct.ID {
		t.Errorf("FindSIM(SMSBCAST) = %v, %v", got, err)
	}
	seen, created, err := db.SeenSIM(ctx, "234101234567890", "8944", "8673", "Vodafone", "/dev/ttyUSB2")
	if err != nil || !created || seen.Label() != "Vodafone 1" || seen.LastPort != "/dev/ttyUSB2" {
		t.Fatalf("SeenSIM = %+v, %v, %v", seen, created, err)
	}
	again, created, err := db.SeenSIM(ctx, "234101234567890", "", "", "Vodafone", "/dev/ttyUSB5")
	if err != nil || created || again.ID != seen.ID || again.LastPort != "/dev/ttyUSB5" || again.ICCID != "8944" {
		t.Fatalf("SeenSIM again = %+v, %v, %v", again, created, err)
	}
}

func TestDailyTrafficAndLeastUsed(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	storetest.FixClock(db, now)
	n, _ := db.AddNetwork(ctx, store.Network{Name: "O2"})
	a, _ := db.AddSIM(ctx, store.SIM{NetworkID: n.ID, DailyLimit: 10, Active: true})
	b, _ := db.AddSIM(ctx, store.SIM{NetworkID: n.ID, DailyLimit: 10, Active: true})
	add := func(sim int64, dir, state string, at time.Time, parts int) {
		t.Helper()
		kind := store.KindCampaign
		if dir == store.In {
			kind = store.KindInbound
		}
		if _, _, err := db.InsertMessage(ctx, store.Message{Direction: dir, SIMID: sim, Number: "+447700900123",
			Text: "x", At: at, Kind: kind, State: state, Parts: parts}); err != nil {
			t.Fatal(err)
		}
	}
	add(a.ID, store.Out, store.StateSent, now.Add(-time.Hour), 2)
	add(a.ID, store.Out, store.StateUnknown, now.Add(-2*time.Hour), 1)
	add(a.ID, store.Out, store.StateFailed, now.Add(-2*time.Hour), 5) // failed: not counted
	add(a.ID, store.Out, store.StateQueued, now.Add(-2*time.Hour), 5) // queued: not counted
	add(a.ID, store.In, "", now.Add(-3*time.Hour), 1)
	add(b.ID, store.Out, store.StateDelivered, now.Add(-26*time.Hour), 1)
	days, err := db.DailyTraffic(ctx, 2, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if got := days[0].SIMs[a.ID]; got.Sent != 3 || got.Received != 1 {
		t.Errorf("today SIM a = %+v, want sent 3 received 1", got)
	}
	if got := days[1].SIMs[b.ID]; got.Sent != 1 {
		t.Errorf("yesterday SIM b = %+v, want sent 1", got)
	}
	least, used, err := db.LeastUsed(ctx, time.UTC)
	if err != nil || least[0].ID != b.ID || used[a.ID] != 3 {
		t.Errorf("least used = %v %v %v", least, used, err)
	}
}

func TestInsertMessageDedupe(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	ctx := context.Background()
	m := store.Message{Direction: store.In, Number: "+447700900123", Text: "hi", Kind: store.KindInbound, DedupeKey: "k1"}
	id1, dup, err := db.InsertMessage(ctx, m)
	if err != nil || dup {
		t.Fatal(err, dup)
	}
	id2, dup, err := db.InsertMessage(ctx, m)
	if err != nil || !dup || id2 != id1 {
		t.Fatalf("second insert: id %d dup %v err %v", id2, dup, err)
	}
	if n, _ := db.CountMessages(ctx, store.MessageFilter{}); n != 1 {
		t.Errorf("%d messages stored, want 1", n)
	}
}

// TestTwoProcessesWriteAtOnce runs this test binary twice as helper processes,
// each inserting 1,000 messages in separate transactions into one file.
func TestTwoProcessesWriteAtOnce(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("spawns processes")
	}
	path := filepath.Join(t.TempDir(), "shared.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const each = 1000
	var wg sync.WaitGroup
	outs := make([][]byte, 2)
	errs := make([]error, 2)
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$")
			cmd.Env = append(os.Environ(), "STORE_HELPER_DB="+path, "STORE_HELPER_ID="+strconv.Itoa(i),
				"STORE_HELPER_N="+strconv.Itoa(each))
			outs[i], errs[i] = cmd.CombinedOutput()
		}(i)
	}
	wg.Wait()
	for i := range errs {
		if errs[i] != nil {
			t.Fatalf("writer %d: %v\n%s", i, errs[i], outs[i])
		}
	}
	n, err := db.CountMessages(context.Background(), store.MessageFilter{})
	if err != nil || n != 2*each {
		t.Fatalf("%d rows after two writers, want %d (%v)", n, 2*each, err)
	}
}

func TestHelperWriter(t *testing.T) {
	t.Parallel()
	path := os.Getenv("STORE_HELPER_DB")
	if path == "" {
		t.Skip("helper process only")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n, _ := strconv.Atoi(os.Getenv("STORE_HELPER_N"))
	id := os.Getenv("STORE_HELPER_ID")
	for i := 0; i < n; i++ {
		_, _, err := db.InsertMessage(ctx, store.Message{Direction: store.In, Number: "+447700900" + id,
			Text: fmt.Sprintf("writer %s text %d", id, i), Kind: store.KindInbound, DedupeKey: id + ":" + strconv.Itoa(i)})
		if err != nil {
			t.Fatalf("insert %d: %v", i, err)
		}
	}
}

func TestSeenSIMMatchesOperatorToNetwork(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	ctx := context.Background()
	for _, n := range []string{"O2", "Vodafone", "EE"} {
		if _, err := db.AddNetwork(ctx, store.Network{Name: n}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ imsi, operator, want string }{
		{"234100000000001", "O2 - UK", "O2 1"},
		{"234150000000002", "vodafone UK", "Vodafone 1"},
		{"234300000000003", "EE", "EE 1"},
		{"234200000000004", "3 UK", "3 UK 1"},
		{"234100000000005", "O2X", "O2X 1"},
	}
	for _, tt := range tests {
		s, _, err := db.SeenSIM(ctx, tt.imsi, "", "", tt.operator, "/dev/ttyUSB2")
		if err != nil || s.Label() != tt.want {
			t.Errorf("SeenSIM(%q) = %q, %v; want %q", tt.operator, s.Label(), err, tt.want)
		}
	}
}
