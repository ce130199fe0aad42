package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/store"
)

// argv → options: each administration command reads exactly the flags
// given into its options (a flag not given stays nil, so the desk leaves
// that field alone), without opening anything. The run function is
// replaced by one that records the options.

// parse runs cmd on args with runF capturing, and returns the error.
func parse(t *testing.T, cmd *cobra.Command, args []string) error {
	t.Helper()
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	return cmd.ExecuteContext(context.Background())
}

// asJSON shows an update with its pointers followed, for comparing.
func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSIMFlagsToOptions(t *testing.T) {
	f := NewFactory()
	tests := []struct {
		name    string
		set     bool // sim set (else sim add)
		args    []string
		sim     string
		want    store.SIMUpdate
		wantErr string
	}{
		{"add: network only", false, []string{"--network", "O2"}, "", store.SIMUpdate{Network: ptr("O2")}, ""},
		{"add: everything", false, []string{"--network", "SMSBCAST", "--url", "https://x.example/a", "--user", "me",
			"--password", "pw", "--sender", "Acme", "--limit", "0", "--ref", "2", "--note", "spare", "--inactive"}, "",
			store.SIMUpdate{Network: ptr("SMSBCAST"), URL: ptr("https://x.example/a"), User: ptr("me"), Password: ptr("pw"),
				Sender: ptr("Acme"), Limit: ptr(0), Ref: ptr(2), Notes: ptr("spare"), Active: ptr(false)}, ""},
		{"set: limit only", true, []string{"O2 3", "--limit", "200"}, "O2 3", store.SIMUpdate{Limit: ptr(200)}, ""},
		{"set: emptied phone", true, []string{"4", "--phone", ""}, "4", store.SIMUpdate{Phone: ptr("")}, ""},
		{"set: active", true, []string{"O2 3", "--active"}, "O2 3", store.SIMUpdate{Active: ptr(true)}, ""},
		{"set: unpark", true, []string{"SMSBCAST", "--unpark"}, "SMSBCAST", store.SIMUpdate{Unpark: true}, ""},
		{"set: imsi as typed", true, []string{"O2 3", "--imsi", "abc"}, "O2 3", store.SIMUpdate{IMSI: ptr("abc")}, ""},
		{"set: both active and inactive", true, []string{"O2 3", "--active", "--inactive"}, "", store.SIMUpdate{}, "--active and --inactive together"},
		{"set: no SIM", true, []string{"--limit", "3"}, "", store.SIMUpdate{}, "accepts 1 arg"},
		{"add: a limit that is no number", false, []string{"--network", "O2", "--limit", "lots"}, "", store.SIMUpdate{}, "invalid argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got store.SIMUpdate
			var sim string
			called := false
			var cmd *cobra.Command
			if tt.set {
				cmd = newCmdSIMSet(f, func(_ context.Context, o *simSetOptions) error {
					called, got, sim = true, o.Update, o.SIM
					return nil
				})
			} else {
				cmd = newCmdSIMAdd(f, func(_ context.Context, o *simAddOptions) error {
					called, got = true, o.Update
					return nil
				})
			}
			err := parse(t, cmd, tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || called {
					t.Fatalf("err = %v (ran: %v), want %q", err, called, tt.wantErr)
				}
				return
			}
			if err != nil || !called {
				t.Fatalf("err = %v, ran = %v", err, called)
			}
			if asJSON(t, got) != asJSON(t, tt.want) || sim != tt.sim {
				t.Fatalf("options = %s (SIM %q)\nwant      %s (SIM %q)", asJSON(t, got), sim, asJSON(t, tt.want), tt.sim)
			}
		})
	}
}

func TestNetworkCategoryTemplateFlagsToOptions(t *testing.T) {
	f := NewFactory()
	type result struct {
		Name   string
		Update any
	}
	tests := []struct {
		name string
		cmd  func(got *result) *cobra.Command
		args []string
		want result
	}{
		{"network add", func(g *result) *cobra.Command {
			return newCmdNetworkAdd(f, func(_ context.Context, o *networkAddOptions) error { g.Update = o.Update; return nil })
		}, []string{"Vodafone", "--note", "CS 191"}, result{"", store.NetworkUpdate{Name: ptr("Vodafone"), Notes: ptr("CS 191")}}},
		{"network set", func(g *result) *cobra.Command {
			return newCmdNetworkSet(f, func(_ context.Context, o *networkSetOptions) error { *g = result{o.Network, o.Update}; return nil })
		}, []string{"O2", "--gateway=false", "--name", "O2 UK"}, result{"O2", store.NetworkUpdate{Name: ptr("O2 UK"), Gateway: ptr(false)}}},
		{"category add", func(g *result) *cobra.Command {
			return newCmdCategoryAdd(f, func(_ context.Context, o *categoryAddOptions) error { g.Update = o.Update; return nil })
		}, []string{"Call back", "--followup", "alt"}, result{"", store.CategoryUpdate{Name: ptr("Call back"), Followup: ptr("alt")}}},
		{"category set", func(g *result) *cobra.Command {
			return newCmdCategorySet(f, func(_ context.Context, o *categorySetOptions) error { *g = result{o.Category, o.Update}; return nil })
		}, []string{"Misc", "--autoreply", "", "--opt-out"}, result{"Misc", store.CategoryUpdate{OptOut: ptr(true), AutoReply: ptr("")}}},
		{"category merge", func(g *result) *cobra.Command {
			return newCmdCategoryMerge(f, func(_ context.Context, o *categoryMergeOptions) error {
				*g = result{o.From, o.Into}
				return nil
			})
		}, []string{"Call back", "Misc"}, result{"Call back", "Misc"}},
		{"template add", func(g *result) *cobra.Command {
			return newCmdTemplateAdd(f, func(_ context.Context, o *templateAddOptions) error { g.Update = o.Update; return nil })
		}, []string{"Group A", "--body", "Hi {name}"}, result{"", store.TemplateUpdate{Name: ptr("Group A"), Body: ptr("Hi {name}")}}},
		{"template set", func(g *result) *cobra.Command {
			return newCmdTemplateSet(f, func(_ context.Context, o *templateSetOptions) error { *g = result{o.Template, o.Update}; return nil })
		}, []string{"Group A", "--alt-followup", ""}, result{"Group A", store.TemplateUpdate{AltFollowup: ptr("")}}},
		{"optout add", func(g *result) *cobra.Command {
			return newCmdOptOutAdd(f, func(_ context.Context, o *optOutChangeOptions) error { *g = result{o.Number, o.Note}; return nil })
		}, []string{"07700 900123", "--note", "by phone"}, result{"07700 900123", "by phone"}},
		{"optout rm", func(g *result) *cobra.Command {
			return newCmdOptOutRm(f, func(_ context.Context, o *optOutChangeOptions) error { *g = result{o.Number, o.Note}; return nil })
		}, []string{"+447700900123"}, result{"+447700900123", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got result
			if err := parse(t, tt.cmd(&got), tt.args); err != nil {
				t.Fatal(err)
			}
			if asJSON(t, got) != asJSON(t, tt.want) {
				t.Fatalf("options = %s\nwant      %s", asJSON(t, got), asJSON(t, tt.want))
			}
		})
	}
}
