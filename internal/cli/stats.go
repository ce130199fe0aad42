package cli

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/store"
)

type statsOptions struct {
	readDeps
	Days int
	// DaysGiven is whether --days was given (it cannot go with --from).
	DaysGiven bool
	// From and To are --from and --to: local dates (YYYY-MM-DD), both
	// included; "" for Days back from today.
	From, To string
	JSON     bool
	CSV      bool
	Loc      *time.Location
}

type statsSIMJSON struct {
	SIM      string  `json:"sim"`
	Sent     int     `json:"sent"`
	Received int     `json:"received"`
	Limit    int     `json:"limit"`
	Used     float64 `json:"used"` // share of the daily limit used, 0–1 (more when over)
}

type statsDayJSON struct {
	Date string         `json:"date"`
	SIMs []statsSIMJSON `json:"sims"`
}

type statsJSON struct {
	Days      []statsDayJSON `json:"days"`
	LeastUsed *string        `json:"least_used"`
}

// newCmdStats builds `texting stats`; runF replaces statsRun in tests.
func newCmdStats(f *Factory, runF func(context.Context, *statsOptions) error) *cobra.Command {
	opts := &statsOptions{readDeps: newReadDeps(f), Loc: time.Local}
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Per-day, per-SIM texts sent and received against each SIM's daily limit",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.DaysGiven = cmd.Flags().Changed("days")
			if err := opts.check(); err != nil {
				return fmt.Errorf("stats: %w", err)
			}
			return run(cmd.Context(), opts, runF, statsRun)
		},
	}
	cmd.Flags().IntVar(&opts.Days, "days", 14, "how many days back, today (or --to) included")
	cmd.Flags().StringVar(&opts.From, "from", "", "first day to show (YYYY-MM-DD, local)")
	cmd.Flags().StringVar(&opts.To, "to", "", "last day to show (YYYY-MM-DD, local; default today)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&opts.CSV, "csv", false, "print CSV")
	return cmd
}

// check refuses flags that do not go together, before anything is opened.
func (o *statsOptions) check() error {
	switch {
	case o.JSON && o.CSV:
		return fmt.Errorf("--json and --csv cannot be used together")
	case o.Days < 1 || o.Days > 3660:
		return fmt.Errorf("--days must be from 1 to 3660, not %d", o.Days)
	case o.From != "" && o.DaysGiven:
		return fmt.Errorf("--from and --days cannot be used together (--days counts back from --to)")
	}
	return nil
}

// statsRun prints the report.
func statsRun(ctx context.Context, o *statsOptions) error {
	db, err := o.Store(ctx)
	if err != nil {
		return err
	}
	return runStats(ctx, db, *o)
}

// span returns the first and the last day of the report (local noon of
// each): --from to --to, else the --days up to --to or today.
func (o statsOptions) span(now time.Time) (from, to time.Time, err error) {
	day := func(flag, s string) (time.Time, error) {
		t, err := time.ParseInLocation("2006-01-02", s, o.Loc)
		if err != nil {
			return t, fmt.Errorf("--%s must be a date such as 2026-11-26, not %q", flag, s)
		}
		return t.Add(12 * time.Hour), nil
	}
	n := now.In(o.Loc)
	to = time.Date(n.Year(), n.Month(), n.Day(), 12, 0, 0, 0, o.Loc)
	if o.To != "" {
		if to, err = day("to", o.To); err != nil {
			return from, to, err
		}
	}
	from = to.AddDate(0, 0, -(o.Days - 1))
	if o.From != "" {
		if from, err = day("from", o.From); err != nil {
			return from, to, err
		}
	}
	switch {
	case from.After(to):
		return from, to, fmt.Errorf("--from %s is after --to %s", from.Format("2006-01-02"), to.Format("2006-01-02"))
	case to.Sub(from) > 3660*24*time.Hour:
		return from, to, fmt.Errorf("at most 3660 days at a time")
	}
	return from, to, nil
}

// buildStats gathers the report: every SIM that is active or had traffic, per
// day, and the least used SIM over the last 12 days.
func buildStats(ctx context.Context, db *store.DB, o statsOptions) (statsJSON, error) {
	loc := o.Loc
	from, to, err := o.span(db.Now())
	if err != nil {
		return statsJSON{}, err
	}
	traffic, err := db.TrafficDays(ctx, from, to, loc)
	if err != nil {
		return statsJSON{}, err
	}
	sims, err := db.SIMs(ctx)
	if err != nil {
		return statsJSON{}, err
	}
	least, _, err := db.LeastUsed(ctx, loc)
	if err != nil {
		return statsJSON{}, err
	}
	out := statsJSON{Days: []statsDayJSON{}}
	if len(least) > 0 {
		l := least[0].Label()
		out.LeastUsed = &l
	}
	for _, d := range traffic {
		day := statsDayJSON{Date: d.Date.Format("2006-01-02"), SIMs: []statsSIMJSON{}}
		for _, s := range sims {
			t, had := d.SIMs[s.ID]
			if !had && !s.Active {
				continue
			}
			used := 0.0
			if s.DailyLimit > 0 {
				used = float64(t.Sent) / float64(s.DailyLimit)
			}
			day.SIMs = append(day.SIMs, statsSIMJSON{SIM: s.Label(), Sent: t.Sent, Received: t.Received,
				Limit: s.DailyLimit, Used: float64(int(used*1000+0.5)) / 1000})
		}
		out.Days = append(out.Days, day)
	}
	return out, nil
}

func runStats(ctx context.Context, db *store.DB, o statsOptions) error {
	rep, err := buildStats(ctx, db, o)
	if err != nil {
		return fmt.Errorf("stats: %w", err)
	}
	switch {
	case o.JSON:
		return writeJSON(o.Out, rep)
	case o.CSV:
		w := newCSVWriter(o.Out)
		w.Write([]string{"date", "sim", "sent", "received", "limit", "used"})
		for _, d := range rep.Days {
			for _, s := range d.SIMs {
				w.Write([]string{d.Date, s.SIM, strconv.Itoa(s.Sent), strconv.Itoa(s.Received),
					strconv.Itoa(s.Limit), strconv.FormatFloat(s.Used, 'f', 3, 64)})
			}
		}
		w.Flush()
		return w.Error()
	}
	var rows [][]string
	for _, d := range rep.Days {
		sent, recv := 0, 0
		for _, s := range d.SIMs {
			sent += s.Sent
			recv += s.Received
			if s.Sent == 0 && s.Received == 0 {
				continue
			}
			rows = append(rows, []string{d.Date, s.SIM, strconv.Itoa(s.Sent), strconv.Itoa(s.Received),
				strconv.Itoa(s.Limit), usedCell(s)})
		}
		if sent == 0 && recv == 0 {
			rows = append(rows, []string{d.Date, "(none)", "0", "0", "", ""})
		}
	}
	if err := printTable(o.Out, []string{"DATE", "SIM", "SENT", "RECEIVED", "LIMIT", "USED"}, rows); err != nil {
		return err
	}
	if rep.LeastUsed != nil {
		_, err = fmt.Fprintf(o.Out, "\nLeast used SIM over the last %d days: %s\n", store.UsageWindow, *rep.LeastUsed)
	}
	return err
}

func usedCell(s statsSIMJSON) string {
	if s.Limit == 0 {
		return "no limit"
	}
	mark := ""
	if s.Sent > s.Limit {
		mark = " OVER"
	}
	return fmt.Sprintf("%d%%%s", int(s.Used*100+0.5), mark)
}
