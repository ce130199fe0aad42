package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"
)

// This file holds the read-only, paged queries the terminal UI browses with.
// Every list is cut to a page in SQL, so a screen never loads a whole table.

// ReviewGroup is one line of the review queue: the uncategorised inbound texts
// that are identical after normalisation, represented by the newest of them.
type ReviewGroup struct {
	Count  int     // how many uncategorised texts the group holds
	Latest Message // the newest text of the group
}

// PageFilter selects one page of a browsed list.
type PageFilter struct {
	Contains string // case-insensitive substring the list is filtered by; "" for all
	Limit    int    // rows per page; 0 means 50
	Offset   int
}

func (f PageFilter) limit() int {
	if f.Limit <= 0 {
		return 50
	}
	return f.Limit
}

// likePattern turns a substring into a LIKE pattern with escape '\'.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// queueGroup is how the review queue groups texts: by normalised text, except
// that a text without one is a group of its own.
const queueGroup = `CASE WHEN norm = '' THEN -id ELSE norm END`

// ReviewQueue returns one page of the review queue (uncategorised inbound
// texts), grouped by normalised text, the group with the newest text first.
// Contains filters on the text.
func (db *DB) ReviewQueue(ctx context.Context, f PageFilter) ([]ReviewGroup, error) {
	cond, args := "", []any{}
	if f.Contains != "" {
		cond, args = ` AND text LIKE ? ESCAPE '\'`, append(args, likePattern(f.Contains))
	}
	args = append(args, f.limit(), f.Offset)
	rows, err := db.sql.QueryContext(ctx, `SELECT g.n, `+messageColumns+`
		FROM (SELECT COUNT(*) AS n, MAX(at) AS last_at, id AS last_id FROM messages INDEXED BY messages_review_norm
			WHERE category_id IS NULL AND direction = 'in'`+cond+`
			GROUP BY `+queueGroup+`) g
		JOIN messages m ON m.id = g.last_id
		LEFT JOIN sims s ON s.id = m.sim_id
		LEFT JOIN networks n ON n.id = s.network_id
		LEFT JOIN templates t ON t.id = m.template_id
		LEFT JOIN categories c ON c.id = m.category_id
		ORDER BY g.last_at DESC, g.last_id DESC LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("review queue: %w", err)
	}
	defer rows.Close()
	var out []ReviewGroup
	for rows.Next() {
		var g ReviewGroup
		var n int
		m, err := scanMessage(prefixScanner{rows, &n})
		if err != nil {
			return nil, fmt.Errorf("review queue: %w", err)
		}
		g.Count, g.Latest = n, m
		out = append(out, g)
	}
	return out, rows.Err()
}

// ReviewCount returns how many groups and texts the review queue holds
// (filtered like ReviewQueue).
func (db *DB) ReviewCount(ctx context.Context, contains string) (groups, texts int, err error) {
	cond, args := "", []any{}
	if contains != "" {
		cond, args = ` AND text LIKE ? ESCAPE '\'`, append(args, likePattern(contains))
	}
	err = db.sql.QueryRowContext(ctx, `SELECT COUNT(DISTINCT `+queueGroup+`), COUNT(*) FROM messages INDEXED BY messages_review_norm
		WHERE category_id IS NULL AND direction = 'in'`+cond, args...).Scan(&groups, &texts)
	if err != nil {
		return 0, 0, fmt.Errorf("review queue: %w", err)
	}
	return groups, texts, nil
}

// prefixScanner scans the first column into first and the rest with the
// wrapped scanner's caller's destinations.
type prefixScanner struct {
	sc    interface{ Scan(...any) error }
	first any
}

func (p prefixScanner) Scan(dest ...any) error {
	return p.sc.Scan(append([]any{p.first}, dest...)...)
}

// LastSentTo returns the newest text we sent to number at or before t
// (ErrNotFound when there is none): what the person was answering.
func (db *DB) LastSentTo(ctx context.Context, number string, t time.Time) (Message, error) {
	m, err := scanMessage(db.sql.QueryRowContext(ctx, `SELECT `+messageColumns+messageFrom+`
		WHERE m.number = ? AND m.direction = 'out' AND m.at <= ? ORDER BY m.at DESC, m.id DESC LIMIT 1`,
		number, t.Unix()))
	if err != nil {
		return m, fmt.Errorf("last text to %s: %w", number, mapErr(err))
	}
	return m, nil
}

// Conversation is one number's thread, summarised for the conversations list.
type Conversation struct {
	Number        string
	Latest        Message // the newest text in or out
	Texts         int     // texts in and out
	Uncategorised int     // inbound texts waiting in the review queue
}

