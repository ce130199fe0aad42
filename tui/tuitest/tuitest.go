// Package tuitest helps test the terminal UI's screens: a shared context on
// a real database with a fixed clock, a recording fake backend, a runner that
// executes a screen's commands and feeds their messages back, and golden
// files of views with the ANSI codes stripped.
package tuitest

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/desk"
	"github.com/texting-centre/texting/replies"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/keys"
	"github.com/texting-centre/texting/tui/styles"
)

// update rewrites the golden files: go test ./tui/... -update
var update = flag.Bool("update", false, "rewrite the golden files of the views")

// Now is the fixed clock of the screens under test: a Thursday afternoon.
var Now = time.Date(2026, 11, 26, 15, 4, 0, 0, time.UTC)

// Common returns a shared context on a fresh migrated database, the clock
// fixed at Now (in UTC), colours off, and the fake backend it uses.
func Common(tb testing.TB) (*common.Common, *Backend) {
	tb.Helper()
	db := storetest.Open(tb)
	storetest.FixClock(db, Now)
	return CommonOn(db), &Backend{DB: db}
}

// CommonOn is Common on an existing database (the benchmark's big one).
func CommonOn(db *store.DB) *common.Common {
	r := lipgloss.NewRenderer(&bytes.Buffer{})
	r.SetColorProfile(termenv.Ascii)
	r.SetHasDarkBackground(true)
	return &common.Common{
		DB:       db,
		Backend:  &Backend{DB: db},
		Styles:   styles.New(r),
		Keys:     keys.Default(),
		Now:      db.Now,
		Loc:      time.UTC,
		Region:   "GB",
		MaxParts: 6,
		Greeting: func(time.Time) string { return "Have a good day" },
		Ctx:      context.Background(),
	}
}

// Setup is Common with the backend installed in the context.
func Setup(tb testing.TB) (*common.Common, *Backend) {
	c, be := Common(tb)
	c.Backend = be
	return c, be
}

// Call is one action the fake backend was asked to take.
type Call struct {
	Method string
	Args   string
}

// Backend is a fake common.Backend that records every call. Tag and Untag
// go through the replies package like the real backend; the other actions
// answer what the test set.
type Backend struct {
	DB *store.DB

	mu    sync.Mutex
	Calls []Call

	Suggestion common.Suggestion
	ModemList  []common.ModemStatus
	Result     string // what ReadIn and Send answer
	Campaign   common.CampaignResult
	Ran        *common.CampaignResult // a real run's result (nil: Campaign)
	Followups  common.CampaignResult  // what RunFollowups answers
	Progress   []common.RunProgress   // what a real run reports as it goes
	Names      []string
	Fail       error  // when set, every action fails with it
	Operator   string // who tags

	d *desk.Desk // made on first use
}

func (b *Backend) record(method string, args ...any) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.Calls = append(b.Calls, Call{method, strings.TrimSpace(fmt.Sprintln(args...))})
	return b.Fail
}

// CallList returns the calls so far, one "Method args" string each.
func (b *Backend) CallList() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, c := range b.Calls {
		out = append(out, strings.TrimSpace(c.Method+" "+c.Args))
	}
	return out
}

// Tag puts msgID and its uncategorised identical texts in the category, as
// the real backend does: as Operator, and only while msgID is untagged.
func (b *Backend) Tag(ctx context.Context, msgID int64, category string) (common.Tagged, error) {
	if err := b.record("Tag", msgID, category); err != nil {
		return common.Tagged{}, err
	}
	u, err := b.desk().TagWith(ctx, msgID, category, store.TagOptions{Operator: b.Operator, OnlyUntagged: true})
	if err != nil {
		return common.Tagged{}, err
	}
	return common.Tagged{Category: u.Category, IDs: u.IDs, Undo: u.Undo, KeptOptOuts: u.KeptOptOuts}, nil
}

// Untag makes the texts uncategorised again.
func (b *Backend) Untag(ctx context.Context, t common.Tagged) error {
	if err := b.record("Untag", t.IDs); err != nil {
		return err
	}
	return replies.Untag(ctx, b.DB, t.IDs)
}

// Suggest answers the set suggestion.
func (b *Backend) Suggest(ctx context.Context, text string) (common.Suggestion, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Suggestion, b.Fail
}

// ReadIn answers Result.
func (b *Backend) ReadIn(ctx context.Context) (string, error) { return b.Result, b.record("ReadIn") }

