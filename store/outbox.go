package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors of the outbox state machine.
var (
	// ErrOverLimit means sending the text now would take its SIM over its
	// daily limit; the text stays queued.
	ErrOverLimit = errors.New("over the SIM's daily limit")
	// ErrNotQueued means the text is no longer queued: another process took
	// it, or the operator changed it.
	ErrNotQueued = errors.New("text is not queued")
	// ErrOptedOut means the recipient opted out after the text was queued;
	// MarkSending has marked the text failed.
	ErrOptedOut = errors.New("recipient opted out")
	// ErrWrongState means an operator action does not apply to the text in
	// its present state.
	ErrWrongState = errors.New("not possible in this state")
)

// dedupeStates are the outgoing states that count as "texted" for campaign
// de-duplication: everything but failed (queued counts, so that a text of a
// run that was killed before sending it is neither planned twice nor lost).
const dedupeStates = `('queued', 'sending', 'sent', 'delivered', 'expired', 'unknown')`

// Queued is an outgoing text as the dispatcher sees it.
type Queued struct {
	Message
	// Draft is the text with {greeting} still in it, once Text holds what was
	// actually sent; "" when the text had no placeholder left.
	Draft     string
	NotBefore time.Time // held back until then after a transient error
	Tries     int       // transient failures so far
}

// Template returns the text with placeholders still in it: the draft when
// the text has been rendered already, else the text.
func (q Queued) Template() string {
	if q.Draft != "" {
		return q.Draft
	}
	return q.Text
}

// extraScanner reads a row of messageColumns followed by more columns, so
// that scanMessage serves queries that select a little more.
type extraScanner struct {
	sc    interface{ Scan(...any) error }
	extra []any
}

// Scan scans the row into dest followed by the extra destinations.
func (e extraScanner) Scan(dest ...any) error { return e.sc.Scan(append(dest, e.extra...)...) }

func scanQueued(sc interface{ Scan(...any) error }) (Queued, error) {
	var q Queued
	var nb int64
	m, err := scanMessage(extraScanner{sc, []any{&q.Draft, &nb, &q.Tries}})
	q.Message = m
	if nb > 0 {
		q.NotBefore = time.Unix(nb, 0).UTC()
	}
	return q, err
}

const queuedColumns = messageColumns + `, m.draft, m.not_before, m.tries`

// QueuedMessage returns one outgoing text with its outbox fields.
func (db *DB) QueuedMessage(ctx context.Context, id int64) (Queued, error) {
	q, err := scanQueued(db.sql.QueryRowContext(ctx, `SELECT `+queuedColumns+messageFrom+` WHERE m.id = ?`, id))
	if err != nil {
		return q, fmt.Errorf("message %d: %w", id, mapErr(err))
	}
	return q, nil
}

// Queue stores outgoing texts in state queued, all in one transaction, and
// returns their ids in order. At defaults to now and Parts to 1.
func (db *DB) Queue(ctx context.Context, msgs []Message) ([]int64, error) {
	ids := make([]int64, 0, len(msgs))
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for _, m := range msgs {
			if m.Direction == "" {
				m.Direction = Out
			}
			if m.Direction != Out {
				return fmt.Errorf("queue: message to %s is not outgoing", m.Number)
			}
			m.State, m.Owner, m.DedupeKey = StateQueued, "", ""
			id, _, err := db.insertMessage(ctx, tx, m)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("queue texts: %w", err)
	}
	return ids, nil
}

// KindAutoreplyAnyHour, among the kinds QueuedFor is given, selects the
// auto-replies that may go at any hour (FlagAnyHour) without the others:
// what the dispatcher sends of them during quiet hours.
const KindAutoreplyAnyHour = "autoreply:any_hour"

// QueuedFor returns up to limit queued texts of one SIM that may go at now
// (not held back), of the given kinds (nil for every kind), oldest first.
func (db *DB) QueuedFor(ctx context.Context, simID int64, kinds []string, now time.Time, limit int) ([]Queued, error) {
	q := `SELECT ` + queuedColumns + messageFrom + `
		WHERE m.state = 'queued' AND m.sim_id = ? AND m.not_before <= ?`
	args := []any{simID, now.Unix()}
	if len(kinds) > 0 {
		var plain []string
		anyHour := false
		for _, k := range kinds {
			if k == KindAutoreplyAnyHour {
				anyHour = true
			} else {
				plain = append(plain, k)
			}
		}
		cond := `m.kind IN (''` + strings.Repeat(", ?", len(plain)) + `)`
		for _, k := range plain {
			args = append(args, k)
		}
		if anyHour {
			cond = `(` + cond + ` OR (m.kind = 'autoreply' AND (',' || m.flags || ',') LIKE '%,` + FlagAnyHour + `,%'))`
		}
		q += ` AND ` + cond
	}
	q += ` ORDER BY m.id`
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	return db.queryQueued(ctx, "queued texts", q, args)
}

