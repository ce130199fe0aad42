package store

import (
	"context"
	"fmt"
	"time"
)

// TrafficDays is DailyTraffic over any run of days: each local calendar day
// (in loc) from the day of from to the day of to, both included, newest day
// first.
func (db *DB) TrafficDays(ctx context.Context, from, to time.Time, loc *time.Location) ([]Day, error) {
	first, last := dayStart(from, loc), dayStart(to, loc)
	if last.Before(first) {
		return nil, fmt.Errorf("traffic: %s is after %s", first.Format("2006-01-02"), last.Format("2006-01-02"))
	}
	var out []Day
	for d := last; !d.Before(first); d = dayStart(d.Add(-12*time.Hour), loc) {
		day := Day{Date: d, SIMs: map[int64]SIMDay{}}
		if err := db.trafficBetween(ctx, d, dayStart(d.Add(36*time.Hour), loc), day.SIMs); err != nil {
			return nil, err
		}
		out = append(out, day)
	}
	return out, nil
}

// TemplateReplies returns the texts received since since that answer a
// campaign text of template templateID (the newest campaign text the number
// got before replying was of that template), by category name (the review
// queue's under ""), newest first within each, at most limit in all.
func (db *DB) TemplateReplies(ctx context.Context, templateID int64, since time.Time, limit int) ([]Message, error) {
	if limit <= 0 {
		limit = 500
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT `+messageColumns+messageFrom+`
		WHERE m.direction = 'in' AND m.at >= ?1 AND ?2 = (SELECT o.template_id FROM messages o INDEXED BY messages_campaign_template
			WHERE o.number = m.number AND o.direction = 'out' AND o.kind = 'campaign'
				AND o.at <= m.at AND o.at >= ?1 AND o.state IN `+countedStates+`
			ORDER BY o.at DESC LIMIT 1)
		ORDER BY COALESCE(c.name, ''), m.at DESC, m.id DESC LIMIT ?3`, since.Unix(), templateID, limit)
	if err != nil {
		return nil, fmt.Errorf("template replies: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("template replies: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
