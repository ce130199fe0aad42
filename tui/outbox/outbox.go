// Package outbox is the outbox screen: queued, failed and unknown-outcome
// texts with their reason; the operator resends them or marks them failed.
package outbox

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/common"
)

// Title is the screen's name.
const Title = "Outbox"

// states are the outbox states shown.
func states() []string {
	return []string{store.StateQueued, store.StateSending, store.StateFailed, store.StateUnknown}
}

type (
	pageMsg struct {
		req  common.PageRequest
		rows []store.Message
		err  error
	}
	doneMsg struct {
		what string
		err  error
	}
	campaignMsg struct {
		res  common.CampaignResult
		err  error
		real bool // a real run's result, not a dry run's
	}
	// progressMsg is how far a real run got; the next report comes on ch.
	progressMsg struct {
		p  common.RunProgress
		ch <-chan tea.Msg
	}
)

// Model is the outbox screen.
type Model struct {
	common.Frame
	list    common.Filtered[store.Message]
	confirm *store.Message         // the text to mark failed or resend, while asking
	resend  bool                   // the question is "resend?", not "mark failed?"
	archive bool                   // the question is "archive old failed texts?"
	detail  bool                   // the selected text is shown whole (enter)
	plan    *common.CampaignResult // the dry run's result, shown until the next key
	ask     bool                   // after a dry run: "send it now?"
	running *common.RunProgress    // a real run going on, how far it got
}

// New returns the outbox screen.
func New(c *common.Common) *Model {
	m := &Model{Frame: common.NewFrame(c, Title, ""), list: common.NewFiltered[store.Message](c.Styles)}
	m.OnResize(m.layout)
	return m
}

// layout fits the screen to its size (common.Frame.OnResize).
func (m *Model) layout() {
	m.list.SetPageSize(max(1, m.Height-6))
}

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd {
	if m.running == nil {
		m.plan, m.ask = nil, false
	}
	return m.load(m.list.Reload())
}

// Captures implements common.Screen.
func (m *Model) Captures(msg tea.KeyMsg) bool {
	return (m.list.Filtering() || m.confirm != nil || m.archive || m.ask) && msg.String() != "ctrl+c"
}

