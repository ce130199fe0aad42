package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSSHKeyCommands: add-key from a file and from standard input, the
// listing (plain and --json), refusals that change nothing (a bad name, a
// file that is no key, a key already listed, an unknown name to remove),
// and rm-key; the file is kept 0600 beside the database.
func TestSSHKeyCommands(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "t.db")
	_, annLine := newKey(t)
	_, samLine := newKey(t)
	annFile := filepath.Join(dir, "ann.pub")
	if err := os.WriteFile(annFile, []byte(annLine+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	keysFile := filepath.Join(dir, authorizedKeysFile)
	if r := runCLI(t, dbPath, nil, "ssh", "add-key", "ann", annFile); r.code != 0 || !strings.Contains(r.err, "for ann") {
		t.Fatalf("add-key: %d %q", r.code, r.err)
	}
	if r := runCLIWithInput(t, dbPath, samLine, "ssh", "add-key", "Sam Lee", "-"); r.code != 0 {
		t.Fatalf("add-key -: %d %q", r.code, r.err)
	}
	st, err := os.Stat(keysFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("keys file: %v %v", st, err)
	}
	before, _ := os.ReadFile(keysFile)
	for _, tc := range []struct {
		name string
		args []string
		in   string
		want string
	}{
		{"bad name", []string{"ssh", "add-key", "ann;x", annFile}, "", "operator's name"},
		{"not a key", []string{"ssh", "add-key", "kim", "-"}, "hello", "not an OpenSSH public key"},
		{"two keys", []string{"ssh", "add-key", "kim", "-"}, annLine + "\n" + samLine, "one public key"},
		{"key listed already", []string{"ssh", "add-key", "kim", annFile}, "", "already on the list, as ann"},
		{"no such file", []string{"ssh", "add-key", "kim", filepath.Join(dir, "nope.pub")}, "", "no such file"},
		{"rm unknown", []string{"ssh", "rm-key", "kim"}, "", `no key for "kim"`},
	} {
		r := runCLIWithInput(t, dbPath, tc.in, tc.args...)
		if r.code == 0 || !strings.Contains(r.err, tc.want) || strings.Count(strings.TrimSpace(r.err), "\n") != 0 {
			t.Errorf("%s: exit %d, %q", tc.name, r.code, r.err)
		}
		if after, _ := os.ReadFile(keysFile); string(after) != string(before) {
			t.Errorf("%s: the keys file changed", tc.name)
		}
	}
	r := runCLI(t, dbPath, nil, "ssh", "keys", "--json")
	var keys []map[string]string
	if err := json.Unmarshal([]byte(r.out), &keys); err != nil || len(keys) != 2 {
		t.Fatalf("keys --json: %v\n%s", err, r.out)
	}
	if keys[0]["name"] != "ann" || keys[1]["name"] != "Sam Lee" || keys[0]["type"] != "ssh-ed25519" ||
		!strings.HasPrefix(keys[0]["fingerprint"], "SHA256:") {
		t.Fatalf("keys: %v", keys)
	}
	if r := runCLI(t, dbPath, nil, "ssh", "keys"); !strings.Contains(r.out, "Sam Lee") || !strings.Contains(r.out, "FINGERPRINT") {
		t.Fatalf("keys: %s", r.out)
	}
	if r := runCLI(t, dbPath, nil, "ssh", "rm-key", "ann"); r.code != 0 {
		t.Fatalf("rm-key: %s", r.err)
	}
	r = runCLI(t, dbPath, nil, "ssh", "keys", "--json")
	if err := json.Unmarshal([]byte(r.out), &keys); err != nil || len(keys) != 1 || keys[0]["name"] != "Sam Lee" {
		t.Fatalf("after rm-key: %v %s", err, r.out)
	}
}
