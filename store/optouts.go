package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// OptOut is a number that must never be texted again by a campaign,
// follow-up or auto-reply, nor by a manual text unless the operator forces
// it.
type OptOut struct {
	Number    string
	At        time.Time
	MessageID int64  // the text that caused it, 0 when added by hand
	Text      string // that text, "" when added by hand
	Note      string // the operator's note when added by hand
}

// OptOutEntry is one change to the opt-out list made by hand, or a manual
// text forced to an opted-out number.
type OptOutEntry struct {
	Number    string
	At        time.Time
	Action    string // OptOutAdded, OptOutRemoved or OptOutForced
	Note      string
	MessageID int64 // the forced text
}

// Actions of an OptOutEntry.
const (
	OptOutAdded   = "add"
	OptOutRemoved = "remove"
	OptOutForced  = "forced"
)

// FlagForced marks a manual text sent to an opted-out number because the
// operator forced it.
const FlagForced = "opt_out_forced"

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

// AddOptOutByHand puts number on the opt-out list at the operator's word,
// with a note, and logs it. It reports false, changing nothing, when the
// number is on the list already.
func (db *DB) AddOptOutByHand(ctx context.Context, number, note string) (bool, error) {
	added := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO opt_outs (number, at, note) VALUES (?, ?, ?)
			ON CONFLICT (number) DO NOTHING`, number, db.now(), note)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		if added = n > 0; !added {
			return nil
		}
		return db.logOptOut(ctx, tx, number, OptOutAdded, note, 0)
	})
	if err != nil {
		return false, fmt.Errorf("opt out %s: %w", number, err)
	}
	return added, nil
}

// RemoveOptOut takes number off the opt-out list (the person asked to come
// back), with the operator's note, and logs it.
func (db *DB) RemoveOptOut(ctx context.Context, number, note string) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM opt_outs WHERE number = ?`, number)
		if err != nil {
			return err
		}
		if err := affected(res, "opt-out"); err != nil {
			return err
		}
		return db.logOptOut(ctx, tx, number, OptOutRemoved, note, 0)
	})
	if err != nil {
		return fmt.Errorf("remove opt-out %s: %w", number, err)
	}
	return nil
}

// RecordForced logs that the manual text msgID went to the opted-out number
// because the operator forced it, and flags the text (once: a text queued
// with the flag keeps one).
func (db *DB) RecordForced(ctx context.Context, msgID int64, number, note string) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET flags = CASE WHEN flags = '' THEN ? ELSE flags || ',' || ? END
			WHERE id = ? AND instr(',' || flags || ',', ',' || ? || ',') = 0`, FlagForced, FlagForced, msgID, FlagForced); err != nil {
			return err
		}
		return db.logOptOut(ctx, tx, number, OptOutForced, note, msgID)
	})
	if err != nil {
		return fmt.Errorf("record forced text %d: %w", msgID, err)
	}
	return nil
}

func (db *DB) logOptOut(ctx context.Context, tx *sql.Tx, number, action, note string, msgID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO opt_out_log (number, at, action, note, message_id) VALUES (?, ?, ?, ?, ?)`,
		number, db.now(), action, note, nullID(msgID))
	return err
}

// IsOptedOut reports whether number is on the opt-out list.
func (db *DB) IsOptedOut(ctx context.Context, number string) (bool, error) {
	_, ok, err := db.OptOutFor(ctx, number)
	return ok, err
}

const optOutSelect = `SELECT o.number, o.at, COALESCE(o.message_id, 0), COALESCE(m.text, ''), o.note
	FROM opt_outs o LEFT JOIN messages m ON m.id = o.message_id`

func scanOptOut(sc interface{ Scan(...any) error }) (OptOut, error) {
	var o OptOut
	var at int64
	err := sc.Scan(&o.Number, &at, &o.MessageID, &o.Text, &o.Note)
	o.At = time.Unix(at, 0).UTC()
	return o, err
}

// OptOutFor returns number's opt-out, and false when it is not on the list.
func (db *DB) OptOutFor(ctx context.Context, number string) (OptOut, bool, error) {
	o, err := scanOptOut(db.sql.QueryRowContext(ctx, optOutSelect+` WHERE o.number = ?`, number))
	if errors.Is(err, sql.ErrNoRows) {
		return OptOut{}, false, nil
	}
	if err != nil {
		return OptOut{}, false, fmt.Errorf("opt-out %s: %w", number, err)
	}
	return o, true, nil
}

// OptOuts returns the whole opt-out list, newest first.
func (db *DB) OptOuts(ctx context.Context) ([]OptOut, error) {
	rows, err := db.sql.QueryContext(ctx, optOutSelect+` ORDER BY o.at DESC, o.number`)
	if err != nil {
		return nil, fmt.Errorf("opt-outs: %w", err)
	}
	defer rows.Close()
	var out []OptOut
	for rows.Next() {
		o, err := scanOptOut(rows)
		if err != nil {
			return nil, fmt.Errorf("opt-outs: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// OptOutLog returns the changes made to number's opt-out by hand and the
// texts forced to it, oldest first.
func (db *DB) OptOutLog(ctx context.Context, number string) ([]OptOutEntry, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT number, at, action, note, COALESCE(message_id, 0)
		FROM opt_out_log WHERE number = ? ORDER BY at, id`, number)
	if err != nil {
		return nil, fmt.Errorf("opt-out log %s: %w", number, err)
	}
	defer rows.Close()
	var out []OptOutEntry
	for rows.Next() {
		var e OptOutEntry
		var at int64
		if err := rows.Scan(&e.Number, &at, &e.Action, &e.Note, &e.MessageID); err != nil {
			return nil, fmt.Errorf("opt-out log %s: %w", number, err)
		}
		e.At = time.Unix(at, 0).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