// Modems answers ModemList.
func (b *Backend) Modems(ctx context.Context) ([]common.ModemStatus, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ModemList, b.Fail
}

// Send records the texts (and whether the operator forced them to opted-out
// numbers).
func (b *Backend) Send(ctx context.Context, numbers []string, text, simRef string, force bool) (string, error) {
	if force {
		return b.Result, b.record("Send", strings.Join(numbers, ","), text, simRef, "force")
	}
	return b.Result, b.record("Send", strings.Join(numbers, ","), text, simRef)
}

// desk is the real application layer over the test database: the
// administration screens and the opt-out list get the rules the real
// backend applies (Fail does not apply to them).
func (b *Backend) desk() *desk.Desk {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.d == nil {
		cfg, err := config.Load(context.Background(), b.DB, func(string) string { return "" })
		if err != nil {
			cfg = config.Config{Region: "GB", Run: true, TemplateMaxParts: 6}
		}
		b.d = desk.New(b.DB, cfg, nil)
		b.d.Loc = time.UTC
	}
	return b.d
}

// OptOutsOf reads the opt-out list.
func (b *Backend) OptOutsOf(ctx context.Context, numbers []string) ([]store.OptOut, error) {
	return b.desk().OptOutsOf(ctx, numbers)
}

// AddOptOut records the call and adds the number.
func (b *Backend) AddOptOut(ctx context.Context, number, note string) (string, error) {
	if err := b.record("AddOptOut", number, note); err != nil {
		return "", err
	}
	return b.desk().AddOptOut(ctx, number, note)
}

// RemoveOptOut records the call and removes the number.
func (b *Backend) RemoveOptOut(ctx context.Context, number, note string) (string, error) {
	if err := b.record("RemoveOptOut", number, note); err != nil {
		return "", err
	}
	return b.desk().RemoveOptOut(ctx, number, note)
}

// AddSIM saves through the desk.
func (b *Backend) AddSIM(ctx context.Context, u store.SIMUpdate) (store.SIM, error) {
	return b.desk().AddSIM(ctx, u)
}

// UpdateSIM saves through the desk.
func (b *Backend) UpdateSIM(ctx context.Context, id int64, u store.SIMUpdate) (store.SIM, error) {
	return b.desk().UpdateSIM(ctx, id, u)
}

// RemoveSIM removes through the desk.
func (b *Backend) RemoveSIM(ctx context.Context, id int64) (string, error) {
	return b.desk().RemoveSIM(ctx, id)
}

// AddNetwork saves through the desk.
func (b *Backend) AddNetwork(ctx context.Context, u store.NetworkUpdate) (store.Network, error) {
	return b.desk().AddNetwork(ctx, u)
}

// UpdateNetwork saves through the desk.
func (b *Backend) UpdateNetwork(ctx context.Context, id int64, u store.NetworkUpdate) (store.Network, error) {
	return b.desk().UpdateNetwork(ctx, id, u)
}

// RemoveNetwork removes through the desk.
func (b *Backend) RemoveNetwork(ctx context.Context, id int64) (string, error) {
	return b.desk().RemoveNetwork(ctx, id)
}

// AddCategory saves through the desk.
func (b *Backend) AddCategory(ctx context.Context, u store.CategoryUpdate) (store.Category, error) {
	return b.desk().AddCategory(ctx, u)
}

// UpdateCategory saves through the desk.
func (b *Backend) UpdateCategory(ctx context.Context, id int64, u store.CategoryUpdate) (store.Category, error) {
	return b.desk().UpdateCategory(ctx, id, u)
}

// RemoveCategory removes through the desk.
func (b *Backend) RemoveCategory(ctx context.Context, id int64) (string, error) {
	return b.desk().RemoveCategory(ctx, id)
}

// AddTemplate saves through the desk.
func (b *Backend) AddTemplate(ctx context.Context, u store.TemplateUpdate) (store.Template, error) {
	return b.desk().AddTemplate(ctx, u)
}

// UpdateTemplate saves through the desk.
func (b *Backend) UpdateTemplate(ctx context.Context, id int64, u store.TemplateUpdate) (store.Template, error) {
	return b.desk().UpdateTemplate(ctx, id, u)
}

// RemoveTemplate removes through the desk.
func (b *Backend) RemoveTemplate(ctx context.Context, id int64) (string, error) {
	return b.desk().RemoveTemplate(ctx, id)
}

// Resend records the id.
func (b *Backend) Resend(ctx context.Context, id int64) error { return b.record("Resend", id) }

