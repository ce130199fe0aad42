package store

import (
	"context"
	"database/sql"
	"fmt"
)

// MoveCategory moves category id delta places in the categories' order (up
// when negative): the order of the review queue's keys (1–9, then a, b …).
// It stops at either end and returns the category's new place, 1-based.
func (db *DB) MoveCategory(ctx context.Context, id int64, delta int) (int, error) {
	place := 0
	err := db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM categories ORDER BY position, id`)
		if err != nil {
			return err
		}
		var ids []int64
		at := -1
		for rows.Next() {
			var cid int64
			if err := rows.Scan(&cid); err != nil {
				rows.Close()
				return err
			}
			if cid == id {
				at = len(ids)
			}
			ids = append(ids, cid)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if at < 0 {
			return fmt.Errorf("category %d: %w", id, ErrNotFound)
		}
		to := max(0, min(len(ids)-1, at+delta))
		moved := ids[at]
		ids = append(ids[:at], ids[at+1:]...)
		ids = append(ids[:to], append([]int64{moved}, ids[to:]...)...)
		for i, cid := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE categories SET position = ? WHERE id = ?`, i+1, cid); err != nil {
				return err
			}
		}
		place = to + 1
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("move category: %w", err)
	}
	return place, nil
}
