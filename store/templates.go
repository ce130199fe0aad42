package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Template is the text a campaign group gets, with its follow-ups. Bodies are
// validated by the caller (placeholders) before they reach the store.
type Template struct {
	ID          int64
	Name        string // matches a data-source group
	Body        string
	Followup    string // basic follow-up body; "" for none
	AltFollowup string // alternative follow-up body; "" for none
	UpdatedAt   time.Time
}

const templateColumns = `id, name, body, followup, alt_followup, updated_at`

func scanTemplate(sc interface{ Scan(...any) error }) (Template, error) {
	var t Template
	var up sql.NullInt64
	err := sc.Scan(&t.ID, &t.Name, &t.Body, &t.Followup, &t.AltFollowup, &up)
	t.UpdatedAt = fromUnix(up)
	return t, err
}

// Templates returns every template by name.
func (db *DB) Templates(ctx context.Context) ([]Template, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+templateColumns+` FROM templates ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	defer rows.Close()
	var out []Template
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TemplateByName finds a template by name, ignoring case.
func (db *DB) TemplateByName(ctx context.Context, name string) (Template, error) {
	t, err := scanTemplate(db.sql.QueryRowContext(ctx, `SELECT `+templateColumns+` FROM templates WHERE name = ?`,
		strings.TrimSpace(name)))
	if err != nil {
		return t, fmt.Errorf("template %q: %w", name, mapErr(err))
	}
	return t, nil
}

// Template returns the template with the given id.
func (db *DB) Template(ctx context.Context, id int64) (Template, error) {
	t, err := scanTemplate(db.sql.QueryRowContext(ctx, `SELECT `+templateColumns+` FROM templates WHERE id = ?`, id))
	if err != nil {
		return t, fmt.Errorf("template %d: %w", id, mapErr(err))
	}
	return t, nil
}

// AddTemplate creates a template; the name must be new.
func (db *DB) AddTemplate(ctx context.Context, t Template) (Template, error) {
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" {
		return t, fmt.Errorf("add template: %w", errEmpty("name"))
	}
	if strings.TrimSpace(t.Body) == "" {
		return t, fmt.Errorf("add template %q: %w", t.Name, errEmpty("body"))
	}
	err := db.sql.QueryRowContext(ctx, `INSERT INTO templates (name, body, followup, alt_followup, updated_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, t.Name, t.Body, t.Followup, t.AltFollowup, db.now()).Scan(&t.ID)
	if err != nil {
		return t, fmt.Errorf("add template %q: %w", t.Name, mapErr(err))
	}
	return t, nil
}

// UpdateTemplate saves a template's name and bodies.
func (db *DB) UpdateTemplate(ctx context.Context, t Template) error {
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" || strings.TrimSpace(t.Body) == "" {
		return fmt.Errorf("update template: %w", errEmpty("name and body"))
	}
	res, err := db.sql.ExecContext(ctx, `UPDATE templates SET name = ?, body = ?, followup = ?, alt_followup = ?,
		updated_at = ? WHERE id = ?`, t.Name, t.Body, t.Followup, t.AltFollowup, db.now(), t.ID)
	if err != nil {
		return fmt.Errorf("update template %q: %w", t.Name, mapErr(err))
	}
	return affected(res, "template")
}
