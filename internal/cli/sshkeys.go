package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	gossh "golang.org/x/crypto/ssh"

	"github.com/texting-centre/texting/config"
)

// The SSH desk's files live beside the database unless a setting says
// otherwise.
const (
	authorizedKeysFile = "texting_authorized_keys"
	hostKeyFile        = "texting_ssh_host_ed25519_key"
)

// authorizedKeysPath is the setting ssh.authorized_keys, else the file
// beside the database.
func authorizedKeysPath(cfg config.Config, dbPath string) string {
	if cfg.SSHAuthorizedKeys != "" {
		return cfg.SSHAuthorizedKeys
	}
	return filepath.Join(filepath.Dir(dbPath), authorizedKeysFile)
}

// hostKeyPath is where serve --ssh keeps its host key: beside the database.
func hostKeyPath(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), hostKeyFile)
}

// staffKey is one line of the authorized-keys file: a public key and the
// operator it lets in (the line's comment).
type staffKey struct {
	Name string
	Key  gossh.PublicKey
	Line int // 1-based, for messages
}

// Fingerprint is the key's SHA256 fingerprint, as ssh-keygen -l shows it.
func (k staffKey) Fingerprint() string { return gossh.FingerprintSHA256(k.Key) }

// readStaffKeys reads an authorized-keys file in OpenSSH format. Blank and
// # lines are skipped; a line that does not parse, or whose comment is not
// a usable operator name, is an error naming the line: a key without a name
// would let in nobody we could tell apart. A missing file is no keys.
func readStaffKeys(path string) ([]staffKey, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("authorized keys: %w", err)
	}
	var keys []staffKey
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, err := parseStaffKey(line)
		if err != nil {
			return nil, fmt.Errorf("authorized keys %s line %d: %w", path, n, err)
		}
		k.Line = n
		keys = append(keys, k)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("authorized keys %s: %w", path, err)
	}
	return keys, nil
}

// parseStaffKey reads one OpenSSH public-key line whose comment names the
// operator.
func parseStaffKey(line string) (staffKey, error) {
	key, comment, _, _, err := gossh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return staffKey{}, fmt.Errorf("not an OpenSSH public key: %w", err)
	}
	if err := config.CheckOperator(comment); err != nil {
		return staffKey{}, fmt.Errorf("the key's comment is its operator's name: %w", err)
	}
	return staffKey{Name: strings.TrimSpace(comment), Key: key}, nil
}

// staffFor returns the operator whose key is key.
func staffFor(keys []staffKey, key gossh.PublicKey) (staffKey, bool) {
	if key == nil {
		return staffKey{}, false
	}
	want := key.Marshal()
	for _, k := range keys {
		if bytes.Equal(k.Key.Marshal(), want) {
			return k, true
		}
	}
	return staffKey{}, false
}

// writeStaffKeys replaces the file with keys, one line each
// ("ssh-ed25519 AAAA… name"), mode 0600, by renaming a complete new file
// over it so that serve never reads half a file.
func writeStaffKeys(path string, keys []staffKey) error {
	var b bytes.Buffer
	b.WriteString("# Texting Centre staff allowed in by 'texting serve --ssh'; each key's comment is its operator's name.\n")
	b.WriteString("# Change with 'texting ssh add-key NAME FILE' and 'texting ssh rm-key NAME'.\n")
	for _, k := range keys {
		b.WriteString(strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.Key))) + " " + k.Name + "\n")
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".texting-keys-*")
	if err != nil {
		return fmt.Errorf("authorized keys: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("authorized keys: %w", err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("authorized keys: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("authorized keys: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("authorized keys: %w", err)
	}
	return nil
}
