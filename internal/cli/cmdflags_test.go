package cli

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// argv → options for the commands outside administration: each reads its
// flags and arguments into its options and nothing else (no database, no
// port is opened), and refuses bad input before running. The run function
// is replaced by one that records the options with their dependencies
// cleared, so a case states only what the command line says.

// flagCase is one command line and the options it must give.
type flagCase struct {
	name string
	// cmd builds the command with a runF that stores into got the options
	// without their dependencies.
	cmd     func(got *any) *cobra.Command
	args    []string
	want    any
	wantErr string
}

// runFlagCases parses each case's command line and compares the options.
func runFlagCases(t *testing.T, tests []flagCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got any
			err := parse(t, tt.cmd(&got), tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || got != nil {
					t.Fatalf("err = %v (ran with %+v), want %q", err, got, tt.wantErr)
				}
				return
			}
			if err != nil || got == nil {
				t.Fatalf("err = %v, ran = %v", err, got != nil)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("options = %s\nwant      %s", show(got), show(tt.want))
			}
		})
	}
}

// show prints options with their field names.
func show(v any) string { return fmt.Sprintf("%+v", v) }

func TestSendingCommandsFlagsToOptions(t *testing.T) {
	f := NewFactory()
	campaignRun := func(g *any) *cobra.Command {
		return newCmdCampaignRun(f, func(_ context.Context, o *campaignRunOptions) error {
			c := *o
			c.sendDeps = sendDeps{}
			*g = c
			return nil
		})
	}
	followupRun := func(g *any) *cobra.Command {
		return newCmdFollowupRun(f, func(_ context.Context, o *followupRunOptions) error {
			c := *o
			c.sendDeps = sendDeps{}
			*g = c
			return nil
		})
	}
	send := func(g *any) *cobra.Command {
		return newCmdSend(f, func(_ context.Context, o *sendOptions) error {
			c := *o
			c.adminDeps = adminDeps{}
			*g = c
			return nil
		})
	}
	readIn := func(g *any) *cobra.Command {
		return newCmdReadIn(f, func(_ context.Context, o *readInOptions) error {
			if o.SendWaiting == nil || o.Desk == nil {
				return fmt.Errorf("read-in without its dependencies: %+v", o)
			}
			c := *o
			c.adminDeps, c.SendWaiting = adminDeps{}, nil
			*g = c
			return nil
		})
	}
	runFlagCases(t, []flagCase{
		{name: "campaign run: nothing given", cmd: campaignRun, want: campaignRunOptions{}},
		{name: "campaign run: everything", cmd: campaignRun,
			args: []string{"--dry-run", "--source", "http://127.0.0.1:9/data.json", "--port", "/dev/ttyUSB0", "--port", "/dev/ttyUSB2", "--json"},
			want: campaignRunOptions{DryRun: true, Source: "http://127.0.0.1:9/data.json", Ports: []string{"/dev/ttyUSB0", "/dev/ttyUSB2"}, JSON: true}},
		{name: "campaign run: a port with a comma stays one port", cmd: campaignRun, args: []string{"--port", "a,b"},
			want: campaignRunOptions{Ports: []string{"a,b"}}},
		{name: "campaign run: an argument", cmd: campaignRun, args: []string{"now"}, wantErr: "unknown command"},
		{name: "followup run: dry, one port, JSON", cmd: followupRun, args: []string{"--dry-run", "--port", "/dev/ttyUSB0", "--json"},
			want: followupRunOptions{DryRun: true, Ports: []string{"/dev/ttyUSB0"}, JSON: true}},
		{name: "followup run: no --source", cmd: followupRun, args: []string{"--source", "x"}, wantErr: "unknown flag: --source"},
		{name: "send: numbers comma-separated and repeated", cmd: send,
			args: []string{"--to", "07700900123,+447700900124", "--to", "07700 900125", "--text", "Hi {greeting}", "--sim", "O2 3"},
			want: sendOptions{To: []string{"07700900123", "+447700900124", "07700 900125"}, Text: "Hi {greeting}", SIM: "O2 3"}},
		{name: "send: forced with a note, from a port, JSON", cmd: send,
			args: []string{"--to", "07700900123", "--text", "x", "--force", "--note", "asked us to", "--port", "/dev/ttyUSB1", "--json"},
			want: sendOptions{To: []string{"07700900123"}, Text: "x", Force: true, Note: "asked us to", Ports: []string{"/dev/ttyUSB1"}, JSON: true}},
		{name: "send: an empty text is a text", cmd: send, args: []string{"--to", "1", "--text", ""},
			want: sendOptions{To: []string{"1"}, Text: ""}},
		{name: "send: no --text", cmd: send, args: []string{"--to", "07700900123"}, wantErr: `required flag(s) "text" not set`},
		{name: "send: no --to", cmd: send, args: []string{"--text", "x"}, wantErr: `required flag(s) "to" not set`},
		{name: "read-in: ports", cmd: readIn, args: []string{"--port", "/dev/ttyUSB0", "--port", "/dev/ttyUSB3"},
			want: readInOptions{Ports: []string{"/dev/ttyUSB0", "/dev/ttyUSB3"}}},
		{name: "read-in: JSON", cmd: readIn, args: []string{"--json"}, want: readInOptions{JSON: true}},
		{name: "read-in: an argument", cmd: readIn, args: []string{"/dev/ttyUSB0"}, wantErr: "unknown command"},
	})
}