func (m *Model) load(req common.PageRequest) tea.Cmd {
	db, ctx := m.DB, m.Context()
	return func() tea.Msg {
		rows, err := db.MessagePage(ctx, store.MessageFilter{Direction: store.Out, States: states(), Limit: req.Limit, Offset: req.Offset,
			HideArchived: true}, req.Filter)
		return pageMsg{req, rows, err}
	}
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case pageMsg:
		if msg.err != nil {
			m.list.Loading = false
			return m, common.Err(msg.err)
		}
		m.list.Loaded(msg.req, msg.rows)
	case doneMsg:
		cmd := m.load(m.list.Reload())
		if msg.err != nil {
			return m, tea.Batch(cmd, common.Err(msg.err))
		}
		return m, tea.Batch(cmd, common.Status(msg.what))
	case campaignMsg:
		if msg.real {
			m.running = nil
			cmd := m.load(m.list.Reload())
			if msg.err != nil && len(msg.res.Groups) == 0 {
				return m, tea.Batch(cmd, common.Err(fmt.Errorf("run: %w", msg.err)))
			}
			m.plan = &msg.res
			if msg.err != nil {
				return m, tea.Batch(cmd, common.Err(fmt.Errorf("campaign run: %w", msg.err)))
			}
			if msg.res.Followups {
				return m, tea.Batch(cmd, common.Status("follow-up run done"))
			}
			return m, tea.Batch(cmd, common.Status("campaign run done"))
		}
		if msg.err != nil {
			return m, common.Err(fmt.Errorf("dry run: %w", msg.err))
		}
		m.plan = &msg.res
		return m, common.Status("")
	case progressMsg:
		if m.running != nil {
			p := msg.p
			m.running = &p
		}
		return m, listen(msg.ch)
	case tea.KeyMsg:
		if m.running != nil {
			return m, nil // the run's progress stays on screen until it ends
		}
		if m.ask {
			return m, m.askKey(msg)
		}
		if m.plan != nil && m.plan.DryRun && key.Matches(msg, keyRun) {
			if m.plan.ToSend() == 0 {
				return m, common.Status("the dry run has nothing to send")
			}
			m.ask = true
			return m, nil
		}
		if m.plan != nil {
			m.plan = nil
			if msg.String() == "esc" || msg.String() == "enter" {
				return m, nil
			}
		}
		return m, m.key(msg)
	}
	return m, nil
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.Keys
	if m.archive {
		m.archive = false
		ab, ok := m.Backend.(common.ArchiveBackend)
		if !key.Matches(msg, k.Actions.Confirm) || !ok {
			return nil
		}
		ctx := m.Context()
		return func() tea.Msg {
			n, err := ab.ArchiveFailed(ctx, ArchiveAfter)
			return doneMsg{fmt.Sprintf("archived %s older than a week: hidden here, kept in the database", plural(n, "failed text")), err}
		}
	}
	if m.confirm != nil {
		t := *m.confirm
		switch {
		case key.Matches(msg, k.Actions.Confirm):
			m.confirm = nil
			be, ctx := m.Backend, m.Context()
			if m.resend {
				return func() tea.Msg {
					return doneMsg{fmt.Sprintf("text %d to %s queued again: it goes with the next send or run", t.ID, t.Number), be.Resend(ctx, t.ID)}
				}
			}
			return func() tea.Msg {
				return doneMsg{fmt.Sprintf("text %d to %s marked failed", t.ID, t.Number), be.MarkFailed(ctx, t.ID)}
			}
		case key.Matches(msg, k.Actions.Cancel):
			m.confirm = nil
		}
		return nil
	}
	if cmd, ok := m.list.FilterKey(k.List, msg, m.load); ok {
		return cmd
	}
	switch {
	case key.Matches(msg, k.Actions.Resend):
		t, ok := m.list.Selected()
		if !ok {
			return nil
		}
		if t.State != store.StateFailed && t.State != store.StateUnknown {
			return common.Status("only failed and unknown-outcome texts are resent; queued ones go by themselves")
		}
		m.confirm, m.resend = &t, true
	case key.Matches(msg, k.Actions.Fail):
		if t, ok := m.list.Selected(); ok {
			if t.State == store.StateFailed {
				return common.Status("already failed")
			}
			m.confirm, m.resend = &t, false
		}
	case msg.String() == "enter":
		// The text and its reason whole, however the columns cut them.
		m.detail = !m.detail
		return nil
	case key.Matches(msg, keyArchive):
		if _, ok := m.Backend.(common.ArchiveBackend); !ok {
			return common.Status("archiving needs texting outbox archive")
		}
		m.archive = true
	case key.Matches(msg, k.Actions.Campaign):
		be, ctx := m.Backend, m.Context()
		return tea.Batch(common.Status("planning a dry run of the campaign…"), func() tea.Msg {
			res, err := be.RunCampaign(ctx, true, nil)
			return campaignMsg{res: res, err: err}
		})
	case key.Matches(msg, keyFollowups):
		be, ctx := m.Backend, m.Context()
		return tea.Batch(common.Status("planning a dry run of the follow-ups…"), func() tea.Msg {
			res, err := be.RunFollowups(ctx, true, nil)
			return campaignMsg{res: res, err: err}
		})
	default:
		return m.list.MoveKey(k.List, msg, m.load, nil)
	}
	return nil
}

// askKey answers "send it now?": y starts the real run, n or esc keeps the
// dry run on screen.
func (m *Model) askKey(msg tea.KeyMsg) tea.Cmd {
	k := m.Keys
	switch {
	case key.Matches(msg, k.Actions.Confirm):
		m.ask = false
		m.running = &common.RunProgress{Phase: "starting"}
		what := "campaign run started"
		if m.plan.Followups {
			what = "follow-up run started"
		}
		return tea.Batch(common.Status(what), m.startRun())
	case key.Matches(msg, k.Actions.Cancel):
		m.ask = false
	}
	return nil
}

