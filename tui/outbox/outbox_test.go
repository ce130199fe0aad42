package outbox_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/outbox"
	"github.com/texting-centre/texting/tui/tuitest"
)

func TestResendAndMarkFailed(t *testing.T) {
	c, be := tuitest.Setup(t)
	f := tuitest.Seed(t, c.DB)
	m := outbox.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	v := tuitest.Plain(m.View())
	for _, want := range []string{"queued", "failed", "unknown", "+CMS ERROR: 28"} {
		if !strings.Contains(v, want) {
			t.Fatalf("outbox lacks %q:\n%s", want, v)
		}
	}
	var root []tea.Msg
	sink := func(msg tea.Msg) { root = append(root, msg) }
	// r on a queued text does nothing but say why.
	tuitest.Type(t, m, sink, "r")
	if len(be.CallList()) != 0 || !strings.Contains(fmt.Sprint(root), "queued ones go by themselves") {
		t.Fatalf("calls %q, root %v", be.CallList(), root)
	}
	// The failed text (second row) is resent, after a y/n like x's.
	tuitest.Type(t, m, sink, "down", "r")
	if !m.Captures(tuitest.Key("q")) || !strings.Contains(tuitest.Plain(m.View()), "Resend the text to +447700900199? It goes with the next send or run. y/n") ||
		len(be.CallList()) != 0 {
		t.Fatalf("r did not ask first (calls %q):\n%s", be.CallList(), tuitest.Plain(m.View()))
	}
	tuitest.Type(t, m, sink, "y")
	// x on the unknown-outcome text asks first; n keeps it, y marks it failed.
	tuitest.Type(t, m, sink, "down", "x")
	if !m.Captures(tuitest.Key("q")) || !strings.Contains(tuitest.Plain(m.View()), "Mark the text to +447700900106 failed?") {
		t.Fatalf("no confirmation:\n%s", tuitest.Plain(m.View()))
	}
	tuitest.Type(t, m, sink, "n", "x", "y")
	want := []string{fmt.Sprintf("Resend %d", f.Failed), fmt.Sprintf("MarkFailed %d", f.Lost)}
	if got := be.CallList(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("calls = %q, want %q", got, want)
	}
}

func TestFilterOutbox(t *testing.T) {
	c, _ := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	m := outbox.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	tuitest.Type(t, m, nil, "/")
	tuitest.Text(t, m, "winter")
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "Winter sale") || strings.Contains(v, "See you Friday") {
		t.Fatalf("filter not applied:\n%s", v)
	}
}

