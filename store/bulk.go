package store

import (
	"context"
	"database/sql"
	"fmt"
)

// InsertMessages stores many messages in one transaction (imports, demo
// history, benchmark databases). Messages with a DedupeKey already stored
// are skipped.
func (db *DB) InsertMessages(ctx context.Context, msgs []Message) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for _, m := range msgs {
			if _, _, err := db.insertMessage(ctx, tx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store messages: %w", err)
	}
	return nil
}
