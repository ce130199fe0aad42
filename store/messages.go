package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Directions of a message.
const (
	In  = "in"
	Out = "out"
)

// Kinds of message.
const (
	KindCampaign  = "campaign"
	KindFollowup  = "followup"
	KindManual    = "manual"
	KindAutoreply = "autoreply"
	KindManager   = "manager"
	KindInbound   = "inbound"
)

// States of an outgoing message.
const (
	StateQueued    = "queued"
	StateSending   = "sending"
	StateSent      = "sent"
	StateDelivered = "delivered"
	StateExpired   = "expired"
	StateFailed    = "failed"
	StateUnknown   = "unknown"
)

// By says how a message's category was set (messages.category_by, the
// "category_by" of the JSON output). It is the one spelling of it: the
// automatic rules (replies) and the operator's tags use these values.
type By string

// How a message's category was set.
const (
	ByOperator By = "operator" // the operator tagged it
	ByRule     By = "rule"     // an automatic rule: opt-out words, reply to a follow-up
	ByMemory   By = "memory"   // the operator tagged an identical normalised text before
	ByModel    By = "model"    // the learned model, sure enough
)

// Flags on a message.
const (
	FlagIncomplete  = "incomplete"
	FlagUndecodable = "undecodable"
	// FlagAnyHour marks an auto-reply that may go during quiet hours (its
	// category says so).
	FlagAnyHour = "any_hour"
	// FlagArchived marks a failed text the operator put out of the
	// outbox's way: hidden there, kept in the database.
	FlagArchived = "archived"
	// FlagOddNumber marks a received text whose sender could not be
	// normalised to a phone number (nor is a sender name or a short code):
	// it is kept as it came and waits for the operator's review.
	FlagOddNumber = "odd_number"
	// FlagDeliveryFailed marks a failed text that went out (to the
	// network or the gateway provider) and was then reported failed: it
	// used its SIM's allowance, so the day's traffic and limits count it.
	FlagDeliveryFailed = "delivery_failed"
)

// countedStates are the outgoing states that used a SIM's allowance (or may
// have: unknown and sending count, so a crash can never lead to a limit overrun).
const countedStates = `('sending', 'sent', 'delivered', 'expired', 'unknown')`

// usedAllowance is the condition, on a messages row, that it used its
// SIM's allowance: a counted state, or failed after it went out.
const usedAllowance = `(state IN ` + countedStates + ` OR (state = 'failed' AND instr(',' || flags || ',', ',` + FlagDeliveryFailed + `,') > 0))`

// Message is one text in or out.
type Message struct {
	ID         int64
	Direction  string // In or Out
	SIMID      int64  // 0 when none
	SIM        string // the SIM's label, "" when none
	Number     string // E.164, or an alphanumeric sender as given
	Text       string
	At         time.Time
	Kind       string
	TemplateID int64
	Template   string // the template's name, "" when none
	GroupName  string
	Name       string // recipient's first name
	RunID      int64
	ParentID   int64
	CategoryID int64
	Category   string    // "" when uncategorised
	CategoryBy By        // operator, rule, memory, model; "" when uncategorised
	TaggedBy   string    // the operator's name, for an operator's tag; "" otherwise
	TaggedAt   time.Time // when the operator tagged it; zero otherwise
	Confidence float64   // model confidence; meaningful when CategoryBy is "model"
	HasConf    bool
	Norm       string
	State      string
	Owner      string
	Ref        string
	Parts      int
	Error      string
	Flags      []string
	Raw        string
	DedupeKey  string
	SMSC       string // inbound from a modem: the service centre of its PDU, "" when unknown
}

// HasFlag reports whether the message carries flag.
func (m Message) HasFlag(flag string) bool {
	for _, f := range m.Flags {
		if f == flag {
			return true
		}
	}
	return false
}

