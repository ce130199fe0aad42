package cli

import (
	"context"
	"io"
	"log/slog"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/store"
)

// readDeps are what the commands that read the database need: it opened
// on its own, and the configuration loaded only when a flag calls for it
// (`texting messages --number` normalises in the configured region).
// Commands that act go through the desk (adminDeps).
type readDeps struct {
	Out io.Writer
	Err io.Writer
	// Store opens the database, once per command.
	Store func(context.Context) (*store.DB, error)
	// Config resolves the configuration.
	Config func(context.Context) (config.Config, error)
	// Getenv reads the environment (settings come from it first).
	Getenv func(string) string
	// Logger is the debug log, opened by the root command once the
	// command line is parsed.
	Logger func() *slog.Logger
}

func newReadDeps(f *Factory) readDeps {
	return readDeps{Out: f.Out, Err: f.Err, Store: f.Store, Config: f.Config, Getenv: f.Getenv, Logger: func() *slog.Logger { return f.Logger }}
}
