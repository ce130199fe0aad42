package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Intake is one write transaction of the inbound pipeline: storing a text,
// categorising it, opting the number out and queueing an auto-reply happen
// together or not at all. Its methods are valid only inside the function given
// to DB.Intake or IntakeWriter.Intake.
type Intake struct {
	db *DB
	q  querier
	// stmts are the statements prepared for this transaction (or, on an
	// IntakeWriter, for its connection): a batch of callbacks or a SIM's
	// worth of texts runs the same few statements many times, and preparing
	// is most of what a small statement costs.
	stmts map[string]*sql.Stmt
}

// querier is a transaction or a connection in a transaction.
type querier interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Intake runs fn in one write transaction and commits when it returns nil;
// when Intake returns nil, everything fn did is on disk.
func (db *DB) Intake(ctx context.Context, fn func(t *Intake) error) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		return fn(&Intake{db: db, q: tx, stmts: map[string]*sql.Stmt{}})
	})
}

// IntakeWriter is a connection of its own for one goroutine that commits
// many small intake transactions (serve's group commit): its statements stay
// prepared from one transaction to the next, and it waits for the write lock
// by trying again every lockPoll. SQLite's own wait sleeps longer and longer
// (up to 100 ms at a time), so under a steady stream of another process's
// short transactions (a campaign run) it would wait far longer than the lock
// is held.
type IntakeWriter struct {
	db    *DB
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
}

// lockPoll is how often an IntakeWriter tries again for the write lock.
const lockPoll = 200 * time.Microsecond

// NewIntakeWriter takes a connection from the pool for a writer; Close gives
// it back.
func (db *DB) NewIntakeWriter(ctx context.Context) (*IntakeWriter, error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("intake writer: %w", err)
	}
	// A short busy timeout: the writer does its own, finer, waiting.
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 1`); err != nil {
		conn.Close()
		return nil, fmt.Errorf("intake writer: %w", err)
	}
	return &IntakeWriter{db: db, conn: conn, stmts: map[string]*sql.Stmt{}}, nil
}

// Intake runs fn in one write transaction on the writer's connection, like
// DB.Intake. It must not be called concurrently.
func (w *IntakeWriter) Intake(ctx context.Context, fn func(t *Intake) error) error {
	deadline := time.Now().Add(BusyTimeout)
	for {
		_, err := w.conn.ExecContext(ctx, `BEGIN IMMEDIATE`)
		if err == nil {
			break
		}
		if !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(lockPoll):
		}
	}
	if err := fn(&Intake{db: w.db, q: w.conn, stmts: w.stmts}); err != nil {
		w.rollback()
		return err
	}
	if _, err := w.conn.ExecContext(context.WithoutCancel(ctx), `COMMIT`); err != nil {
		w.rollback()
		return err
	}
	return nil
}

func (w *IntakeWriter) rollback() {
	w.conn.ExecContext(context.Background(), `ROLLBACK`) // fails harmlessly when SQLite rolled back already
}

// Close releases the statements and gives the connection back to the pool
// with the usual busy timeout.
func (w *IntakeWriter) Close() error {
	var errs []error
	for q, st := range w.stmts {
		errs = append(errs, st.Close())
		delete(w.stmts, q)
	}
	_, err := w.conn.ExecContext(context.Background(), fmt.Sprintf(`PRAGMA busy_timeout = %d`, BusyTimeout.Milliseconds()))
	errs = append(errs, err, w.conn.Close())
	return errors.Join(errs...)
}

// isBusy reports whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// prepared returns q prepared for this transaction (or writer).
func (t *Intake) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	st, err := t.q.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	t.stmts[q] = st
	return st, nil
}

func (t *Intake) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := t.prepared(ctx, q)
	if err != nil {
		return t.q.QueryRowContext(ctx, q, args...) // reports the same error
	}
	return st.QueryRowContext(ctx, args...)
}

func (t *Intake) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := t.prepared(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (t *Intake) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := t.prepared(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// Now is the database clock.
func (t *Intake) Now() time.Time { return t.db.Now() }

// InsertMessage stores m like DB.InsertMessage, in this transaction.
func (t *Intake) InsertMessage(ctx context.Context, m Message) (id int64, duplicate bool, err error) {
	err = t.queryRow(ctx, insertMessageSQL+` RETURNING id`, messageArgs(m, t.db.Now())...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) && m.DedupeKey != "" {
		err = t.queryRow(ctx, `SELECT id FROM messages WHERE dedupe_key = ?`, m.DedupeKey).Scan(&id)
		duplicate = true
	}
	if err != nil {
		return 0, false, fmt.Errorf("store message: %w", mapErr(err))
	}
	return id, duplicate, nil
}

// HasDedupeKey reports whether a message with this dedupe key is stored.
func (t *Intake) HasDedupeKey(ctx context.Context, key string) (bool, error) {
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM messages WHERE dedupe_key = ?`, key).Scan(&n); err != nil {
		return false, fmt.Errorf("dedupe key: %w", err)
	}
	return n > 0, nil
}

