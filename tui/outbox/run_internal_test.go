package outbox

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/tuitest"
)

// TestRunProgressUpdate: while a real run goes, each report replaces the
// screen's progress and listens for the next; keys do nothing; the run's
// result ends it.
func TestRunProgressUpdate(t *testing.T) {
	c, _ := tuitest.Setup(t)
	m := New(c)
	m.SetSize(90, 20)
	m.running = &common.RunProgress{Phase: "starting"}
	ch := make(chan tea.Msg, 1)
	steps := []struct {
		p    common.RunProgress
		want string
	}{
		{common.RunProgress{Phase: "fetching"}, "fetching"},
		{common.RunProgress{Phase: "sending Group A", Total: 4, Sent: 1}, "1 of 4 texts done · 1 sent · 0 failed or unknown"},
		{common.RunProgress{Phase: "sending Group B", Total: 4, Sent: 2, Failed: 1}, "3 of 4 texts done · 2 sent · 1 failed or unknown"},
	}
	for _, s := range steps {
		_, cmd := m.Update(progressMsg{s.p, ch})
		if cmd == nil {
			t.Fatal("no listen for the next report")
		}
		ch <- progressMsg{s.p, ch}
		if _, ok := cmd().(progressMsg); !ok {
			t.Fatal("the command does not wait on the run's channel")
		}
		v := tuitest.Plain(m.View())
		if !strings.Contains(v, "Campaign run: sending") || !strings.Contains(v, s.p.Phase) || !strings.Contains(v, s.want) {
			t.Fatalf("after %+v:\n%s", s.p, v)
		}
	}
	if _, cmd := m.Update(tuitest.Key("x")); cmd != nil || m.running == nil {
		t.Fatal("a key did something during the run")
	}
	m.Update(campaignMsg{res: common.CampaignResult{Groups: []common.CampaignGroup{{Group: "Group A", Recipients: 4, Sent: 2}}}, real: true})
	if v := tuitest.Plain(m.View()); m.running != nil || !strings.Contains(v, "Group A  4 recipients · 2 sent") {
		t.Fatalf("the result did not end the run:\n%s", v)
	}
}
