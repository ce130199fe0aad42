package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/campaign"
	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/desk"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/termsafe"
)

// newCmdCampaign builds `texting campaign`.
func newCmdCampaign(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "campaign",
		Short: "Campaign runs (what crontab calls three times a day)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newCmdCampaignRun(f, nil))
	return cmd
}

// campaignRunOptions holds what `texting campaign run` needs.
type campaignRunOptions struct {
	sendDeps
	DryRun bool
	Source string   // --source, else api.url
	Ports  []string // --port, else modem.ports, else discovery
	JSON   bool
}

// newCmdCampaignRun builds `texting campaign run`; runF replaces campaignRun in tests.
func newCmdCampaignRun(f *Factory, runF func(context.Context, *campaignRunOptions) error) *cobra.Command {
	opts := &campaignRunOptions{sendDeps: newSendDeps(f)}
	cmd := &cobra.Command{
		Use:   "run [--dry-run] [--source URL] [--json]",
		Short: "Pull the data source, plan, and text every group with its template",
		Long: "Pull the campaign data source (api.url with api.key, sent as the query parameter\n" +
			"`key`), validate the whole document, plan who gets which text from which SIM\n" +
			"(opt-outs, numbers texted within dedupe.days, invalid numbers and numbers that\n" +
			"are not mobiles — landline, freephone, premium-rate, shared-cost — are skipped;\n" +
			"SIMs least used over 12 days first, never over a daily limit), print the plan,\n" +
			"then queue and send group by group, POST the numbers sent back to the source\n" +
			"(form fields `group` and `numbers`: each number once, as the data source wrote\n" +
			"it; numbers a killed run sent go with the next run, and a post-back that fails\n" +
			"is tried again by the next run, which is then recorded failed), text the\n" +
			"managers a summary and record the run.\n" +
			"Campaign texts wait during quiet hours. --dry-run (or the setting run=0) plans\n" +
			"and prints only: nothing is queued, sent, posted or recorded.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), opts, runF, campaignRun)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.DryRun, "dry-run", false, "plan and print; send and save nothing")
	fl.StringVar(&opts.Source, "source", "", "data source URL instead of the setting api.url")
	fl.StringArrayVar(&opts.Ports, "port", nil, "use this dongle port (repeatable) instead of modem.ports or discovery")
	fl.BoolVar(&opts.JSON, "json", false, "print a JSON summary")
	return cmd
}

// sendDeps are what a command that sends needs: the administration
// commands' dependencies (the desk connects and releases the fleet itself).
type sendDeps struct {
	adminDeps
}

func newSendDeps(f *Factory) sendDeps { return sendDeps{adminDeps: newAdminDeps(f)} }

func campaignRun(ctx context.Context, opts *campaignRunOptions) error {
	d, err := opts.Desk(ctx)
	if err != nil {
		return err
	}
	cfg := d.Config
	src := campaign.Source{URL: cfg.APIURL, Key: cfg.APIKey}
	if opts.Source != "" {
		src.URL = opts.Source
	}
	if src.URL == "" {
		return errors.New("campaign run: no data source: set api.url (texting config set api.url URL), TEXTING_API_URL or --source")
	}
	prog := newRunProgress(opts.Err, !opts.JSON, opts.Out)
	sum, err := d.RunCampaign(ctx, src, desk.RunRequest{DryRun: opts.DryRun, Ports: opts.Ports, Progress: prog,
		OnProblem: func(p string) { fmt.Fprintln(opts.Err, "texting: warning: "+oneLine(p)) }})
	prog.done()
	if sum != nil && (err == nil || sum.RunID != 0 || sum.DryRun) && (len(sum.Groups) > 0 || err == nil) {
		if opts.JSON {
			if werr := writeJSON(opts.Out, sum); werr != nil {
				return werr
			}
		} else {
			printCampaignSummary(opts.Out, sum, d.Config.Quiet, d.DB.Now().In(time.Local))
		}
	}
	if err == nil && sum != nil && !sum.DryRun {
		if ferr := runFailure(sum); ferr != nil {
			return &exitError{code: 1, err: ferr}
		}
	}
	if err == nil && sum != nil && len(sum.Errors) > 0 {
		// The texts went, but something the operator must know about did
		// not (the post-back, the managers' text): cron mails a failure.
		if !opts.JSON {
			// The summary above lists each problem once.
			return &exitError{code: 1, err: fmt.Errorf("campaign run finished with %d problem(s) (listed above)", len(sum.Errors))}
		}
		return &exitError{code: 1, err: fmt.Errorf("campaign run finished with %d problem(s): %s", len(sum.Errors), sum.Errors[0])}
	}
	return err
}

// runFailure is why a finished run must make cron mail it: it sent none of
// the texts it planned (quiet hours aside), or texts of its own ended
// unknown. A run that texted everyone it could is not a failure, even when
// the SIMs had no room for more; texts an earlier, killed run left unknown
// are reported, not held against this one.
func runFailure(s *campaign.Summary) error {
	planned, sent, unknown := 0, 0, 0
	for _, g := range s.Groups {
		planned += g.Queued
		sent += g.Sent
		unknown += g.Unknown
	}
	switch {
	case unknown > 0:
		return fmt.Errorf("campaign run: %d of its texts ended unknown (they may have gone): see texting outbox --state unknown", unknown)
	case planned > 0 && sent == 0 && !s.Quiet:
		return fmt.Errorf("campaign run: sent none of the %d texts it planned", planned)
	}
	return nil
}

// printCampaignSummary is the plain report cron mails; quiet and now say
// when texts held back by quiet hours will go.
func printCampaignSummary(w io.Writer, s *campaign.Summary, quiet config.QuietHours, now time.Time) {
	head := fmt.Sprintf("Campaign run %d", s.RunID)
	if s.DryRun {
		head = "Dry run (nothing sent)"
	}
	sent, parts := 0, 0
	for _, g := range s.Groups {
		sent += g.Sent
		parts += g.Parts
	}
	switch {
	case len(s.Groups) == 0:
		fmt.Fprintf(w, "%s: nothing to send: the data source has no groups\n", head)
	case s.DryRun:
		fmt.Fprintf(w, "%s: %d texts (%d parts) would be sent\n", head, sent+campaignQueued(s), parts)
	default:
		// Every text this run sent, those an earlier run left queued
		// included: the runs row and the managers' text say the same.
		parts = 0
		for _, sim := range s.SIMs {
			parts += sim.Sent
		}
		fmt.Fprintf(w, "%s: %d texts sent (%d parts)\n", head, s.Sent, parts)
	}
	rows := [][]string{}
	for _, g := range s.Groups {
		status := strconv.Itoa(g.Sent)
		if s.DryRun {
			status = strconv.Itoa(g.Queued)
		}
		note := g.Error
		if g.Failed > 0 || g.Unknown > 0 {
			note = strings.TrimSpace(fmt.Sprintf("%s %d failed, %d unknown", note, g.Failed, g.Unknown))
		}
		rows = append(rows, []string{g.Group, strconv.Itoa(g.Recipients), status, strconv.Itoa(g.Skipped[campaign.SkipOptedOut]),
			strconv.Itoa(g.Skipped[campaign.SkipDuplicate]), strconv.Itoa(g.Skipped[campaign.SkipInvalid]),
			strconv.Itoa(g.Skipped[campaign.SkipNotMobile]), strconv.Itoa(g.Skipped[campaign.SkipNoCapacity]), note})
	}
	sentHead := "SENT"
	if s.DryRun {
		sentHead = "TO SEND"
	}
	if len(rows) > 0 {
		printTable(w, []string{"GROUP", "RECIPIENTS", sentHead, "OPTED OUT", "DUPLICATE", "INVALID", "NOT A MOBILE", "NO ROOM TODAY", "NOTE"}, rows)
	}
	if len(s.SIMs) > 0 && len(s.Groups) > 0 {
		rows = rows[:0]
		for _, sim := range s.SIMs {
			rows = append(rows, []string{sim.SIM, strconv.Itoa(sim.Parts), strconv.Itoa(sim.Sent), strconv.Itoa(sim.LeftToday), strconv.Itoa(sim.Limit), sim.Stopped})
		}
		printTable(w, []string{"SIM", "PLANNED PARTS", "SENT PARTS", "LEFT TODAY", "LIMIT", "STOPPED"}, rows)
	}
	if s.CarriedOver > 0 {
		fmt.Fprintf(w, "%d texts left queued by an earlier run were sent.\n", s.CarriedOver)
	}
	ends := quiet.NextEnd(now)
	switch {
	case s.DryRun && s.Quiet && campaignQueued(s) > 0:
		fmt.Fprintf(w, "Quiet hours (%s): a real run now would queue these texts; they go with the first run after %s.\n",
			quiet, quietEnd(ends, now))
	case s.Quiet && s.Waiting > 0:
		fmt.Fprintf(w, "Quiet hours (%s): %d campaign texts wait in the queue; they go with the first run after %s.\n",
			quiet, s.Waiting, quietEnd(ends, now))
	case s.Waiting > 0:
		fmt.Fprintf(w, "%d campaign texts wait in the queue (see texting outbox --state queued).\n", s.Waiting)
	}
	if s.Recovered > 0 {
		fmt.Fprintf(w, "%d texts were interrupted mid-send by an earlier run: resolve them with texting outbox --state unknown.\n", s.Recovered)
	}
	if !s.DryRun {
		if s.PostedBack && sent+s.CarriedOver > 0 {
			fmt.Fprintln(w, "Numbers sent were posted back to the data source.")
		}
		if s.Managers > 0 {
			fmt.Fprintf(w, "Summary texted to %d manager phone(s).\n", s.Managers)
		}
	}
	for _, e := range s.Errors {
		fmt.Fprintln(w, "Problem: "+oneLine(e))
	}
}

// quietEnd says when quiet hours end: "08:00", or "08:00 on Mon 7 Dec" when
// that is not today.
func quietEnd(end, now time.Time) string {
	if y, m, d := end.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return end.Format("15:04")
	}
	return end.Format("15:04 on Mon 2 Jan")
}

