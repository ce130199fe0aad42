package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/texting-centre/texting/store"
)

// HeartbeatEvery is how often a process that holds outbox rows says it is
// alive, and StaleAfter how old a heartbeat may be before a process on
// another host is taken for dead.
const (
	HeartbeatEvery = 30 * time.Second
	StaleAfter     = 3 * HeartbeatEvery
)

// Owner identifies this process in `sending` rows and runs:
// "host:pid:start", where start is the process's start time (clock ticks
// since boot on Linux), so that a reused pid is not taken for the old owner.
type Owner struct {
	Host  string
	PID   int
	Start string
}

// String is the form stored in the database.
func (o Owner) String() string { return fmt.Sprintf("%s:%d:%s", o.Host, o.PID, o.Start) }

// ThisProcess returns this process's owner identity.
func ThisProcess() Owner {
	host, _ := os.Hostname()
	if host == "" {
		host = "localhost"
	}
	pid := os.Getpid()
	return Owner{Host: host, PID: pid, Start: processStart(pid)}
}

// ParseOwner reads an owner identity; ok is false for anything else.
func ParseOwner(s string) (o Owner, ok bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return o, false
	}
	j := strings.LastIndexByte(s[:i], ':')
	if j < 0 {
		return o, false
	}
	pid, err := strconv.Atoi(s[j+1 : i])
	if err != nil || pid <= 0 {
		return o, false
	}
	return Owner{Host: s[:j], PID: pid, Start: s[i+1:]}, true
}

// Liveness tells whether the process named in a `sending` row or a run is
// alive. On this host it asks the operating system (a pid that now belongs to
// a process with another start time is dead); for another host it trusts a
// heartbeat younger than StaleAfter.
type Liveness struct {
	DB   *store.DB
	Self Owner
	Now  func() time.Time
}

// Alive reports whether owner is alive; unreadable owners of another format
// are judged by their heartbeat alone.
func (l Liveness) Alive(ctx context.Context) func(owner string) bool {
	return func(owner string) bool {
		o, ok := ParseOwner(owner)
		if ok && o.Host == l.Self.Host {
			if o == l.Self {
				return true
			}
			return processAlive(o.PID, o.Start)
		}
		at, found, err := l.DB.OwnerHeartbeat(ctx, owner)
		if err != nil {
			return true // when in doubt, never touch another process's rows
		}
		now := time.Now
		if l.Now != nil {
			now = l.Now
		}
		return found && now().Sub(at) < StaleAfter
	}
}

// KeepAlive records heartbeats for owner until ctx ends, then forgets it.
func KeepAlive(ctx context.Context, db *store.DB, o Owner, log *slog.Logger) {
	beat := func() {
		if err := db.Heartbeat(ctx, o.String(), o.Host, o.PID); err != nil && ctx.Err() == nil {
			log.Warn("heartbeat", "err", err)
		}
	}
	beat()
	t := time.NewTicker(HeartbeatEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := db.DropOwner(c, o.String()); err != nil {
				log.Debug("drop owner", "err", err)
			}
			return
		case <-t.C:
			beat()
		}
	}
}