// MarkFailed records the id.
func (b *Backend) MarkFailed(ctx context.Context, id int64) error { return b.record("MarkFailed", id) }

// RunCampaign answers Campaign, or Ran for a real run when set, after
// telling progress each of Progress.
func (b *Backend) RunCampaign(ctx context.Context, dryRun bool, progress func(common.RunProgress)) (common.CampaignResult, error) {
	res := b.Campaign
	if !dryRun && b.Ran != nil {
		res = *b.Ran
	}
	if progress != nil && !dryRun {
		for _, p := range b.Progress {
			progress(p)
		}
	}
	return res, b.record("RunCampaign", dryRun)
}

// RunFollowups answers Followups (its Followups set), after telling
// progress each of Progress for a real run.
func (b *Backend) RunFollowups(ctx context.Context, dryRun bool, progress func(common.RunProgress)) (common.CampaignResult, error) {
	res := b.Followups
	res.Followups, res.DryRun = true, dryRun
	if progress != nil && !dryRun {
		for _, p := range b.Progress {
			progress(p)
		}
	}
	return res, b.record("RunFollowups", dryRun)
}

// CampaignNames answers Names.
func (b *Backend) CampaignNames(ctx context.Context, group string) ([]string, error) {
	return b.Names, b.record("CampaignNames", group)
}

// Run executes cmd and every command the resulting messages lead to,
// feeding each message to the screen (and to sink, when not nil, for
// messages meant for the root), until nothing is left. Ticks (spinners) are
// not followed.
func Run(tb testing.TB, s common.Screen, cmd tea.Cmd, sink func(tea.Msg)) common.Screen {
	tb.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 500 {
			tb.Fatal("commands do not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := runWithTimeout(tb, c)
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tickMsg:
		case common.ErrMsg, common.StatusMsg, common.SwitchMsg:
			if sink != nil {
				sink(msg)
			}
		default:
			var next tea.Cmd
			s, next = s.Update(msg)
			queue = append(queue, next)
		}
	}
	return s
}

type tickMsg struct{}

// runWithTimeout runs a command, treating one that blocks for long as
// producing nothing. Spinner ticks return within a tenth of a second and
// database commands within milliseconds; the bound is generous so that a
// loaded machine (the race detector, packages tested in parallel) never
// loses a real result.
func runWithTimeout(tb testing.TB, c tea.Cmd) tea.Msg {
	done := make(chan tea.Msg, 1)
	go func() { done <- c() }()
	select {
	case m := <-done:
		return m
	case <-time.After(5 * time.Second):
		return tickMsg{}
	}
}

// Key is a key press as Bubble Tea delivers it: "a", "enter", "ctrl+s", "1".
func Key(s string) tea.KeyMsg {
	switch s {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "ctrl+s":
		return tea.KeyMsg{Type: tea.KeyCtrlS}
	case "ctrl+g":
		return tea.KeyMsg{Type: tea.KeyCtrlG}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "ctrl+r":
		return tea.KeyMsg{Type: tea.KeyCtrlR}
	case " ":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	if strings.HasPrefix(s, "alt+") {
		return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s[4:]), Alt: true}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// Type sends each key to the screen, running the commands each one starts.
func Type(tb testing.TB, s common.Screen, sink func(tea.Msg), keys ...string) common.Screen {
	tb.Helper()
	for _, k := range keys {
		var cmd tea.Cmd
		s, cmd = s.Update(Key(k))
		s = Run(tb, s, cmd, sink)
	}
	return s
}

// Text sends each rune of text as a key press.
func Text(tb testing.TB, s common.Screen, text string) common.Screen {
	tb.Helper()
	for _, r := range text {
		var cmd tea.Cmd
		s, cmd = s.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		s = Run(tb, s, cmd, nil)
	}
	return s
}

// Golden compares a view, ANSI codes stripped and trailing spaces trimmed,
// with testdata/name.golden; -update rewrites the file.
func Golden(tb testing.TB, name, view string) {
	tb.Helper()
	got := Plain(view)
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run the test with -update to create it)", err)
	}
	if got != string(want) {
		tb.Errorf("view %s differs from %s (run with -update to accept)\n--- got:\n%s\n--- want:\n%s", name, path, got, want)
	}
}

// Plain strips ANSI codes and trailing spaces from a view.
func Plain(view string) string {
	lines := strings.Split(ansi.Strip(view), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}
