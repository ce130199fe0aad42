package store

import (
	"context"
	"database/sql"
	"fmt"
)

// InsertMessages stores many messages in one transaction (imports, demo
// history, benchmark databases) through one prepared statement. Messages with
// a DedupeKey already stored are skipped.
func (db *DB) InsertMessages(ctx context.Context, msgs []Message) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, insertMessageSQL)
		if err != nil {
			return err
		}
		defer stmt.Close()
		now := db.Now()
		for _, m := range msgs {
			if _, err := stmt.ExecContext(ctx, messageArgs(m, now)...); err != nil {
				return mapErr(err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store messages: %w", err)
	}
	return nil
}
