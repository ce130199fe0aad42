package cli

import (
	"context"

	"github.com/charmbracelet/lipgloss"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/desk"
	"github.com/texting-centre/texting/desk/tuibackend"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui"
)

// newDesk builds the whole terminal UI for one operator — the local
// terminal's or one SSH session's: the screens, the backend acting as that
// operator and the watch on the database that keeps the screens live. The
// returned function releases the watch.
func newDesk(ctx context.Context, f *Factory, db *store.DB, cfg config.Config, r *lipgloss.Renderer,
	operator string) (*tui.Model, func() error, error) {
	d := desk.New(db, cfg, f.Logger)
	d.Trace = f.TraceModem
	be := tuibackend.New(d)
	be.Operator = operator
	c := newTUICommon(ctx, db, be, cfg, r, f.Getenv)
	c.Operator = operator
	w, err := db.Watch(ctx)
	if err != nil {
		return nil, nil, err
	}
	c.Watch = w
	return tui.NewApp(c), w.Close, nil
}
