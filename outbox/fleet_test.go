package outbox_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/outbox/outboxtest"
)

// TestShortJobsOnTwoDonglesDoNotWaitForEachOther: two short jobs (two
// `texting send`s) that each want both dongles, given the ports in opposite
// orders, both get both dongles, one after the other, instead of each holding
// one and waiting for the other's until the wait runs out.
func TestShortJobsOnTwoDonglesDoNotWaitForEachOther(t *testing.T) {
	db, _ := openDB(t, thursday)
	ds := outboxtest.Dongles(t, db, []int{10, 10})
	p0, p1 := ds[0].Emu.Path(), ds[1].Emu.Path()
	orders := [][]string{{p0, p1}, {p1, p0}, {p0, p1}, {p1, p0}}
	const wait = 20 * time.Second
	got := make([]int, len(orders))
	took := make([]time.Duration, len(orders))
	var wg sync.WaitGroup
	for i, ports := range orders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), 2*wait)
			defer cancel()
			f, err := outbox.ConnectFleet(ctx, db, outbox.FleetOptions{Ports: ports, ModemOptions: outboxtest.FastModem(),
				NoGateway: true, What: "send", Short: true, WaitHeld: wait})
			if err != nil {
				t.Error(err)
				return
			}
			got[i], took[i] = len(f.Dongles), time.Since(start)
			time.Sleep(100 * time.Millisecond) // the job itself
			f.Close()
		}()
	}
	wg.Wait()
	for i := range orders {
		if got[i] != 2 || took[i] >= wait {
			t.Errorf("job %d (ports %v): %d dongles after %s", i, orders[i], got[i], took[i].Round(time.Millisecond))
		}
	}
}

// TestWaitForShortJobSurvivesAHandOver: a job waiting for a port that short
// jobs hold keeps waiting when, after more than the 2 s grace, the port
// passes to another short job that has not yet recorded itself — it gave
// up at once (a send or a run lost that dongle: "port busy").
func TestWaitForShortJobSurvivesAHandOver(t *testing.T) {
	ctx := context.Background()
	db, _ := openDB(t, thursday)
	ds := outboxtest.Dongles(t, db, []int{10})
	port := ds[0].Emu.Path()
	self := outbox.ThisProcess()
	d, err := modem.Open(ctx, port, outboxtest.FastModem()...)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.HoldPort(ctx, port, self.String(), self.PID, "read-in", true); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(2500 * time.Millisecond)
		db.ReleasePort(ctx, port, self.String()) // the first job's record goes…
		time.Sleep(500 * time.Millisecond)
		db.HoldPort(ctx, port, self.String(), self.PID, "send", true) // …the next one's comes
		time.Sleep(time.Second)
		d.Close()
		db.ReleasePort(ctx, port, self.String())
	}()
	start := time.Now()
	f, err := outbox.ConnectFleet(ctx, db, outbox.FleetOptions{Ports: []string{port}, ModemOptions: outboxtest.FastModem(),
		NoGateway: true, What: "campaign run 1", WaitHeld: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if len(f.Dongles) != 1 {
		t.Fatalf("after %s: no dongle: %v", time.Since(start).Round(time.Millisecond), f.Problems)
	}
}
