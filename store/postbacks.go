package store

import (
	"context"
	"database/sql"
	"fmt"
)

// OwedPostBack is one number a post-back owes the data source.
type OwedPostBack struct {
	MessageID int64
	Group     string
	// Raw is the number as the data source wrote it.
	Raw string
}

// OwePostBacks records that the campaign texts ids, once sent, are owed a
// post-back of the numbers raws (as the data source wrote them).
func (db *DB) OwePostBacks(ctx context.Context, ids []int64, raws []string) error {
	if len(ids) != len(raws) {
		return fmt.Errorf("owe post-backs: %d texts, %d numbers", len(ids), len(raws))
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for i, id := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO postbacks (message_id, raw) VALUES (?, ?)
				ON CONFLICT (message_id) DO NOTHING`, id, raws[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("owe post-backs: %w", err)
	}
	return nil
}

// OwedPostBacks lists the numbers sent (or delivered) and not yet posted
// back, whichever run sent them, oldest first.
func (db *DB) OwedPostBacks(ctx context.Context) ([]OwedPostBack, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT p.message_id, m.group_name, CASE WHEN p.raw = '' THEN m.number ELSE p.raw END
		FROM postbacks p JOIN messages m ON m.id = p.message_id
		WHERE p.posted_at IS NULL AND m.state IN ('sent', 'delivered') ORDER BY p.message_id`)
	if err != nil {
		return nil, fmt.Errorf("owed post-backs: %w", err)
	}
	defer rows.Close()
	var out []OwedPostBack
	for rows.Next() {
		var o OwedPostBack
		if err := rows.Scan(&o.MessageID, &o.Group, &o.Raw); err != nil {
			return nil, fmt.Errorf("owed post-backs: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// MarkPostedBack records that the numbers of the texts ids were posted back.
func (db *DB) MarkPostedBack(ctx context.Context, ids []int64) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE postbacks SET posted_at = ? WHERE message_id = ?`, db.now(), id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mark posted back: %w", err)
	}
	return nil
}