// Conversations returns one page of threads, one per number, the number with
// the newest text first. Contains filters on the number. Each row found is the
// newest text of its number, so the page is cut in SQL while walking the
// texts newest first.
func (db *DB) Conversations(ctx context.Context, f PageFilter) ([]Conversation, error) {
	cond, args, walk := "", []any{}, "INDEXED BY messages_recent"
	switch {
	case isFullNumber(f.Contains):
		// One number: its own index finds it at once.
		cond, args, walk = ` AND m.number = ?`, append(args, f.Contains), "INDEXED BY messages_number"
	case f.Contains != "":
		cond, args = ` AND m.number LIKE ? ESCAPE '\'`, append(args, likePattern(f.Contains))
	}
	args = append(args, f.limit(), f.Offset)
	rows, err := db.sql.QueryContext(ctx, `SELECT
		(SELECT COUNT(*) FROM messages x WHERE x.number = m.number),
		(SELECT COUNT(*) FROM messages x WHERE x.number = m.number AND x.direction = 'in' AND x.category_id IS NULL),
		`+messageColumns+`
		FROM messages m `+walk+`
		LEFT JOIN sims s ON s.id = m.sim_id
		LEFT JOIN networks n ON n.id = s.network_id
		LEFT JOIN templates t ON t.id = m.template_id
		LEFT JOIN categories c ON c.id = m.category_id
		WHERE 1 = 1`+cond+` AND NOT EXISTS (SELECT 1 FROM messages x WHERE x.number = m.number
			AND (x.at > m.at OR (x.at = m.at AND x.id > m.id)))
		ORDER BY m.at DESC, m.id DESC LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	defer rows.Close()
	var out []Conversation
	for rows.Next() {
		var c Conversation
		m, err := scanMessage(prefixScanner{prefixScanner{rows, &c.Texts}, &c.Uncategorised})
		if err != nil {
			return nil, fmt.Errorf("conversations: %w", err)
		}
		c.Number, c.Latest = m.Number, m
		out = append(out, c)
	}
	return out, rows.Err()
}

// isFullNumber reports whether s is a whole E.164 number ("+447700900123").
func isFullNumber(s string) bool {
	if len(s) < 8 || s[0] != '+' {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// MessagePage returns the messages the filter selects whose text contains
// contains (case-insensitive; "" for all). Give the filter a Limit: it is the
// page size.
func (db *DB) MessagePage(ctx context.Context, f MessageFilter, contains string) ([]Message, error) {
	limit, offset := f.Limit, f.Offset
	if limit <= 0 {
		limit = 50
	}
	f.Limit, f.Offset = 0, 0
	where, args := f.where()
	i := strings.Index(where, " ORDER BY")
	conds, order := where[:i], where[i:]
	if contains != "" {
		if conds == "" {
			conds = " WHERE"
		} else {
			conds += " AND"
		}
		conds += ` m.text LIKE ? ESCAPE '\'`
		args = append(args, likePattern(contains))
	}
	q := `SELECT ` + messageColumns + messageFrom + conds + order + fmt.Sprintf(" LIMIT %d OFFSET %d", limit, offset)
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("messages: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// SIMHealth is what the fleet board shows about a SIM beside its dongle.
type SIMHealth struct {
	SIMID        int64
	LastSent     time.Time // newest text that left (sent or delivered); zero for never
	LastReceived time.Time // newest text that came in; zero for never
	Tried        int       // texts that left or that the dongle or gateway refused, since the window start
	Failed       int       // of which the dongle or gateway refused
}

// sendFailure picks, of the failed texts, those a dongle or the gateway
// refused. The others are not the SIM's fault: what Fail (the operator giving up
// on a text, error "" before it recorded a reason) and MarkSending (the
// recipient opted out while it was queued) leave in the error column. A
// refusal by a dongle or the gateway always carries its error.
const sendFailure = `error <> '' AND error NOT LIKE '` + operatorFailed + `%' AND error <> '` + optedOutBeforeSend + `'`

// ErrorRate is the share of tried texts that failed, 0 when none were tried.
func (h SIMHealth) ErrorRate() float64 {
	if h.Tried == 0 {
		return 0
	}
	return float64(h.Failed) / float64(h.Tried)
}

// SIMsHealth returns every SIM's health, judging failures over the texts sent
// since since. Each figure is a short range scan of the per-SIM index.
func (db *DB) SIMsHealth(ctx context.Context, since time.Time) (map[int64]SIMHealth, error) {
	ids, err := db.simIDs(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]SIMHealth, len(ids))
	for _, id := range ids {
		h := SIMHealth{SIMID: id}
		var sent, recv sql.NullInt64
		err := db.sql.QueryRowContext(ctx, `SELECT
			(SELECT at FROM messages INDEXED BY messages_sim WHERE sim_id = ?1 AND direction = 'out'
				AND state IN ('sent', 'delivered') ORDER BY at DESC LIMIT 1),
			(SELECT at FROM messages INDEXED BY messages_sim WHERE sim_id = ?1 AND direction = 'in'
				ORDER BY at DESC LIMIT 1),
			(SELECT COUNT(*) FROM messages INDEXED BY messages_sim WHERE sim_id = ?1 AND direction = 'out' AND at >= ?2
				AND (state IN ('sent', 'delivered', 'expired', 'unknown') OR (state = 'failed' AND `+sendFailure+`))),
			(SELECT COUNT(*) FROM messages INDEXED BY messages_sim WHERE sim_id = ?1 AND direction = 'out' AND at >= ?2
				AND state = 'failed' AND `+sendFailure+`)`, id, since.Unix()).Scan(&sent, &recv, &h.Tried, &h.Failed)
		if err != nil {
			return nil, fmt.Errorf("sim health: %w", err)
		}
		h.LastSent, h.LastReceived = fromUnix(sent), fromUnix(recv)
		out[id] = h
	}
	return out, nil
}

func (db *DB) simIDs(ctx context.Context) ([]int64, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id FROM sims ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("sims: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sims: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// TemplateStats is how one template did: the campaign texts sent with it and
// how the people who got them answered.
type TemplateStats struct {
	TemplateID int64
	Template   string
	Texts      int            // campaign texts sent with it
	Recipients int            // distinct numbers that got one
	Replied    int            // of those, numbers that answered after it
	Replies    map[string]int // numbers that answered, by the category of their answers ("" = not yet categorised)
	OptOuts    int            // numbers that answered in an opt-out category
}

// OptOutRate is the share of recipients who opted out.
func (s TemplateStats) OptOutRate() float64 {
	if s.Recipients == 0 {
		return 0
	}
	return float64(s.OptOuts) / float64(s.Recipients)
}

// TemplatesStats returns per-template figures over the campaign texts sent
// since since, templates by name. A reply counts for the template of the
// newest campaign text its number got before it (since since).
func (db *DB) TemplatesStats(ctx context.Context, since time.Time) ([]TemplateStats, error) {
	byID := map[int64]*TemplateStats{}
	rows, err := db.sql.QueryContext(ctx, `
		SELECT s.tid, t.name, s.texts, s.people FROM (
			SELECT template_id AS tid, COUNT(*) AS texts, COUNT(DISTINCT number) AS people
			FROM messages INDEXED BY messages_campaign_sent
			WHERE direction = 'out' AND kind = 'campaign' AND at >= ? AND template_id IS NOT NULL
				AND state IN `+countedStates+`
			GROUP BY template_id) s
		JOIN templates t ON t.id = s.tid`, since.Unix())
	if err != nil {
		return nil, fmt.Errorf("template stats: %w", err)
	}
	for rows.Next() {
		s := &TemplateStats{Replies: map[string]int{}}
		if err := rows.Scan(&s.TemplateID, &s.Template, &s.Texts, &s.Recipients); err != nil {
			rows.Close()
			return nil, fmt.Errorf("template stats: %w", err)
		}
		byID[s.TemplateID] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("template stats: %w", err)
	}
	rows, err = db.sql.QueryContext(ctx, `
		WITH answered AS (
			SELECT r.number, r.category_id AS cid,
				(SELECT o.template_id FROM messages o INDEXED BY messages_campaign_template
					WHERE o.number = r.number AND o.direction = 'out' AND o.kind = 'campaign'
						AND o.at <= r.at AND o.at >= ?1 AND o.state IN `+countedStates+`
					ORDER BY o.at DESC LIMIT 1) AS tid
			FROM messages r INDEXED BY messages_day
			WHERE r.direction = 'in' AND r.at >= ?1)
		SELECT DISTINCT a.tid, a.number, COALESCE(c.name, ''), COALESCE(c.opt_out, 0) FROM answered a
		LEFT JOIN categories c ON c.id = a.cid WHERE a.tid IS NOT NULL`, since.Unix())
	if err != nil {
		return nil, fmt.Errorf("template stats: %w", err)
	}
	defer rows.Close()
	type key struct {
		tid    int64
		number string
	}
	replied, optedOut := map[key]bool{}, map[key]bool{}
	for rows.Next() {
		var k key
		var cat string
		var optOut bool
		if err := rows.Scan(&k.tid, &k.number, &cat, &optOut); err != nil {
			return nil, fmt.Errorf("template stats: %w", err)
		}
		s := byID[k.tid]
		if s == nil {
			continue
		}
		s.Replies[cat]++
		if !replied[k] {
			replied[k] = true
			s.Replied++
		}
		if optOut && !optedOut[k] {
			optedOut[k] = true
			s.OptOuts++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("template stats: %w", err)
	}
	out := make([]TemplateStats, 0, len(byID))
	for _, s := range byID {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Template) < strings.ToLower(out[j].Template) })
	return out, nil
}
