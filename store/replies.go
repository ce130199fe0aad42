package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ClassifierEpoch is a counter that goes up whenever the operator's
// categorisations change (a text categorised, recategorised or uncategorised
// by the operator, or such a text deleted): a model trained at an older epoch
// is stale.
func (db *DB) ClassifierEpoch(ctx context.Context) (int64, error) {
	var e int64
	if err := db.sql.QueryRowContext(ctx, `SELECT epoch FROM classifier_state WHERE id = 1`).Scan(&e); err != nil {
		return 0, fmt.Errorf("classifier epoch: %w", err)
	}
	return e, nil
}

// CachedModel is the learned model as last trained, in its marshalled form.
type CachedModel struct {
	Epoch     int64 // ClassifierEpoch when the examples were read
	TrainedAt time.Time
	Examples  int
	Blob      []byte
}

// ClassifierModel returns the cached model; ok is false when none is cached.
func (db *DB) ClassifierModel(ctx context.Context) (m CachedModel, ok bool, err error) {
	var at int64
	err = db.sql.QueryRowContext(ctx, `SELECT epoch, trained_at, examples, blob FROM classifier_model WHERE id = 1`).
		Scan(&m.Epoch, &at, &m.Examples, &m.Blob)
	if errors.Is(err, sql.ErrNoRows) {
		return m, false, nil
	}
	if err != nil {
		return m, false, fmt.Errorf("cached model: %w", err)
	}
	m.TrainedAt = time.Unix(at, 0).UTC()
	return m, true, nil
}

// SaveClassifierModel caches m unless a model of a later epoch is cached
// already (another process trained on newer data meanwhile).
func (db *DB) SaveClassifierModel(ctx context.Context, m CachedModel) error {
	_, err := db.sql.ExecContext(ctx, `INSERT INTO classifier_model (id, epoch, trained_at, examples, blob)
		VALUES (1, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET epoch = excluded.epoch, trained_at = excluded.trained_at,
			examples = excluded.examples, blob = excluded.blob
		WHERE excluded.epoch >= classifier_model.epoch`, m.Epoch, m.TrainedAt.Unix(), m.Examples, m.Blob)
	if err != nil {
		return fmt.Errorf("cache model: %w", err)
	}
	return nil
}

// Example is an inbound text the operator categorised: what the model
// learns from.
type Example struct {
	MessageID  int64
	CategoryID int64
	Text       string
	Norm       string
}

// OperatorExamples returns every inbound text the operator categorised (into
// a category that still exists), oldest first, with the epoch they are
// current at; both are read in one snapshot.
func (db *DB) OperatorExamples(ctx context.Context) ([]Example, int64, error) {
	tx, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("operator examples: %w", err)
	}
	defer tx.Rollback()
	var epoch int64
	if err := tx.QueryRowContext(ctx, `SELECT epoch FROM classifier_state WHERE id = 1`).Scan(&epoch); err != nil {
		return nil, 0, fmt.Errorf("operator examples: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, category_id, text, norm FROM messages INDEXED BY messages_operator
		WHERE category_by = 'operator' AND category_id IS NOT NULL AND direction = 'in' ORDER BY id`)
	if err != nil {
		return nil, 0, fmt.Errorf("operator examples: %w", err)
	}
	defer rows.Close()
	var out []Example
	for rows.Next() {
		var e Example
		if err := rows.Scan(&e.MessageID, &e.CategoryID, &e.Text, &e.Norm); err != nil {
			return nil, 0, fmt.Errorf("operator examples: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("operator examples: %w", err)
	}
	return out, epoch, nil
}

// Digest returns, for every table, its row count and a digest of its whole
// content, so a test can prove that a refused request changed nothing.
func (db *DB) Digest(ctx context.Context) (map[string]string, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("digest: %w", err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("digest: %w", err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string]string{}
	for _, t := range tables {
		d, err := db.digestTable(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("digest %s: %w", t, err)
		}
		out[t] = d
	}
	return out, nil
}

func (db *DB) digestTable(ctx context.Context, table string) (string, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT * FROM "`+strings.ReplaceAll(table, `"`, `""`)+`" ORDER BY 1`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	n := 0
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%q\n", vals)
		n++
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d rows %x", n, h.Sum(nil)[:8]), nil
}