// Message returns the message with the given id.
func (t *Intake) Message(ctx context.Context, id int64) (Message, error) {
	m, err := scanMessage(t.queryRow(ctx, `SELECT `+messageColumns+messageFrom+` WHERE m.id = ?`, id))
	if err != nil {
		return m, fmt.Errorf("message %d: %w", id, mapErr(err))
	}
	return m, nil
}

// Categories returns every category, as DB.Categories.
func (t *Intake) Categories(ctx context.Context) ([]Category, error) {
	rows, err := t.query(ctx, `SELECT `+categoryColumns+` FROM categories ORDER BY position, id`)
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

// Memory returns the category the operator last gave an inbound text whose
// normalised form is norm (rule 3 of the automatic categories).
func (t *Intake) Memory(ctx context.Context, norm string) (categoryID int64, ok bool, err error) {
	if norm == "" {
		return 0, false, nil
	}
	err = t.queryRow(ctx, `SELECT category_id FROM messages INDEXED BY messages_norm
		WHERE norm = ? AND direction = 'in' AND category_by = 'operator' AND category_id IS NOT NULL
		ORDER BY id DESC LIMIT 1`, norm).Scan(&categoryID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("memory: %w", err)
	}
	return categoryID, true, nil
}

// LastOutKind returns the kind of the last text we sent number (one that
// went, or may have gone, out) at or before the given time; "" when none.
func (t *Intake) LastOutKind(ctx context.Context, number string, before time.Time) (string, error) {
	var kind string
	err := t.queryRow(ctx, `SELECT kind FROM messages INDEXED BY messages_number
		WHERE number = ? AND direction = 'out' AND at <= ? AND state IN `+countedStates+`
		ORDER BY at DESC, id DESC LIMIT 1`, number, before.Unix()).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("last text to %s: %w", number, err)
	}
	return kind, nil
}

// SetCategory categorises message id; by is operator, rule, memory or model,
// and conf the model's confidence (stored only when by is model).
func (t *Intake) SetCategory(ctx context.Context, id, categoryID int64, by By, conf float64) error {
	var c any
	if by == ByModel {
		c = conf
	}
	res, err := t.exec(ctx, `UPDATE messages SET category_id = ?, category_by = ?, confidence = ? WHERE id = ?`,
		nullID(categoryID), nullStr(string(by)), c, id)
	if err != nil {
		return fmt.Errorf("categorise message %d: %w", id, mapErr(err))
	}
	return affected(res, "message")
}

