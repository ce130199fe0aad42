package store

import (
	"context"
	"fmt"
	"strings"
)

// Follow-up actions a category can ask for.
const (
	FollowupNone        = "none"
	FollowupBasic       = "basic"
	FollowupAlternative = "alternative"
)

// Roles of the categories that the automatic rules use.
const (
	RoleEnd           = "end"
	RoleFollowupReply = "followup_reply"
	RoleBot           = "bot"
	RoleThanks        = "thanks"
	RoleMisc          = "misc"
)

// Category is a reply type and what it makes the program do.
type Category struct {
	ID        int64
	Name      string
	OptOut    bool   // a reply in it puts the number on the opt-out list
	Followup  string // FollowupNone, FollowupBasic or FollowupAlternative
	AutoReply string // sent once per number per window; "" for none
	// AutoReplyAnyHour lets the auto-reply go during quiet hours; by
	// default it waits for them to end, like campaign texts.
	AutoReplyAnyHour bool
	Role             string // "" for the operator's own categories
	Position         int
}

const categoryColumns = `id, name, opt_out, followup, autoreply, COALESCE(role, ''), position, autoreply_any_hour`

func scanCategory(sc interface{ Scan(...any) error }) (Category, error) {
	var c Category
	err := sc.Scan(&c.ID, &c.Name, &c.OptOut, &c.Followup, &c.AutoReply, &c.Role, &c.Position, &c.AutoReplyAnyHour)
	return c, err
}

// Categories returns every category in the operator's order (the order of the
// keys that pick them in the review queue).
func (db *DB) Categories(ctx context.Context) ([]Category, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+categoryColumns+` FROM categories ORDER BY position, id`)
	if err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	defer rows.Close()
	var out []Category
	for rows.Next() {
		c, err := scanCategory(rows)
		if err != nil {
			return nil, fmt.Errorf("categories: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CategoryByName finds a category by name, ignoring case.
func (db *DB) CategoryByName(ctx context.Context, name string) (Category, error) {
	c, err := scanCategory(db.sql.QueryRowContext(ctx, `SELECT `+categoryColumns+` FROM categories WHERE name = ?`,
		strings.TrimSpace(name)))
	if err != nil {
		return c, fmt.Errorf("category %q: %w", name, mapErr(err))
	}
	return c, nil
}

// CategoryByRole finds the category the automatic rules use for role.
func (db *DB) CategoryByRole(ctx context.Context, role string) (Category, error) {
	c, err := scanCategory(db.sql.QueryRowContext(ctx, `SELECT `+categoryColumns+` FROM categories WHERE role = ?`, role))
	if err != nil {
		return c, fmt.Errorf("category for %s: %w", role, mapErr(err))
	}
	return c, nil
}

// Category returns the category with the given id.
func (db *DB) Category(ctx context.Context, id int64) (Category, error) {
	c, err := scanCategory(db.sql.QueryRowContext(ctx, `SELECT `+categoryColumns+` FROM categories WHERE id = ?`, id))
	if err != nil {
		return c, fmt.Errorf("category %d: %w", id, mapErr(err))
	}
	return c, nil
}

func validCategory(c Category) error {
	if strings.TrimSpace(c.Name) == "" {
		return errEmpty("name")
	}
	switch c.Followup {
	case FollowupNone, FollowupBasic, FollowupAlternative:
	default:
		return fmt.Errorf("follow-up must be none, basic or alt (alternative), not %q", c.Followup)
	}
	return nil
}

// AddCategory creates an operator's category at the end of the list.
func (db *DB) AddCategory(ctx context.Context, c Category) (Category, error) {
	c.Name = strings.TrimSpace(c.Name)
	if c.Followup == "" {
		c.Followup = FollowupNone
	}
	if err := validCategory(c); err != nil {
		return c, fmt.Errorf("add category: %w", err)
	}
	err := db.sql.QueryRowContext(ctx, `INSERT INTO categories (name, opt_out, followup, autoreply, autoreply_any_hour, position)
		VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM categories)) RETURNING id, position`,
		c.Name, c.OptOut, c.Followup, c.AutoReply, c.AutoReplyAnyHour).Scan(&c.ID, &c.Position)
	if err != nil {
		return c, fmt.Errorf("add category %q: %w", c.Name, mapErr(err))
	}
	return c, nil
}

// UpdateCategory saves a category's name, behaviour and auto-reply.
func (db *DB) UpdateCategory(ctx context.Context, c Category) error {
	c.Name = strings.TrimSpace(c.Name)
	if err := validCategory(c); err != nil {
		return fmt.Errorf("update category: %w", err)
	}
	res, err := db.sql.ExecContext(ctx, `UPDATE categories SET name = ?, opt_out = ?, followup = ?, autoreply = ?, position = ?,
		autoreply_any_hour = ? WHERE id = ?`, c.Name, c.OptOut, c.Followup, c.AutoReply, c.Position, c.AutoReplyAnyHour, c.ID)
	if err != nil {
		return fmt.Errorf("update category %q: %w", c.Name, mapErr(err))
	}
	return affected(res, "category")
}
