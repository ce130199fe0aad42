// Command gendb generates a large, realistic Texting Centre database for
// benchmarks: campaign texts, follow-ups and replies over many SIMs and days.
//
//	go run ./bench/gendb -db /tmp/big.db -messages 1000000 -sims 20 -days 365
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"time"

	"github.com/texting-centre/texting/store"
)

func main() {
	path := flag.String("db", "", "database file to create (must not exist)")
	total := flag.Int("messages", 1_000_000, "messages to generate")
	nsims := flag.Int("sims", 20, "SIMs")
	days := flag.Int("days", 365, "days of history, ending now")
	people := flag.Int("people", 200_000, "distinct phone numbers")
	seed := flag.Int64("seed", 1, "random seed")
	flag.Parse()
	if *path == "" {
		fmt.Fprintln(os.Stderr, "gendb: -db is required")
		os.Exit(2)
	}
	if _, err := os.Stat(*path); err == nil {
		fmt.Fprintf(os.Stderr, "gendb: %s exists; remove it first\n", *path)
		os.Exit(2)
	}
	start := time.Now()
	if err := generate(context.Background(), *path, *total, *nsims, *days, *people, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "gendb:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "gendb: %d messages in %s\n", *total, time.Since(start).Round(time.Millisecond))
}

var replies = []string{"Thanks", "Thank you!", "STOP", "Who is this?", "Yes please call me", "No thanks",
	"Not interested", "ok", "Great, when?", "Please remove me", "Congratulations! You have won a prize, call 09061701461",
	"Can you ring me after 5", "Thanks 👍", "How much is it?", "Wrong number"}

func generate(ctx context.Context, path string, total, nsims, days, people int, seed int64) error {
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	rng := rand.New(rand.NewSource(seed))
	nets := []string{"O2", "Vodafone", "EE", "Three"}
	var sims []store.SIM
	for _, name := range nets {
		if _, err := db.AddNetwork(ctx, store.Network{Name: name}); err != nil {
			return err
		}
	}
	for i := 0; i < nsims; i++ {
		n, err := db.NetworkByName(ctx, nets[i%len(nets)])
		if err != nil {
			return err
		}
		s, err := db.AddSIM(ctx, store.SIM{NetworkID: n.ID, DailyLimit: 300, Active: true,
			IMSI: fmt.Sprintf("2341%011d", i)})
		if err != nil {
			return err
		}
		sims = append(sims, s)
	}
	for _, g := range []string{"Group A", "Group B", "Group C"} {
		if _, err := db.AddTemplate(ctx, store.Template{Name: g, Body: "Hi {name}, " + g + " offer. {greeting}",
			Followup: "Just checking you got our text, {name}?", AltFollowup: "Sorry to hear that. {greeting}"}); err != nil {
			return err
		}
	}
	cats, err := db.Categories(ctx)
	if err != nil {
		return err
	}
	now := time.Now().Truncate(time.Second)
	first := now.AddDate(0, 0, -days)
	span := now.Sub(first)
	const batch = 20000
	buf := make([]store.Message, 0, batch)
	for i := 0; i < total; i++ {
		at := first.Add(time.Duration(rng.Int63n(int64(span))))
		sim := sims[rng.Intn(len(sims))]
		number := fmt.Sprintf("+4474%08d", rng.Intn(people)) // mobile numbers (074…), which campaigns text
		m := store.Message{SIMID: sim.ID, Number: number, At: at, Parts: 1}
		switch r := rng.Intn(100); {
		case r < 70:
			m.Direction, m.Kind, m.State = store.Out, store.KindCampaign, pick(rng, store.StateSent, store.StateDelivered, store.StateDelivered, store.StateFailed)
			m.TemplateID = int64(1 + rng.Intn(3))
			m.Text = "Hi there, an offer for you. Have a good day"
			m.Parts = 1 + rng.Intn(2)
		case r < 82:
			m.Direction, m.Kind, m.State = store.Out, store.KindFollowup, store.StateDelivered
			m.Text = "Just checking you got our text?"
		default:
			m.Direction, m.Kind = store.In, store.KindInbound
			m.Text = replies[rng.Intn(len(replies))]
			m.Norm = m.Text
			if rng.Intn(10) > 0 { // most replies were categorised long ago
				c := cats[rng.Intn(len(cats))]
				m.CategoryID, m.CategoryBy = c.ID, store.ByOperator
			}
		}
		buf = append(buf, m)
		if len(buf) == batch || i == total-1 {
			if err := db.InsertMessages(ctx, buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	return nil
}

func pick(rng *rand.Rand, s ...string) string { return s[rng.Intn(len(s))] }
