package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/mattn/go-isatty"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/campaign"
	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/greeting"
	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/replies"
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
	app, closeApp, err := newDesk(ctx, f, db, cfg, r, operator)
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
	trace  bool // --trace-modem
	pipe   *replies.Pipeline
	// operator is who tags: recorded on each tag, and a group someone
	// else tagged first is not tagged again.
	operator string
}

func newTUIBackend(db *store.DB, cfg config.Config, logger *slog.Logger, trace bool) *tuiBackend {
	return &tuiBackend{db: db, cfg: cfg, logger: logger, trace: trace, pipe: replies.New(db, replies.OptionsFrom(cfg, logger))}
}

func (b *tuiBackend) Tag(ctx context.Context, msgID int64, category string) (common.Tagged, error) {
	u, err := b.pipe.TagWith(ctx, msgID, category, store.TagOptions{Operator: b.operator, OnlyUntagged: true})
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
	label, conf := m.Predict(text)
	if label == "" {
		return common.Suggestion{}, nil
	}
	// The model's labels are category ids, so that a renamed category keeps
	// what was learned.
	id, err := strconv.ParseInt(label, 10, 64)
	if err != nil {
		return common.Suggestion{}, fmt.Errorf("suggestion: unexpected label %q", label)
	}
	cat, err := b.db.Category(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return common.Suggestion{}, nil // learned from a category since deleted
	}
	if err != nil {
		return common.Suggestion{}, err
	}
	return common.Suggestion{Category: cat.Name, Confidence: conf}, nil
}

func (b *tuiBackend) ReadIn(ctx context.Context) (string, error) {
	res, err := b.pipe.ReadIn(ctx, replies.ReadInOptions{Ports: b.cfg.ModemPorts, Modem: b.modemOptions()})
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
	if line := b.sendAutoReplies(ctx); line != "" {
		parts = append(parts, line)
	}
	return strings.Join(parts, " · "), nil
}

// sendAutoReplies sends the auto-replies a read-in queued, as `texting
// read-in` does, and says how it went ("" when none were waiting).
func (b *tuiBackend) sendAutoReplies(ctx context.Context) string {
	n, err := b.db.CountMessages(ctx, store.MessageFilter{Direction: store.Out, Kind: store.KindAutoreply,
		States: []string{store.StateQueued}})
	if err != nil || n == 0 || !b.cfg.Run {
		return ""
	}
	env, closeFleet, err := b.fleet(ctx)
	if err != nil {
		return "auto-replies wait: " + err.Error()
	}
	defer closeFleet()
	d, err := outbox.SendWaiting(ctx, env, store.KindAutoreply)
	if err != nil {
		b.logger.Warn("tui auto-replies", "err", err)
	}
	return fmt.Sprintf("auto-replies: %d sent", d.Sent)
}

func (b *tuiBackend) Modems(ctx context.Context) ([]common.ModemStatus, error) {
	var cands []modem.Candidate
	opts := b.modemOptions()
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
	d, err := modem.Open(ctx, port, b.modemOptions()...)
	if err != nil {
		return modem.Info{}, err
	}
	defer d.Close()
	return d.Info(ctx)
}

// fleet connects the dongles and gateway accounts for one action and
// returns the domain environment over them. The TUI holds no port between
// actions, so cron's runs and read-ins are never locked out by it.
func (b *tuiBackend) fleet(ctx context.Context) (*outbox.Env, func() error, error) {
	g, err := greeting.ForSettings(b.cfg.GreetingCountry, b.cfg.GreetingFile)
	if err != nil {
		return nil, nil, fmt.Errorf("setting greeting.country: %w", err)
	}
	fl, err := outbox.ConnectFleet(ctx, b.db, outbox.FleetOptions{
		Ports:        b.cfg.ModemPorts,
		ModemOptions: b.modemOptions(),
		Logger:       b.logger,
	})
	if err != nil {
		return nil, nil, err
	}
	for _, p := range fl.Problems {
		b.logger.Warn("tui fleet", "problem", p)
	}
	env := &outbox.Env{DB: b.db, Config: b.cfg, Senders: fl.Senders, Loc: time.Local, Greet: g.At,
		Owner: outbox.ThisProcess(), Logger: b.logger}
	return env, fl.Close, nil
}

func (b *tuiBackend) modemOptions() []modem.Option {
	return []modem.Option{modem.WithLogger(b.logger), modem.WithTrace(b.trace)}
}

func (b *tuiBackend) Send(ctx context.Context, numbers []string, text, simRef string) (string, error) {
	env, closeFleet, err := b.fleet(ctx)
	if err != nil {
		return "", err
	}
	defer closeFleet()
	res, err := outbox.SendManual(ctx, env, numbers, text, simRef)
	var parts []string
	for _, r := range res {
		s := fmt.Sprintf("%s %s", r.Number, r.State)
		if r.SIM != "" {
			s += " from " + r.SIM
		}
		if r.Error != "" {
			s += " (" + r.Error + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; "), err
}

func (b *tuiBackend) Resend(ctx context.Context, id int64) error { return b.db.Resend(ctx, id) }

func (b *tuiBackend) MarkFailed(ctx context.Context, id int64) error { return b.db.Fail(ctx, id, "") }

func (b *tuiBackend) RunCampaign(ctx context.Context, dryRun bool) (common.CampaignResult, error) {
	if b.cfg.APIURL == "" {
		return common.CampaignResult{}, errors.New("no data source: set api.url (texting config set api.url URL)")
	}
	env, closeFleet, err := b.fleet(ctx)
	if err != nil {
		return common.CampaignResult{}, err
	}
	defer closeFleet()
	sum, err := campaign.RunCampaign(ctx, env, campaign.CampaignOptions{
		Source: campaign.Source{URL: b.cfg.APIURL, Key: b.cfg.APIKey}, DryRun: dryRun || !b.cfg.Run})
	if sum == nil {
		return common.CampaignResult{}, err
	}
	res := common.CampaignResult{DryRun: sum.DryRun}
	for _, g := range sum.Groups {
		res.Groups = append(res.Groups, common.CampaignGroup{Group: g.Group, Recipients: g.Recipients,
			ToSend: g.Queued, Parts: g.Parts, Sent: g.Sent, Skipped: g.Skipped, Error: g.Error})
	}
	return res, err
}

// CampaignNames pulls the data source and returns the names of the group
// sent with the template of that name.
func (b *tuiBackend) CampaignNames(ctx context.Context, group string) ([]string, error) {
	if b.cfg.APIURL == "" {
		return nil, errors.New("no data source set (api.url)")
	}
	groups, err := campaign.Source{URL: b.cfg.APIURL, Key: b.cfg.APIKey}.Fetch(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if strings.EqualFold(g.Name, group) {
			names := make([]string, len(g.Entries))
			for i, e := range g.Entries {
				names[i] = e.Name
			}
			return names, nil
		}
	}
	return nil, fmt.Errorf("the data source has no group %q", group)
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