func TestToolCommandsFlagsToOptions(t *testing.T) {
	f := NewFactory()
	modemList := func(g *any) *cobra.Command {
		return newCmdModemList(f, func(_ context.Context, o *modemPortsOptions) error {
			c := *o
			c.Out = nil
			*g = c
			return nil
		})
	}
	modemStatus := func(g *any) *cobra.Command {
		return newCmdModemStatus(f, func(_ context.Context, o *modemPortsOptions) error {
			c := *o
			c.Out = nil
			*g = c
			return nil
		})
	}
	simulate := func(g *any) *cobra.Command {
		return newCmdModemSimulate(f, func(_ context.Context, o *modemSimulateOptions) error {
			c := *o
			c.Out, c.Err, c.Logger = nil, nil, nil
			*g = c
			return nil
		})
	}
	greet := func(g *any) *cobra.Command {
		return newCmdGreeting(f, func(_ context.Context, o *greetingOptions) error {
			if o.Now == nil || o.Greeter == nil {
				return fmt.Errorf("greeting without its clock or greeter: %+v", o)
			}
			c := *o
			c.Out, c.Now, c.Greeter = nil, nil, nil
			*g = c
			return nil
		})
	}
	decode := func(g *any) *cobra.Command {
		return newCmdPDUDecode(f, func(_ context.Context, o *pduDecodeOptions) error {
			c := *o
			c.In, c.Out = nil, nil
			*g = c
			return nil
		})
	}
	encode := func(g *any) *cobra.Command {
		return newCmdPDUEncode(f, func(_ context.Context, o *pduEncodeOptions) error {
			c := *o
			c.Out = nil
			*g = c
			return nil
		})
	}
	runFlagCases(t, []flagCase{
		{name: "modem list: discovery (ports resolved only when it runs)", cmd: modemList, want: modemPortsOptions{}},
		{name: "modem list: ports, JSON", cmd: modemList, args: []string{"--port", "/dev/ttyUSB0", "--port", "/dev/ttyUSB2", "--json"},
			want: modemPortsOptions{Ports: []string{"/dev/ttyUSB0", "/dev/ttyUSB2"}, JSON: true}},
		{name: "modem status: one port", cmd: modemStatus, args: []string{"--port", "/dev/pts/4"},
			want: modemPortsOptions{Ports: []string{"/dev/pts/4"}}},
		{name: "modem status: an argument", cmd: modemStatus, args: []string{"/dev/pts/4"}, wantErr: "unknown command"},
		{name: "modem simulate: defaults", cmd: simulate, want: modemSimulateOptions{SendDelay: 1500 * time.Millisecond}},
		{name: "modem simulate: everything", cmd: simulate,
			args: []string{"--inbox", "inbox.txt", "--imsi", "234101234567890", "--imei", "867530000000001", "--operator", "EE", "--send-delay", "0s"},
			want: modemSimulateOptions{Inbox: "inbox.txt", IMSI: "234101234567890", IMEI: "867530000000001", Operator: "EE"}},
		{name: "modem simulate: a delay that is no duration", cmd: simulate, args: []string{"--send-delay", "soon"}, wantErr: "invalid argument"},
		{name: "greeting: now", cmd: greet, want: greetingOptions{}},
		{name: "greeting: at, country, year", cmd: greet, args: []string{"--at", "2026-12-24T09:00:00+01:00", "--country", "FR", "--year", "2027"},
			want: greetingOptions{At: "2026-12-24T09:00:00+01:00", Country: "FR", Year: 2027}},
		{name: "greeting: a year that is no number", cmd: greet, args: []string{"--year", "next"}, wantErr: "invalid argument"},
		{name: "pdu decode: hex", cmd: decode, args: []string{"07911326040000F0"}, want: pduDecodeOptions{Hex: "07911326040000F0"}},
		{name: "pdu decode: stdin, JSON", cmd: decode, args: []string{"-", "--json"}, want: pduDecodeOptions{Hex: "-", JSON: true}},
		{name: "pdu decode: no PDU", cmd: decode, wantErr: "accepts 1 arg"},
		{name: "pdu encode: everything", cmd: encode,
			args: []string{"--to", "+447700900123", "--text", "hi", "--json", "--status-report", "--validity", "2d", "--ref", "7"},
			want: pduEncodeOptions{To: "+447700900123", Text: "hi", JSON: true, StatusReport: true, Validity: "2d", Ref: 7}},
		{name: "pdu encode: no --to", cmd: encode, args: []string{"--text", "hi"}, wantErr: `required flag(s) "to" not set`},
	})
}

