package cli

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
)

// command is the built binary's campaign run against the fixture.
func (fx *campaignFixture) command(t *testing.T, extra ...string) *exec.Cmd {
	cmd := exec.Command(textingBinary(t), fx.args(extra...)...)
	cmd.Env = append(os.Environ(), "TEXTING_API_KEY=k3y")
	return cmd
}

// quietAroundNow is a quiet.hours value whose window holds the present
// minute, ending an hour from now.
func quietAroundNow() (setting, ends string) {
	now := time.Now()
	start, end := now.Add(-time.Hour), now.Add(time.Hour)
	return start.Format("15:04") + "-" + end.Format("15:04"), end.Format("15:04")
}

func TestCampaignDryRunInQuietHoursSaysWhenTextsGo(t *testing.T) {
	t.Parallel()
	fx := newCampaignFixture(t, 4, 0)
	quiet, ends := quietAroundNow()
	if r := runCLI(t, fx.dbPath, nil, "config", "set", "quiet.hours", quiet); r.code != 0 {
		t.Fatalf("config set: %s", r.err)
	}
	out, err := fx.command(t, "--dry-run").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		"Dry run (nothing sent): 4 texts",
		"Quiet hours (" + quiet + "): a real run now would queue these texts; they go with the first run after " + ends,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}

	// Outside quiet hours the dry run says nothing about them.
	runCLI(t, fx.dbPath, nil, "config", "set", "quiet.hours", "off")
	out, err = fx.command(t, "--dry-run").CombinedOutput()
	if err != nil || strings.Contains(string(out), "Quiet hours") {
		t.Fatalf("quiet hours off: %v\n%s", err, out)
	}
}

func TestCampaignRunEmptySourceSaysNothingToSend(t *testing.T) {
	t.Parallel()
	fx := newCampaignFixture(t, 0, 0)
	fx.src.mu.Lock()
	fx.src.doc = "{}"
	fx.src.mu.Unlock()
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"dry run", []string{"--dry-run"}, "Dry run (nothing sent): nothing to send: the data source has no groups\n"},
		{"real run", nil, ": nothing to send: the data source has no groups\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := fx.command(t, tt.args...).Output()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if !strings.HasSuffix(string(out), tt.want) || strings.Contains(string(out), "GROUP") {
				t.Fatalf("output %q, want it to end %q and hold no table", out, tt.want)
			}
		})
	}
	db, err := store.Open(context.Background(), fx.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := db.CountMessages(context.Background(), store.MessageFilter{}); err != nil || n != 0 {
		t.Fatalf("messages after an empty source: %d %v", n, err)
	}
}
