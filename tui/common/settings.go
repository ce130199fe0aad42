package common

import (
	"context"
	"time"
)

// Setting is one configuration key as the Settings screen shows it.
type Setting struct {
	Key     string
	Value   string // as it applies now; a secret's is masked
	Source  string // "env", "settings", "default" or "" (not set)
	Env     string // the environment variable that overrides it, "" for none
	Default string
	Help    string
	Secret  bool
}

// SettingsBackend is what the Settings screen needs beyond Backend: the
// settings with their help, and a change with every rule `texting config
// set` applies. A backend that does not offer it leaves the screen read-only
// with a note.
type SettingsBackend interface {
	Settings(ctx context.Context) ([]Setting, error)
	// SetSetting stores value under key ("" removes it, so the default
	// applies) and returns the stored value before and after.
	SetSetting(ctx context.Context, key, value string) (was, now string, err error)
}

// ArchiveBackend is what the Outbox screen needs to archive old failed
// texts: flagged, hidden from the outbox, kept in the database.
type ArchiveBackend interface {
	ArchiveFailed(ctx context.Context, olderThan time.Duration) (int, error)
}

// ReorderBackend is what the reply types screen needs to reorder the
// categories (the order of the review queue's keys).
type ReorderBackend interface {
	// MoveCategory moves category id delta places and says what it did.
	MoveCategory(ctx context.Context, id int64, delta int) (string, error)
}
