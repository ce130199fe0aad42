package store

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// SIMDay is one SIM's traffic on one day.
type SIMDay struct {
	SIMID    int64
	Sent     int // SMS parts that used the allowance (sending, sent, delivered, expired, unknown)
	Received int // texts received
}

// Day is one local calendar day of traffic.
type Day struct {
	Date time.Time // local midnight
	SIMs map[int64]SIMDay
}

// dayStart returns local midnight of t's day in loc.
func dayStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// DailyTraffic returns, for each of the last days local calendar days up to
// and including today (in loc), the parts sent and texts received per SIM,
// newest day first. Each day is one range scan of a covering index, so the
// cost grows with the traffic of those days only.
func (db *DB) DailyTraffic(ctx context.Context, days int, loc *time.Location) ([]Day, error) {
	if days <= 0 {
		return nil, fmt.Errorf("daily traffic: days must be at least 1")
	}
	today := dayStart(db.Now(), loc)
	out := make([]Day, 0, days)
	for i := 0; i < days; i++ {
		start := today.AddDate(0, 0, -i)
		end := start.AddDate(0, 0, 1)
		d := Day{Date: start, SIMs: map[int64]SIMDay{}}
		if err := db.trafficBetween(ctx, start, end, d.SIMs); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

func (db *DB) trafficBetween(ctx context.Context, start, end time.Time, into map[int64]SIMDay) error {
	rows, err := db.sql.QueryContext(ctx, `
		SELECT sim_id, SUM(parts), 0 FROM messages INDEXED BY messages_day
		WHERE direction = 'out' AND at >= ? AND at < ? AND sim_id IS NOT NULL AND `+usedAllowance+`
		GROUP BY sim_id
		UNION ALL
		SELECT sim_id, 0, COUNT(*) FROM messages INDEXED BY messages_day
		WHERE direction = 'in' AND at >= ? AND at < ? AND sim_id IS NOT NULL
		GROUP BY sim_id`, start.Unix(), end.Unix(), start.Unix(), end.Unix())
	if err != nil {
		return fmt.Errorf("traffic: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var sent, recv int
		if err := rows.Scan(&id, &sent, &recv); err != nil {
			return fmt.Errorf("traffic: %w", err)
		}
		d := into[id]
		d.SIMID = id
		d.Sent += sent
		d.Received += recv
		into[id] = d
	}
	return rows.Err()
}

// SentParts returns the SMS parts each SIM used between from and to.
func (db *DB) SentParts(ctx context.Context, from, to time.Time) (map[int64]int, error) {
	m := map[int64]SIMDay{}
	if err := db.trafficBetween(ctx, from, to, m); err != nil {
		return nil, err
	}
	out := make(map[int64]int, len(m))
	for id, d := range m {
		out[id] = d.Sent
	}
	return out, nil
}

// SentToday returns the parts each SIM used today (local midnight in loc to now).
func (db *DB) SentToday(ctx context.Context, loc *time.Location) (map[int64]int, error) {
	start := dayStart(db.Now(), loc)
	return db.SentParts(ctx, start, start.AddDate(0, 0, 1))
}

// UsageWindow is the number of days over which "least used" is judged.
const UsageWindow = 12

// LeastUsed orders the active card SIMs (not gateway accounts) from least to
// most used over the last UsageWindow days, and returns the parts each used.
// Ties keep the SIMs' id order.
func (db *DB) LeastUsed(ctx context.Context, loc *time.Location) ([]SIM, map[int64]int, error) {
	sims, err := db.SIMs(ctx)
	if err != nil {
		return nil, nil, err
	}
	start := dayStart(db.Now(), loc).AddDate(0, 0, -(UsageWindow - 1))
	used, err := db.SentParts(ctx, start, db.Now().Add(time.Second))
	if err != nil {
		return nil, nil, err
	}
	var active []SIM
	for _, s := range sims {
		if s.Active && !s.IsGateway() {
			active = append(active, s)
		}
	}
	sort.SliceStable(active, func(i, j int) bool {
		ui, uj := used[active[i].ID], used[active[j].ID]
		if ui != uj {
			return ui < uj
		}
		return active[i].ID < active[j].ID
	})
	return active, used, nil
}