// queryQueued runs q and scans its rows as Queued texts.
func (db *DB) queryQueued(ctx context.Context, what, q string, args []any) ([]Queued, error) {
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []Queued
	for rows.Next() {
		m, err := scanQueued(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// QueuedTexts returns every queued text, oldest first.
func (db *DB) QueuedTexts(ctx context.Context) ([]Queued, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+queuedColumns+messageFrom+` WHERE m.state = 'queued' ORDER BY m.id`)
	if err != nil {
		return nil, fmt.Errorf("queued texts: %w", err)
	}
	defer rows.Close()
	var out []Queued
	for rows.Next() {
		m, err := scanQueued(rows)
		if err != nil {
			return nil, fmt.Errorf("queued texts: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// QueuedParts returns the SMS parts waiting in the queue for each SIM: what
// the SIMs have promised but not yet used.
func (db *DB) QueuedParts(ctx context.Context) (map[int64]int, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT sim_id, SUM(parts) FROM messages INDEXED BY messages_queue
		WHERE state = 'queued' AND sim_id IS NOT NULL GROUP BY sim_id`)
	if err != nil {
		return nil, fmt.Errorf("queued parts: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("queued parts: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// Claim is what MarkSending needs to take a queued text for sending.
type Claim struct {
	ID    int64
	SIMID int64  // the SIM it goes from (it may differ from the one it was queued for)
	Owner string // the process sending it
	Text  string // the final text, {greeting} rendered
	Parts int    // SMS parts of the final text
	// Limit is the SIM's daily limit in parts, counted from DayStart (local
	// midnight); a negative Limit means none.
	Limit    int
	DayStart time.Time
	// CheckOptOut refuses (and fails) the text when its number is on the
	// opt-out list: campaign, follow-up and auto-reply texts. Manual texts
	// are always checked unless they were queued with FlagForced.
	CheckOptOut bool
}

// MarkSending moves a queued text to sending, committed before the modem or
// gateway is asked to send it: the text, SIM, parts and send time are stored
// as they will go, and the owner recorded. It refuses with ErrOverLimit
// (the text stays queued) when the SIM's parts today plus these would pass
// the limit, with ErrOptedOut (the text is failed) when the number opted out,
// and with ErrNotQueued when the text is not queued any more. The limit is
// checked inside the same write transaction, so processes sharing a SIM can
// never pass it together.
func (db *DB) MarkSending(ctx context.Context, c Claim) error {
	if c.Parts <= 0 {
		c.Parts = 1
	}
	optedOut := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var state, number, text, kind, flags string
		var parent int64
		if err := tx.QueryRowContext(ctx, `SELECT state, number, text, kind, COALESCE(parent_id, 0), flags FROM messages WHERE id = ?`, c.ID).
			Scan(&state, &number, &text, &kind, &parent, &flags); err != nil {
			return mapErr(err)
		}
		if state != StateQueued {
			return ErrNotQueued
		}
		// A manual text reaches an opted-out number only when the operator
		// forced it (flagged when it was queued): one queued before the
		// number opted out, or put back by a resend, is refused here too.
		if c.CheckOptOut || (kind == KindManual && !hasFlag(flags, FlagForced)) {
			// The one text an opted-out number may still get is the
			// auto-reply confirming the opt-out itself: the answer to the
			// very text that put the number on the list.
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM opt_outs WHERE number = ?
				AND NOT (? = 'autoreply' AND ? <> 0 AND message_id IS NOT NULL AND message_id = ?)`,
				number, kind, parent, parent).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				_, err := tx.ExecContext(ctx, `UPDATE messages SET state = 'failed', error = ? WHERE id = ?`,
					optedOutBeforeSend, c.ID)
				optedOut = true
				return err
			}
		}
		if c.Limit >= 0 {
			var used int
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(parts), 0) FROM messages INDEXED BY messages_sim
				WHERE sim_id = ? AND direction = 'out' AND at >= ? AND `+usedAllowance,
				c.SIMID, c.DayStart.Unix()).Scan(&used); err != nil {
				return err
			}
			if used+c.Parts > c.Limit {
				return ErrOverLimit
			}
		}
		draft := ""
		if c.Text != text {
			draft = text
		}
		_, err := tx.ExecContext(ctx, `UPDATE messages SET state = 'sending', owner = ?, sim_id = ?, text = ?,
			draft = CASE WHEN ? <> '' THEN ? ELSE draft END, parts = ?, at = ?, error = '' WHERE id = ?`,
			c.Owner, c.SIMID, c.Text, draft, draft, c.Parts, db.now(), c.ID)
		return err
	})
	if err == nil && optedOut {
		err = ErrOptedOut
	}
	if err != nil {
		return fmt.Errorf("send message %d: %w", c.ID, err)
	}
	return nil
}

// hasFlag reports whether the comma-separated flags hold flag.
func hasFlag(flags, flag string) bool {
	for _, f := range strings.Split(flags, ",") {
		if f == flag {
			return true
		}
	}
	return false
}

// MarkSent records that a sending text went out, with the modem's message
// references (comma-separated) or the gateway's reference.
func (db *DB) MarkSent(ctx context.Context, id int64, ref string) error {
	return db.finish(ctx, id, StateSent, ref, "")
}

// MarkFailed records that a sending text was refused and will not go.
func (db *DB) MarkFailed(ctx context.Context, id int64, reason string) error {
	return db.finish(ctx, id, StateFailed, "", reason)
}

// MarkUnknown records that a sending text may or may not have gone out. It
// counts as sent for limits and de-duplication and is never resent on its
// own; the operator resolves it. ref holds the references of any parts
// known to have gone.
func (db *DB) MarkUnknown(ctx context.Context, id int64, ref, reason string) error {
	return db.finish(ctx, id, StateUnknown, ref, reason)
}

func (db *DB) finish(ctx context.Context, id int64, state, ref, reason string) error {
	res, err := db.sql.ExecContext(ctx, `UPDATE messages SET state = ?, ref = CASE WHEN ? <> '' THEN ? ELSE ref END,
		error = ?, owner = '' WHERE id = ? AND state = 'sending'`, state, ref, ref, reason, id)
	if err != nil {
		return fmt.Errorf("mark message %d %s: %w", id, state, err)
	}
	if err := affected(res, "sending message"); err != nil {
		return fmt.Errorf("mark message %d %s: %w", id, state, err)
	}
	return nil
}

// Requeue puts a sending text back in the queue after an error that left it
// unsent: for simID (0 keeps its SIM), not before notBefore, with the text
// restored to its draft so that its greeting is rendered again.
func (db *DB) Requeue(ctx context.Context, id, simID int64, notBefore time.Time, reason string) error {
	res, err := db.sql.ExecContext(ctx, `UPDATE messages SET state = 'queued', owner = '',
		text = CASE WHEN draft <> '' THEN draft ELSE text END, draft = '',
		sim_id = CASE WHEN ? <> 0 THEN ? ELSE sim_id END, not_before = ?, tries = tries + 1, error = ?
		WHERE id = ? AND state = 'sending'`, simID, simID, unixOrZero(notBefore), reason, id)
	if err != nil {
		return fmt.Errorf("requeue message %d: %w", id, err)
	}
	if err := affected(res, "sending message"); err != nil {
		return fmt.Errorf("requeue message %d: %w", id, err)
	}
	return nil
}

// Reassign moves a queued text to another SIM.
func (db *DB) Reassign(ctx context.Context, id, simID int64) error {
	res, err := db.sql.ExecContext(ctx, `UPDATE messages SET sim_id = ? WHERE id = ? AND state = 'queued'`, simID, id)
	if err != nil {
		return fmt.Errorf("reassign message %d: %w", id, err)
	}
	if err := affected(res, "queued message"); err != nil {
		return fmt.Errorf("reassign message %d: %w", id, ErrNotQueued)
	}
	return nil
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// RecoverSending turns the sending texts of owners that alive says are gone
// into unknown: they were interrupted mid-send and may have gone out. A live
// process's texts are never touched. It returns the ids it changed.
func (db *DB) RecoverSending(ctx context.Context, alive func(owner string) bool) ([]int64, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT DISTINCT owner FROM messages WHERE state = 'sending'`)
	if err != nil {
		return nil, fmt.Errorf("recover sending texts: %w", err)
	}
	var dead []string
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			rows.Close()
			return nil, fmt.Errorf("recover sending texts: %w", err)
		}
		if !alive(o) {
			dead = append(dead, o)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("recover sending texts: %w", err)
	}
	var ids []int64
	for _, o := range dead {
		err := db.tx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, `UPDATE messages SET state = 'unknown', owner = '',
				error = 'interrupted while sending (process ' || owner || ' is gone); it may have gone out'
				WHERE state = 'sending' AND owner = ? RETURNING id`, o)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					return err
				}
				ids = append(ids, id)
			}
			return rows.Err()
		})
		if err != nil {
			return ids, fmt.Errorf("recover sending texts of %s: %w", o, err)
		}
	}
	return ids, nil
}

