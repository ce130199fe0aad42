package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Fragment is one part of a concatenated inbound text, kept until its
// siblings arrive.
type Fragment struct {
	ID         int64
	SIMID      int64 // 0 when none
	Number     string
	ConcatRef  int
	Total      int
	Seq        int
	Text       string
	SentAt     time.Time // the service centre's time stamp of this part
	ReceivedAt time.Time
	PDU        string
	DedupeKey  string
}

// FragmentGroup names the parts of one concatenated text.
type FragmentGroup struct {
	SIMID     int64
	Number    string
	ConcatRef int
	Total     int
}

// InsertFragment stores a part of a concatenated text. duplicate is true when
// a part with the same dedupe key is stored already, as a fragment or as part
// of a joined text.
func (t *Intake) InsertFragment(ctx context.Context, f Fragment) (duplicate bool, err error) {
	if f.DedupeKey == "" {
		return false, fmt.Errorf("store fragment: no dedupe key")
	}
	if f.ReceivedAt.IsZero() {
		f.ReceivedAt = t.db.Now()
	}
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM fragment_keys WHERE dedupe_key = ?`, f.DedupeKey).Scan(&n); err != nil {
		return false, fmt.Errorf("store fragment: %w", err)
	}
	if n > 0 {
		return true, nil
	}
	res, err := t.exec(ctx, `INSERT INTO fragments (sim_id, number, concat_ref, total, seq, text, sent_at,
		received_at, pdu, dedupe_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
		nullID(f.SIMID), f.Number, f.ConcatRef, f.Total, f.Seq, f.Text, unix(f.SentAt), f.ReceivedAt.Unix(), f.PDU, f.DedupeKey)
	if err != nil {
		return false, fmt.Errorf("store fragment: %w", mapErr(err))
	}
	k, err := res.RowsAffected()
	return k == 0, err
}

// Fragments returns the stored parts of group g, by part number then arrival.
func (t *Intake) Fragments(ctx context.Context, g FragmentGroup) ([]Fragment, error) {
	rows, err := t.query(ctx, `SELECT id, COALESCE(sim_id, 0), number, concat_ref, total, seq, text, sent_at,
		received_at, pdu, dedupe_key FROM fragments
		WHERE sim_id IS ? AND number = ? AND concat_ref = ? AND total = ? ORDER BY seq, id`,
		nullID(g.SIMID), g.Number, g.ConcatRef, g.Total)
	if err != nil {
		return nil, fmt.Errorf("fragments: %w", err)
	}
	defer rows.Close()
	var out []Fragment
	for rows.Next() {
		var f Fragment
		var sent sql.NullInt64
		var recv int64
		if err := rows.Scan(&f.ID, &f.SIMID, &f.Number, &f.ConcatRef, &f.Total, &f.Seq, &f.Text, &sent, &recv,
			&f.PDU, &f.DedupeKey); err != nil {
			return nil, fmt.Errorf("fragments: %w", err)
		}
		f.SentAt, f.ReceivedAt = fromUnix(sent), time.Unix(recv, 0).UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// ConsumeFragments deletes the given parts, now joined into message msgID,
// and remembers their dedupe keys so that a part read again is known.
func (t *Intake) ConsumeFragments(ctx context.Context, parts []Fragment, msgID int64) error {
	for _, f := range parts {
		if _, err := t.exec(ctx, `INSERT INTO fragment_keys (dedupe_key, message_id, at) VALUES (?, ?, ?)
			ON CONFLICT (dedupe_key) DO NOTHING`, f.DedupeKey, nullID(msgID), t.db.now()); err != nil {
			return fmt.Errorf("join fragments: %w", err)
		}
		if _, err := t.exec(ctx, `DELETE FROM fragments WHERE id = ?`, f.ID); err != nil {
			return fmt.Errorf("join fragments: %w", err)
		}
	}
	return nil
}

// StaleFragmentGroups returns the groups whose first part arrived before
// the given time (incomplete texts whose wait is over).
func (db *DB) StaleFragmentGroups(ctx context.Context, before time.Time) ([]FragmentGroup, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT COALESCE(sim_id, 0), number, concat_ref, total FROM fragments
		GROUP BY sim_id, number, concat_ref, total HAVING MIN(received_at) < ? ORDER BY MIN(received_at)`, before.Unix())
	if err != nil {
		return nil, fmt.Errorf("waiting fragments: %w", err)
	}
	defer rows.Close()
	var out []FragmentGroup
	for rows.Next() {
		var g FragmentGroup
		if err := rows.Scan(&g.SIMID, &g.Number, &g.ConcatRef, &g.Total); err != nil {
			return nil, fmt.Errorf("waiting fragments: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// CountFragments returns how many parts are waiting for their siblings.
func (db *DB) CountFragments(ctx context.Context) (int, error) {
	var n int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM fragments`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count fragments: %w", err)
	}
	return n, nil
}