// TestDryRunResult: the dry run shows per group the recipients, what goes
// and who is skipped, in lines that fit, with the right plurals; a group
// left out says why and not "nobody skipped"; per SIM the parts against
// what it has left today, and what does not fit; any key goes back to the
// list.
func TestDryRunResult(t *testing.T) {
	c, be := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	be.Campaign = common.CampaignResult{DryRun: true, Groups: []common.CampaignGroup{
		{Group: "Group A", Recipients: 5, ToSend: 1, Parts: 1, Skipped: map[string]int{"opted_out": 3, "duplicate": 1, "invalid": 0}},
		{Group: "Group B", Recipients: 3, ToSend: 1, Parts: 2, Skipped: map[string]int{"opted_out": 0, "no_capacity": 2}},
		{Group: "Group C", Recipients: 4, Skipped: map[string]int{}, Error: `no template named "Group C": group skipped`},
		{Group: "Group D", Recipients: 1, ToSend: 1, Parts: 1, Skipped: map[string]int{}},
	}, SIMs: []common.CampaignSIM{
		{SIM: "Vodafone 1", Parts: 3, LeftToday: 0, Limit: 200},
		{SIM: "O2 12", Parts: 1, LeftToday: 49, Limit: 50},
	}}
	m := outbox.New(c)
	m.SetSize(72, 20)
	tuitest.Run(t, m, m.Init(), nil)
	var root []tea.Msg
	tuitest.Type(t, m, func(msg tea.Msg) { root = append(root, msg) }, "c")
	v := tuitest.Plain(m.View())
	for _, want := range []string{
		"Dry run of the campaign: nothing was sent",
		"Group A  5 recipients · 1 to send (1 part)",
		"4 skipped: 1 duplicate, 3 opted out",
		"Group B  3 recipients · 1 to send (2 parts)",
		"2 skipped: 2 no room today",
		"Group C  4 recipients · not sent",
		`✗ no template named "Group C": group skipped`,
		"Group D  1 recipient · 1 to send (1 part)",
		"Parts per SIM, against what each has left today",
		"Vodafone 1  3 parts of 3 left today (limit 200) · 0 left after",
		"O2 12       1 part of 50 left today (limit 50) · 49 left after",
		"Does not fit today: 2 recipients no SIM has room for (not sent)",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("result lacks %q:\n%s", want, v)
		}
	}
	if strings.Count(v, "nobody skipped") != 1 {
		t.Errorf("want \"nobody skipped\" under Group D only:\n%s", v)
	}
	if i, j := strings.Index(v, "Group C"), strings.Index(v, "Group D"); strings.Contains(v[i:j], "skipped:") || strings.Contains(v[i:j], "nobody") {
		t.Errorf("the group left out also says who is skipped:\n%s", v[i:j])
	}
	for _, line := range strings.Split(v, "\n") {
		if n := len([]rune(line)); n > 72 {
			t.Errorf("line %d wide: %q", n, line)
		}
	}
	tuitest.Golden(t, "dry_run", m.View())
	tuitest.Type(t, m, nil, "esc")
	if v := tuitest.Plain(m.View()); strings.Contains(v, "Dry run") || !strings.Contains(v, "queued") {
		t.Fatalf("esc did not go back to the list:\n%s", v)
	}
}

// TestResendCannotHelp: r on a text the network refused for its number says
// that resending cannot help before asking.
func TestResendCannotHelp(t *testing.T) {
	c, be := tuitest.Setup(t)
	f := tuitest.Seed(t, c.DB)
	if _, _, err := c.DB.InsertMessage(context.Background(), store.Message{Direction: store.Out, SIMID: f.SIMs[0].ID,
		Number: "+447700900777", Text: "Hello", At: tuitest.Now.Add(-time.Minute), Kind: store.KindManual, State: store.StateFailed,
		Error: "+CMS ERROR: 1 unassigned (unallocated) number"}); err != nil {
		t.Fatal(err)
	}
	m := outbox.New(c)
	m.SetSize(120, 26)
	tuitest.Run(t, m, m.Init(), nil)
	tuitest.Type(t, m, nil, "r") // the newest: the refused one
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "Resend to +447700900777 anyway? y/n · resending cannot help: the number was refused (+CMS ERROR: 1 unassigned") {
		t.Fatalf("no warning:\n%s", v)
	}
	tuitest.Type(t, m, nil, "n")
	if got := be.CallList(); len(got) != 0 {
		t.Fatalf("calls %q after n", got)
	}
}

// archiving is the fake backend with ArchiveFailed, over the store.
type archiving struct{ *tuitest.Backend }

func (a archiving) ArchiveFailed(ctx context.Context, olderThan time.Duration) (int, error) {
	return a.DB.ArchiveFailed(ctx, a.DB.Now().Add(-olderThan))
}

