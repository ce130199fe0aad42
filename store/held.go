package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// HeldText is a long text of which some parts arrived and the others are
// awaited: its parts wait as fragments until they are all there, or until
// the fragments timeout stores it flagged incomplete.
type HeldText struct {
	SIMID     int64
	SIM       string // the SIM's label, "" when none
	Number    string
	Total     int       // parts the text has
	Parts     []int     // part numbers held, in order
	Text      string    // the parts held, in order, "…" for each missing one
	FirstSeen time.Time // when its first part was read in
}

// HeldTexts returns the long texts waiting for their other parts, the one
// waiting longest first.
func (db *DB) HeldTexts(ctx context.Context) ([]HeldText, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT COALESCE(f.sim_id, 0), COALESCE(n.name || CASE WHEN s.ref = 0 AND (n.gateway = 1 OR s.gw_url <> '') THEN '' ELSE ' ' || s.ref END, ''),
		f.number, f.concat_ref, f.total, f.seq, f.text, f.received_at
		FROM fragments f LEFT JOIN sims s ON s.id = f.sim_id LEFT JOIN networks n ON n.id = s.network_id
		ORDER BY f.sim_id, f.number, f.concat_ref, f.total, f.seq, f.id`)
	if err != nil {
		return nil, fmt.Errorf("held texts: %w", err)
	}
	defer rows.Close()
	type key struct {
		sim        int64
		number     string
		ref, total int
	}
	byKey := map[key]*HeldText{}
	texts := map[key]map[int]string{}
	var order []key
	for rows.Next() {
		var k key
		var label, text string
		var seq int
		var recv int64
		if err := rows.Scan(&k.sim, &label, &k.number, &k.ref, &k.total, &seq, &text, &recv); err != nil {
			return nil, fmt.Errorf("held texts: %w", err)
		}
		h := byKey[k]
		if h == nil {
			h = &HeldText{SIMID: k.sim, SIM: label, Number: k.number, Total: k.total}
			byKey[k], texts[k] = h, map[int]string{}
			order = append(order, k)
		}
		if _, dup := texts[k][seq]; !dup {
			texts[k][seq] = text
			h.Parts = append(h.Parts, seq)
		}
		if at := time.Unix(recv, 0).UTC(); h.FirstSeen.IsZero() || at.Before(h.FirstSeen) {
			h.FirstSeen = at
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("held texts: %w", err)
	}
	out := make([]HeldText, 0, len(order))
	for _, k := range order {
		h := byKey[k]
		var b strings.Builder
		for seq := 1; seq <= h.Total; seq++ {
			if t, ok := texts[k][seq]; ok {
				b.WriteString(t)
			} else {
				b.WriteString("…")
			}
		}
		h.Text = b.String()
		out = append(out, *h)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].FirstSeen.Before(out[j].FirstSeen) })
	return out, nil
}

// CountHeldParts returns how many parts of long texts received on SIM
// simID wait for their other parts.
func (db *DB) CountHeldParts(ctx context.Context, simID int64) (int, error) {
	var n int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM fragments WHERE sim_id IS ?`, nullID(simID)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count held parts: %w", err)
	}
	return n, nil
}