const messageColumns = `m.id, m.direction, COALESCE(m.sim_id, 0), COALESCE(n.name || CASE WHEN s.ref = 0 AND (n.gateway = 1 OR s.gw_url <> '') THEN '' ELSE ' ' || s.ref END, ''),
	m.number, m.text, m.at, m.kind, COALESCE(m.template_id, 0), COALESCE(t.name, ''), m.group_name, m.name,
	COALESCE(m.run_id, 0), COALESCE(m.parent_id, 0), COALESCE(m.category_id, 0), COALESCE(c.name, ''),
	COALESCE(m.category_by, ''), m.confidence, m.norm, m.state, m.owner, m.ref, m.parts, m.error, m.flags, m.raw,
	COALESCE(m.dedupe_key, ''), m.smsc, COALESCE(m.tagged_by, ''), m.tagged_at`

const messageFrom = ` FROM messages m
	LEFT JOIN sims s ON s.id = m.sim_id
	LEFT JOIN networks n ON n.id = s.network_id
	LEFT JOIN templates t ON t.id = m.template_id
	LEFT JOIN categories c ON c.id = m.category_id`

func scanMessage(sc interface{ Scan(...any) error }) (Message, error) {
	var m Message
	var at int64
	var conf sql.NullFloat64
	var flags string
	var taggedAt sql.NullInt64
	err := sc.Scan(&m.ID, &m.Direction, &m.SIMID, &m.SIM, &m.Number, &m.Text, &at, &m.Kind, &m.TemplateID, &m.Template,
		&m.GroupName, &m.Name, &m.RunID, &m.ParentID, &m.CategoryID, &m.Category, &m.CategoryBy, &conf, &m.Norm,
		&m.State, &m.Owner, &m.Ref, &m.Parts, &m.Error, &flags, &m.Raw, &m.DedupeKey, &m.SMSC, &m.TaggedBy, &taggedAt)
	m.TaggedAt = fromUnix(taggedAt)
	m.At = time.Unix(at, 0).UTC()
	m.Confidence, m.HasConf = conf.Float64, conf.Valid
	if flags != "" {
		m.Flags = strings.Split(flags, ",")
	}
	return m, err
}

// Message returns the message with the given id.
func (db *DB) Message(ctx context.Context, id int64) (Message, error) {
	m, err := scanMessage(db.sql.QueryRowContext(ctx, `SELECT `+messageColumns+messageFrom+` WHERE m.id = ?`, id))
	if err != nil {
		return m, fmt.Errorf("message %d: %w", id, mapErr(err))
	}
	return m, nil
}

// InsertMessage stores m as it is (At defaults to now, Parts to 1) and
// returns its id. A message whose DedupeKey is already stored is not stored
// again: the id of the stored one is returned with duplicate set.
func (db *DB) InsertMessage(ctx context.Context, m Message) (id int64, duplicate bool, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		id, duplicate, err = db.insertMessage(ctx, tx, m)
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("store message: %w", err)
	}
	return id, duplicate, nil
}

func (db *DB) insertMessage(ctx context.Context, tx *sql.Tx, m Message) (int64, bool, error) {
	var id int64
	err := tx.QueryRowContext(ctx, insertMessageSQL+` RETURNING id`, messageArgs(m, db.Now())...).Scan(&id)
	if err == sql.ErrNoRows && m.DedupeKey != "" {
		err = tx.QueryRowContext(ctx, `SELECT id FROM messages WHERE dedupe_key = ?`, m.DedupeKey).Scan(&id)
		return id, true, err
	}
	return id, false, mapErr(err)
}

// insertMessageSQL stores one message unless its dedupe key is stored
// already; messageArgs gives its arguments.
const insertMessageSQL = `INSERT INTO messages (direction, sim_id, number, text, at, kind, template_id, group_name,
	name, run_id, parent_id, category_id, category_by, confidence, norm, state, owner, ref, parts, error, flags, raw, dedupe_key, smsc)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (dedupe_key) DO NOTHING`