func campaignQueued(s *campaign.Summary) int {
	n := 0
	for _, g := range s.Groups {
		n += g.Queued
	}
	return n
}

// runProgress shows a run on a terminal: the plan, then one bar redrawn in
// place with counts and rate. Off a terminal (cron) it prints the plan to
// out only, and the caller's summary says the rest.
type runProgress struct {
	mu       sync.Mutex
	w        io.Writer // stderr
	planOut  io.Writer // where the plan goes (nil: nowhere)
	tty      bool
	phase    string
	total    int
	done_    int
	sent     int
	failed   int
	unknown  int
	start    time.Time
	lastDraw time.Time
}

// newRunProgress returns a runProgress for stderr w; showPlan prints the plan to
// planOut (stdout) before sending.
func newRunProgress(w io.Writer, showPlan bool, planOut io.Writer) *runProgress {
	p := &runProgress{w: w, tty: writerIsTerminal(termsafe.Raw(w))}
	if showPlan {
		p.planOut = planOut
	}
	return p
}

func writerIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// eraseLine moves to the start of the line and erases it: our own terminal
// control, so it goes to the stream under the sanitiser.
func eraseLine(w io.Writer) { fmt.Fprint(termsafe.Raw(w), "\r\x1b[K") }

// Phase implements campaign.Progress.
func (p *runProgress) Phase(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.phase = name
	if p.tty {
		p.draw(true)
	}
}