// AddOptOut puts number on the opt-out list because of message msgID, and
// reports whether it was added (false when it was on the list already). An
// opt-out that the first part of a long text put there (AddOptOutByPart) is
// tied to msgID and counts as added: the whole text is the one that
// confirms it.
func (t *Intake) AddOptOut(ctx context.Context, number string, msgID int64) (added bool, err error) {
	res, err := t.exec(ctx, `INSERT INTO opt_outs (number, at, message_id) VALUES (?, ?, ?)
		ON CONFLICT (number) DO UPDATE SET message_id = excluded.message_id, by_part = 0
		WHERE opt_outs.by_part = 1 AND excluded.message_id IS NOT NULL`, number, t.db.now(), nullID(msgID))
	if err != nil {
		return false, fmt.Errorf("opt out %s: %w", number, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// AddOptOutByPart puts number on the opt-out list because the first part of
// a long text from it asks for no more texts, while the other parts are
// still awaited; the whole text, once stored, ties the opt-out to itself
// (AddOptOut). It reports whether the number was added.
func (t *Intake) AddOptOutByPart(ctx context.Context, number string) (added bool, err error) {
	res, err := t.exec(ctx, `INSERT INTO opt_outs (number, at, by_part) VALUES (?, ?, 1)
		ON CONFLICT (number) DO NOTHING`, number, t.db.now())
	if err != nil {
		return false, fmt.Errorf("opt out %s: %w", number, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// OptedOut reports whether number is on the opt-out list.
func (t *Intake) OptedOut(ctx context.Context, number string) (bool, error) {
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM opt_outs WHERE number = ?`, number).Scan(&n); err != nil {
		return false, fmt.Errorf("opt-out %s: %w", number, err)
	}
	return n > 0, nil
}

// LastAutoreply returns when number was last given an auto-reply (queued or
// sent; failed ones do not count), the zero time when never.
func (t *Intake) LastAutoreply(ctx context.Context, number string) (time.Time, error) {
	var at sql.NullInt64
	err := t.queryRow(ctx, `SELECT MAX(at) FROM messages INDEXED BY messages_number
		WHERE number = ? AND direction = 'out' AND kind = 'autoreply' AND state <> 'failed'`, number).Scan(&at)
	if err != nil {
		return time.Time{}, fmt.Errorf("last auto-reply to %s: %w", number, err)
	}
	return fromUnix(at), nil
}

// CategoryState is one message's category as it stood, for putting it back.
type CategoryState struct {
	ID         int64
	CategoryID int64 // 0: uncategorised
	By         By    // "" when uncategorised
	Confidence float64
	HasConf    bool
	TaggedBy   string // the operator's name, "" when none
	TaggedAt   int64  // Unix seconds, 0 when none
}

// TagOptions say who tags and on what condition.
type TagOptions struct {
	// Operator is the name of who tags, recorded as tagged_by ("" records
	// none).
	Operator string
	// OnlyUntagged tags nothing, and answers an *AlreadyTaggedError, when
	// the chosen text has a category already: of two operators looking at
	// the same group, the first tag wins.
	OnlyUntagged bool
}

// ErrAlreadyTagged is wrapped by an *AlreadyTaggedError.
var ErrAlreadyTagged = errors.New("already tagged")

// AlreadyTaggedError says who tagged (or which rule categorised) a text a
// conditional tag found categorised already.
type AlreadyTaggedError struct {
	ID       int64
	Category string
	By       By        // operator, rule, memory, model
	TaggedBy string    // the operator's name, "" when none was recorded
	At       time.Time // when the operator tagged it; zero when unknown
}

func (e *AlreadyTaggedError) Error() string {
	who := e.TaggedBy
	if who == "" {
		who = "the " + string(e.By)
	}
	return fmt.Sprintf("message %d is already in %s, by %s", e.ID, e.Category, who)
}

// Unwrap makes errors.Is(err, ErrAlreadyTagged) hold.
func (e *AlreadyTaggedError) Unwrap() error { return ErrAlreadyTagged }

// TagSimilar gives category categoryID, set by the operator, to message id and
// to every uncategorised inbound text whose normalised form is the same. It
// returns each changed message as it was before, message id first.
func (t *Intake) TagSimilar(ctx context.Context, id, categoryID int64) ([]CategoryState, error) {
	return t.TagSimilarAs(ctx, id, categoryID, TagOptions{})
}

// TagSimilarAs is TagSimilar recording who tagged, and with
// opts.OnlyUntagged only while message id is uncategorised (checked and
// changed in the one transaction, so two operators cannot both win).
func (t *Intake) TagSimilarAs(ctx context.Context, id, categoryID int64, opts TagOptions) ([]CategoryState, error) {
	var norm, category string
	var before CategoryState
	var conf sql.NullFloat64
	var taggedAt sql.NullInt64
	err := t.queryRow(ctx, `SELECT m.id, m.norm, COALESCE(m.category_id, 0), COALESCE(m.category_by, ''), m.confidence,
		COALESCE(m.tagged_by, ''), m.tagged_at, COALESCE(c.name, '')
		FROM messages m LEFT JOIN categories c ON c.id = m.category_id
		WHERE m.id = ? AND m.direction = 'in'`, id).Scan(&before.ID, &norm, &before.CategoryID, &before.By, &conf,
		&before.TaggedBy, &taggedAt, &category)
	if err != nil {
		return nil, fmt.Errorf("no received text has id %d: %w", id, mapErr(err))
	}
	before.Confidence, before.HasConf = conf.Float64, conf.Valid
	before.TaggedAt = taggedAt.Int64
	if opts.OnlyUntagged && before.CategoryID != 0 {
		return nil, &AlreadyTaggedError{ID: id, Category: category, By: before.By, TaggedBy: before.TaggedBy,
			At: fromUnix(taggedAt)}
	}
	out := []CategoryState{before}
	now := t.db.now()
	if _, err := t.exec(ctx, `UPDATE messages SET category_id = ?, category_by = 'operator', confidence = NULL,
		tagged_by = ?, tagged_at = ? WHERE id = ?`, categoryID, nullStr(opts.Operator), now, id); err != nil {
		return nil, fmt.Errorf("categorise message %d: %w", id, mapErr(err))
	}
	if norm == "" {
		return out, nil
	}
	rows, err := t.query(ctx, `UPDATE messages SET category_id = ?, category_by = 'operator', confidence = NULL,
		tagged_by = ?, tagged_at = ?
		WHERE norm = ? AND direction = 'in' AND category_id IS NULL AND id <> ? RETURNING id`,
		categoryID, nullStr(opts.Operator), now, norm, id)
	if err != nil {
		return nil, fmt.Errorf("tag texts like message %d: %w", id, mapErr(err))
	}
	defer rows.Close()
	for rows.Next() {
		var s CategoryState
		if err := rows.Scan(&s.ID); err != nil {
			return nil, fmt.Errorf("tag texts like message %d: %w", id, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tag texts like message %d: %w", id, err)
	}
	return out, nil
}

// TaggedBy returns who holds the operator's tag on each of ids ("" for a
// text without one), so that an undo touches only the undoer's own tags.
func (t *Intake) TaggedBy(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	for _, id := range ids {
		var by string
		err := t.queryRow(ctx, `SELECT COALESCE(tagged_by, '') FROM messages WHERE id = ? AND category_by = 'operator'`, id).Scan(&by)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("who tagged message %d: %w", id, err)
		}
		out[id] = by
	}
	return out, nil
}

// RestoreCategories puts each message's category back as it was.
func (t *Intake) RestoreCategories(ctx context.Context, states []CategoryState) error {
	for _, s := range states {
		var conf, at any
		if s.HasConf {
			conf = s.Confidence
		}
		if s.TaggedAt != 0 {
			at = s.TaggedAt
		}
		if _, err := t.exec(ctx, `UPDATE messages SET category_id = ?, category_by = ?, confidence = ?, tagged_by = ?, tagged_at = ?
			WHERE id = ?`, nullID(s.CategoryID), nullStr(string(s.By)), conf, nullStr(s.TaggedBy), at, s.ID); err != nil {
			return fmt.Errorf("restore category of message %d: %w", s.ID, err)
		}
	}
	return nil
}

// RemoveOptOutsBy takes off the opt-out list the numbers that one of the
// given messages put there, and returns those numbers.
func (t *Intake) RemoveOptOutsBy(ctx context.Context, msgIDs []int64) ([]string, error) {
	var out []string
	for _, id := range msgIDs {
		rows, err := t.query(ctx, `DELETE FROM opt_outs WHERE message_id = ? RETURNING number`, id)
		if err != nil {
			return nil, fmt.Errorf("remove opt-out of message %d: %w", id, err)
		}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("remove opt-out of message %d: %w", id, err)
			}
			out = append(out, n)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("remove opt-out of message %d: %w", id, err)
		}
	}
	return out, nil
}

// DeleteQueuedReplies removes auto-replies to the given messages that are
// still queued (one already sending or sent stays), and returns how many.
func (t *Intake) DeleteQueuedReplies(ctx context.Context, parentIDs []int64) (int, error) {
	n := 0
	for _, id := range parentIDs {
		res, err := t.exec(ctx, `DELETE FROM messages WHERE parent_id = ? AND direction = 'out'
			AND kind = 'autoreply' AND state = 'queued'`, id)
		if err != nil {
			return n, fmt.Errorf("remove auto-reply to message %d: %w", id, err)
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}

// ApplyModemReport applies a modem delivery report: the most recent outgoing
// text from SIM simID, sent since since, whose references include mr (and
// whose number is recipient, when recipient is a full number) becomes
// state. A failure or expiry overrides a delivery already recorded for
// another part; a delivery never overrides a failure. It returns the id of
// the message, or found false when no text matches.
func (t *Intake) ApplyModemReport(ctx context.Context, simID int64, mr int, recipient, state string, since time.Time) (id int64, found bool, err error) {
	pattern := "%," + strconv.Itoa(mr) + ",%"
	q := `SELECT id, number FROM messages INDEXED BY messages_sim
		WHERE sim_id = ? AND direction = 'out' AND at >= ? AND ref <> '' AND (',' || ref || ',') LIKE ?
		AND state IN ('sending', 'sent', 'unknown', 'delivered', 'expired', 'failed')`
	args := []any{simID, since.Unix(), pattern}
	if strings.HasPrefix(recipient, "+") {
		q += ` AND number = ?`
		args = append(args, recipient)
	}
	q += ` ORDER BY at DESC, id DESC LIMIT 1`
	var number string
	err = t.queryRow(ctx, q, args...).Scan(&id, &number)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("delivery report %d: %w", mr, err)
	}
	if err := t.setDeliveryState(ctx, id, state, "", "the network's delivery report says "+state+" (no reason given)"); err != nil {
		return 0, false, err
	}
	return id, true, nil
}

// ApplyGatewayStatus applies a gateway status callback to outgoing message
// id sent to number ("" for any number): the state (delivered, expired or
// failed; "" keeps it) and the provider's reference, kept when the message
// has none yet. status is the provider's word for the state, named in the
// reason a failed or expired text keeps (the provider gives no other). found
// is false when there is no such outgoing message.
func (t *Intake) ApplyGatewayStatus(ctx context.Context, id int64, number, state, status, smsref string) (found bool, err error) {
	var n int
	// Only texts that left through a gateway account: the provider knows
	// nothing of what the dongles sent, so a callback naming one of those
	// is a mistake (or a forgery) and must not change it.
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM messages m JOIN sims s ON s.id = m.sim_id
		JOIN networks n ON n.id = s.network_id
		WHERE m.id = ? AND m.direction = 'out' AND (s.gw_url <> '' OR n.gateway = 1)
		AND (? = '' OR m.number = ?)`, id, number, number).Scan(&n); err != nil {
		return false, fmt.Errorf("status of message %d: %w", id, err)
	}
	if n == 0 {
		return false, nil
	}
	word := strings.TrimSpace(status)
	if word == "" {
		word = state
	}
	return true, t.setDeliveryState(ctx, id, state, smsref, "the provider reported "+word+" (no reason given)")
}

// setDeliveryState applies a delivery report's state to outgoing message id
// (and its reference ref, when it has none yet). A text that fails or
// expires keeps reason as its error when it has none; a failed one is
// flagged FlagDeliveryFailed: it went out and used its SIM's allowance.
func (t *Intake) setDeliveryState(ctx context.Context, id int64, state, ref, reason string) error {
	var from string
	switch state {
	case "":
		from = "''" // no state change
	case StateDelivered:
		from = `'sending', 'sent', 'unknown'`
	case StateExpired, StateFailed:
		from = `'sending', 'sent', 'unknown', 'delivered'`
	default:
		return fmt.Errorf("delivery state %q is not delivered, expired or failed", state)
	}
	if ref != "" {
		if _, err := t.exec(ctx, `UPDATE messages SET ref = ? WHERE id = ? AND ref = ''`, ref, id); err != nil {
			return fmt.Errorf("delivery of message %d: %w", id, err)
		}
	}
	if state == "" {
		return nil
	}
	flag := ""
	if state == StateFailed {
		flag = FlagDeliveryFailed
	}
	if state == StateDelivered {
		reason = ""
	}
	_, err := t.exec(ctx, `UPDATE messages SET state = ?1, owner = '',
		error = CASE WHEN error = '' THEN ?3 ELSE error END,
		flags = CASE WHEN ?4 = '' OR instr(',' || flags || ',', ',' || ?4 || ',') > 0 THEN flags
			WHEN flags = '' THEN ?4 ELSE flags || ',' || ?4 END
		WHERE id = ?2 AND state IN (`+from+`)`, state, id, reason, flag)
	if err != nil {
		return fmt.Errorf("delivery of message %d: %w", id, err)
	}
	return nil
}

// Uncategorised calls fn with the id of every inbound text that has no
// category, oldest first, at most limit of them (0: all) after id after.
func (db *DB) Uncategorised(ctx context.Context, after int64, limit int) ([]int64, error) {
	q := `SELECT id FROM messages WHERE category_id IS NULL AND direction = 'in' AND id > ? ORDER BY id`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := db.sql.QueryContext(ctx, q, after)
	if err != nil {
		return nil, fmt.Errorf("uncategorised texts: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("uncategorised texts: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// GatewaySIMs returns the SIMs that are gateway accounts.
func (db *DB) GatewaySIMs(ctx context.Context) ([]SIM, error) {
	return db.querySIMs(ctx, `SELECT `+simColumns+simFrom+` WHERE n.gateway = 1 OR s.gw_url <> '' ORDER BY n.name, s.ref`)
}
