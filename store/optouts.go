package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// OptOut is a number that must never be texted again by a campaign,
// follow-up or auto-reply.
type OptOut struct {
	Number    string
	At        time.Time
	MessageID int64 // the text that caused it, 0 when added by hand
}

// AddOptOut puts number on the opt-out list (once; a second call keeps the first).
func (db *DB) AddOptOut(ctx context.Context, number string, messageID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return db.addOptOut(ctx, tx, number, messageID) })
}

func (db *DB) addOptOut(ctx context.Context, tx *sql.Tx, number string, messageID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO opt_outs (number, at, message_id) VALUES (?, ?, ?)
		ON CONFLICT (number) DO NOTHING`, number, db.now(), nullID(messageID))
	if err != nil {
		return fmt.Errorf("opt out %s: %w", number, err)
	}
	return nil
}

// RemoveOptOut takes number off the opt-out list (the person asked to come back).
func (db *DB) RemoveOptOut(ctx context.Context, number string) error {
	res, err := db.sql.ExecContext(ctx, `DELETE FROM opt_outs WHERE number = ?`, number)
	if err != nil {
		return fmt.Errorf("remove opt-out %s: %w", number, err)
	}
	return affected(res, "opt-out")
}

// IsOptedOut reports whether number is on the opt-out list.
func (db *DB) IsOptedOut(ctx context.Context, number string) (bool, error) {
	var n int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM opt_outs WHERE number = ?`, number).Scan(&n); err != nil {
		return false, fmt.Errorf("opt-out %s: %w", number, err)
	}
	return n > 0, nil
}

// OptOuts returns the whole opt-out list, newest first.
func (db *DB) OptOuts(ctx context.Context) ([]OptOut, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT number, at, COALESCE(message_id, 0) FROM opt_outs ORDER BY at DESC`)
	if err != nil {
		return nil, fmt.Errorf("opt-outs: %w", err)
	}
	defer rows.Close()
	var out []OptOut
	for rows.Next() {
		var o OptOut
		var at int64
		if err := rows.Scan(&o.Number, &at, &o.MessageID); err != nil {
			return nil, fmt.Errorf("opt-outs: %w", err)
		}
		o.At = time.Unix(at, 0).UTC()
		out = append(out, o)
	}
	return out, rows.Err()
}
