package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"github.com/texting-centre/texting/config"
)

// `texting ssh add-key|keys|rm-key`: the staff who may use the desk over
// SSH (texting serve --ssh).

func newCmdSSH(f *Factory) *cobra.Command {
	cmd := adminGroup("ssh", "Manage the staff keys 'texting serve --ssh' lets in")
	cmd.Long = "Manage the staff keys 'texting serve --ssh' lets in: an OpenSSH authorized-keys file\n" +
		"(setting ssh.authorized_keys, default texting_authorized_keys beside the database) in which\n" +
		"each key's comment is the name its operator's tags carry."
	cmd.AddCommand(newCmdSSHAddKey(f, nil), newCmdSSHKeys(f, nil), newCmdSSHRmKey(f, nil))
	return cmd
}

// sshKeysOptions is what the ssh commands need.
type sshKeysOptions struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// KeysPath resolves the authorized-keys file (setting
	// ssh.authorized_keys, else beside the database).
	KeysPath func(context.Context) (string, error)
	Name     string // add-key and rm-key: the operator
	File     string // add-key: the public key's file, "-" for standard input
	JSON     bool
}

func newSSHKeysOptions(f *Factory) *sshKeysOptions {
	return &sshKeysOptions{In: f.In, Out: f.Out, Err: f.Err, KeysPath: func(ctx context.Context) (string, error) {
		db, err := f.Store(ctx)
		if err != nil {
			return "", err
		}
		cfg, err := f.Config(ctx)
		if err != nil {
			return "", err
		}
		return authorizedKeysPath(cfg, db.Path()), nil
	}}
}

func newCmdSSHAddKey(f *Factory, runF func(context.Context, *sshKeysOptions) error) *cobra.Command {
	opts := newSSHKeysOptions(f)
	return &cobra.Command{
		Use:   "add-key NAME FILE|-",
		Short: "Let an operator in over SSH with the public key in FILE (- reads it from standard input)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name, opts.File = args[0], args[1]
			return run(cmd.Context(), opts, runF, sshAddKey)
		},
	}
}

// sshAddKey adds the key read from file (or standard input) under name. A
// key already on the list is refused, whoever's it is: one key, one name.
func sshAddKey(ctx context.Context, opts *sshKeysOptions) error {
	name, file := opts.Name, opts.File
	if err := config.CheckOperator(name); err != nil {
		return fmt.Errorf("ssh add-key: %w", err)
	}
	path, err := opts.KeysPath(ctx)
	if err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	var b []byte
	if file == "-" {
		b, err = io.ReadAll(io.LimitReader(opts.In, 64*1024))
	} else {
		b, err = os.ReadFile(file)
	}
	if err != nil {
		return fmt.Errorf("ssh add-key: %w", err)
	}
	line := strings.TrimSpace(string(b))
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		return errors.New("ssh add-key: give one public key (the file has several lines)")
	}
	// The comment the key came with (user@laptop) is replaced by the name.
	key, _, _, _, err := gossh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return fmt.Errorf("ssh add-key: not an OpenSSH public key (%s): %w", file, err)
	}
	k := staffKey{Name: name, Key: key}
	keys, err := readStaffKeys(path)
	if err != nil {
		return fmt.Errorf("ssh add-key: %w", err)
	}
	if had, ok := staffFor(keys, k.Key); ok {
		return fmt.Errorf("ssh add-key: that key is already on the list, as %s", had.Name)
	}
	if err := writeStaffKeys(path, append(keys, k)); err != nil {
		return fmt.Errorf("ssh add-key: %w", err)
	}
	fmt.Fprintf(opts.Err, "added %s key %s for %s (%s)\n", k.Key.Type(), k.Fingerprint(), k.Name, path)
	return nil
}

type sshKeyJSON struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Fingerprint string `json:"fingerprint"`
}

func newCmdSSHKeys(f *Factory, runF func(context.Context, *sshKeysOptions) error) *cobra.Command {
	opts := newSSHKeysOptions(f)
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "List the operators who may use the desk over SSH, with their keys",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), opts, runF, sshKeys)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

func sshKeys(ctx context.Context, opts *sshKeysOptions) error {
	path, err := opts.KeysPath(ctx)
	if err != nil {
		return err
	}
	keys, err := readStaffKeys(path)
	if err != nil {
		return fmt.Errorf("ssh keys: %w", err)
	}
	if opts.JSON {
		out := []sshKeyJSON{}
		for _, k := range keys {
			out = append(out, sshKeyJSON{Name: k.Name, Type: k.Key.Type(), Fingerprint: k.Fingerprint()})
		}
		return writeJSON(opts.Out, out)
	}
	if len(keys) == 0 {
		fmt.Fprintf(opts.Err, "no staff keys yet (%s); add one with 'texting ssh add-key NAME FILE'\n", path)
		return nil
	}
	rows := make([][]string, len(keys))
	for i, k := range keys {
		rows[i] = []string{k.Name, k.Key.Type(), k.Fingerprint()}
	}
	return printTable(opts.Out, []string{"NAME", "TYPE", "FINGERPRINT"}, rows)
}

func newCmdSSHRmKey(f *Factory, runF func(context.Context, *sshKeysOptions) error) *cobra.Command {
	opts := newSSHKeysOptions(f)
	return &cobra.Command{
		Use:   "rm-key NAME",
		Short: "Stop letting an operator in over SSH (every key of that name)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			return run(cmd.Context(), opts, runF, sshRmKey)
		},
	}
}

// sshRmKey removes every key of name. Sessions open with one stay open
// until they end; new connections with it are refused.
func sshRmKey(ctx context.Context, opts *sshKeysOptions) error {
	name := opts.Name
	path, err := opts.KeysPath(ctx)
	if err != nil {
		return err
	}
	keys, err := readStaffKeys(path)
	if err != nil {
		return fmt.Errorf("ssh rm-key: %w", err)
	}
	var kept []staffKey
	for _, k := range keys {
		if k.Name != strings.TrimSpace(name) {
			kept = append(kept, k)
		}
	}
	if len(kept) == len(keys) {
		return fmt.Errorf("ssh rm-key: no key for %q (texting ssh keys lists them)", name)
	}
	if err := writeStaffKeys(path, kept); err != nil {
		return fmt.Errorf("ssh rm-key: %w", err)
	}
	fmt.Fprintf(opts.Err, "removed %d key%s of %s\n", len(keys)-len(kept), map[bool]string{true: "", false: "s"}[len(keys)-len(kept) == 1], name)
	return nil
}
