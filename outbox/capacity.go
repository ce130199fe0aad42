package outbox

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/texting-centre/texting/store"
)

// Room is one SIM's use and what it has left today, as a plan hands it
// texts.
type Room struct {
	SIM     store.SIM
	Used12  int // parts over the last store.UsageWindow days: "least used first"
	Today   int // parts used today
	Queued  int // parts already waiting in the queue for it
	Left    int // parts it may still send today, before this plan
	Planned int // parts this plan gives it

	left int // Left minus what the plan has given it so far
}

// Fits tells whether the SIM has room for a text of parts.
func (r *Room) Fits(parts int) bool { return r.left >= parts }

// Take gives the SIM a text of parts.
func (r *Room) Take(parts int) {
	r.Planned += parts
	r.left -= parts
}

// Capacity is what the SIMs able to send now have left today: the SIM
// choice of docs/ARCHITECTURE.md (least used first over store.UsageWindow days, never
// over a daily limit, gateways last).
type Capacity struct {
	rooms []*Room // modems least used first, then gateways
	byID  map[int64]*Room
	modem int // how many of rooms are modems
}

// MeasureCapacity gathers what each of sims has used and has left on the
// local day of now; inactive and parked SIMs have no room.
func MeasureCapacity(ctx context.Context, db *store.DB, sims []store.SIM, now time.Time, loc *time.Location) (*Capacity, error) {
	local := now.In(loc)
	today, err := db.SentParts(ctx, DayStart(local), DayStart(local).AddDate(0, 0, 1))
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	used12, err := db.SentParts(ctx, DayStart(local).AddDate(0, 0, -(store.UsageWindow-1)), now.Add(time.Second))
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	queued, err := db.QueuedParts(ctx)
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	c := &Capacity{byID: map[int64]*Room{}}
	for _, s := range sims {
		if !s.Active || s.Parked(now) {
			continue
		}
		r := &Room{SIM: s, Used12: used12[s.ID], Today: today[s.ID], Queued: queued[s.ID]}
		r.Left = max(0, s.DailyLimit-r.Today-r.Queued)
		r.left = r.Left
		c.rooms = append(c.rooms, r)
		c.byID[s.ID] = r
	}
	sort.SliceStable(c.rooms, func(i, j int) bool {
		a, b := c.rooms[i], c.rooms[j]
		if a.SIM.IsGateway() != b.SIM.IsGateway() {
			return !a.SIM.IsGateway()
		}
		if a.Used12 != b.Used12 {
			return a.Used12 < b.Used12
		}
		return a.SIM.ID < b.SIM.ID
	})
	for _, r := range c.rooms {
		if !r.SIM.IsGateway() {
			c.modem++
		}
	}
	return c, nil
}

// Rooms lists the SIMs with their use: modems least used first, then
// gateways.
func (c *Capacity) Rooms() []*Room { return c.rooms }

// Room returns the room of the SIM with id, nil when it cannot send now.
func (c *Capacity) Room(id int64) *Room { return c.byID[id] }

// Pick chooses the SIM for a text of parts: the sticky SIM when it has room,
// else the modem SIM with the least use (over 12 days plus this plan) that
// has room, else a gateway with room; nil when none has.
func (c *Capacity) Pick(parts int, sticky int64) *Room {
	if s := c.byID[sticky]; s != nil && s.left >= parts {
		return s
	}
	var best *Room
	for _, s := range c.rooms[:c.modem] {
		if s.left < parts {
			continue
		}
		if best == nil || s.Used12+s.Planned < best.Used12+best.Planned {
			best = s
		}
	}
	if best != nil {
		return best
	}
	for _, s := range c.rooms[c.modem:] {
		if s.left >= parts {
			return s
		}
	}
	return nil
}
