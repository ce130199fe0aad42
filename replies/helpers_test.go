package replies

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

// t0 is the fixed "now" of the tests: a Thursday afternoon.
var t0 = time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC)

// fixture is a migrated database with two SIMs and a pipeline on it.
type fixture struct {
	t       *testing.T
	ctx     context.Context
	db      *store.DB
	p       *Pipeline
	advance func(time.Duration)
	sim1    store.SIM
	sim2    store.SIM
}

func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	advance := storetest.FixClock(db, t0)
	net, err := db.AddNetwork(ctx, store.Network{Name: "O2"})
	if err != nil {
		t.Fatal(err)
	}
	s1, err := db.AddSIM(ctx, store.SIM{NetworkID: net.ID, IMSI: "234100000000001", Active: true, DailyLimit: 300})
	if err != nil {
		t.Fatal(err)
	}
	s2, err := db.AddSIM(ctx, store.SIM{NetworkID: net.ID, IMSI: "234100000000002", Active: true, DailyLimit: 300})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, ctx: ctx, db: db, p: New(db, opts), advance: advance, sim1: s1, sim2: s2}
}

// receive stores a text from number on SIM 1 and returns what happened.
func (f *fixture) receive(number, text string) Outcome {
	f.t.Helper()
	return f.receiveOn(f.sim1.ID, number, text)
}

func (f *fixture) receiveOn(simID int64, number, text string) Outcome {
	f.t.Helper()
	out, err := f.p.Store(f.ctx, Text{SIMID: simID, From: number, Body: text})
	if err != nil {
		f.t.Fatalf("store %q: %v", text, err)
	}
	return out
}

// sent records an outgoing text of kind to number as sent now.
func (f *fixture) sent(number, kind string) int64 {
	f.t.Helper()
	id, _, err := f.db.InsertMessage(f.ctx, store.Message{Direction: store.Out, SIMID: f.sim1.ID, Number: number,
		Text: kind + " text", Kind: kind, State: store.StateSent})
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *fixture) category(name string) store.Category {
	f.t.Helper()
	c, err := f.db.CategoryByName(f.ctx, name)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fixture) setAutoreply(name, text string) {
	f.t.Helper()
	c := f.category(name)
	c.AutoReply = text
	if err := f.db.UpdateCategory(f.ctx, c); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) message(id int64) store.Message {
	f.t.Helper()
	m, err := f.db.Message(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return m
}

func (f *fixture) optedOut(number string) bool {
	f.t.Helper()
	ok, err := f.db.IsOptedOut(f.ctx, number)
	if err != nil {
		f.t.Fatal(err)
	}
	return ok
}

// autoreplies returns the auto-replies queued to number.
func (f *fixture) autoreplies(number string) []store.Message {
	f.t.Helper()
	ms, err := f.db.Messages(f.ctx, store.MessageFilter{Direction: store.Out, Number: number, Kind: store.KindAutoreply})
	if err != nil {
		f.t.Fatal(err)
	}
	return ms
}

// teach stores texts, then tags each with its category as the operator
// would (memory may have tagged some already).
func (f *fixture) teach(examples map[string][]string) {
	f.t.Helper()
	type item struct {
		id  int64
		cat string
	}
	var items []item
	n := 0
	cats := make([]string, 0, len(examples))
	for cat := range examples {
		cats = append(cats, cat)
	}
	sort.Strings(cats) // the same ids, so the same model, on every run
	for _, cat := range cats {
		for _, text := range examples[cat] {
			n++
			out := f.receive(fmt.Sprintf("+4477009%05d", n), text)
			items = append(items, item{out.ID, cat})
		}
	}
	for _, it := range items {
		if m := f.message(it.id); m.CategoryBy == store.ByOperator {
			continue
		}
		if _, err := f.p.Tag(f.ctx, it.id, it.cat); err != nil {
			f.t.Fatal(err)
		}
	}
}

// digest is the content of every table, to prove that something changed
// nothing.
func digest(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	d, err := db.Digest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return d
}
