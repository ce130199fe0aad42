package store

import (
	"context"
	"fmt"
)

// KnownNames returns the name the data source gave for each of numbers (the
// newest one stored with a text to it), for the numbers that have one: a
// manual text fills {name} with it and the TUI shows it beside the number.
func (db *DB) KnownNames(ctx context.Context, numbers []string) (map[string]string, error) {
	out := map[string]string{}
	if len(numbers) == 0 {
		return out, nil
	}
	list, err := jsonList(numbers)
	if err != nil {
		return nil, fmt.Errorf("known names: %w", err)
	}
	// The newest named text per number, found through (number, direction, at).
	rows, err := db.sql.QueryContext(ctx, `SELECT j.number, (SELECT x.name FROM messages x INDEXED BY messages_number
		WHERE x.number = j.number AND x.direction = 'out' AND x.name <> '' ORDER BY x.at DESC, x.id DESC LIMIT 1)
		FROM (SELECT DISTINCT value AS number FROM json_each(?)) j`, list)
	if err != nil {
		return nil, fmt.Errorf("known names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var num string
		var name *string
		if err := rows.Scan(&num, &name); err != nil {
			return nil, fmt.Errorf("known names: %w", err)
		}
		if name != nil && *name != "" {
			out[num] = *name
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("known names: %w", err)
	}
	return out, nil
}
