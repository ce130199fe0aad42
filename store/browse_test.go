package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func mustInsert(t *testing.T, db *store.DB, m store.Message) int64 {
	t.Helper()
	id, _, err := db.InsertMessage(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func in(number, text, norm string, at time.Time) store.Message {
	return store.Message{Direction: store.In, Number: number, Text: text, Norm: norm, At: at, Kind: store.KindInbound}
}

func TestReviewQueueGroupsNewestFirst(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	thanks, err := db.CategoryByName(ctx, "Thanks")
	if err != nil {
		t.Fatal(err)
	}
	mustInsert(t, db, in("+447700900001", "Thanks!", "thanks", t0))
	mustInsert(t, db, in("+447700900002", "thanks", "thanks", t0.Add(3*time.Minute)))
	mustInsert(t, db, in("+447700900003", "Who is this?", "who is this", t0.Add(2*time.Minute)))
	mustInsert(t, db, in("+447700900004", "odd", "", t0.Add(time.Minute)))
	mustInsert(t, db, in("+447700900005", "odd", "", t0.Add(time.Minute+time.Second)))
	done := in("+447700900006", "Thanks", "thanks", t0.Add(time.Hour))
	done.CategoryID, done.CategoryBy = thanks.ID, "operator"
	mustInsert(t, db, done)
	mustInsert(t, db, store.Message{Direction: store.Out, Number: "+447700900001", Text: "Hello", At: t0.Add(-time.Hour),
		Kind: store.KindCampaign, State: store.StateSent})

	got, err := db.ReviewQueue(ctx, store.PageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, g := range got {
		lines = append(lines, fmt.Sprintf("%d %s %s", g.Count, g.Latest.Number, g.Latest.Text))
	}
	want := []string{"2 +447700900002 thanks", "1 +447700900003 Who is this?", "1 +447700900005 odd", "1 +447700900004 odd"}
	if fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Fatalf("queue = %q, want %q", lines, want)
	}

	page, err := db.ReviewQueue(ctx, store.PageFilter{Limit: 2, Offset: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 2 || page[0].Latest.Text != "Who is this?" {
		t.Fatalf("page 2 = %+v", page)
	}
	filtered, err := db.ReviewQueue(ctx, store.PageFilter{Contains: "WHO"})
	if err != nil {
		t.Fatal(err)
	}
	if len(filtered) != 1 || filtered[0].Latest.Text != "Who is this?" {
		t.Fatalf("filtered = %+v", filtered)
	}
	groups, texts, err := db.ReviewCount(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if groups != 4 || texts != 5 {
		t.Fatalf("count = %d groups %d texts, want 4 and 5", groups, texts)
	}
	if _, n, _ := db.ReviewCount(ctx, "100%"); n != 0 {
		t.Fatalf("a %% in the filter must match literally, got %d", n)
	}

	last, err := db.LastSentTo(ctx, "+447700900001", t0)
	if err != nil || last.Text != "Hello" {
		t.Fatalf("last sent = %+v, %v", last, err)
	}
	if _, err := db.LastSentTo(ctx, "+447700900003", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("last sent to a stranger: %v, want ErrNotFound", err)
	}
}

func TestConversationsOnePerNumber(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	for i, n := range []string{"+447700900001", "+447700900002", "+447700900001", "+447700900003", "+447700900002"} {
		dir, kind := store.In, store.KindInbound
		if i%2 == 0 {
			dir, kind = store.Out, store.KindManual
		}
		mustInsert(t, db, store.Message{Direction: dir, Number: n, Text: fmt.Sprint("text ", i), At: t0.Add(time.Duration(i) * time.Minute), Kind: kind})
	}
	got, err := db.Conversations(ctx, store.PageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range got {
		lines = append(lines, fmt.Sprintf("%s %s %d/%d", c.Number, c.Latest.Text, c.Texts, c.Uncategorised))
	}
	want := []string{"+447700900002 text 4 2/1", "+447700900003 text 3 1/1", "+447700900001 text 2 2/0"}
	if fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Fatalf("conversations = %q, want %q", lines, want)
	}
	page, err := db.Conversations(ctx, store.PageFilter{Limit: 1, Offset: 2})
	if err != nil || len(page) != 1 || page[0].Number != "+447700900001" {
		t.Fatalf("page = %+v, %v", page, err)
	}
	f, err := db.Conversations(ctx, store.PageFilter{Contains: "0003"})
	if err != nil || len(f) != 1 || f[0].Number != "+447700900003" {
		t.Fatalf("filtered = %+v, %v", f, err)
	}
}

func TestMessagePageAndHealth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	storetest.FixClock(db, t0.Add(time.Hour))
	nw, err := db.AddNetwork(ctx, store.Network{Name: "O2"})
	if err != nil {
		t.Fatal(err)
	}
	sim, err := db.AddSIM(ctx, store.SIM{NetworkID: nw.ID, Active: true, DailyLimit: 300})
	if err != nil {
		t.Fatal(err)
	}
	states := []string{store.StateSent, store.StateFailed, store.StateDelivered, store.StateQueued}
	for i, st := range states {
		m := store.Message{Direction: store.Out, SIMID: sim.ID, Number: "+447700900001",
			Text: fmt.Sprint("Out ", st), At: t0.Add(time.Duration(i) * time.Minute), Kind: store.KindManual, State: st}
		if st == store.StateFailed {
			m.Error = "+CMS ERROR: 38" // a send failure carries the dongle's error
		}
		mustInsert(t, db, m)
	}
	mustInsert(t, db, store.Message{Direction: store.In, SIMID: sim.ID, Number: "+447700900001", Text: "in one",
		At: t0.Add(30 * time.Minute), Kind: store.KindInbound})

	got, err := db.MessagePage(ctx, store.MessageFilter{SIMID: sim.ID, Direction: store.Out, Limit: 2}, "")
	if err != nil || len(got) != 2 || got[0].Text != "Out queued" {
		t.Fatalf("page = %+v, %v", got, err)
	}
	got, err = db.MessagePage(ctx, store.MessageFilter{SIMID: sim.ID, Limit: 10}, "DELIVERED")
	if err != nil || len(got) != 1 || got[0].State != store.StateDelivered {
		t.Fatalf("filtered page = %+v, %v", got, err)
	}

	h, err := db.SIMsHealth(ctx, t0.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	sh := h[sim.ID]
	if !sh.LastSent.Equal(t0.Add(2*time.Minute)) || !sh.LastReceived.Equal(t0.Add(30*time.Minute)) {
		t.Fatalf("last sent %v, last received %v", sh.LastSent, sh.LastReceived)
	}
	if sh.Tried != 3 || sh.Failed != 1 {
		t.Fatalf("tried %d failed %d, want 3 and 1", sh.Tried, sh.Failed)
	}
}

func TestTemplatesStats(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	a, err := db.AddTemplate(ctx, store.Template{Name: "group a", Body: "Hi {name}"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.AddTemplate(ctx, store.Template{Name: "group b", Body: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	end, _ := db.CategoryByName(ctx, "End")
	thanks, _ := db.CategoryByName(ctx, "Thanks")
	send := func(tid int64, number string, at time.Time) {
		mustInsert(t, db, store.Message{Direction: store.Out, Number: number, Text: "x", At: at, Kind: store.KindCampaign,
			TemplateID: tid, State: store.StateSent})
	}
	reply := func(number string, cat int64, at time.Time) {
		m := in(number, "r", "r", at)
		m.CategoryID = cat
		if cat != 0 {
			m.CategoryBy = "operator"
		}
		mustInsert(t, db, m)
	}
	send(a.ID, "+447700900001", t0)
	send(a.ID, "+447700900002", t0)
	send(a.ID, "+447700900003", t0)
	send(a.ID, "+447700900003", t0.Add(time.Hour))
	send(b.ID, "+447700900004", t0)
	reply("+447700900001", end.ID, t0.Add(time.Minute))
	reply("+447700900002", thanks.ID, t0.Add(time.Minute))
	reply("+447700900002", thanks.ID, t0.Add(2*time.Minute))
	reply("+447700900003", 0, t0.Add(time.Minute))
	reply("+447700900004", 0, t0.Add(-time.Minute)) // before the text: not an answer

	got, err := db.TemplatesStats(ctx, t0.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d templates, want 2", len(got))
	}
	ga, gb := got[0], got[1]
	if ga.Texts != 4 || ga.Recipients != 3 || ga.Replied != 3 || ga.OptOuts != 1 {
		t.Fatalf("group a = %+v", ga)
	}
	if ga.Replies["End"] != 1 || ga.Replies["Thanks"] != 1 || ga.Replies[""] != 1 {
		t.Fatalf("group a replies = %v", ga.Replies)
	}
	if r := ga.OptOutRate(); r < 0.333 || r > 0.334 {
		t.Fatalf("opt-out rate = %v", r)
	}
	if gb.Texts != 1 || gb.Replied != 0 || len(gb.Replies) != 0 {
		t.Fatalf("group b = %+v", gb)
	}
	none, err := db.TemplatesStats(ctx, t0.Add(2*time.Hour))
	if err != nil || len(none) != 0 {
		t.Fatalf("outside the window: %+v, %v", none, err)
	}
}

// TestHealthCountsOnlySendFailures: texts the operator marked failed, or
// that failed because the recipient opted out, are not the SIM's errors.
func TestHealthCountsOnlySendFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	storetest.FixClock(db, t0.Add(time.Hour))
	nw, err := db.AddNetwork(ctx, store.Network{Name: "O2"})
	if err != nil {
		t.Fatal(err)
	}
	sim, err := db.AddSIM(ctx, store.SIM{NetworkID: nw.ID, Active: true, DailyLimit: 300})
	if err != nil {
		t.Fatal(err)
	}
	out := func(i int, state, errText string) int64 {
		return mustInsert(t, db, store.Message{Direction: store.Out, SIMID: sim.ID, Number: "+447700900001",
			Text: fmt.Sprint("Out ", i), At: t0.Add(time.Duration(i) * time.Minute), Kind: store.KindManual, State: state, Error: errText})
	}
	out(0, store.StateSent, "")
	out(1, store.StateSent, "")
	out(2, store.StateFailed, "+CMS ERROR: 28")
	out(3, store.StateFailed, "")                                       // an operator's, before Fail kept a reason
	out(4, store.StateFailed, "recipient opted out before it was sent") // never tried
	if err := db.Fail(ctx, out(5, store.StateQueued, ""), ""); err != nil {
		t.Fatal(err)
	}
	if err := db.Fail(ctx, out(6, store.StateUnknown, ""), ""); err != nil {
		t.Fatal(err)
	}
	h, err := db.SIMsHealth(ctx, t0.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if sh := h[sim.ID]; sh.Tried != 3 || sh.Failed != 1 {
		t.Fatalf("tried %d failed %d, want 3 and 1", sh.Tried, sh.Failed)
	}
}