// TestArchiveOldFailed: a, then y, hides the failed texts older than a week
// from the outbox; they stay in the database, flagged.
func TestArchiveOldFailed(t *testing.T) {
	c, be := tuitest.Setup(t)
	c.Backend = archiving{be}
	f := tuitest.Seed(t, c.DB)
	ctx := context.Background()
	old, _, err := c.DB.InsertMessage(ctx, store.Message{Direction: store.Out, SIMID: f.SIMs[0].ID, Number: "+447700900888",
		Text: "Spring offer", At: tuitest.Now.AddDate(0, 0, -10), Kind: store.KindCampaign, State: store.StateFailed, Error: "+CMS ERROR: 1"})
	if err != nil {
		t.Fatal(err)
	}
	m := outbox.New(c)
	m.SetSize(120, 26)
	tuitest.Run(t, m, m.Init(), nil)
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "Spring offer") {
		t.Fatalf("the old failed text is not listed:\n%s", v)
	}
	tuitest.Type(t, m, nil, "a")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "Archive the failed texts older than a week?") || !m.Captures(tuitest.Key("q")) {
		t.Fatalf("a did not ask:\n%s", v)
	}
	var root []tea.Msg
	tuitest.Type(t, m, func(msg tea.Msg) { root = append(root, msg) }, "y")
	v := tuitest.Plain(m.View())
	if strings.Contains(v, "Spring offer") || !strings.Contains(v, "Winter sale") || !strings.Contains(fmt.Sprint(root), "archived 1 failed text older than a week") {
		t.Fatalf("after archiving:\n%s\n%v", v, root)
	}
	msg, err := c.DB.Message(ctx, old)
	if err != nil || msg.State != store.StateFailed || !msg.HasFlag(store.FlagArchived) {
		t.Fatalf("the archived text: %+v %v", msg, err)
	}
}

// TestDetailOnEnter: enter shows the selected text and its reason whole,
// however narrow the columns; enter again closes it.
func TestDetailOnEnter(t *testing.T) {
	c, _ := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	m := outbox.New(c)
	m.SetSize(80, 26)
	tuitest.Run(t, m, m.Init(), nil)
	tuitest.Type(t, m, nil, "down") // the failed one: its reason is cut in the column
	if v := tuitest.Plain(m.View()); strings.Contains(v, "+CMS ERROR: 28 unidentified subscriber") {
		t.Fatalf("the reason is whole already; the test proves nothing:\n%s", v)
	}
	tuitest.Type(t, m, nil, "enter")
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "Reason +CMS ERROR: 28 unidentified subscriber") || !strings.Contains(v, "Text   Winter sale") {
		t.Fatalf("no detail:\n%s", v)
	}
	tuitest.Type(t, m, nil, "enter")
	if v := tuitest.Plain(m.View()); strings.Contains(v, "Reason +CMS") {
		t.Fatalf("enter did not close the detail:\n%s", v)
	}
}

