package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Kinds of run.
const (
	RunCampaign = "campaign"
	RunFollowup = "followup"
)

// Outcomes of a run, besides "failed: <reason>".
const (
	OutcomeOK          = "ok"
	OutcomeInterrupted = "interrupted"
)

// ErrRunInProgress means a live process is running a run of the same kind.
var ErrRunInProgress = errors.New("another run is in progress")

// Run is one campaign or follow-up run.
type Run struct {
	ID        int64
	Kind      string // RunCampaign or RunFollowup
	StartedAt time.Time
	EndedAt   time.Time // zero while running
	Source    string    // the data source URL (without its key)
	Counts    map[string]int
	Outcome   string // "" while running; ok, failed: reason, interrupted
	Owner     string // the process running it
}

// StartRun records the start of a run by owner. A run of the same kind that
// is still open is refused with ErrRunInProgress while alive says its owner
// lives; one whose owner is gone is closed as interrupted first.
func (db *DB) StartRun(ctx context.Context, kind, source, owner string, alive func(owner string) bool) (Run, error) {
	r := Run{Kind: kind, Source: source, Owner: owner, StartedAt: time.Unix(db.now(), 0).UTC(), Counts: map[string]int{}}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, owner FROM runs WHERE kind = ? AND outcome = ''`, kind)
		if err != nil {
			return err
		}
		type open struct {
			id    int64
			owner string
		}
		var opens []open
		for rows.Next() {
			var o open
			if err := rows.Scan(&o.id, &o.owner); err != nil {
				rows.Close()
				return err
			}
			opens = append(opens, o)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, o := range opens {
			if alive(o.owner) {
				return fmt.Errorf("%w: run %d by %s", ErrRunInProgress, o.id, o.owner)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE runs SET outcome = ?, ended_at = COALESCE(ended_at, ?) WHERE id = ?`,
				OutcomeInterrupted, db.now(), o.id); err != nil {
				return err
			}
		}
		return tx.QueryRowContext(ctx, `INSERT INTO runs (kind, started_at, source, owner) VALUES (?, ?, ?, ?) RETURNING id`,
			kind, r.StartedAt.Unix(), source, owner).Scan(&r.ID)
	})
	if err != nil {
		return Run{}, fmt.Errorf("start %s run: %w", kind, err)
	}
	return r, nil
}

// FinishRun records the end of a run with its counts and outcome.
func (db *DB) FinishRun(ctx context.Context, id int64, counts map[string]int, outcome string) error {
	if counts == nil {
		counts = map[string]int{}
	}
	b, err := json.Marshal(counts)
	if err != nil {
		return fmt.Errorf("finish run %d: %w", id, err)
	}
	res, err := db.sql.ExecContext(ctx, `UPDATE runs SET ended_at = ?, counts = ?, outcome = ? WHERE id = ?`,
		db.now(), string(b), outcome, id)
	if err != nil {
		return fmt.Errorf("finish run %d: %w", id, err)
	}
	return affected(res, "run")
}

// Runs returns the newest runs of a kind ("" for all), newest first.
func (db *DB) Runs(ctx context.Context, kind string, limit int) ([]Run, error) {
	q := `SELECT id, kind, started_at, ended_at, source, counts, outcome, owner FROM runs`
	var args []any
	if kind != "" {
		q += ` WHERE kind = ?`
		args = append(args, kind)
	}
	q += ` ORDER BY id DESC`
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("runs: %w", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var started int64
		var ended sql.NullInt64
		var counts string
		if err := rows.Scan(&r.ID, &r.Kind, &started, &ended, &r.Source, &counts, &r.Outcome, &r.Owner); err != nil {
			return nil, fmt.Errorf("runs: %w", err)
		}
		r.StartedAt, r.EndedAt = time.Unix(started, 0).UTC(), fromUnix(ended)
		r.Counts = map[string]int{}
		if err := json.Unmarshal([]byte(counts), &r.Counts); err != nil {
			return nil, fmt.Errorf("run %d counts: %w", r.ID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
