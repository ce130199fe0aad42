package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// PortHolder is the texting process that has a dongle's port open.
type PortHolder struct {
	Port  string
	Owner string // the process, as outbox.Owner writes it
	PID   int
	// What the process does: "campaign run 14", "send", "read-in" …
	What string
	// Short is set for a job that lets the port go within seconds (a
	// read-in, a test text): a run waits for it.
	Short bool
	Since time.Time
}

// HoldPort records that owner (process pid) has port open for what. A row
// left by an earlier holder of the port is replaced: the serial lock, not
// this row, decides who holds a port.
func (db *DB) HoldPort(ctx context.Context, port, owner string, pid int, what string, short bool) error {
	_, err := db.sql.ExecContext(ctx, `INSERT INTO port_holders (port, owner, pid, what, short, since) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (port) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, what = excluded.what,
		short = excluded.short, since = excluded.since`, port, owner, pid, what, short, db.now())
	if err != nil {
		return fmt.Errorf("hold port %s: %w", port, err)
	}
	return nil
}

// ReleasePort forgets that owner holds port (a row of another owner stays).
func (db *DB) ReleasePort(ctx context.Context, port, owner string) error {
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM port_holders WHERE port = ? AND owner = ?`, port, owner); err != nil {
		return fmt.Errorf("release port %s: %w", port, err)
	}
	return nil
}

// PortHolderOf returns the recorded holder of port; false when none is.
func (db *DB) PortHolderOf(ctx context.Context, port string) (PortHolder, bool, error) {
	h := PortHolder{Port: port}
	var since int64
	err := db.sql.QueryRowContext(ctx, `SELECT owner, pid, what, short, since FROM port_holders WHERE port = ?`, port).
		Scan(&h.Owner, &h.PID, &h.What, &h.Short, &since)
	if errors.Is(err, sql.ErrNoRows) {
		return h, false, nil
	}
	if err != nil {
		return h, false, fmt.Errorf("holder of port %s: %w", port, err)
	}
	h.Since = time.Unix(since, 0).UTC()
	return h, true, nil
}