// TestRunAfterDryRun: after the dry run, g asks whether to send it now,
// repeating what will go; n keeps the plan and sends nothing; y runs the
// campaign for real through the backend and shows its result.
func TestRunAfterDryRun(t *testing.T) {
	c, be := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	be.Campaign = common.CampaignResult{DryRun: true, Groups: []common.CampaignGroup{
		{Group: "Group A", Recipients: 5, ToSend: 2, Parts: 3, Skipped: map[string]int{"opted_out": 3}},
		{Group: "Group B", Recipients: 2, ToSend: 0, Skipped: map[string]int{"no_capacity": 2}},
	}, SIMs: []common.CampaignSIM{{SIM: "Vodafone 1", Parts: 3, LeftToday: 0, Limit: 200}}}
	be.Ran = &common.CampaignResult{Groups: []common.CampaignGroup{
		{Group: "Group A", Recipients: 5, ToSend: 2, Sent: 2, Skipped: map[string]int{"opted_out": 3}},
		{Group: "Group B", Recipients: 2, Skipped: map[string]int{"no_capacity": 2}},
	}, SIMs: []common.CampaignSIM{{SIM: "Vodafone 1", Parts: 3, Sent: 3, LeftToday: 0, Limit: 200}}}
	be.Progress = []common.RunProgress{{Phase: "planning"}, {Phase: "sending Group A", Total: 2}, {Phase: "sending Group A", Total: 2, Sent: 1}}
	m := outbox.New(c)
	m.SetSize(100, 24)
	tuitest.Run(t, m, m.Init(), nil)
	var root []tea.Msg
	sink := func(msg tea.Msg) { root = append(root, msg) }
	tuitest.Type(t, m, sink, "c")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "g sends it now (asks first)") {
		t.Fatalf("the dry run does not offer the real run:\n%s", v)
	}
	tuitest.Type(t, m, sink, "g")
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "Send it now? 2 texts (3 parts): Group A 2 · from Vodafone 1 3 parts · 2 do not fit today. y/n") ||
		!m.Captures(tuitest.Key("q")) {
		t.Fatalf("g did not ask, repeating what goes:\n%s", v)
	}
	tuitest.Type(t, m, sink, "n")
	if got := fmt.Sprint(be.CallList()); got != "[RunCampaign true]" {
		t.Fatalf("n ran something: %s", got)
	}
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "Dry run of the campaign") || strings.Contains(v, "Send it now?") {
		t.Fatalf("n did not keep the plan:\n%s", v)
	}
	tuitest.Type(t, m, sink, "g", "y")
	if got := fmt.Sprint(be.CallList()); got != "[RunCampaign true RunCampaign false]" {
		t.Fatalf("calls %s", got)
	}
	v = tuitest.Plain(m.View())
	for _, want := range []string{"Campaign run", "Group A  5 recipients · 2 sent", "Vodafone 1  3 parts sent of 3 parts planned · 0 left today (limit 200)"} {
		if !strings.Contains(v, want) {
			t.Errorf("the run's result lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "g sends it now") || !strings.Contains(fmt.Sprint(root), "campaign run done") {
		t.Fatalf("after the run:\n%s\n%v", v, root)
	}
	// A dry run with nothing to send offers nothing.
	be.Campaign = common.CampaignResult{DryRun: true, Groups: []common.CampaignGroup{{Group: "Group B", Recipients: 2, Skipped: map[string]int{"no_capacity": 2}}}}
	tuitest.Type(t, m, sink, "esc", "c", "g")
	if v := tuitest.Plain(m.View()); strings.Contains(v, "Send it now?") || !strings.Contains(fmt.Sprint(root), "the dry run has nothing to send") {
		t.Fatalf("a plan with nothing to send asked:\n%s", v)
	}
}

// TestFollowupsRunAfterDryRun: f dry-runs the follow-ups; g then y runs them
// for real through RunFollowups, not the campaign.
func TestFollowupsRunAfterDryRun(t *testing.T) {
	c, be := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	be.Followups = common.CampaignResult{Groups: []common.CampaignGroup{
		{Group: "Follow-ups", Recipients: 4, ToSend: 3, Parts: 3, Sent: 3, Skipped: map[string]int{"replied": 1}},
	}, SIMs: []common.CampaignSIM{{SIM: "O2 1", Parts: 3, LeftToday: 47, Limit: 50}}}
	m := outbox.New(c)
	m.SetSize(100, 24)
	tuitest.Run(t, m, m.Init(), nil)
	var root []tea.Msg
	sink := func(msg tea.Msg) { root = append(root, msg) }
	tuitest.Type(t, m, sink, "f")
	v := tuitest.Plain(m.View())
	for _, want := range []string{"Dry run of the follow-ups: nothing was sent", "Follow-ups  4 recipients · 3 to send (3 parts)", "1 skipped: 1 replied"} {
		if !strings.Contains(v, want) {
			t.Errorf("dry run lacks %q:\n%s", want, v)
		}
	}
	tuitest.Type(t, m, sink, "g")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "Send it now? 3 texts (3 parts): Follow-ups 3 · from O2 1 3 parts. y/n") {
		t.Fatalf("g did not ask:\n%s", v)
	}
	tuitest.Type(t, m, sink, "y")
	if got := fmt.Sprint(be.CallList()); got != "[RunFollowups true RunFollowups false]" {
		t.Fatalf("calls %s", got)
	}
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "Follow-up run") || !strings.Contains(v, "Follow-ups  4 recipients · 3 sent") ||
		!strings.Contains(fmt.Sprint(root), "follow-up run done") {
		t.Fatalf("after the run:\n%s\n%v", v, root)
	}
}