// startRun runs the campaign for real in the background: its progress and
// then its result arrive as messages, one at a time.
func (m *Model) startRun() tea.Cmd {
	be, ctx, followups := m.Backend, m.Context(), m.plan != nil && m.plan.Followups
	ch := make(chan tea.Msg, 16)
	return func() tea.Msg {
		go func() {
			run := be.RunCampaign
			if followups {
				run = be.RunFollowups
			}
			res, err := run(ctx, false, func(p common.RunProgress) {
				select {
				case ch <- progressMsg{p, ch}:
				default: // the screen has not read the last one yet: the next will do
				}
			})
			ch <- campaignMsg{res: res, err: err, real: true}
		}()
		return <-ch
	}
}

// listen waits for the run's next message.
func listen(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg { return <-ch }
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.Keys
	if m.confirm != nil || m.ask {
		return []key.Binding{k.Actions.Confirm, k.Actions.Cancel}
	}
	if m.plan != nil && m.plan.DryRun {
		return []key.Binding{keyRun}
	}
	return []key.Binding{k.Actions.Resend, k.Actions.Fail, keyArchive, k.Actions.Campaign, k.List.Filter, keyFollowups}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.Keys
	return common.ListHelp(k.List, k.Actions.Resend, k.Actions.Fail, keyArchive, k.Actions.Campaign, keyFollowups)
}

// View implements common.Screen.
func (m *Model) View() string {
	st := m.Styles
	head := st.Title.Render("Outbox") + st.Subtle.Render("  queued, sending, failed and unknown-outcome texts  "+m.list.Position())
	if m.running != nil {
		return common.Truncate(head, m.Width) + "\n\n" + m.runView()
	}
	if m.plan != nil {
		return common.Truncate(head, m.Width) + "\n\n" + m.planView(max(4, m.Height-2))
	}
	sub := m.list.FilterView(st)
	textW := max(10, (m.Width-2-10-15-11-9)/2)
	cols := st.Header.Render("  " + common.Cell("When", 10) + common.Cell("Number", 15) + common.Cell("SIM", 11) +
		common.Cell("State", 9) + common.Cell("Text", textW+1) + "Reason")
	rows := make([]string, len(m.list.Rows))
	for i, t := range m.list.Rows {
		state := t.State
		rows[i] = common.Cell(common.When(t.At, m.Now(), m.Loc), 10) + common.Cell(common.Clean(t.Number), 15) + common.Cell(common.Clean(t.SIM), 11) +
			common.Cell(state, 9) + common.Pad(common.OneLine(t.Text), textW) + " " + common.OneLine(t.Error)
	}
	body := common.Rows(st, rows, m.list.Cursor, m.Width)
	if len(rows) == 0 && !m.list.Loading {
		body = st.Good.Render("  The outbox is empty: everything went.")
	}

	foot := ""
	switch {
	case m.archive:
		foot = "\n\n" + st.Warn.Render("Archive the failed texts older than a week? They leave this list and stay in the database. y/n")
	case m.confirm != nil && m.resend:
		q := fmt.Sprintf("Resend the text to %s? It goes with the next send or run. y/n", common.Clean(m.confirm.Number))
		if m.confirm.State == store.StateUnknown {
			q = fmt.Sprintf("Resend the text to %s? It may have gone already: they could get it twice. y/n", common.Clean(m.confirm.Number))
		}
		if why := hopeless(m.confirm.Error); why != "" {
			q = fmt.Sprintf("Resend to %s anyway? y/n · resending cannot help: %s", common.Clean(m.confirm.Number), why)
		}
		foot = "\n\n" + st.Warn.Render(common.Truncate(q, m.Width))
	case m.confirm != nil:
		foot = "\n\n" + st.Warn.Render(fmt.Sprintf("Mark the text to %s failed? It will not be sent. y/n", common.Clean(m.confirm.Number)))
	}
	if t, ok := m.list.Selected(); ok && m.confirm == nil && !m.archive {
		switch {
		case m.detail:
			d := st.Label.Render("Text   ") + common.Wrap(common.Text(t.Text), max(20, m.Width-8))
			if t.Error != "" {
				d += "\n" + st.Label.Render("Reason ") + common.Wrap(common.Text(t.Error), max(20, m.Width-8))
			}
			foot = "\n\n" + d + "\n" + st.Subtle.Render("enter closes")
		case t.State == store.StateUnknown:
			foot = "\n\n" + st.Subtle.Render("Unknown outcome: it may have gone. r resends, x marks it failed. enter shows it whole.")
		default:
			foot = "\n\n" + st.Subtle.Render("enter shows the text and its reason whole")
		}
	}
	return common.Truncate(head, m.Width) + "\n" + sub + "\n" + cols + "\n" + body + foot
}

