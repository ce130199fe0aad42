package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

// TestRemovalKeepsHistory: nothing texts refer to can be removed, and what
// nothing refers to can.
func TestRemovalKeepsHistory(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	o2, err := db.AddNetwork(ctx, store.Network{Name: "O2"})
	if err != nil {
		t.Fatal(err)
	}
	used, err := db.AddSIM(ctx, store.SIM{NetworkID: o2.ID, DailyLimit: 300, Active: true, IMSI: "234100000000001"})
	if err != nil {
		t.Fatal(err)
	}
	spare, err := db.AddSIM(ctx, store.SIM{NetworkID: o2.ID, DailyLimit: 300, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	tpl, _ := db.AddTemplate(ctx, store.Template{Name: "Group A", Body: "Hi"})
	unusedTpl, _ := db.AddTemplate(ctx, store.Template{Name: "Group B", Body: "Hi"})
	cat, _ := db.AddCategory(ctx, store.Category{Name: "Call back"})
	unusedCat, _ := db.AddCategory(ctx, store.Category{Name: "Later"})
	if _, err := db.Queue(ctx, []store.Message{{Direction: store.Out, SIMID: used.ID, Number: "+447700900001", Text: "Hi",
		Kind: store.KindCampaign, TemplateID: tpl.ID, Parts: 1}}); err != nil {
		t.Fatal(err)
	}
	in, _, err := db.InsertMessage(ctx, store.Message{Direction: store.In, SIMID: used.ID, Number: "+447700900001", Text: "call me",
		Kind: store.KindInbound})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Intake(ctx, func(tx *store.Intake) error { return tx.SetCategory(ctx, in, cat.ID, "operator", 0) }); err != nil {
		t.Fatal(err)
	}

	refused := []struct {
		name string
		rm   func() error
	}{
		{"SIM with texts", func() error { return db.DeleteSIM(ctx, used.ID) }},
		{"network with SIMs", func() error { return db.DeleteNetwork(ctx, o2.ID) }},
		{"category with texts", func() error { return db.DeleteCategory(ctx, cat.ID) }},
		{"template with texts", func() error { return db.DeleteTemplate(ctx, tpl.ID) }},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rm()
			var inUse *store.InUseError
			if !errors.As(err, &inUse) || !errors.Is(err, store.ErrInUse) {
				t.Fatalf("removal: %v, want an *InUseError", err)
			}
		})
	}
	if n, err := db.CountMessages(ctx, store.MessageFilter{}); err != nil || n != 2 {
		t.Fatalf("%d texts after the refusals (%v), want 2", n, err)
	}
	for name, rm := range map[string]func() error{
		"unused SIM":      func() error { return db.DeleteSIM(ctx, spare.ID) },
		"unused category": func() error { return db.DeleteCategory(ctx, unusedCat.ID) },
		"unused template": func() error { return db.DeleteTemplate(ctx, unusedTpl.ID) },
	} {
		if err := rm(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := db.DeleteSIM(ctx, spare.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("removing a removed SIM: %v, want ErrNotFound", err)
	}
}

// TestUsageFollowsTheSIM: a SIM's usage is counted by the SIM, whatever port
// its dongle is on now.
func TestUsageFollowsTheSIM(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	storetest.FixClock(db, time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	s, _, err := db.SeenSIM(ctx, "234100000000009", "", "", "O2", "/dev/ttyUSB2")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.InsertMessage(ctx, store.Message{Direction: store.Out, SIMID: s.ID, Number: "+447700900001", Text: "Hi",
		Kind: store.KindManual, Parts: 4, State: store.StateSent}); err != nil {
		t.Fatal(err)
	}
	again, created, err := db.SeenSIM(ctx, "234100000000009", "", "", "O2", "/dev/ttyUSB5")
	if err != nil || created || again.ID != s.ID {
		t.Fatalf("replugged: %+v created=%v %v", again, created, err)
	}
	today, err := db.SentToday(ctx, time.UTC)
	if err != nil || today[s.ID] != 4 {
		t.Fatalf("sent today on the new port: %v %v, want 4", today, err)
	}
}
