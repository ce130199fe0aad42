package outbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/outbox/outboxtest"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

// TestSendManualFillsKnownName: a manual text to a person a campaign
// reached uses the name the data source gave; to anyone else the
// placeholder goes.
func TestSendManualFillsKnownName(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openDB(t, thursday)
	sim := storetest.AddSIM(t, db, "O2", 100)
	// An older campaign text to Angharad named her in another spelling; the
	// newest named text wins.
	for _, m := range []store.Message{
		{Direction: store.Out, SIMID: sim.ID, Number: "+447700900001", Text: "Hi Angie", Kind: store.KindCampaign,
			Name: "Angie", State: store.StateSent, At: thursday.AddDate(0, 0, -9), Parts: 1},
		{Direction: store.Out, SIMID: sim.ID, Number: "+447700900001", Text: "Hi Angharad-Louise", Kind: store.KindCampaign,
			Name: "Angharad-Louise", State: store.StateSent, At: thursday.AddDate(0, 0, -2), Parts: 1},
		{Direction: store.Out, SIMID: sim.ID, Number: "+447700900001", Text: "thanks", Kind: store.KindManual,
			State: store.StateSent, At: thursday.AddDate(0, 0, -1), Parts: 1},
	} {
		if _, _, err := db.InsertMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	snd := &outboxtest.Sender{Card: sim}
	e := &outbox.Env{DB: db, Config: testConfig(t, db), Senders: []outbox.Sender{snd}, Owner: outbox.ThisProcess(),
		Greet: func(t2 time.Time) string { return "Have a good day" }}
	res, err := outbox.SendManual(ctx, e, outbox.ManualText{Numbers: []string{"07700 900001", "07700900002"}, Text: "Hi {name}, {greeting}"})
	if err != nil || len(res) != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	want := map[string]string{"+447700900001": "Hi Angharad-Louise, Have a good day", "+447700900002": "Hi, Have a good day"}
	got := map[string]string{}
	for _, o := range snd.Texts() {
		got[o.Number] = o.Text
	}
	for n, w := range want {
		if got[n] != w {
			t.Errorf("text to %s = %q, want %q", n, got[n], w)
		}
	}
}
