package campaign_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/campaign"
	"github.com/texting-centre/texting/store"
)

// BenchmarkPlan100k plans 100,000 recipients (two groups; half of them
// texted before) against the database named by TEXTING_BENCH_DB, made by
//
//	go run ./bench/gendb -db /tmp/big.db -messages 1000000 -sims 20 -days 365
//
// (bench/campaign/run.sh does both).
func BenchmarkPlan100k(b *testing.B) {
	path := os.Getenv("TEXTING_BENCH_DB")
	if path == "" {
		b.Skip("set TEXTING_BENCH_DB to a database made by bench/gendb (see bench/campaign/run.sh)")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, name := range []string{"Bench A", "Bench B"} {
		if _, err := db.TemplateByName(ctx, name); errors.Is(err, store.ErrNotFound) {
			if _, err := db.AddTemplate(ctx, store.Template{Name: name, Body: "Hi {name}, our offer ends soon. {greeting}"}); err != nil {
				b.Fatal(err)
			}
		}
	}
	sims, err := db.SIMs(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for i := range sims {
		sims[i].Active, sims[i].DailyLimit = true, 10_000 // room for everyone: the whole plan is computed
	}
	// gendb's numbers are +447400000000 to +447400199999 (mobiles); every fourth
	// number of this list is among them, so half the recipients have a
	// history. prefix makes the written form new, the number the same.
	recipients := func(prefix string) []campaign.Group {
		groups := []campaign.Group{{Name: "Bench A"}, {Name: "Bench B"}}
		for i := 0; i < 100_000; i++ {
			e := campaign.Entry{Number: fmt.Sprintf("%s074%08d", prefix, i*4), Name: "Person"}
			groups[i%2].Entries = append(groups[i%2].Entries, e)
		}
		return groups
	}
	run := func(b *testing.B, p *campaign.Planner, groups []campaign.Group) {
		plan, err := p.Plan(ctx, groups, sims)
		if err != nil {
			b.Fatal(err)
		}
		skipped := 0
		for _, g := range plan.Groups {
			skipped += g.Skipped[campaign.SkipDuplicate] + g.Skipped[campaign.SkipOptedOut]
		}
		b.ReportMetric(float64(plan.Texts()), "texts")
		b.ReportMetric(float64(skipped), "skipped")
	}
	p := campaign.Planner{DB: db, Region: "GB", DedupeDays: 180, Loc: time.UTC, Greet: func(time.Time) string { return "Have a good day" }}
	// cold: every number is parsed (a data source's first run).
	b.Run("cold", func(b *testing.B) {
		n := 0
		for b.Loop() {
			b.StopTimer()
			n++
			groups := recipients(strings.Repeat(" ", n)) // never seen before
			b.StartTimer()
			run(b, &p, groups)
		}
	})
	// warm: the numbers were met by an earlier run (cron's three runs a day
	// over one data source).
	b.Run("warm", func(b *testing.B) {
		groups := recipients("")
		warm := p
		warm.Remember = true
		if _, err := warm.Plan(ctx, groups, sims); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			run(b, &p, groups)
		}
	})
}
