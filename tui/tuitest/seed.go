package tuitest

import (
	"context"
	"testing"
	"time"

	"github.com/texting-centre/texting/classify"
	"github.com/texting-centre/texting/store"
)

// Fixture is what Seed put in the database.
type Fixture struct {
	O2, Vodafone, Gateway store.Network
	SIMs                  []store.SIM // O2 1, O2 2, Vodafone 1, SMSBCAST
	Welcome, Winter       store.Template
	Queue                 []int64 // the uncategorised replies, newest first
	Queued, Failed, Lost  int64   // outbox rows: queued, failed, unknown outcome
}

// Seed fills db with a small, fixed desk: two networks and a gateway, four
// SIMs, two templates, campaign texts from the last days, replies (some
// identical, some categorised) and an outbox with a queued, a failed and an
// unknown-outcome text. Times are relative to Now.
func Seed(tb testing.TB, db *store.DB) Fixture {
	tb.Helper()
	ctx := context.Background()
	var f Fixture
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	var err error
	f.O2, err = db.AddNetwork(ctx, store.Network{Name: "O2", Notes: "customer service 202"})
	must(err)
	f.Vodafone, err = db.AddNetwork(ctx, store.Network{Name: "Vodafone"})
	must(err)
	f.Gateway, err = db.AddNetwork(ctx, store.Network{Name: "SMSBCAST", Gateway: true})
	must(err)
	for _, s := range []store.SIM{
		{NetworkID: f.O2.ID, IMSI: "234100000000001", Phone: "+447700900901", Active: true, DailyLimit: 300, LastPort: "/dev/ttyUSB2"},
		{NetworkID: f.O2.ID, IMSI: "234100000000002", Active: true, DailyLimit: 200, ParkedUntil: Now.Add(time.Hour), ParkReason: "3 send failures"},
		{NetworkID: f.Vodafone.ID, IMSI: "234150000000003", Active: true, DailyLimit: 250},
		{NetworkID: f.Gateway.ID, Active: true, DailyLimit: 1000, GatewayURL: "https://api.example.net/api-adv.php",
			GatewayUser: "desk", GatewayPassword: "s3cret-pass", SenderID: "SHOP"},
	} {
		sim, err := db.AddSIM(ctx, s)
		must(err)
		f.SIMs = append(f.SIMs, sim)
	}
	f.Welcome, err = db.AddTemplate(ctx, store.Template{Name: "welcome", Body: "Hi {name}, {greeting}! Your table is ready — reply STOP to opt out.",
		Followup: "Still keen, {name}?"})
	must(err)
	f.Winter, err = db.AddTemplate(ctx, store.Template{Name: "winter", Body: "Winter sale: 20% off this week. {greeting}"})
	must(err)

	thanks, err := db.CategoryByName(ctx, "Thanks")
	must(err)
	insert := func(m store.Message) int64 {
		tb.Helper()
		if m.Direction == store.In {
			m.Kind = store.KindInbound
			m.Norm = classify.Normalize(m.Text)
		}
		id, _, err := db.InsertMessage(ctx, m)
		must(err)
		return id
	}
	o2, o22, voda := f.SIMs[0].ID, f.SIMs[1].ID, f.SIMs[2].ID
	people := []struct {
		number, name string
		sim          int64
		tmpl         store.Template
	}{
		{"+447700900101", "Alice", o2, f.Welcome},
		{"+447700900102", "Bob", o2, f.Welcome},
		{"+447700900103", "Carol", voda, f.Winter},
		{"+447700900104", "Dan", voda, f.Winter},
		{"+447700900105", "Erin", o22, f.Welcome},
	}
	for i, p := range people {
		insert(store.Message{Direction: store.Out, SIMID: p.sim, Number: p.number, Name: p.name,
			Text: "Hi " + p.name + ", have a good day! " + p.tmpl.Name, At: Now.Add(-time.Duration(26+i) * time.Hour),
			Kind: store.KindCampaign, TemplateID: p.tmpl.ID, GroupName: p.tmpl.Name, State: store.StateDelivered})
	}
	done := store.Message{Direction: store.In, SIMID: o2, Number: "+447700900105", Text: "Thank you",
		At: Now.Add(-20 * time.Hour), CategoryID: thanks.ID, CategoryBy: "operator"}
	insert(done)
	replies := []struct {
		number, text string
		sim          int64
		ago          time.Duration
	}{
		{"+447700900101", "Thanks!", o2, 5 * time.Minute},
		{"+447700900103", "Who is this? How did you get my number", voda, 40 * time.Minute},
		{"+447700900102", "thanks", o2, 2 * time.Hour},
		{"+447700900104", "Yes please, book me in for Friday evening 🙂", voda, 3 * time.Hour},
	}
	for _, r := range replies {
		f.Queue = append(f.Queue, insert(store.Message{Direction: store.In, SIMID: r.sim, Number: r.number, Text: r.text, At: Now.Add(-r.ago)}))
	}
	f.Queued = insert(store.Message{Direction: store.Out, SIMID: o2, Number: "+447700900101", Text: "See you Friday!",
		At: Now.Add(-2 * time.Minute), Kind: store.KindManual, State: store.StateQueued})
	f.Failed = insert(store.Message{Direction: store.Out, SIMID: voda, Number: "+447700900199", Text: "Winter sale",
		At: Now.Add(-50 * time.Minute), Kind: store.KindCampaign, TemplateID: f.Winter.ID, State: store.StateFailed,
		Error: "+CMS ERROR: 28 unidentified subscriber"})
	f.Lost = insert(store.Message{Direction: store.Out, SIMID: o22, Number: "+447700900106", Text: "Hi Fay, have a good day!",
		At: Now.Add(-90 * time.Minute), Kind: store.KindCampaign, TemplateID: f.Welcome.ID, State: store.StateUnknown,
		Error: "no final result after the PDU"})
	return f
}