// Outbox returns the outgoing texts in the given states (nil: queued,
// sending, unknown and failed), oldest first.
func (db *DB) Outbox(ctx context.Context, states []string) ([]Queued, error) {
	if len(states) == 0 {
		states = []string{StateQueued, StateSending, StateUnknown, StateFailed}
	}
	q := `SELECT ` + queuedColumns + messageFrom + ` WHERE m.direction = 'out' AND m.state IN (?` +
		strings.Repeat(", ?", len(states)-1) + `) ORDER BY m.id`
	args := make([]any, len(states))
	for i, s := range states {
		args[i] = s
	}
	return db.queryQueued(ctx, "outbox", q, args)
}

// Resend puts an unknown or failed text back in the queue: the operator's
// decision that it did not go out. Its greeting is rendered again.
func (db *DB) Resend(ctx context.Context, id int64) error {
	return db.operatorChange(ctx, id, []string{StateUnknown, StateFailed}, `UPDATE messages SET state = 'queued',
		owner = '', text = CASE WHEN draft <> '' THEN draft ELSE text END, draft = '', not_before = 0, tries = 0,
		error = '', flags = TRIM(REPLACE(',' || flags || ',', ',`+FlagDeliveryFailed+`,', ','), ','), at = ? WHERE id = ?`, db.now(), id)
}

