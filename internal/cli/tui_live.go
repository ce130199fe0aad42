package cli

import (
	"context"
	"log/slog"

	"github.com/charmbracelet/lipgloss"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/desk"
	"github.com/texting-centre/texting/desk/tuibackend"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui"
)

// deskEnv is what every desk (the local terminal's, each SSH session's)
// is built from.
type deskEnv struct {
	DB     *store.DB
	Config config.Config
	Logger *slog.Logger
	Trace  bool // --trace-modem
}

// newDesk builds the whole terminal UI for one operator — the local
// terminal's or one SSH session's: the screens, the backend acting as that
// operator and the watch on the database that keeps the screens live.
// getenv is that terminal's environment (NO_COLOR). The returned function
// releases the watch.
func newDesk(ctx context.Context, env deskEnv, r *lipgloss.Renderer, getenv func(string) string,
	operator string) (*tui.Model, func() error, error) {
	d := desk.New(env.DB, env.Config, env.Logger)
	d.Trace = env.Trace
	be := tuibackend.New(d)
	be.Operator = operator
	c := newTUICommon(ctx, env.DB, be, env.Config, r, getenv)
	c.Operator = operator
	w, err := env.DB.Watch(ctx)
	if err != nil {
		return nil, nil, err
	}
	c.Watch = w
	return tui.NewApp(c), w.Close, nil
}