// Planned implements campaign.Progress.
func (p *runProgress) Planned(plan *campaign.Plan, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total = total
	p.start = time.Now()
	if p.planOut == nil {
		return
	}
	if p.tty {
		eraseLine(p.w)
	}
	printCampaignPlan(p.planOut, plan)
}

// printCampaignPlan prints recipients and parts per group, parts per SIM against
// what each has left today, and what will not fit.
func printCampaignPlan(w io.Writer, plan *campaign.Plan) {
	if len(plan.Groups) == 0 {
		return // the summary says there is nothing to send
	}
	fmt.Fprintln(w, "Plan:")
	var rows [][]string
	for _, g := range plan.Groups {
		note := g.Error
		rows = append(rows, []string{g.Group, strconv.Itoa(g.Recipients), strconv.Itoa(len(g.Texts)), strconv.Itoa(g.Parts), note})
	}
	printTable(w, []string{"GROUP", "RECIPIENTS", "TEXTS", "PARTS", "NOTE"}, rows)
	rows = rows[:0]
	for _, s := range plan.SIMs {
		rows = append(rows, []string{s.SIM.Label(), strconv.Itoa(s.Used12), strconv.Itoa(s.Today), strconv.Itoa(s.Left), strconv.Itoa(s.Planned)})
	}
	if len(rows) > 0 {
		printTable(w, []string{"SIM", "USED 12 DAYS", "USED TODAY", "LEFT TODAY", "PLANNED"}, rows)
	} else {
		fmt.Fprintln(w, "No SIM connected.")
	}
	if plan.NoCapacity > 0 {
		fmt.Fprintf(w, "Will not fit today (not sent): %d recipients.\n", plan.NoCapacity)
	}
}

// Event implements campaign.Progress.
func (p *runProgress) Event(e outbox.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e.State {
	case store.StateSent:
		p.sent++
		p.done_++
	case store.StateFailed:
		p.failed++
		p.done_++
	case store.StateUnknown:
		p.unknown++
		p.done_++
	}
	if p.tty && time.Since(p.lastDraw) > 100*time.Millisecond {
		p.draw(false)
	}
}

// draw redraws the bar: phase, [#####.....] done/total, rate, counts.
func (p *runProgress) draw(force bool) {
	p.lastDraw = time.Now()
	const width = 24
	bar := strings.Repeat(".", width)
	if p.total > 0 {
		n := min(width, p.done_*width/p.total)
		bar = strings.Repeat("#", n) + strings.Repeat(".", width-n)
	}
	rate := 0.0
	if el := time.Since(p.start).Seconds(); el > 0 && !p.start.IsZero() {
		rate = float64(p.done_) / el
	}
	eraseLine(p.w)
	fmt.Fprintf(p.w, "%s [%s] %d/%d  %.1f/s  sent %d  failed %d  unknown %d",
		termsafe.Line(p.phase), bar, p.done_, p.total, rate, p.sent, p.failed, p.unknown)
}

// done ends the bar's line.
func (p *runProgress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		p.draw(true)
		fmt.Fprintln(p.w)
	}
}