// Fail marks an unknown or queued text failed: the operator's decision that
// it did not go out and must not go. It no longer counts as sent.
func (db *DB) Fail(ctx context.Context, id int64, reason string) error {
	if reason == "" {
		reason = operatorFailed
	} else {
		reason = operatorFailed + ": " + reason
	}
	return db.operatorChange(ctx, id, []string{StateUnknown, StateQueued}, `UPDATE messages SET state = 'failed',
		owner = '', error = ? WHERE id = ?`, reason, id)
}

// The error texts of failures that were not a modem's or gateway's: the
// fleet's error rate leaves them out.
const (
	operatorFailed     = "marked failed by the operator"
	optedOutBeforeSend = "recipient opted out before it was sent"
)

func (db *DB) operatorChange(ctx context.Context, id int64, from []string, update string, args ...any) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var dir, state string
		if err := tx.QueryRowContext(ctx, `SELECT direction, state FROM messages WHERE id = ?`, id).Scan(&dir, &state); err != nil {
			return mapErr(err)
		}
		ok := dir == Out
		if ok {
			ok = false
			for _, s := range from {
				ok = ok || s == state
			}
		}
		if !ok {
			what := "an incoming text"
			if dir == Out {
				what = state
			}
			return fmt.Errorf("%w: message %d is %s (only %s)", ErrWrongState, id, what, strings.Join(from, " or "))
		}
		_, err := tx.ExecContext(ctx, update, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("message %d: %w", id, err)
	}
	return nil
}

// Heartbeat records that owner (a process on host) is alive now.
func (db *DB) Heartbeat(ctx context.Context, owner, host string, pid int) error {
	_, err := db.sql.ExecContext(ctx, `INSERT INTO outbox_owners (owner, host, pid, heartbeat) VALUES (?, ?, ?, ?)
		ON CONFLICT (owner) DO UPDATE SET heartbeat = excluded.heartbeat`, owner, host, pid, db.now())
	if err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	return nil
}

// OwnerHeartbeat returns owner's last heartbeat, and false when it has none.
func (db *DB) OwnerHeartbeat(ctx context.Context, owner string) (time.Time, bool, error) {
	var at int64
	err := db.sql.QueryRowContext(ctx, `SELECT heartbeat FROM outbox_owners WHERE owner = ?`, owner).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("heartbeat of %s: %w", owner, err)
	}
	return time.Unix(at, 0).UTC(), true, nil
}

// DropOwner forgets owner when its process ends cleanly, together with the
// heartbeats of owners older than a day (processes that died).
func (db *DB) DropOwner(ctx context.Context, owner string) error {
	_, err := db.sql.ExecContext(ctx, `DELETE FROM outbox_owners WHERE owner = ? OR heartbeat < ?`,
		owner, db.Now().Add(-24*time.Hour).Unix())
	if err != nil {
		return fmt.Errorf("drop owner: %w", err)
	}
	return nil
}
