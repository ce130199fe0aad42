package tuibackend

import (
	"sync"
	"testing"

	"github.com/texting-centre/texting/campaign"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/common"
)

// TestRunProgress: the campaign run's phases, plan and events, reported from
// several goroutines at once, add up to the screen's RunProgress; a text put
// back in the queue is not news.
func TestRunProgress(t *testing.T) {
	var mu sync.Mutex
	var last common.RunProgress
	reports := 0
	p := &runProgress{tell: func(r common.RunProgress) {
		mu.Lock()
		defer mu.Unlock()
		last = r
		reports++
	}}
	var _ campaign.Progress = p
	p.Phase("planning")
	p.Planned(&campaign.Plan{}, 40)
	p.Phase("sending Group A")
	states := []string{store.StateSent, store.StateSent, store.StateFailed, store.StateUnknown, store.StateQueued}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, s := range states {
				p.Event(outbox.Event{State: s})
			}
		}()
	}
	wg.Wait()
	want := common.RunProgress{Phase: "sending Group A", Total: 40, Sent: 16, Failed: 16}
	if last != want || reports != 3+8*4 {
		t.Fatalf("last %+v after %d reports, want %+v after %d", last, reports, want, 3+8*4)
	}
}