// planView is the campaign's result in at most h lines: per group the
// recipients, what goes and who is skipped and why; per SIM the parts
// planned (or sent) against what it has left today; and what does not fit.
func (m *Model) planView(h int) string {
	st := m.Styles
	p := m.plan
	title := "Campaign run"
	switch {
	case p.DryRun && p.Followups:
		title = "Dry run of the follow-ups: nothing was sent"
	case p.DryRun:
		title = "Dry run of the campaign: nothing was sent"
	case p.Followups:
		title = "Follow-up run"
	}
	tail := m.simLines()
	lines := []string{st.Title.Render(title)}
	if len(p.Groups) == 0 {
		lines = append(lines, "  nothing to send: the data source has no groups")
		if p.Followups {
			lines[len(lines)-1] = "  nothing to send"
		}
	}
	for i, g := range p.Groups {
		if len(lines)+2 > h-2-len(tail) {
			lines = append(lines, st.Subtle.Render(fmt.Sprintf("  … and %s more", plural(len(p.Groups)-i, "group"))))
			break
		}
		what := plural(g.Recipients, "recipient")
		switch {
		case g.Error != "":
			what += " · not sent"
		case p.DryRun:
			what += " · " + fmt.Sprintf("%d to send", g.ToSend) + " (" + plural(g.Parts, "part") + ")"
		default:
			what += " · " + fmt.Sprintf("%d sent", g.Sent)
		}
		lines = append(lines, "  "+st.Accent.Render(common.Clean(g.Group))+"  "+what)
		var skipped []string
		total := 0
		for _, r := range sortedKeys(g.Skipped) {
			if n := g.Skipped[r]; n > 0 {
				total += n
				skipped = append(skipped, fmt.Sprintf("%d %s", n, skipReason(r)))
			}
		}
		switch {
		case g.Error != "":
			// The whole group is left out: why, not "nobody skipped".
			lines = append(lines, st.Bad.Render("    ✗ "+common.OneLine(g.Error)))
		case total > 0:
			lines = append(lines, st.Subtle.Render(fmt.Sprintf("    %d skipped: %s", total, strings.Join(skipped, ", "))))
		default:
			lines = append(lines, st.Subtle.Render("    nobody skipped"))
		}
	}
	lines = append(lines, tail...)
	switch {
	case m.ask:
		lines = append(lines, st.Warn.Render(m.question()))
	case p.DryRun && p.ToSend() > 0:
		lines = append(lines, st.Subtle.Render("g sends it now (asks first) · any other key goes back to the outbox"))
	default:
		lines = append(lines, st.Subtle.Render("any key goes back to the outbox"))
	}
	for i, l := range lines[:len(lines)-1] {
		lines[i] = common.Truncate(l, m.Width)
	}
	if !m.ask {
		lines[len(lines)-1] = common.Truncate(lines[len(lines)-1], m.Width)
	}
	return strings.Join(lines, "\n")
}

// question repeats what the real run will send, and asks.
func (m *Model) question() string {
	p := m.plan
	var groups, sims []string
	parts := 0
	for _, g := range p.Groups {
		if g.Error == "" && g.ToSend > 0 {
			groups = append(groups, fmt.Sprintf("%s %d", common.Clean(g.Group), g.ToSend))
			parts += g.Parts
		}
	}
	for _, s := range p.SIMs {
		if s.Parts > 0 {
			sims = append(sims, fmt.Sprintf("%s %s", common.Clean(s.SIM), plural(s.Parts, "part")))
		}
	}
	q := fmt.Sprintf("Send it now? %s (%s): %s", plural(p.ToSend(), "text"), plural(parts, "part"), strings.Join(groups, ", "))
	if len(sims) > 0 {
		q += " · from " + strings.Join(sims, ", ")
	}
	if n := p.NoRoom(); n > 0 {
		q += fmt.Sprintf(" · %d do not fit today", n)
	}
	return common.Wrap(q+". y/n", max(20, m.Width-2))
}

