// Package store owns Texting Centre's SQLite file: the schema, its embedded
// migrations and every SQL statement the program runs. It returns plain
// structs; no other package writes SQL.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Sentinel errors returned (wrapped) by store methods.
var (
	// ErrNotFound means the row asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a unique constraint refused the change (a name or
	// number that is already taken).
	ErrConflict = errors.New("already exists")
	// ErrInUse means a row cannot be removed because other rows refer to it.
	ErrInUse = errors.New("still in use")
)

// DB is an open Texting Centre database. It is safe for concurrent use by
// several goroutines, and several processes may open the same file at once.
type DB struct {
	sql  *sql.DB
	path string
	dsn  string // what sql.Open was given, for the change watcher's own connection

	// Now is the clock. Tests replace it to fix time; it is never nil.
	Now func() time.Time
}

// BusyTimeout is how long a connection waits for another process's write
// transaction before giving up with "database is locked".
const BusyTimeout = 10 * time.Second

// Open opens (creating when missing, with mode 0600) the database file at path
// and applies any pending migrations. The directory must exist.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("open database: no path given")
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("open database %s: directory %s does not exist", path, dir)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("open database %s: it is a directory; give the path of a file in it", path)
	}
	if err := createPrivate(path); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// A WAL that busy writers never let the checkpoint reset is cut back to
	// this size after each checkpoint instead of growing without bound.
	q.Add("_pragma", "journal_size_limit(67108864)")
	q.Add("_txlock", "immediate")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	sdb.SetMaxOpenConns(8)
	sdb.SetMaxIdleConns(8)
	db := &DB{sql: sdb, path: path, dsn: dsn, Now: time.Now}
	// Processes that open a brand-new file at the same moment race to make
	// it a WAL database, and SQLite answers the loser "busy" at once, without
	// its busy timeout: try again for a little while before giving up.
	err = db.migrate(ctx)
	for wait := 20 * time.Millisecond; isBusy(err) && wait < 3*time.Second; wait *= 2 {
		select {
		case <-ctx.Done():
			sdb.Close()
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		err = db.migrate(ctx)
	}
	if err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open database %s: %w", path, describe(err))
	}
	return db, nil
}

// createPrivate creates an empty file with mode 0600 unless one exists, so
// that SQLite (which creates files 0644) never makes a world-readable one.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// describe turns driver errors an operator can meet on open into plain words.
func describe(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB:
			return errors.New("not a Texting Centre database (the file is not SQLite)")
		case sqlite3.SQLITE_READONLY:
			return errors.New("database is read-only")
		case sqlite3.SQLITE_CANTOPEN:
			return errors.New("cannot open the database file")
		}
	}
	return err
}

// Close closes the database.
func (db *DB) Close() error { return db.sql.Close() }

// Path is the file the database lives in.
func (db *DB) Path() string { return db.path }

// now is the clock in UTC Unix seconds.
func (db *DB) now() int64 { return db.Now().Unix() }

// SchemaVersion is the number of the newest migration applied.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.sql.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

type migration struct {
	version int
	name    string
}

func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.sql.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		return err
	}
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return err
	}
	var ms []migration
	for _, e := range entries {
		n, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(n)
		if !ok || err != nil {
			return fmt.Errorf("migration %s: name must start with a number", e.Name())
		}
		ms = append(ms, migration{v, e.Name()})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for _, m := range ms {
		if err := db.apply(ctx, m); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// apply runs one migration in its own transaction unless it is recorded
// already; two processes opening a new file at once both get here, and the
// immediate transaction makes the second one see the first one's record.
func (db *DB) apply(ctx context.Context, m migration) error {
	body, err := migrations.ReadFile("migrations/" + m.name)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, db.now())
		return err
	})
}

// tx runs fn in a write transaction (BEGIN IMMEDIATE, from the DSN), committing
// when it returns nil.
func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// mapErr turns driver constraint errors into the package's sentinel errors.
func mapErr(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return ErrConflict
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY, sqlite3.SQLITE_CONSTRAINT_TRIGGER:
			return ErrInUse
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// unix converts a time to the stored form; the zero time is stored as NULL.
func unix(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

// fromUnix converts a stored time back; NULL becomes the zero time.
func fromUnix(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.Unix(v.Int64, 0).UTC()
}

// Pragmas reports the per-connection settings of one pooled connection, so
// tests can prove every connection has them.
func (db *DB) Pragmas(ctx context.Context) (foreignKeys, busyTimeout int, journalMode string, err error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return 0, 0, "", err
	}
	defer conn.Close()
	if err = conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&foreignKeys); err != nil {
		return
	}
	if err = conn.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busyTimeout); err != nil {
		return
	}
	err = conn.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&journalMode)
	return
}
