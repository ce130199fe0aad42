package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// History is never detached (invariant 7 of docs/ARCHITECTURE.md): a SIM,
// network, category or template that texts refer to cannot be removed. The
// check and the delete run in one transaction, so a text stored by another
// process in between cannot be orphaned.

// InUseError says why a row cannot be removed: what refers to it. It matches
// ErrInUse with errors.Is.
type InUseError struct {
	What  string // "SIM", "network", "category", "template"
	Name  string // "O2 3"
	Texts int    // texts (in and out) that refer to it
	Parts int    // parts of long texts waiting for their siblings (a SIM)
	SIMs  []string
	Rules bool // a category the automatic rules use
}

// Error implements error: "SIM O2 3 is still in use: 250 texts refer to it".
func (e *InUseError) Error() string {
	var refs []string
	if e.Rules {
		refs = append(refs, "the automatic rules use it")
	}
	if len(e.SIMs) > 0 {
		refs = append(refs, fmt.Sprintf("it has %d SIM(s) (%s)", len(e.SIMs), strings.Join(e.SIMs, ", ")))
	}
	if e.Texts > 0 {
		refs = append(refs, fmt.Sprintf("%d text%s refer to it", e.Texts, plural(e.Texts)))
	}
	if e.Parts > 0 {
		refs = append(refs, fmt.Sprintf("%d part%s of long texts wait on it", e.Parts, plural(e.Parts)))
	}
	return fmt.Sprintf("%s %s is still in use: %s", e.What, e.Name, strings.Join(refs, "; "))
}

// Is makes errors.Is(err, ErrInUse) true.
func (e *InUseError) Is(target error) bool { return target == ErrInUse }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func count(ctx context.Context, tx *sql.Tx, q string, args ...any) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, err
}

// DeleteSIM removes a SIM that no text refers to. A SIM with history is
// refused with an *InUseError: its texts count in the stats and the day's
// allowance, and its campaign texts wait for their follow-ups.
func (db *DB) DeleteSIM(ctx context.Context, id int64) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		s, err := scanSIM(tx.QueryRowContext(ctx, `SELECT `+simColumns+simFrom+` WHERE s.id = ?`, id))
		if err != nil {
			return mapErr(err)
		}
		inUse := &InUseError{What: "SIM", Name: s.Label()}
		if inUse.Texts, err = count(ctx, tx, `SELECT COUNT(*) FROM messages WHERE sim_id = ?`, id); err != nil {
			return err
		}
		if inUse.Parts, err = count(ctx, tx, `SELECT COUNT(*) FROM fragments WHERE sim_id = ?`, id); err != nil {
			return err
		}
		if inUse.Texts+inUse.Parts > 0 {
			return inUse
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM sims WHERE id = ?`, id)
		if err != nil {
			return mapErr(err)
		}
		return affected(res, "sim")
	})
	if err != nil {
		return fmt.Errorf("remove sim: %w", err)
	}
	return nil
}

// DeleteNetwork removes a network that has no SIMs (a network's history is
// its SIMs').
func (db *DB) DeleteNetwork(ctx context.Context, id int64) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM networks WHERE id = ?`, id).Scan(&name); err != nil {
			return mapErr(err)
		}
		sims, err := querySIMsOn(ctx, tx, `SELECT `+simColumns+simFrom+` WHERE s.network_id = ? ORDER BY s.ref`, id)
		if err != nil {
			return err
		}
		if len(sims) > 0 {
			inUse := &InUseError{What: "network", Name: name}
			for _, s := range sims {
				inUse.SIMs = append(inUse.SIMs, s.Label())
			}
			return inUse
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM networks WHERE id = ?`, id)
		if err != nil {
			return mapErr(err)
		}
		return affected(res, "network")
	})
	if err != nil {
		return fmt.Errorf("remove network: %w", err)
	}
	return nil
}

// DeleteCategory removes an operator's category that no text is in. The
// categories the rules use cannot be removed; a category with texts is
// refused with an *InUseError (MergeCategory moves its texts first).
func (db *DB) DeleteCategory(ctx context.Context, id int64) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		c, err := scanCategory(tx.QueryRowContext(ctx, `SELECT `+categoryColumns+` FROM categories WHERE id = ?`, id))
		if err != nil {
			return mapErr(err)
		}
		inUse := &InUseError{What: "category", Name: c.Name, Rules: c.Role != ""}
		if inUse.Texts, err = count(ctx, tx, `SELECT COUNT(*) FROM messages WHERE category_id = ?`, id); err != nil {
			return err
		}
		if inUse.Rules || inUse.Texts > 0 {
			return inUse
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM categories WHERE id = ?`, id)
		if err != nil {
			return mapErr(err)
		}
		return affected(res, "category")
	})
	if err != nil {
		return fmt.Errorf("remove category: %w", err)
	}
	return nil
}

// MergeCategory moves every text of category from into category into, then
// removes from; it returns how many texts moved. How each text was
// categorised (operator, rule …) is kept. The categories the rules use
// cannot be merged away.
func (db *DB) MergeCategory(ctx context.Context, from, into int64) (int, error) {
	moved := 0
	err := db.tx(ctx, func(tx *sql.Tx) error {
		c, err := scanCategory(tx.QueryRowContext(ctx, `SELECT `+categoryColumns+` FROM categories WHERE id = ?`, from))
		if err != nil {
			return mapErr(err)
		}
		if c.Role != "" {
			return &InUseError{What: "category", Name: c.Name, Rules: true}
		}
		if from == into {
			return fmt.Errorf("category %s into itself", c.Name)
		}
		if _, err := scanCategory(tx.QueryRowContext(ctx, `SELECT `+categoryColumns+` FROM categories WHERE id = ?`, into)); err != nil {
			return mapErr(err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE messages SET category_id = ? WHERE category_id = ?`, into, from)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		moved = int(n)
		_, err = tx.ExecContext(ctx, `DELETE FROM categories WHERE id = ?`, from)
		return mapErr(err)
	})
	if err != nil {
		return 0, fmt.Errorf("merge category: %w", err)
	}
	return moved, nil
}

// DeleteTemplate removes a template that no text was sent with: the
// follow-ups of its campaign texts need it.
func (db *DB) DeleteTemplate(ctx context.Context, id int64) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		t, err := scanTemplate(tx.QueryRowContext(ctx, `SELECT `+templateColumns+` FROM templates WHERE id = ?`, id))
		if err != nil {
			return mapErr(err)
		}
		inUse := &InUseError{What: "template", Name: t.Name}
		if inUse.Texts, err = count(ctx, tx, `SELECT COUNT(*) FROM messages WHERE template_id = ?`, id); err != nil {
			return err
		}
		if inUse.Texts > 0 {
			return inUse
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM templates WHERE id = ?`, id)
		if err != nil {
			return mapErr(err)
		}
		return affected(res, "template")
	})
	if err != nil {
		return fmt.Errorf("remove template: %w", err)
	}
	return nil
}
