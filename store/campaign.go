package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The queries here take whole lists of numbers as one JSON array parameter
// (json_each), so that planning 100,000 recipients is a handful of
// statements, each one index lookup per number, rather than 100,000 round
// trips.

func jsonList(numbers []string) (string, error) {
	if numbers == nil {
		numbers = []string{}
	}
	b, err := json.Marshal(numbers)
	return string(b), err
}

func (db *DB) numberSet(ctx context.Context, op, query string, args ...any) (map[string]bool, error) {
	rows, err := db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out[n] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// CampaignTexted returns which of numbers (E.164) got a campaign text at or
// after since that counts for de-duplication: queued, sending, sent,
// delivered, expired or unknown (everything but failed).
func (db *DB) CampaignTexted(ctx context.Context, numbers []string, since time.Time) (map[string]bool, error) {
	list, err := jsonList(numbers)
	if err != nil {
		return nil, fmt.Errorf("campaign texted: %w", err)
	}
	return db.numberSet(ctx, "campaign texted", `SELECT DISTINCT j.value FROM json_each(?) j
		WHERE EXISTS (SELECT 1 FROM messages m INDEXED BY messages_campaign_number
			WHERE m.number = j.value AND m.direction = 'out' AND m.kind = 'campaign'
			AND m.at >= ? AND m.state IN `+dedupeStates+`)`, list, since.Unix())
}

// OptedOutOf returns which of numbers are on the opt-out list.
func (db *DB) OptedOutOf(ctx context.Context, numbers []string) (map[string]bool, error) {
	list, err := jsonList(numbers)
	if err != nil {
		return nil, fmt.Errorf("opted out: %w", err)
	}
	return db.numberSet(ctx, "opted out", `SELECT DISTINCT j.value FROM json_each(?) j
		JOIN opt_outs o ON o.number = j.value`, list)
}

// LastSIMs returns, for those of numbers that have texted or been texted
// before, the SIM of the latest such text (an incoming text, or an outgoing
// one that went or may have gone): the SIM whose thread the person's phone
// shows, for the sticky-SIM rule. Each number costs two index seeks: its
// newest incoming and its newest counted outgoing text.
func (db *DB) LastSIMs(ctx context.Context, numbers []string) (map[string]int64, error) {
	list, err := jsonList(numbers)
	if err != nil {
		return nil, fmt.Errorf("last sims: %w", err)
	}
	// Each subquery reads one entry of the covering index messages_number_sim.
	rows, err := db.sql.QueryContext(ctx, `SELECT j.value,
			(SELECT printf('%d %d', m.at, m.sim_id) FROM messages m INDEXED BY messages_number_sim
				WHERE m.number = j.value AND m.direction = 'out' AND m.sim_id IS NOT NULL AND m.state IN `+countedStates+`
				ORDER BY m.at DESC LIMIT 1),
			(SELECT printf('%d %d', m.at, m.sim_id) FROM messages m INDEXED BY messages_number_sim
				WHERE m.number = j.value AND m.direction = 'in' AND m.sim_id IS NOT NULL
				ORDER BY m.at DESC LIMIT 1)
		FROM json_each(?) j`, list)
	if err != nil {
		return nil, fmt.Errorf("last sims: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var n string
		var o, in sql.NullString
		if err := rows.Scan(&n, &o, &in); err != nil {
			return nil, fmt.Errorf("last sims: %w", err)
		}
		if !o.Valid && !in.Valid {
			continue
		}
		oat, osim := atSIM(o)
		iat, isim := atSIM(in)
		if iat > oat {
			out[n] = isim
		} else {
			out[n] = osim
		}
	}
	return out, rows.Err()
}

// atSIM reads "at sim_id"; a NULL is at -1.
func atSIM(s sql.NullString) (at, sim int64) {
	if !s.Valid {
		return -1, 0
	}
	a, b, _ := strings.Cut(s.String, " ")
	at, _ = strconv.ParseInt(a, 10, 64)
	sim, _ = strconv.ParseInt(b, 10, 64)
	return at, sim
}

// FollowupCandidate is a campaign text that may get a follow-up, with the
// person's last reply since it.
type FollowupCandidate struct {
	Campaign Message // the campaign text (its SIM, template, name, group)

	ReplyID         int64  // the last reply since the campaign text; 0 when none
	ReplyText       string // its text
	ReplyCategoryID int64  // 0 while the reply is not categorised
	ReplyCategory   string
	ReplyFollowup   string // the reply category's follow-up action; "" when uncategorised
	ReplyOptOut     bool   // the reply's category is an opt-out one

	OptedOut bool // the number is on the opt-out list
}

// FollowupCandidates returns the campaign texts sent (sent, delivered or
// expired) in [from, to) that have no follow-up yet, oldest first, each with
// the person's last reply since it.
func (db *DB) FollowupCandidates(ctx context.Context, from, to time.Time) ([]FollowupCandidate, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+messageColumns+`,
			COALESCE(r.id, 0), COALESCE(r.text, ''), COALESCE(r.category_id, 0), COALESCE(rc.name, ''),
			COALESCE(rc.followup, ''), COALESCE(rc.opt_out, 0),
			EXISTS (SELECT 1 FROM opt_outs o WHERE o.number = m.number)`+messageFrom+`
		LEFT JOIN messages r ON r.id = (SELECT r2.id FROM messages r2 INDEXED BY messages_number_sim
			WHERE r2.number = m.number AND r2.direction = 'in' AND r2.at >= m.at
			ORDER BY r2.at DESC, r2.id DESC LIMIT 1)
		LEFT JOIN categories rc ON rc.id = r.category_id
		WHERE m.direction = 'out' AND m.kind = 'campaign' AND m.state IN ('sent', 'delivered', 'expired')
			AND m.at >= ? AND m.at < ?
			AND NOT EXISTS (SELECT 1 FROM messages f WHERE f.parent_id = m.id)
		ORDER BY m.at, m.id`, from.Unix(), to.Unix())
	if err != nil {
		return nil, fmt.Errorf("follow-up candidates: %w", err)
	}
	defer rows.Close()
	var out []FollowupCandidate
	for rows.Next() {
		var c FollowupCandidate
		m, err := scanMessage(extraScanner{rows, []any{&c.ReplyID, &c.ReplyText, &c.ReplyCategoryID, &c.ReplyCategory,
			&c.ReplyFollowup, &c.ReplyOptOut, &c.OptedOut}})
		if err != nil {
			return nil, fmt.Errorf("follow-up candidates: %w", err)
		}
		c.Campaign = m
		out = append(out, c)
	}
	return out, rows.Err()
}

// noFormsTable reports whether err says the number_forms table is missing:
// a database made while migration 0002 did not have it yet. The cache is
// then simply not used.
func noFormsTable(err error) bool {
	return err != nil && strings.Contains(err.Error(), "no such table: number_forms")
}

// NumberForms returns the E.164 forms remembered for those of raws (numbers
// as a data source wrote them) that were normalised before in region.
func (db *DB) NumberForms(ctx context.Context, region string, raws []string) (map[string]string, error) {
	list, err := jsonList(raws)
	if err != nil {
		return nil, fmt.Errorf("number forms: %w", err)
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT f.raw, f.e164 FROM json_each(?) j
		JOIN number_forms f ON f.raw = j.value AND f.region = ?`, list, region)
	if noFormsTable(err) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("number forms: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var raw, e string
		if err := rows.Scan(&raw, &e); err != nil {
			return nil, fmt.Errorf("number forms: %w", err)
		}
		out[raw] = e
	}
	return out, rows.Err()
}

// SaveNumberForms remembers raw → E.164 forms for region. The forms go in
// as one JSON object (keys sorted, so the inserts walk the primary key in
// order): a first run over a large data source saves 100,000 of them.
func (db *DB) SaveNumberForms(ctx context.Context, region string, forms map[string]string) error {
	if len(forms) == 0 {
		return nil
	}
	var err error
	if jsonSafe(forms) {
		var obj []byte
		if obj, err = json.Marshal(forms); err != nil {
			return fmt.Errorf("save number forms: %w", err)
		}
		_, err = db.sql.ExecContext(ctx, `INSERT INTO number_forms (raw, region, e164)
			SELECT j.key, ?, j.value FROM json_each(?) j WHERE true
			ON CONFLICT (raw, region) DO UPDATE SET e164 = excluded.e164`, region, string(obj))
	} else {
		err = db.saveNumberFormsEach(ctx, region, forms)
	}
	if noFormsTable(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("save number forms: %w", err)
	}
	return nil
}

// jsonSafe reports whether every string of forms survives a trip through
// JSON unchanged (json.Marshal replaces invalid UTF-8).
func jsonSafe(forms map[string]string) bool {
	for raw, e := range forms {
		if !utf8.ValidString(raw) || !utf8.ValidString(e) {
			return false
		}
	}
	return true
}

// saveNumberFormsEach saves forms one statement each, for strings JSON
// cannot carry as they are.
func (db *DB) saveNumberFormsEach(ctx context.Context, region string, forms map[string]string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO number_forms (raw, region, e164) VALUES (?, ?, ?)
			ON CONFLICT (raw, region) DO UPDATE SET e164 = excluded.e164`)
		if err != nil {
			return err
		}
		defer st.Close()
		for raw, e := range forms {
			if _, err := st.ExecContext(ctx, raw, region, e); err != nil {
				return err
			}
		}
		return nil
	})
}
