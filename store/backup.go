package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrDatabaseInUse means another connection (another texting process: the
// TUI, serve, a run) has the database open, so it cannot be replaced.
var ErrDatabaseInUse = errors.New("the database is in use by another process")

// BackupInfo describes a database copy.
type BackupInfo struct {
	Path          string
	Bytes         int64
	SchemaVersion int
}

// Backup writes a consistent copy of the database to path while other
// connections and processes go on reading and writing: VACUUM INTO reads one
// snapshot of the database, so the copy holds every transaction committed
// before it began and none after. The copy is written beside path (mode 0600)
// and renamed over it once complete and checked, so path is never half
// written and an older backup there is replaced only by a good one.
func (db *DB) Backup(ctx context.Context, path string) (BackupInfo, error) {
	info := BackupInfo{Path: path}
	if path == "" {
		return info, errors.New("backup: no file given")
	}
	if st, err := os.Stat(path); err == nil {
		if st.IsDir() {
			return info, fmt.Errorf("backup %s: it is a directory; give the path of a file in it", path)
		}
		if live, err := os.Stat(db.path); err == nil && os.SameFile(st, live) {
			return info, fmt.Errorf("backup %s: that is the live database itself", path)
		}
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return info, fmt.Errorf("backup %s: directory %s does not exist", path, dir)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".part-*")
	if err != nil {
		return info, fmt.Errorf("backup %s: %w", path, err)
	}
	tmpPath := tmp.Name()
	tmp.Close() // empty and 0600: VACUUM INTO writes into an empty file
	defer os.Remove(tmpPath)
	if _, err := db.sql.ExecContext(ctx, `VACUUM INTO ?`, tmpPath); err != nil {
		return info, fmt.Errorf("backup %s: %w", path, err)
	}
	v, err := checkDatabaseFile(ctx, tmpPath)
	if err != nil {
		return info, fmt.Errorf("backup %s: the copy does not check: %w", path, err)
	}
	if err := syncFile(tmpPath); err != nil {
		return info, fmt.Errorf("backup %s: %w", path, err)
	}
	if err := os.Rename(tmpPath, path); err != nil {
		return info, fmt.Errorf("backup %s: %w", path, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return info, fmt.Errorf("backup %s: %w", path, err)
	}
	info.Bytes, info.SchemaVersion = st.Size(), v
	return info, nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// CheckDatabaseFile opens the database file at path read-only and checks
// that it is a sound Texting Centre database this program can use: SQLite's
// integrity check passes and its schema is not newer than this program's. It
// returns the schema version.
func CheckDatabaseFile(ctx context.Context, path string) (int, error) {
	if _, err := os.Stat(path); err != nil {
		return 0, fmt.Errorf("check %s: %w", path, errors.Unwrap(err))
	}
	v, err := checkDatabaseFile(ctx, path)
	if err != nil {
		return 0, fmt.Errorf("check %s: %w", path, err)
	}
	return v, nil
}

func checkDatabaseFile(ctx context.Context, path string) (int, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro&_pragma=busy_timeout(5000)"
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return 0, err
	}
	defer sdb.Close()
	var res []string
	rows, err := sdb.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return 0, describe(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return 0, err
		}
		res = append(res, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, describe(err)
	}
	if len(res) != 1 || res[0] != "ok" {
		return 0, fmt.Errorf("integrity check failed: %s", strings.Join(res, "; "))
	}
	var v int
	if err := sdb.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, errors.New("not a Texting Centre database (no schema_migrations table)")
	}
	if newest := newestMigration(); v > newest {
		return 0, fmt.Errorf("its schema version %d is newer than this program's (%d): use a newer texting", v, newest)
	}
	return v, nil
}

// newestMigration is the version of the newest embedded migration.
func newestMigration() int {
	entries, _ := fs.ReadDir(migrations, "migrations")
	newest := 0
	for _, e := range entries {
		var v int
		if _, err := fmt.Sscanf(e.Name(), "%d_", &v); err == nil && v > newest {
			newest = v
		}
	}
	return newest
}

// RestoreInfo says what Restore did.
type RestoreInfo struct {
	SchemaVersion int    // of the restored copy, before migrations
	Saved         string // where the database restored over was saved ("" when there was none)
}

// Restore replaces the database at path with the copy at from. It refuses,
// with ErrDatabaseInUse and nothing changed, while any other connection has
// path open: it takes SQLite's exclusive lock, which an open WAL connection
// (the TUI, serve, a run) prevents, and holds it until the copy is in. The
// database it replaces is first copied to path + ".before-restore-TIME", so a
// restore can be undone. A restored copy of an older schema is migrated when
// the database is next opened.
func Restore(ctx context.Context, path, from string) (RestoreInfo, error) {
	var info RestoreInfo
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return info, fmt.Errorf("restore into %s: it is a directory", path)
	}
	if a, err := os.Stat(path); err == nil {
		if b, err := os.Stat(from); err == nil && os.SameFile(a, b) {
			return info, fmt.Errorf("restore %s: that is the database itself", from)
		}
	}
	v, err := CheckDatabaseFile(ctx, from)
	if err != nil {
		return info, fmt.Errorf("restore: %w", err)
	}
	info.SchemaVersion = v
	existed := true
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		existed = false
	}
	if err := createPrivate(path); err != nil {
		return info, fmt.Errorf("restore into %s: %w", path, err)
	}
	// One connection that takes the exclusive lock at once (no busy wait)
	// and keeps it until it closes.
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=busy_timeout(0)&_pragma=locking_mode(EXCLUSIVE)"
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return info, fmt.Errorf("restore into %s: %w", path, err)
	}
	defer sdb.Close()
	conn, err := sdb.Conn(ctx)
	if err != nil {
		return info, fmt.Errorf("restore into %s: %w", path, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		if isBusy(err) || isLocked(err) {
			return info, fmt.Errorf("restore into %s: %w (close the TUI, stop serve and wait for runs to end, then try again)", path, ErrDatabaseInUse)
		}
		return info, fmt.Errorf("restore into %s: %w", path, describe(err))
	}
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		return info, fmt.Errorf("restore into %s: %w", path, err)
	}
	if existed {
		saved := path + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
		if err := createPrivate(saved); err != nil {
			return info, fmt.Errorf("restore into %s: save the current database: %w", path, err)
		}
		if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, saved); err != nil {
			os.Remove(saved)
			return info, fmt.Errorf("restore into %s: save the current database: %w", path, describe(err))
		}
		info.Saved = saved
	}
	err = conn.Raw(func(dc any) error {
		r, ok := dc.(interface {
			NewRestore(string) (*sqlite.Backup, error)
		})
		if !ok {
			return errors.New("the SQLite driver cannot restore")
		}
		b, err := r.NewRestore(from)
		if err != nil {
			return err
		}
		for {
			more, err := b.Step(-1)
			if err != nil {
				b.Finish()
				return err
			}
			if !more {
				break
			}
		}
		return b.Finish()
	})
	if err != nil {
		return info, fmt.Errorf("restore into %s: %w", path, describe(err))
	}
	return info, nil
}

// isLocked reports whether err is SQLite's "locked" (a lock held in this
// process).
func isLocked(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_LOCKED
}
