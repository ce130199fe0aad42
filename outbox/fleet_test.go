package outbox_test

import (
	"context"
	"sync"
	"testing"
	"time"

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
