package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/store"
)

// backupOptions holds what `texting backup FILE` and `texting restore FILE`
// need.
type backupOptions struct {
	readDeps
	// DatabasePath is where the database is (restore replaces that file).
	DatabasePath func() (path string, isDefault bool, err error)
	File         string
}

func newBackupOptions(f *Factory) *backupOptions {
	return &backupOptions{readDeps: newReadDeps(f), DatabasePath: f.DatabasePath}
}

// newCmdBackup builds `texting backup FILE`; runF replaces backupRun in tests.
func newCmdBackup(f *Factory, runF func(context.Context, *backupOptions) error) *cobra.Command {
	opts := newBackupOptions(f)
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the live database to FILE (safe while others write)",
		Long: "Copy the database to FILE while the TUI, serve and runs go on using it: the copy\n" +
			"is one consistent snapshot (SQLite's VACUUM INTO), checked (PRAGMA integrity_check)\n" +
			"before it replaces FILE, and readable only by you (mode 0600). An existing FILE\n" +
			"is replaced only by a good copy, so a nightly cron line can reuse one name a\n" +
			"weekday (see docs/crontab.example). Put it back with texting restore FILE.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			return run(cmd.Context(), opts, runF, backupRun)
		},
	}
}

func backupRun(ctx context.Context, opts *backupOptions) error {
	db, err := opts.Store(ctx)
	if err != nil {
		return err
	}
	info, err := db.Backup(ctx, opts.File)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(opts.Out, "backed up %s to %s (%s, schema version %d, integrity ok)\n",
		db.Path(), info.Path, sizeText(info.Bytes), info.SchemaVersion)
	return err
}

// newCmdRestore builds `texting restore FILE`; runF replaces restoreRun in tests.
func newCmdRestore(f *Factory, runF func(context.Context, *backupOptions) error) *cobra.Command {
	opts := newBackupOptions(f)
	return &cobra.Command{
		Use:   "restore FILE",
		Short: "Replace the database with a backup (refused while any texting process uses it)",
		Long: "Replace the database with the backup FILE. FILE must be a sound Texting Centre\n" +
			"database (integrity check, a schema this program knows). While another process\n" +
			"has the database open (the TUI, serve, a run) nothing is changed and the exit\n" +
			"status is 1: close or stop them first. The database replaced is kept beside it\n" +
			"as FILE.before-restore-TIME.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			return run(cmd.Context(), opts, runF, restoreRun)
		},
	}
}

func restoreRun(ctx context.Context, opts *backupOptions) error {
	path, _, err := opts.DatabasePath()
	if err != nil {
		return err
	}
	info, err := store.Restore(ctx, path, opts.File)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.Out, "restored %s from %s (schema version %d)\n", path, opts.File, info.SchemaVersion)
	if info.Saved != "" {
		fmt.Fprintf(opts.Out, "the database it replaced is kept as %s\n", info.Saved)
	}
	// Opening it applies any newer migrations now, not in the next command.
	db, err := opts.Store(ctx)
	if err != nil {
		return err
	}
	v, err := db.SchemaVersion(ctx)
	if err == nil && v != info.SchemaVersion {
		fmt.Fprintf(opts.Out, "schema migrated from version %d to %d\n", info.SchemaVersion, v)
	}
	return err
}

// sizeText is a byte count for people: "812 KB", "3.4 MB".
func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