// messageArgs are insertMessageSQL's arguments for m; a zero At is now and
// zero Parts is one.
func messageArgs(m Message, now time.Time) []any {
	if m.At.IsZero() {
		m.At = now
	}
	if m.Parts == 0 {
		m.Parts = 1
	}
	var conf any
	if m.HasConf {
		conf = m.Confidence
	}
	return []any{m.Direction, nullID(m.SIMID), m.Number, m.Text, m.At.Unix(), m.Kind, nullID(m.TemplateID), m.GroupName,
		m.Name, nullID(m.RunID), nullID(m.ParentID), nullID(m.CategoryID), nullStr(string(m.CategoryBy)), conf, m.Norm,
		m.State, m.Owner, m.Ref, m.Parts, m.Error, strings.Join(m.Flags, ","), m.Raw, nullStr(m.DedupeKey), m.SMSC}
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// MessageFilter selects messages for Messages and EachMessage.
type MessageFilter struct {
	Direction string    // In, Out or "" for both
	Since     time.Time // zero for all
	Until     time.Time // zero for no end (exclusive)
	Number    string    // E.164 or sender, "" for all
	SIMID     int64     // 0 for all
	Kind      string    // "" for all
	States    []string  // outgoing states; nil for all
	Limit     int       // 0 for no limit
	Offset    int
	Oldest    bool // oldest first (default newest first)
	// HideArchived leaves out the texts flagged FlagArchived.
	HideArchived bool
}

func (f MessageFilter) where() (string, []any) {
	var conds []string
	var args []any
	if f.Direction != "" {
		conds, args = append(conds, "m.direction = ?"), append(args, f.Direction)
	}
	if !f.Since.IsZero() {
		conds, args = append(conds, "m.at >= ?"), append(args, f.Since.Unix())
	}
	if !f.Until.IsZero() {
		conds, args = append(conds, "m.at < ?"), append(args, f.Until.Unix())
	}
	if f.Number != "" {
		conds, args = append(conds, "m.number = ?"), append(args, f.Number)
	}
	if f.SIMID != 0 {
		conds, args = append(conds, "m.sim_id = ?"), append(args, f.SIMID)
	}
	if f.Kind != "" {
		conds, args = append(conds, "m.kind = ?"), append(args, f.Kind)
	}
	if f.HideArchived {
		conds = append(conds, `(',' || m.flags || ',') NOT LIKE '%,`+FlagArchived+`,%'`)
	}
	if len(f.States) > 0 {
		conds = append(conds, "m.state IN (?"+strings.Repeat(", ?", len(f.States)-1)+")")
		for _, s := range f.States {
			args = append(args, s)
		}
	}
	q := ""
	if len(conds) > 0 {
		q = " WHERE " + strings.Join(conds, " AND ")
	}
	order := " ORDER BY m.at DESC, m.id DESC"
	if f.Oldest {
		order = " ORDER BY m.at, m.id"
	}
	q += order
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, f.Offset)
	}
	return q, args
}

// EachMessage calls fn for every message the filter selects, streaming rows
// so that exporting a million messages needs no more memory than one.
func (db *DB) EachMessage(ctx context.Context, f MessageFilter, fn func(Message) error) error {
	where, args := f.where()
	rows, err := db.sql.QueryContext(ctx, `SELECT `+messageColumns+messageFrom+where, args...)
	if err != nil {
		return fmt.Errorf("messages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return fmt.Errorf("messages: %w", err)
		}
		if err := fn(m); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Messages returns the messages the filter selects.
func (db *DB) Messages(ctx context.Context, f MessageFilter) ([]Message, error) {
	var out []Message
	err := db.EachMessage(ctx, f, func(m Message) error {
		out = append(out, m)
		return nil
	})
	return out, err
}

// CountMessages counts the messages the filter selects (Limit and Offset aside).
func (db *DB) CountMessages(ctx context.Context, f MessageFilter) (int, error) {
	f.Limit, f.Offset = 0, 0
	where, args := f.where()
	where = where[:strings.Index(where, " ORDER BY")]
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages m`+where, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count messages: %w", err)
	}
	return n, nil
}
