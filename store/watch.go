package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// Watcher tells cheaply whether the database changed: it asks SQLite's
// PRAGMA data_version on a connection of its own, which moves whenever any
// other connection — another process, or another connection of this one —
// commits a change to the file. Its own connection never writes, so every
// change counts.
type Watcher struct {
	mu      sync.Mutex
	sql     *sql.DB   // one connection, kept open
	version *sql.Stmt // PRAGMA data_version, prepared once
	last    int64
	started bool
}

// Watch returns a Watcher on the database's file. Close it when done.
func (db *DB) Watch(ctx context.Context) (*Watcher, error) {
	sdb, err := sql.Open("sqlite", db.dsn)
	if err != nil {
		return nil, fmt.Errorf("watch database: %w", err)
	}
	// data_version is per connection: the pool must always hand out the
	// same one.
	sdb.SetMaxOpenConns(1)
	sdb.SetMaxIdleConns(1)
	sdb.SetConnMaxLifetime(0)
	sdb.SetConnMaxIdleTime(0)
	w := &Watcher{sql: sdb}
	if w.version, err = sdb.PrepareContext(ctx, `PRAGMA data_version`); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("watch database: %w", err)
	}
	if _, err := w.Changed(ctx); err != nil {
		sdb.Close()
		return nil, err
	}
	return w, nil
}

// Changed reports whether the database changed since the last call (for
// the first call: since the Watcher was made).
func (w *Watcher) Changed(ctx context.Context) (bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var v int64
	if err := w.version.QueryRowContext(ctx).Scan(&v); err != nil {
		return false, fmt.Errorf("watch database: %w", err)
	}
	changed := w.started && v != w.last
	w.last, w.started = v, true
	return changed, nil
}

// Close closes the Watcher's connection.
func (w *Watcher) Close() error {
	w.version.Close()
	return w.sql.Close()
}
