// Package common is what every screen of the terminal UI shares: the backend
// the actions go through, the database the lists are read from, the styles,
// the keymap and the clock, plus the screen contract and a paged list.
package common

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/keys"
	"github.com/texting-centre/texting/tui/styles"
)

// Backend is every action the screens take that is not a plain read of the
// store. The command line is wired to the same domain functions, so whatever
// the TUI does is scriptable too.
type Backend interface {
	// Tag puts the text msgID, and every uncategorised text identical to it
	// after normalisation, in the named category.
	Tag(ctx context.Context, msgID int64, category string) (Tagged, error)
	// Untag undoes a Tag.
	Untag(ctx context.Context, t Tagged) error
	// Suggest is the learned model's guess for a text ("" when it has none).
	Suggest(ctx context.Context, text string) (Suggestion, error)
	// ReadIn drains the dongles' SIM inboxes into the database.
	ReadIn(ctx context.Context) (string, error)
	// Modems lists every dongle found, with its live state.
	Modems(ctx context.Context) ([]ModemStatus, error)
	// Send queues text for each number in the outbox and dispatches it, from
	// the SIM named by simRef ("" lets the program choose). A number on the
	// opt-out list is refused unless force (the operator said y), which is
	// recorded.
	Send(ctx context.Context, numbers []string, text, simRef string, force bool) (string, error)
	// OptOutsOf returns the opt-outs of those numbers that are on the list,
	// so the Send screen can ask first.
	OptOutsOf(ctx context.Context, numbers []string) ([]store.OptOut, error)
	// AddOptOut and RemoveOptOut change the opt-out list by hand, with a
	// note; they say what they did.
	AddOptOut(ctx context.Context, number, note string) (string, error)
	RemoveOptOut(ctx context.Context, number, note string) (string, error)

	// The administration screens' saves and removals: the same calls, rules
	// and errors as `texting sim|network|category|template`. A nil field of
	// an update is left as it is; a removal says what it did.
	AddSIM(ctx context.Context, u store.SIMUpdate) (store.SIM, error)
	UpdateSIM(ctx context.Context, id int64, u store.SIMUpdate) (store.SIM, error)
	RemoveSIM(ctx context.Context, id int64) (string, error)
	AddNetwork(ctx context.Context, u store.NetworkUpdate) (store.Network, error)
	UpdateNetwork(ctx context.Context, id int64, u store.NetworkUpdate) (store.Network, error)
	RemoveNetwork(ctx context.Context, id int64) (string, error)
	AddCategory(ctx context.Context, u store.CategoryUpdate) (store.Category, error)
	UpdateCategory(ctx context.Context, id int64, u store.CategoryUpdate) (store.Category, error)
	RemoveCategory(ctx context.Context, id int64) (string, error)
	AddTemplate(ctx context.Context, u store.TemplateUpdate) (store.Template, error)
	UpdateTemplate(ctx context.Context, id int64, u store.TemplateUpdate) (store.Template, error)
	RemoveTemplate(ctx context.Context, id int64) (string, error)
	// Resend puts a failed or unknown-outcome text back in the queue.
	Resend(ctx context.Context, id int64) error
	// MarkFailed gives up on a queued or unknown-outcome text.
	MarkFailed(ctx context.Context, id int64) error
	// RunCampaign runs (or, with dryRun, plans) a campaign and sums it up;
	// progress (nil: none) hears how far it got as it goes, from the run's
	// goroutines.
	RunCampaign(ctx context.Context, dryRun bool, progress func(RunProgress)) (CampaignResult, error)
	// RunFollowups runs (or plans) the follow-ups as RunCampaign does; the
	// result has one group, "Follow-ups", and Followups set.
	RunFollowups(ctx context.Context, dryRun bool, progress func(RunProgress)) (CampaignResult, error)
	// CampaignNames returns the recipients' names the data source holds for
	// the group a template is sent to, for the worst-case preview.
	CampaignNames(ctx context.Context, group string) ([]string, error)
}

// Tagged is what a Tag did, enough to undo it.
type Tagged struct {
	Category string
	IDs      []int64 // every text that was put in the category
	Undo     any     // the domain package's own undo record, if it has one
	// KeptOptOuts are the opt-outs of the tagged texts' numbers that stay
	// although the category is not an opt-out one (a STOP re-tagged as
	// Misc); the screen asks whether to take them off.
	KeptOptOuts []store.OptOut
	// Note says what happens to the auto-replies the tag queued ("" when
	// none): when they go, or why they wait.
	Note string
}

// Suggestion is the learned model's guess for a text.
type Suggestion struct {
	Category   string
	Confidence float64
}

