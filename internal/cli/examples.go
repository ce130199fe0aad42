package cli

import (
	"strings"

	"github.com/spf13/cobra"
)

// commandExamples returns the `--help` Examples of every command, by command
// path without the leading "texting". They live together so that the whole
// command line reads as one page here, and a test checks that no command is
// without them. A command that sets its own Example keeps it.
func commandExamples() map[string][]string {
	return map[string][]string{
		"": {
			"texting                      # the full-screen desk",
			"texting --db ~/desk.db       # on another database",
		},
		"tui":  {"texting tui", "texting tui --debug /tmp/texting.log"},
		"demo": {"texting demo                 # a seeded demo database and three emulated dongles"},

		"campaign":     {"texting campaign run --dry-run", "texting campaign run"},
		"campaign run": {"texting campaign run --dry-run          # the plan, nothing sent", "texting campaign run --json | jq .groups", "texting campaign run --source https://crm.example/api/sms --port /dev/ttyUSB2"},
		"followup":     {"texting followup run --dry-run", "texting followup run"},
		"followup run": {"texting followup run --dry-run", "texting followup run --json"},
		"read-in":      {"texting read-in", "texting read-in --port /dev/ttyUSB2 --json"},
		"send": {
			"texting send --to 07700900123 --text 'Hi {name}, {greeting}'",
			"texting send --to 07700900123,07700900456 --text 'See you at 10' --sim 'O2 3'",
			"texting send --to 07700900123 --text 'Your engineer is on the way' --force --note 'booked a visit by phone'",
		},
		"outbox":         {"texting outbox", "texting outbox --state unknown", "texting outbox --state failed --json"},
		"outbox resend":  {"texting outbox resend 1234"},
		"outbox fail":    {"texting outbox fail 1234 --reason 'number no longer in use'"},
		"outbox archive": {"texting outbox archive                 # failed texts older than a week", "texting outbox archive --older-than 30"},
		"stats": {"texting stats", "texting stats --days 30 --csv > stats.csv", "texting stats --from 2026-11-01 --to 2026-11-30",
			"texting stats --json | jq .least_used"},
		"messages": {
			"texting messages --in --since 2026-11-26",
			"texting messages --number 07700900123",
			"texting messages --json | jq '.[] | select(.category == null)'",
		},
		"replies":              {"texting replies list", "texting replies tag 1234 Thanks", "texting replies recategorise"},
		"replies list":         {"texting replies list", "texting replies list --json | jq '.[].id'"},
		"replies tag":          {"texting replies tag 1234 Thanks", "texting replies tag 1234 End      # opts the number out"},
		"replies recategorise": {"texting replies recategorise", "texting replies recategorise --json"},
		"classify":             {"texting classify eval"},
		"classify eval":        {"texting classify eval", "texting classify eval --json"},
		"serve": {"texting serve", "texting serve --addr 0.0.0.0:8080",
			"texting serve --ssh :2222", "texting serve --addr 127.0.0.1:8080 --ssh :2222"},
		"ssh":             {"texting ssh add-key sam ~/sam.pub", "texting ssh keys"},
		"ssh add-key":     {"texting ssh add-key sam /tmp/id_ed25519.pub", "texting ssh add-key 'Sam Lee' - < sam.pub"},
		"ssh keys":        {"texting ssh keys", "texting ssh keys --json"},
		"ssh rm-key":      {"texting ssh rm-key sam"},
		"gateway":         {"texting gateway balance"},
		"gateway balance": {"texting gateway balance", "texting gateway balance --sim SMSBCAST --json"},
		"modem":           {"texting modem list", "texting modem status --port /dev/ttyUSB2"},
		"modem list":      {"texting modem list", "texting modem list --port /dev/ttyUSB2 --json"},
		"modem status":    {"texting modem status", "texting modem status --port /dev/ttyUSB2 --json"},
		"modem simulate":  {"texting modem simulate                     # prints the port path", "texting modem simulate --inbox pdus.txt --imsi 234101234567890"},
		"pdu":             {"texting pdu decode 07914477...", "texting pdu encode --to +447700900123 --text Hello"},
		"pdu decode":      {"texting pdu decode 0791447758100650040C9144770090012300006221116241302205C8329BFD06 --json"},
		"pdu encode":      {"texting pdu encode --to +447700900123 --text 'Hello there'", "texting pdu encode --to 07700900123 --text Hi --status-report --json"},
		"greeting": {
			"texting greeting",
			"texting greeting --at 2026-12-24T09:00:00Z",
		},
		"config":      {"texting config list", "texting config set quiet.hours 21:30-08:00", "texting config get serve.token"},
		"config list": {"texting config list", "texting config list --json"},
		"config get":  {"texting config get quiet.hours", "texting config get serve.token   # in full, for the callback URL"},
		"config set": {
			"texting config set api.url https://crm.example/api/sms",
			"texting config set quiet.hours off",
			"texting config set managers 07700900123,07700900456",
			"texting config set dedupe.days ''   # back to the default",
		},
		"version": {"texting version"},
		"backup": {
			"texting backup ~/backups/texting-$(date +%a).db   # one a weekday",
			"texting --db /srv/texting.db backup /mnt/usb/texting.db",
		},
		"restore": {"texting restore ~/backups/texting-Mon.db"},

		"network":     {"texting network list", "texting network add O2 --note 'CS 202, top up at o2.co.uk'"},
		"network add": {"texting network add O2 --note 'customer service 202'", "texting network add SMSBCAST --gateway"},
		"network set": {"texting network set O2 --note 'top up on the 1st'", "texting network set O2 --name 'O2 UK'"},
		"network rm":  {"texting network rm Three"},
		"network list": {
			"texting network list", "texting network list --json",
		},
		"sim": {"texting sim list", "texting sim add --network O2 --phone 07700900123 --limit 250"},
		"sim add": {
			"texting sim add --network O2 --phone 07700900123 --limit 250",
			"texting sim add --network SMSBCAST --url https://api.smsbroadcast.com.au/api-adv.php --user me --password '...' --sender Acme",
		},
		"sim set":        {"texting sim set 'O2 3' --limit 200", "texting sim set 'O2 3' --inactive", "texting sim set SMSBCAST --unpark"},
		"sim rm":         {"texting sim rm 'O2 3'"},
		"sim list":       {"texting sim list", "texting sim list --json"},
		"category":       {"texting category list", "texting category add 'Call back' --followup alt --autoreply 'We will call you today'"},
		"category add":   {"texting category add 'Call back' --followup alt", "texting category add Moved --autoreply 'Thanks, we have noted it'"},
		"category set":   {"texting category set Misc --followup none", "texting category set 'Call back' --name 'Ring back'"},
		"category rm":    {"texting category rm 'Call back'"},
		"category move":  {"texting category move 'Call back' up", "texting category move 'Call back' 2   # key 2 on Replies"},
		"category merge": {"texting category merge 'Call back' Misc"},
		"optout":         {"texting optout list", "texting optout add 07700900123 --note 'asked by phone'"},
		"optout list":    {"texting optout list", "texting optout list --json"},
		"optout add":     {"texting optout add 07700900123 --note 'asked by phone'"},
		"optout rm":      {"texting optout rm +447700900123 --note 'asked to hear from us again, by mail'"},
		"category list": {
			"texting category list", "texting category list --json",
		},
		"template":     {"texting template list", "texting template add 'Group A' --body 'Hi {name}, {greeting}!'"},
		"template add": {"texting template add 'Group A' --body 'Hi {name}, {greeting}! Boiler check this week?' --followup 'Still keen, {name}?'"},
		"template set": {"texting template set 'Group A' --followup 'Still interested, {name}?'", "texting template set 'Group A' --name 'Group A1'"},
		"template rm":  {"texting template rm 'Group A'"},
		"template list": {
			"texting template list", "texting template list --json",
		},
	}
}

// addExamples gives every command below root its Example from examples,
// unless it set one itself.
func addExamples(root *cobra.Command) {
	examples := commandExamples()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if lines, ok := examples[commandKey(c)]; ok && c.Example == "" {
			c.Example = "  " + strings.Join(lines, "\n  ")
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// commandKey is c's path without the root's name: "campaign run".
func commandKey(c *cobra.Command) string {
	p := c.CommandPath()
	if r := c.Root(); r != nil {
		p = strings.TrimPrefix(p, r.Name())
	}
	return strings.TrimSpace(p)
}