func TestListingCommandsFlagsToOptions(t *testing.T) {
	f := NewFactory()
	// stripRead clears what a reading command's options get from the factory.
	stripRead := func(d *readDeps) {
		*d = readDeps{}
	}
	outbox := func(g *any) *cobra.Command {
		return newCmdOutbox(f, func(_ context.Context, o *outboxOptions) error {
			c := *o
			stripRead(&c.readDeps)
			*g = c
			return nil
		})
	}
	change := func(build func(*Factory, func(context.Context, *outboxChangeOptions) error) *cobra.Command) func(*any) *cobra.Command {
		return func(g *any) *cobra.Command {
			return build(f, func(_ context.Context, o *outboxChangeOptions) error {
				c := *o
				c.adminDeps = adminDeps{}
				*g = c
				return nil
			})
		}
	}
	stats := func(g *any) *cobra.Command {
		return newCmdStats(f, func(_ context.Context, o *statsOptions) error {
			c := *o
			stripRead(&c.readDeps)
			c.Loc = nil
			*g = c
			return nil
		})
	}
	messages := func(g *any) *cobra.Command {
		return newCmdMessages(f, func(_ context.Context, o *messagesOptions) error {
			c := *o
			stripRead(&c.readDeps)
			*g = c
			return nil
		})
	}
	eval := func(g *any) *cobra.Command {
		return newCmdClassifyEval(f, func(_ context.Context, o *classifyEvalOptions) error {
			c := *o
			c.adminDeps = adminDeps{}
			*g = c
			return nil
		})
	}
	balance := func(g *any) *cobra.Command {
		return newCmdGatewayBalance(f, func(_ context.Context, o *gatewayBalanceOptions) error {
			c := *o
			stripRead(&c.readDeps)
			*g = c
			return nil
		})
	}
	runFlagCases(t, []flagCase{
		{name: "outbox: all", cmd: outbox, want: outboxOptions{}},
		{name: "outbox: state as typed (checked when it runs), JSON", cmd: outbox, args: []string{"--state", "Unknown ", "--json"},
			want: outboxOptions{State: "Unknown ", JSON: true}},
		{name: "outbox: archived too", cmd: outbox, args: []string{"--archived"}, want: outboxOptions{Archived: true}},
		{name: "outbox resend: id", cmd: change(newCmdOutboxResend), args: []string{" 42"}, want: outboxChangeOptions{ID: 42}},
		{name: "outbox resend: no id", cmd: change(newCmdOutboxResend), args: []string{"x42"}, wantErr: `outbox resend: "x42" is not a message id`},
		{name: "outbox resend: no reason", cmd: change(newCmdOutboxResend), args: []string{"42", "--reason", "x"}, wantErr: "unknown flag: --reason"},
		{name: "outbox fail: id and reason", cmd: change(newCmdOutboxFail), args: []string{"7", "--reason", "number gone"},
			want: outboxChangeOptions{ID: 7, Reason: "number gone"}},
		{name: "outbox fail: id 0", cmd: change(newCmdOutboxFail), args: []string{"0"}, wantErr: `outbox fail: "0" is not a message id`},
		{name: "stats: 14 days", cmd: stats, want: statsOptions{Days: 14}},
		{name: "stats: days given", cmd: stats, args: []string{"--days", "30", "--to", "2026-11-30", "--csv"},
			want: statsOptions{Days: 30, DaysGiven: true, To: "2026-11-30", CSV: true}},
		{name: "stats: from and to", cmd: stats, args: []string{"--from", "2026-11-01", "--to", "2026-11-30", "--json"},
			want: statsOptions{Days: 14, From: "2026-11-01", To: "2026-11-30", JSON: true}},
		{name: "stats: from with days", cmd: stats, args: []string{"--from", "2026-11-01", "--days", "3"}, wantErr: "stats: --from and --days cannot be used together"},
		{name: "stats: JSON and CSV", cmd: stats, args: []string{"--json", "--csv"}, wantErr: "stats: --json and --csv cannot be used together"},
		{name: "stats: 0 days", cmd: stats, args: []string{"--days", "0"}, wantErr: "stats: --days must be from 1 to 3660, not 0"},
		{name: "messages: all", cmd: messages, want: messagesOptions{}},
		{name: "messages: received from a number since a day", cmd: messages,
			args: []string{"--in", "--number", "07700 900123", "--since", "2026-11-01", "--limit", "5", "--csv"},
			want: messagesOptions{Received: true, Number: "07700 900123", Since: "2026-11-01", Limit: 5, CSV: true}},
		{name: "messages: held, JSON", cmd: messages, args: []string{"--held", "--json"}, want: messagesOptions{Held: true, JSON: true}},
		{name: "messages: in and out", cmd: messages, args: []string{"--in", "--out"}, wantErr: "messages: --in and --out cannot be used together"},
		{name: "messages: held sent texts", cmd: messages, args: []string{"--held", "--out"}, wantErr: "messages: --held lists received texts"},
		{name: "messages: held as CSV", cmd: messages, args: []string{"--held", "--csv"}, wantErr: "messages: --held prints a table or --json"},
		{name: "messages: a negative limit", cmd: messages, args: []string{"--limit", "-1"}, wantErr: "messages: --limit must be 0 or more"},
		{name: "classify eval: JSON", cmd: eval, args: []string{"--json"}, want: classifyEvalOptions{JSON: true}},
		{name: "gateway balance: a SIM", cmd: balance, args: []string{"--sim", "SMSBCAST 1", "--json"},
			want: gatewayBalanceOptions{SIM: "SMSBCAST 1", JSON: true}},
	})
}

