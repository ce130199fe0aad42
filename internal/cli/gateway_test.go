package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/texting-centre/texting/gateway/gatewaytest"
	"github.com/texting-centre/texting/store"
)

// TestGatewayBalance asks the provider's double for the balance of the
// gateway SIM, picking it by --sim when there are several.
func TestGatewayBalance(t *testing.T) {
	prov := gatewaytest.New(gatewaytest.WithAccount("alice", "s3cret-pass", 1234),
		gatewaytest.WithAccount("bob", "other-pass", 7))
	defer prov.Close()
	dbPath := filepath.Join(t.TempDir(), "t.db")
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	net, err := db.AddNetwork(ctx, store.Network{Name: "SMSBCAST", Gateway: true})
	if err != nil {
		t.Fatal(err)
	}
	add := func(user, pass string, ref int) {
		if _, err := db.AddSIM(ctx, store.SIM{NetworkID: net.ID, Ref: ref, Active: true, GatewayURL: prov.URL(),
			GatewayUser: user, GatewayPassword: pass}); err != nil {
			t.Fatal(err)
		}
	}
	if r := runCLI(t, dbPath, nil, "gateway", "balance"); r.code != 1 || !strings.Contains(r.err, "no gateway SIM") {
		t.Fatalf("no gateway SIM: %d %q", r.code, r.err)
	}
	add("alice", "s3cret-pass", 0)
	db.Close()

	r := runCLI(t, dbPath, nil, "gateway", "balance", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var got balanceJSON
	if err := json.Unmarshal([]byte(r.out), &got); err != nil || got.Credits != 1234 || got.SIM != "SMSBCAST" {
		t.Fatalf("%+v %v: %s", got, err, r.out)
	}
	if strings.Contains(r.out+r.err, "s3cret") {
		t.Fatal("the password was printed")
	}

	db, err = store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	add("bob", "other-pass", 2)
	add("mallory", "wrong-pass", 3)
	db.Close()
	if r := runCLI(t, dbPath, nil, "gateway", "balance"); r.code != 1 || !strings.Contains(r.err, "--sim") {
		t.Fatalf("several gateway SIMs: %d %q", r.code, r.err)
	}
	if r := runCLI(t, dbPath, nil, "gateway", "balance", "--sim", "SMSBCAST 2"); r.code != 0 || r.out != "SMSBCAST 2: 7 credits\n" {
		t.Fatalf("--sim: %d %q %q", r.code, r.out, r.err)
	}
	r = runCLI(t, dbPath, nil, "gateway", "balance", "--sim", "SMSBCAST 3")
	if r.code != 1 || strings.Contains(r.err, "wrong-pass") || strings.Count(r.err, "\n") != 1 {
		t.Fatalf("bad credentials: %d %q", r.code, r.err)
	}
}