// CampaignResult is a campaign run, or a dry run's plan, group by group.
type CampaignResult struct {
	DryRun bool
	// Followups: the result of a follow-up run, not a campaign run.
	Followups bool
	Groups    []CampaignGroup
	// SIMs are the parts planned (or sent) per SIM against what each has
	// left today.
	SIMs []CampaignSIM
}

// RunProgress is how far a campaign run got.
type RunProgress struct {
	Phase  string // what it does now: "fetching", "sending Group A"
	Total  int    // texts it will try (0 until planned)
	Sent   int
	Failed int // failed or of unknown outcome
}

// CampaignSIM is one SIM's share of a CampaignResult.
type CampaignSIM struct {
	SIM       string
	Parts     int    // parts planned for it
	Sent      int    // parts it sent (a real run)
	LeftToday int    // parts it has left today after the run (or the plan)
	Limit     int    // its daily limit
	Stopped   string // why it stopped sending, "" when it did not
}

// ToSend is the texts planned (dry run) or queued in every group.
func (r CampaignResult) ToSend() int {
	n := 0
	for _, g := range r.Groups {
		n += g.ToSend
	}
	return n
}

// SkipNoRoom is the skip reason of a recipient no SIM has room for today
// (the campaign's "no_capacity").
const SkipNoRoom = "no_capacity"

// NoRoom is the recipients no SIM has room for today (not sent).
func (r CampaignResult) NoRoom() int {
	n := 0
	for _, g := range r.Groups {
		n += g.Skipped[SkipNoRoom]
	}
	return n
}

// CampaignGroup is one group of a CampaignResult.
type CampaignGroup struct {
	Group      string
	Recipients int
	ToSend     int            // texts planned (dry run) or queued
	Parts      int            // SMS parts planned (dry run)
	Sent       int            // texts sent (a real run)
	Skipped    map[string]int // recipients left out, by reason ("opted_out")
	Error      string         // why the group was not sent, "" when it was
}

// ModemStatus is one dongle as the fleet board shows it.
type ModemStatus struct {
	Port         string
	IMEI         string
	IMSI         string
	Operator     string
	SignalDBM    int
	Bars         int // 0–5
	StorageUsed  int
	StorageTotal int
	Recovering   bool   // being re-initialised after it stopped answering
	Err          string // why it could not be read, "" when fine
	// HeldBy names the texting process that holds the port ("pid 812
	// (campaign run 14)"), which reads its SIM in and sends through it;
	// "" when none does.
	HeldBy string
}

// Common is the shared context handed to every screen.
type Common struct {
	DB      *store.DB
	Backend Backend
	Styles  *styles.Styles
	Keys    *keys.KeyMap
	Now     func() time.Time
	Loc     *time.Location
	Region  string // default region for numbers typed without a country code
	// MaxParts is the setting template.max_parts: the most SMS parts a
	// template may take (0: template.MaxParts).
	MaxParts int
	// Greeting renders {greeting} for a time.
	Greeting func(time.Time) string
	// Ctx is the program's context: commands stop when it is cancelled.
	Ctx context.Context
	// Watch, when set, tells the root that the database changed, so that
	// the screen on show follows it; nil leaves the screens as loaded.
	Watch Watcher
	// Operator is who is at this desk: the name on the tags made here.
	Operator string
	// Bell rings the terminal's bell when a new reply comes in for review
	// (the setting tui.bell; off by default).
	Bell bool
}

// Screen is one screen of the program. The root model routes to it.
type Screen interface {
	// Init starts loading the screen's data; it is called each time the
	// screen is shown, so what cron and serve wrote appears.
	Init() tea.Cmd
	Update(tea.Msg) (Screen, tea.Cmd)
	View() string
	SetSize(w, h int)
	// Title is the screen's name in the tab bar.
	Title() string
	// Captures reports whether the screen takes this key itself before the
	// global bindings see it (a focused text field, the review queue's digits).
	Captures(tea.KeyMsg) bool
	// ShortHelp and FullHelp feed bubbles/help.
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// ErrMsg reports a failed command to the root, which shows it on the status line.
type ErrMsg struct{ Err error }

// StatusMsg puts a line on the status line.
type StatusMsg struct{ Text string }

// SwitchMsg asks the root to show another screen, by title.
type SwitchMsg struct {
	Title string
	Arg   string // e.g. the number whose thread to open
}

// Err wraps an error as a command result.
func Err(err error) tea.Cmd { return func() tea.Msg { return ErrMsg{err} } }

// Status returns a command that shows text on the status line.
func Status(text string) tea.Cmd { return func() tea.Msg { return StatusMsg{text} } }

// Context returns the program's context, never nil.
func (c *Common) Context() context.Context {
	if c.Ctx == nil {
		return context.Background()
	}
	return c.Ctx
}
