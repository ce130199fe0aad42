package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/mattn/go-isatty"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/greeting"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/termsafe"
	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/keys"
	"github.com/texting-centre/texting/tui/styles"
)

// newCmdTUI builds `texting tui`.
func newCmdTUI(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "tui",
		Short: "Open the full-screen terminal UI (the default)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTUI(cmd.Context(), f)
		},
	}
}

// runTUI opens the terminal UI on the configured database.
func runTUI(ctx context.Context, f *Factory) error {
	out, err := terminal(f)
	if err != nil {
		return err
	}
	db, err := f.Store(ctx)
	if err != nil {
		return err
	}
	cfg, err := f.Config(ctx)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r := lipgloss.NewRenderer(out, termenv.WithColorCache(true))
	// Ask the terminal for its background now, before Bubble Tea reads the
	// input: asked later, the answer would race the keys.
	start := time.Now()
	dark := r.HasDarkBackground()
	f.Logger.Debug("tui start", "db", db.Path(), "dark", dark, "profile", r.ColorProfile(), "probe", time.Since(start))
	operator, err := operatorName(f, cfg)
	if err != nil {
		return err
	}
	app, closeApp, err := newDesk(ctx, deskEnv{DB: db, Config: cfg, Logger: f.Logger, Trace: f.TraceModem}, r, f.Getenv, operator)
	if err != nil {
		return err
	}
	defer closeApp()
	p := tea.NewProgram(app, tea.WithAltScreen(), tea.WithContext(ctx), tea.WithInput(f.In), tea.WithOutput(out))
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return fmt.Errorf("terminal UI: %w", err)
	}
	return nil
}

// newTUICommon builds what every screen shares. NO_COLOR turns colour off
// (selection is then shown by the row marker alone).
func newTUICommon(ctx context.Context, db *store.DB, be common.Backend, cfg config.Config, r *lipgloss.Renderer,
	getenv func(string) string) *common.Common {
	if getenv("NO_COLOR") != "" {
		r.SetColorProfile(termenv.Ascii)
	}
	g := greeting.New()
	if cfg.GreetingCountry != "" || cfg.GreetingFile != "" {
		if cg, err := greeting.ForSettings(cfg.GreetingCountry, cfg.GreetingFile); err == nil {
			g = cg
		}
	}
	return &common.Common{
		DB:       db,
		Backend:  be,
		Styles:   styles.New(r),
		Keys:     keys.Default(),
		Now:      db.Now,
		Loc:      time.Local,
		Region:   cfg.Region,
		MaxParts: cfg.TemplateMaxParts,
		Greeting: g.At,
		Ctx:      ctx,
		Bell:     cfg.TUIBell,
	}
}

// terminal returns the output terminal, or an error that says what to run
// instead when standard input or output is not a terminal (cron, a pipe).
func terminal(f *Factory) (*os.File, error) {
	in, inOK := f.In.(*os.File)
	// The TUI writes its own terminal controls; what it shows from outside
	// is cleaned screen by screen (tui/common.Clean).
	out, outOK := termsafe.Raw(f.Out).(*os.File)
	if !inOK || !outOK || !isatty.IsTerminal(in.Fd()) || !isatty.IsTerminal(out.Fd()) {
		return nil, errors.New("the terminal UI needs a terminal; for scripts and cron use the commands (texting --help)")
	}
	return out, nil
}
