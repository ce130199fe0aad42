package store

import (
	"context"
	"fmt"
	"time"
)

// ArchiveFailed flags every failed text older than before FlagArchived, so
// the outbox stops listing it; the text, its error and its history stay in
// the database. It returns how many it archived.
func (db *DB) ArchiveFailed(ctx context.Context, before time.Time) (int, error) {
	res, err := db.sql.ExecContext(ctx, `UPDATE messages
		SET flags = CASE WHEN flags = '' THEN ?1 ELSE flags || ',' || ?1 END
		WHERE direction = 'out' AND state = 'failed' AND at < ?2
			AND (',' || flags || ',') NOT LIKE '%,' || ?1 || ',%'`, FlagArchived, before.Unix())
	if err != nil {
		return 0, fmt.Errorf("archive failed texts: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