func TestSettingsAndFileCommandsFlagsToOptions(t *testing.T) {
	f := NewFactory()
	// setting is what config get and set read: the key (by name: a key
	// holds its check function) and the value.
	type setting struct{ Key, Value string }
	list := func(g *any) *cobra.Command {
		return newCmdConfigList(f, func(_ context.Context, o *configListOptions) error {
			*g = configListOptions{JSON: o.JSON}
			return nil
		})
	}
	get := func(g *any) *cobra.Command {
		return newCmdConfigGet(f, func(_ context.Context, o *configGetOptions) error {
			*g = setting{Key: o.Key.Name}
			return nil
		})
	}
	set := func(g *any) *cobra.Command {
		return newCmdConfigSet(f, func(_ context.Context, o *configSetOptions) error {
			*g = setting{Key: o.Key.Name, Value: o.Value}
			return nil
		})
	}
	backup := func(build func(*Factory, func(context.Context, *backupOptions) error) *cobra.Command) func(*any) *cobra.Command {
		return func(g *any) *cobra.Command {
			return build(f, func(_ context.Context, o *backupOptions) error {
				if o.DatabasePath == nil || o.Store == nil {
					return fmt.Errorf("backup without its database: %+v", o)
				}
				*g = backupOptions{File: o.File}
				return nil
			})
		}
	}
	runFlagCases(t, []flagCase{
		{name: "config list: JSON", cmd: list, args: []string{"--json"}, want: configListOptions{JSON: true}},
		{name: "config get: a key", cmd: get, args: []string{"serve.token"}, want: setting{Key: "serve.token"}},
		{name: "config get: no such key", cmd: get, args: []string{"serve.tokn"}, wantErr: "serve.tokn"},
		{name: "config set: a value that starts with a dash", cmd: set, args: []string{"dedupe.days", "-1"},
			want: setting{Key: "dedupe.days", Value: "-1"}},
		{name: "config set: an empty value", cmd: set, args: []string{"api.url", ""}, want: setting{Key: "api.url", Value: ""}},
		{name: "config set: no such key", cmd: set, args: []string{"nope", "1"}, wantErr: "nope"},
		{name: "config set: no value", cmd: set, args: []string{"api.url"}, wantErr: "accepts 2 arg"},
		{name: "backup: a file", cmd: backup(newCmdBackup), args: []string{"/tmp/nightly.db"}, want: backupOptions{File: "/tmp/nightly.db"}},
		{name: "backup: no file", cmd: backup(newCmdBackup), wantErr: "accepts 1 arg"},
		{name: "restore: a file", cmd: backup(newCmdRestore), args: []string{"monday.db"}, want: backupOptions{File: "monday.db"}},
	})
}

