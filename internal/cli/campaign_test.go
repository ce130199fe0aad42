package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/store"
)

// campaignSource is an httptest data source that counts its GETs and
// records POST-backs.
type campaignSource struct {
	*httptest.Server
	mu     sync.Mutex
	doc    string
	gets   int
	posted map[string][]string
	stall  time.Duration // GETs wait this long before answering
	// failPosts answers the next POSTs 501 Not Implemented.
	failPosts int
}

func newCampaignSource(t *testing.T, doc string) *campaignSource {
	s := &campaignSource{doc: doc, posted: map[string][]string{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("key") != "k3y" {
			http.Error(w, "bad key", http.StatusForbidden)
			return
		}
		s.mu.Lock()
		stall := s.stall
		if r.Method == http.MethodGet {
			s.gets++
		}
		s.mu.Unlock()
		if r.Method == http.MethodGet {
			time.Sleep(stall)
			w.Write([]byte(s.doc))
			return
		}
		r.ParseForm()
		s.mu.Lock()
		if s.failPosts > 0 {
			s.failPosts--
			s.mu.Unlock()
			http.Error(w, "not now", http.StatusNotImplemented)
			return
		}
		s.posted[r.PostForm.Get("group")] = append(s.posted[r.PostForm.Get("group")], strings.Split(r.PostForm.Get("numbers"), ",")...)
		s.mu.Unlock()
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *campaignSource) setStall(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stall = d
}

func (s *campaignSource) getCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gets
}

// campaignFixture is a database with templates, settings and three
// emulated dongles, and a data source of n recipients.
type campaignFixture struct {
	dbPath string
	emus   []*modemtest.Modem
	src    *campaignSource
	ports  []string
	people []string // E.164 numbers of the recipients
}

func newCampaignFixture(t *testing.T, n int, sendDelay time.Duration) *campaignFixture {
	t.Helper()
	ctx := context.Background()
	fx := &campaignFixture{dbPath: filepath.Join(t.TempDir(), "texting.db")}
	db, err := store.Open(ctx, fx.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for k, v := range map[string]string{"quiet.hours": "off", "region": "GB"} {
		if err := db.SetSetting(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, tpl := range []store.Template{{Name: "Group A", Body: "Hi {name}, {greeting}"}, {Name: "Group B", Body: "Hello {name}"}} {
		if _, err := db.AddTemplate(ctx, tpl); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 3; i++ {
		emu, err := modemtest.New(modemtest.WithSIM(modemtest.SIM{IMSI: fmt.Sprintf("23410999000000%d", i), Operator: "O2 - UK", SMSC: "+447802000332"}),
			modemtest.WithIMEI(fmt.Sprintf("86753009999999%d", i)), modemtest.WithSendDelay(sendDelay))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { emu.Close() })
		fx.emus = append(fx.emus, emu)
		fx.ports = append(fx.ports, emu.Path())
	}
	groups := map[string][][]string{}
	for i := 0; i < n; i++ {
		g := "Group A"
		if i%2 == 1 {
			g = "Group B"
		}
		num := fmt.Sprintf("07700900%03d", i)
		groups[g] = append(groups[g], []string{num, fmt.Sprintf("Person%d", i)})
		fx.people = append(fx.people, "+44"+num[1:])
	}
	b, _ := json.Marshal(groups)
	fx.src = newCampaignSource(t, string(b))
	return fx
}

func (fx *campaignFixture) args(extra ...string) []string {
	a := []string{"--db", fx.dbPath, "campaign", "run", "--source", fx.src.URL + "/people"}
	for _, p := range fx.ports {
		a = append(a, "--port", p)
	}
	return append(a, extra...)
}

// texted counts the texts each number got across the three networks.
func (fx *campaignFixture) texted() map[string]int {
	out := map[string]int{}
	for _, e := range fx.emus {
		for _, s := range e.Sent() {
			out[s.Msg.To]++
		}
	}
	return out
}

// outboxNumbers runs `texting outbox --state STATE --json` and returns the numbers.
func outboxNumbers(t *testing.T, bin, dbPath, state string) []string {
	t.Helper()
	out, err := exec.Command(bin, "--db", dbPath, "outbox", "--state", state, "--json").Output()
	if err != nil {
		t.Fatalf("texting outbox: %v", err)
	}
	var list []struct {
		Number string `json:"number"`
		State  string `json:"state"`
		Error  string `json:"error"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatalf("outbox JSON: %v\n%s", err, out)
	}
	var nums []string
	for _, m := range list {
		if m.State != state {
			t.Fatalf("outbox --state %s listed a %s text", state, m.State)
		}
		nums = append(nums, m.Number)
	}
	return nums
}

// countStates counts the outgoing campaign texts by state.
func countStates(t *testing.T, dbPath string) map[string]int {
	t.Helper()
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, err := db.Messages(context.Background(), store.MessageFilter{Direction: store.Out, Kind: store.KindCampaign})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, m := range ms {
		out[m.State]++
	}
	return out
}

// went counts the texts that went out: sent, and delivered once the dongle's
// holder applied their delivery reports.
func went(states map[string]int) int { return states[store.StateSent] + states[store.StateDelivered] }

// TestCampaignSurvivesSIGKILL starts the built binary on a campaign, kills
// it (SIGKILL) at several points mid-run, and runs it again: every recipient
// is texted at most once, and every recipient not texted is texted by the
// next run or listed by `texting outbox --state unknown`.
func TestCampaignSurvivesSIGKILL(t *testing.T) {
	t.Parallel() // its own database, ports and processes
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	bin := textingBinary(t)
	env := append(os.Environ(), "TEXTING_API_KEY=k3y")
	scenarios := []struct {
		name string
		// kills lists, per killed run, when to kill it.
		kills []func(fx *campaignFixture) bool
	}{
		{"while fetching the data source", []func(*campaignFixture) bool{
			func(fx *campaignFixture) bool { return fx.src.getCount() > 0 },
		}},
		{"once texts are queued", []func(*campaignFixture) bool{
			func(fx *campaignFixture) bool { return countStates(t, fx.dbPath)[store.StateQueued] > 0 },
		}},
		{"mid-send", []func(*campaignFixture) bool{
			func(fx *campaignFixture) bool {
				c := countStates(t, fx.dbPath)
				return went(c) >= 3 && c[store.StateSending] > 0
			},
		}},
		{"mid-send, twice", []func(*campaignFixture) bool{
			func(fx *campaignFixture) bool {
				c := countStates(t, fx.dbPath)
				return went(c) >= 2 && c[store.StateSending] > 0
			},
			func(fx *campaignFixture) bool {
				c := countStates(t, fx.dbPath)
				return went(c) >= 10 && c[store.StateSending] > 0
			},
		}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			fx := newCampaignFixture(t, 30, 150*time.Millisecond)
			fx.src.setStall(300 * time.Millisecond)
			for i, when := range sc.kills {
				cmd := exec.Command(bin, fx.args()...)
				cmd.Env = env
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				deadline := time.Now().Add(30 * time.Second)
				for !when(fx) {
					if time.Now().After(deadline) {
						cmd.Process.Kill()
						cmd.Wait()
						t.Fatalf("run %d: kill point never reached; stderr: %s", i+1, stderr.String())
					}
					time.Sleep(2 * time.Millisecond)
				}
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				cmd.Wait()
			}
			fx.src.setStall(0)
			cmd := exec.Command(bin, fx.args("--json")...)
			cmd.Env = env
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("run after the kill: %v\n%s", err, stderr.String())
			}
			texted := fx.texted()
			unknown := outboxNumbers(t, bin, fx.dbPath, store.StateUnknown)
			isUnknown := map[string]bool{}
			for _, n := range unknown {
				isUnknown[n] = true
			}
			for _, n := range fx.people {
				switch {
				case texted[n] > 1:
					t.Errorf("%s texted %d times", n, texted[n])
				case texted[n] == 0 && !isUnknown[n]:
					t.Errorf("%s was never texted and is not listed as unknown", n)
				}
			}
			c := countStates(t, fx.dbPath)
			if c[store.StateSending] != 0 || c[store.StateQueued] != 0 {
				t.Errorf("left behind: %v", c)
			}
			if went(c)+c[store.StateUnknown] != len(fx.people) {
				t.Errorf("states %v for %d people", c, len(fx.people))
			}
			t.Logf("texted %d, unknown %d (%v)", len(texted), len(unknown), c)
		})
	}
}