// runView is a real run's progress.
func (m *Model) runView() string {
	st, r := m.Styles, m.running
	title := "Campaign run: sending"
	if m.plan != nil && m.plan.Followups {
		title = "Follow-up run: sending"
	}
	lines := []string{st.Title.Render(title), "  " + common.OneLine(r.Phase)}
	if r.Total > 0 {
		done := r.Sent + r.Failed
		lines = append(lines, fmt.Sprintf("  %d of %d texts done · %d sent · %d failed or unknown", done, r.Total, r.Sent, r.Failed))
	}
	lines = append(lines, st.Subtle.Render("the result shows here when the run ends; ctrl+c quits and stops it"))
	for i, l := range lines {
		lines[i] = common.Truncate(l, m.Width)
	}
	return strings.Join(lines, "\n")
}

// simLines are the plan's SIM lines (parts against what each has left
// today) and what does not fit, styled.
func (m *Model) simLines() []string {
	st, p := m.Styles, m.plan
	if len(p.Groups) == 0 {
		return nil
	}
	var lines []string
	if len(p.SIMs) == 0 {
		lines = append(lines, st.Warn.Render("  No SIM can send: nothing would go"))
	} else if p.DryRun {
		lines = append(lines, st.Label.Render("  Parts per SIM, against what each has left today"))
	} else {
		lines = append(lines, st.Label.Render("  Parts per SIM"))
	}
	w := 0
	for _, s := range p.SIMs {
		w = max(w, len([]rune(common.Clean(s.SIM))))
	}
	for _, s := range p.SIMs {
		var l string
		if p.DryRun {
			l = fmt.Sprintf("%s of %d left today (limit %d) · %d left after", plural(s.Parts, "part"), s.LeftToday+s.Parts, s.Limit, s.LeftToday)
		} else {
			l = fmt.Sprintf("%s sent of %s planned · %d left today (limit %d)", plural(s.Sent, "part"), plural(s.Parts, "part"), s.LeftToday, s.Limit)
		}
		if s.Stopped != "" {
			l += " · stopped: " + common.OneLine(s.Stopped)
		}
		lines = append(lines, "    "+common.Cell(common.Clean(s.SIM), w+2)+l)
	}
	if n := p.NoRoom(); n > 0 {
		lines = append(lines, st.Warn.Render(fmt.Sprintf("  Does not fit today: %s no SIM has room for (not sent)", plural(n, "recipient"))))
	}
	return lines
}

// skipReason is a skip reason as words: "opted out", "no room today".
func skipReason(r string) string {
	if r == common.SkipNoRoom {
		return "no room today"
	}
	return common.Clean(strings.ReplaceAll(r, "_", " "))
}

// plural is "1 part", "2 parts".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// hopelessCMS are the send errors about the recipient or the content (3GPP
// TS 27.005 / 24.011: unassigned number, invalid mandatory information,
// invalid PDU or text parameter): the same text to the same number fails
// again.
var hopelessCMS = regexp.MustCompile(`(?i)CMS ERROR:? *(1|96|304|305)\b`)

// hopeless says why resending a text that failed with error errText cannot
// help, "" when it may.
func hopeless(errText string) string {
	low := strings.ToLower(errText)
	switch {
	case hopelessCMS.MatchString(errText), strings.Contains(low, "invalid number"), strings.Contains(low, "unassigned"),
		strings.HasPrefix(low, "bad:"):
		return "the number was refused (" + common.OneLine(errText) + ")"
	case strings.Contains(low, "opted out"), strings.Contains(low, "opt-out"):
		return "the number is on the opt-out list"
	}
	return ""
}

// ArchiveAfter is how old a failed text must be for `a` to archive it.
const ArchiveAfter = 7 * 24 * time.Hour

var keyArchive = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "archive old failed"))

// keyFollowups dry-runs the follow-ups.
var keyFollowups = key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "dry-run follow-ups"))

// keyRun, after a dry run, sends the campaign for real (after a y/n).
var keyRun = key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "send it now"))