func TestRepliesCommandsFlagsToOptions(t *testing.T) {
	f := NewFactory()
	list := func(g *any) *cobra.Command {
		return newCmdRepliesList(f, func(_ context.Context, o *repliesListOptions) error {
			*g = repliesListOptions{JSON: o.JSON}
			return nil
		})
	}
	tag := func(g *any) *cobra.Command {
		return newCmdRepliesTag(f, func(_ context.Context, o *repliesTagOptions) error {
			if o.Operator == nil || o.Desk == nil {
				return fmt.Errorf("replies tag without its dependencies: %+v", o)
			}
			*g = repliesTagOptions{ID: o.ID, Category: o.Category, JSON: o.JSON}
			return nil
		})
	}
	recat := func(g *any) *cobra.Command {
		return newCmdRepliesRecategorise(f, func(_ context.Context, o *repliesRecategoriseOptions) error {
			*g = repliesRecategoriseOptions{JSON: o.JSON}
			return nil
		})
	}
	runFlagCases(t, []flagCase{
		{name: "replies list: JSON", cmd: list, args: []string{"--json"}, want: repliesListOptions{JSON: true}},
		{name: "replies tag: id and category as typed", cmd: tag, args: []string{"12", "Call back", "--json"},
			want: repliesTagOptions{ID: 12, Category: "Call back", JSON: true}},
		{name: "replies tag: no id", cmd: tag, args: []string{"twelve", "Misc"}, wantErr: `replies tag: "twelve" is not a message id`},
		{name: "replies tag: no category", cmd: tag, args: []string{"12"}, wantErr: "accepts 2 arg"},
		{name: "replies recategorise", cmd: recat, want: repliesRecategoriseOptions{}},
	})
}

func TestSSHKeyCommandsFlagsToOptions(t *testing.T) {
	f := NewFactory()
	keys := func(build func(*Factory, func(context.Context, *sshKeysOptions) error) *cobra.Command) func(*any) *cobra.Command {
		return func(g *any) *cobra.Command {
			return build(f, func(_ context.Context, o *sshKeysOptions) error {
				if o.KeysPath == nil {
					return fmt.Errorf("ssh keys without the keys file: %+v", o)
				}
				*g = sshKeysOptions{Name: o.Name, File: o.File, JSON: o.JSON}
				return nil
			})
		}
	}
	runFlagCases(t, []flagCase{
		{name: "ssh add-key: name and file", cmd: keys(newCmdSSHAddKey), args: []string{"Ann Lee", "ann.pub"},
			want: sshKeysOptions{Name: "Ann Lee", File: "ann.pub"}},
		{name: "ssh add-key: from standard input", cmd: keys(newCmdSSHAddKey), args: []string{"kim", "-"},
			want: sshKeysOptions{Name: "kim", File: "-"}},
		{name: "ssh add-key: no file", cmd: keys(newCmdSSHAddKey), args: []string{"kim"}, wantErr: "accepts 2 arg"},
		{name: "ssh keys: JSON", cmd: keys(newCmdSSHKeys), args: []string{"--json"}, want: sshKeysOptions{JSON: true}},
		{name: "ssh rm-key: a name", cmd: keys(newCmdSSHRmKey), args: []string{"kim"}, want: sshKeysOptions{Name: "kim"}},
	})
}

