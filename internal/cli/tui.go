package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/greeting"
	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/replies"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui"
	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/keys"
	"github.com/texting-centre/texting/tui/styles"
)

func init() {
	register(func(f *Factory) *cobra.Command {
		return &cobra.Command{
			Use:   "tui",
			Short: "Open the full-screen terminal UI (the default)",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				return runTUI(cmd.Context(), f)
			},
		}
	})
}

// runTUI opens the terminal UI on the configured database.
func runTUI(ctx context.Context, f *Factory) error {
	db, err := f.Store(ctx)
	if err != nil {
		return err
	}
	cfg, err := f.Config(ctx)
	if err != nil {
		return err
	}
	out, ok := f.Out.(*os.File)
	if !ok {
		return errors.New("the terminal UI needs a terminal")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c := newTUICommon(ctx, db, newTUIBackend(db, cfg, f.Logger), cfg,
		lipgloss.NewRenderer(out, termenv.WithColorCache(true)), f.Getenv)
	f.Logger.Debug("tui start", "db", db.Path())
	p := tea.NewProgram(tui.NewApp(c), tea.WithAltScreen(), tea.WithContext(ctx), tea.WithInput(f.In), tea.WithOutput(out))
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
	if cfg.GreetingCountry != "" {
		if cg, err := greeting.NewForCountry(cfg.GreetingCountry); err == nil {
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
		Greeting: g.At,
		Ctx:      ctx,
	}
}

// tuiBackend is the TUI's Backend over the domain packages, the same
// functions the commands call.
type tuiBackend struct {
	db     *store.DB
	cfg    config.Config
	logger *slog.Logger
	pipe   *replies.Pipeline
}

func newTUIBackend(db *store.DB, cfg config.Config, logger *slog.Logger) *tuiBackend {
	return &tuiBackend{db: db, cfg: cfg, logger: logger, pipe: replies.New(db, replies.OptionsFrom(cfg, logger))}
}

// errNotYet is what an action says while the package behind it is missing.
func errNotYet(what string) error { return fmt.Errorf("%s is not available yet in this build", what) }

func (b *tuiBackend) Tag(ctx context.Context, msgID int64, category string) (common.Tagged, error) {
	u, err := b.pipe.Tag(ctx, msgID, category)
	if err != nil {
		return common.Tagged{}, err
	}
	b.logger.Debug("tui tag", "message", msgID, "category", u.Category, "texts", u.Tagged)
	return common.Tagged{Category: u.Category, IDs: u.IDs, Undo: u}, nil
}

func (b *tuiBackend) Untag(ctx context.Context, t common.Tagged) error {
	if u, ok := t.Undo.(replies.Undo); ok {
		return b.pipe.Undo(ctx, u)
	}
	return replies.Untag(ctx, b.db, t.IDs)
}

func (b *tuiBackend) Suggest(ctx context.Context, text string) (common.Suggestion, error) {
	m, err := b.pipe.Model(ctx)
	if err != nil {
		return common.Suggestion{}, err
	}
	cat, conf := m.Predict(text)
	return common.Suggestion{Category: cat, Confidence: conf}, nil
}

func (b *tuiBackend) ReadIn(ctx context.Context) (string, error) {
	res, err := b.pipe.ReadIn(ctx, replies.ReadInOptions{Ports: b.cfg.ModemPorts, Modem: []modem.Option{modem.WithLogger(b.logger)}})
	if err != nil {
		return "", err
	}
	var parts []string
	for _, p := range res.Ports {
		s := fmt.Sprintf("%s: %d stored, %d deleted", p.Port, p.Stored, p.Deleted)
		if p.Incomplete > 0 {
			s += fmt.Sprintf(", %d incomplete", p.Incomplete)
		}
		if len(p.Errors) > 0 {
			s += ", " + strings.Join(p.Errors, "; ")
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "no dongle read", nil
	}
	return strings.Join(parts, " · "), nil
}

func (b *tuiBackend) Modems(ctx context.Context) ([]common.ModemStatus, error) {
	var cands []modem.Candidate
	opts := []modem.Option{modem.WithLogger(b.logger)}
	if len(b.cfg.ModemPorts) > 0 {
		cands = modem.Probe(ctx, b.cfg.ModemPorts, opts...)
	} else {
		var err error
		cands, err = modem.Discover(ctx, opts...)
		if err != nil && len(cands) == 0 {
			return nil, err
		}
	}
	out := make([]common.ModemStatus, 0, len(cands))
	for _, c := range cands {
		s := common.ModemStatus{Port: c.Port, IMEI: c.IMEI, IMSI: c.IMSI, SignalDBM: c.SignalDBM, Bars: c.Bars, Err: c.Note}
		if c.Usable {
			if info, err := b.info(ctx, c.Port); err != nil {
				s.Err = err.Error()
			} else {
				s.Operator, s.SignalDBM, s.Bars = info.Operator, info.SignalDBM, info.Bars
				s.StorageUsed, s.StorageTotal = info.StorageUsed, info.StorageTotal
				s.IMEI, s.IMSI = info.IMEI, info.IMSI
			}
		}
		out = append(out, s)
	}
	return out, nil
}

func (b *tuiBackend) info(ctx context.Context, port string) (modem.Info, error) {
	d, err := modem.Open(ctx, port, modem.WithLogger(b.logger))
	if err != nil {
		return modem.Info{}, err
	}
	defer d.Close()
	return d.Info(ctx)
}

func (b *tuiBackend) Send(ctx context.Context, numbers []string, text, simRef string) (string, error) {
	return "", errNotYet("sending (package campaign)")
}

func (b *tuiBackend) Resend(ctx context.Context, id int64) error {
	return errNotYet("resend (package campaign)")
}

func (b *tuiBackend) MarkFailed(ctx context.Context, id int64) error {
	return errNotYet("mark failed (package campaign)")
}

func (b *tuiBackend) RunCampaign(ctx context.Context, dryRun bool) (string, error) {
	return "", errNotYet("campaign run (package campaign)")
}

func (b *tuiBackend) CampaignNames(ctx context.Context, group string) ([]string, error) {
	return nil, errNotYet("the campaign data source (package campaign)")
}