// TestListAndRemoveCommandsFlagsToOptions covers the administration lists
// and removals (their flags are --json and one argument) and version.
func TestListAndRemoveCommandsFlagsToOptions(t *testing.T) {
	f := NewFactory()
	// rec records what o holds besides adminDeps.
	type rec struct {
		JSON bool
		Arg  string
	}
	list := func(name string) func(*any) *cobra.Command {
		return func(g *any) *cobra.Command {
			switch name {
			case "sim":
				return newCmdSIMList(f, func(_ context.Context, o *simListOptions) error { *g = rec{JSON: o.JSON}; return nil })
			case "network":
				return newCmdNetworkList(f, func(_ context.Context, o *networkListOptions) error { *g = rec{JSON: o.JSON}; return nil })
			case "category":
				return newCmdCategoryList(f, func(_ context.Context, o *categoryListOptions) error { *g = rec{JSON: o.JSON}; return nil })
			case "template":
				return newCmdTemplateList(f, func(_ context.Context, o *templateListOptions) error { *g = rec{JSON: o.JSON}; return nil })
			default:
				return newCmdOptOutList(f, func(_ context.Context, o *optOutListOptions) error { *g = rec{JSON: o.JSON}; return nil })
			}
		}
	}
	rm := func(name string) func(*any) *cobra.Command {
		return func(g *any) *cobra.Command {
			switch name {
			case "sim":
				return newCmdSIMRm(f, func(_ context.Context, o *simRmOptions) error { *g = rec{Arg: o.SIM}; return nil })
			case "network":
				return newCmdNetworkRm(f, func(_ context.Context, o *networkRmOptions) error { *g = rec{Arg: o.Network}; return nil })
			case "category":
				return newCmdCategoryRm(f, func(_ context.Context, o *categoryRmOptions) error { *g = rec{Arg: o.Category}; return nil })
			default:
				return newCmdTemplateRm(f, func(_ context.Context, o *templateRmOptions) error { *g = rec{Arg: o.Template}; return nil })
			}
		}
	}
	version := func(g *any) *cobra.Command {
		return newCmdVersion(f, func(_ context.Context, o *versionOptions) error { *g = rec{}; return nil })
	}
	var tests []flagCase
	for _, n := range []string{"sim", "network", "category", "template", "optout"} {
		tests = append(tests,
			flagCase{name: n + " list", cmd: list(n), want: rec{}},
			flagCase{name: n + " list: JSON", cmd: list(n), args: []string{"--json"}, want: rec{JSON: true}},
			flagCase{name: n + " list: an argument", cmd: list(n), args: []string{"x"}, wantErr: "unknown command"})
	}
	for _, n := range []string{"sim", "network", "category", "template"} {
		tests = append(tests,
			flagCase{name: n + " rm: as typed", cmd: rm(n), args: []string{"O2 3"}, want: rec{Arg: "O2 3"}},
			flagCase{name: n + " rm: nothing named", cmd: rm(n), wantErr: "accepts 1 arg"})
	}
	tests = append(tests, flagCase{name: "version", cmd: version, want: rec{}},
		flagCase{name: "version: a flag", cmd: version, args: []string{"--json"}, wantErr: "unknown flag: --json"})
	runFlagCases(t, tests)
}

func TestMoveAndArchiveFlagsToOptions(t *testing.T) {
	f := NewFactory()
	move := func(g *any) *cobra.Command {
		return newCmdCategoryMove(f, func(_ context.Context, o *categoryMoveOptions) error {
			*g = categoryMoveOptions{Category: o.Category, To: o.To}
			return nil
		})
	}
	archive := func(g *any) *cobra.Command {
		return newCmdOutboxArchive(f, func(_ context.Context, o *outboxArchiveOptions) error {
			*g = outboxArchiveOptions{OlderThan: o.OlderThan}
			return nil
		})
	}
	runFlagCases(t, []flagCase{
		{name: "category move: up", cmd: move, args: []string{"Call back", "up"}, want: categoryMoveOptions{Category: "Call back", To: "up"}},
		{name: "category move: a place", cmd: move, args: []string{"Misc", "3"}, want: categoryMoveOptions{Category: "Misc", To: "3"}},
		{name: "category move: nowhere", cmd: move, args: []string{"Misc"}, wantErr: "accepts 2 arg"},
		{name: "outbox archive: a week", cmd: archive, want: outboxArchiveOptions{OlderThan: 7}},
		{name: "outbox archive: all", cmd: archive, args: []string{"--older-than", "0"}, want: outboxArchiveOptions{}},
		{name: "outbox archive: negative", cmd: archive, args: []string{"--older-than", "-1"}, wantErr: "outbox archive: --older-than must be from 0 to 3650 days, not -1"},
	})
}
