package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/phone"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/template"
)

// The administration commands: the same CRUD as the TUI's SIM cards,
// Networks, Categories and Templates screens.

// withDB makes a RunE that opens the database and hands it to fn.
func withDB(f *Factory, fn func(ctx context.Context, db *store.DB, cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		db, err := f.Store(cmd.Context())
		if err != nil {
			return err
		}
		return fn(cmd.Context(), db, cmd, args)
	}
}

func adminGroup(use, short string) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() }}
}

// ---- networks ----

type networkJSON struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Gateway bool   `json:"gateway"`
	Notes   string `json:"notes"`
}

func newCmdNetwork(f *Factory) *cobra.Command {
	cmd := adminGroup("network", "List, add, change and remove mobile networks and gateway providers")
	var asJSON bool
	list := &cobra.Command{Use: "list", Short: "List networks", Args: cobra.NoArgs,
		RunE: withDB(f, func(ctx context.Context, db *store.DB, cmd *cobra.Command, args []string) error {
			nets, err := db.Networks(ctx)
			if err != nil {
				return err
			}
			if asJSON {
				out := []networkJSON{}
				for _, n := range nets {
					out = append(out, networkJSON{n.ID, n.Name, n.Gateway, n.Notes})
				}
				return writeJSON(f.Out, out)
			}
			var rows [][]string
			for _, n := range nets {
				kind := "SIM cards"
				if n.Gateway {
					kind = "gateway"
				}
				rows = append(rows, []string{strconv.FormatInt(n.ID, 10), n.Name, kind, n.Notes})
			}
			return printTable(f.Out, []string{"ID", "NETWORK", "KIND", "NOTES"}, rows)
		})}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	var note string
	var gateway bool
	add := &cobra.Command{Use: "add NAME", Short: "Add a network", Args: cobra.ExactArgs(1),
		RunE: withDB(f, func(ctx context.Context, db *store.DB, cmd *cobra.Command, args []string) error {
			n, err := db.AddNetwork(ctx, store.Network{Name: args[0], Notes: note, Gateway: gateway})
			if err != nil {
				return err
			}
			fmt.Fprintf(f.Err, "added network %s\n", n.Name)
			return nil
		})}
	add.Flags().StringVar(&note, "note", "", "notes: customer service number, top-up details …")
	add.Flags().BoolVar(&gateway, "gateway", false, "an SMS gateway provider (its SIMs are accounts)")

	var newName string
	set := &cobra.Command{Use: "set NAME", Short: "Change a network", Args: cobra.ExactArgs(1),
		RunE: withDB(f, func(ctx context.Context, db *store.DB, cmd *cobra.Command, args []string) error {
			n, err := db.NetworkByName(ctx, args[0])
			if err != nil {
				return err
			}
			fl := cmd.Flags()
			if fl.Changed("name") {
				n.Name = newName
			}
			if fl.Changed("note") {
				n.Notes = note
			}
			if fl.Changed("gateway") {
				n.Gateway = gateway
			}
			return db.UpdateNetwork(ctx, n)
		})}
	set.Flags().StringVar(&newName, "name", "", "new name")
	set.Flags().StringVar(&note, "note", "", "notes")
	set.Flags().BoolVar(&gateway, "gateway", false, "an SMS gateway provider")

	rm := &cobra.Command{Use: "rm NAME", Short: "Remove a network that has no SIMs", Args: cobra.ExactArgs(1),
		RunE: withDB(f, func(ctx context.Context, db *store.DB, cmd *cobra.Command, args []string) error {
			n, err := db.NetworkByName(ctx, args[0])
			if err != nil {
				return err
			}
			return db.DeleteNetwork(ctx, n.ID)
		})}
	cmd.AddCommand(list, add, set, rm)
	return cmd
}

// ---- SIMs ----

type simJSON struct {
	ID          int64  `json:"id"`
	Label       string `json:"label"`
	Network     string `json:"network"`
	Ref         int    `json:"ref"`
	IMSI        string `json:"imsi"`
	ICCID       string `json:"iccid"`
	Phone       string `json:"phone"`
	Active      bool   `json:"active"`
	DailyLimit  int    `json:"daily_limit"`
	LastPort    string `json:"last_port"`
	LastSeen    any    `json:"last_seen"`
	ParkedUntil any    `json:"parked_until"`
	ParkReason  string `json:"park_reason"`
	Gateway     bool   `json:"gateway"`
	URL         string `json:"url,omitempty"`
	User        string `json:"user,omitempty"`
	Password    string `json:"password,omitempty"` // masked
	Sender      string `json:"sender,omitempty"`
	Notes       string `json:"notes"`
}

func toSIMJSON(s store.SIM) simJSON {
	return simJSON{ID: s.ID, Label: s.Label(), Network: s.Network, Ref: s.Ref, IMSI: s.IMSI, ICCID: s.ICCID,
		Phone: s.Phone, Active: s.Active, DailyLimit: s.DailyLimit, LastPort: s.LastPort, LastSeen: rfc3339(s.LastSeen),
		ParkedUntil: rfc3339(s.ParkedUntil), ParkReason: s.ParkReason, Gateway: s.IsGateway(), URL: s.GatewayURL,
		User: s.GatewayUser, Password: config.Mask(s.GatewayPassword), Sender: s.SenderID, Notes: s.Notes}
}

// simFlags are the flags shared by `sim add` and `sim set`.
type simFlags struct {
	network, phone, imsi, url, user, password, sender, notes string
	ref, limit                                               int
	inactive, active, unpark                                 bool
}

func (o *simFlags) register(cmd *cobra.Command, forSet bool) {
	fl := cmd.Flags()
	fl.StringVar(&o.network, "network", "", "network name")
	fl.IntVar(&o.ref, "ref", 0, "reference number within the network (\"O2 3\"); default the next free one")
	fl.StringVar(&o.phone, "phone", "", "the SIM's own phone number")
	fl.StringVar(&o.imsi, "imsi", "", "IMSI (read from the dongle when it is first seen)")
	limit := 300 // a new SIM's; `sim set` changes it only when given
	if forSet {
		limit = 0
	}
	fl.IntVar(&o.limit, "limit", limit, "daily send limit in SMS parts")
	fl.StringVar(&o.url, "url", "", "gateway API URL (makes this SIM a gateway account)")
	fl.StringVar(&o.user, "user", "", "gateway username")
	fl.StringVar(&o.password, "password", "", "gateway password")
	fl.StringVar(&o.sender, "sender", "", "gateway sender ID (≤ 11 letters, or a number)")
	fl.StringVar(&o.notes, "note", "", "notes")
	fl.BoolVar(&o.inactive, "inactive", false, "do not send from this SIM")
	if forSet {
		fl.BoolVar(&o.active, "active", false, "send from this SIM again")
		fl.BoolVar(&o.unpark, "unpark", false, "lift a park (after its cause is fixed); changing the gateway credentials lifts it too")
	}
}

// apply copies the flags the user gave onto s, validating them.
func (o *simFlags) apply(ctx context.Context, f *Factory, db *store.DB, cmd *cobra.Command, s *store.SIM) error {
	fl := cmd.Flags()
	if fl.Changed("network") {
		n, err := db.NetworkByName(ctx, o.network)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("network %q not found (add it with 'texting network add %s')", o.network, o.network)
		}
		if err != nil {
			return err
		}
		s.NetworkID, s.Network, s.NetworkGateway = n.ID, n.Name, n.Gateway
	}
	if fl.Changed("ref") {
		if o.ref < 0 {
			return fmt.Errorf("--ref must be a positive number")
		}
		s.Ref = o.ref
	}
	if fl.Changed("phone") {
		s.Phone = ""
		if o.phone != "" {
			cfg, err := f.Config(ctx)
			if err != nil {
				return err
			}
			p, err := phone.Normalize(o.phone, cfg.Region)
			if err != nil {
				return fmt.Errorf("--phone: %w", err)
			}
			s.Phone = p
		}
	}
	if fl.Changed("imsi") {
		if o.imsi != "" && !allDigits(o.imsi, 6, 15) {
			return fmt.Errorf("--imsi must be 6 to 15 digits, not %q", o.imsi)
		}
		s.IMSI = o.imsi
	}
	if fl.Changed("limit") || s.ID == 0 {
		if o.limit < 0 {
			return fmt.Errorf("--limit must be 0 or more")
		}
		s.DailyLimit = o.limit
	}
	if fl.Changed("url") {
		if o.url != "" {
			if _, err := config.Validate("api.url", o.url); err != nil {
				return fmt.Errorf("--url: %q is not an http or https URL", o.url)
			}
		}
		s.GatewayURL = o.url
	}
	if fl.Changed("user") {
		s.GatewayUser = o.user
	}
	if fl.Changed("password") {
		s.GatewayPassword = o.password
	}
	if fl.Changed("sender") {
		if err := checkSenderID(o.sender); err != nil {
			return err
		}
		s.SenderID = o.sender
	}
	if fl.Changed("note") {
		s.Notes = o.notes
	}
	if s.ID == 0 {
		s.Active = !o.inactive
	} else if fl.Changed("inactive") && o.inactive {
		s.Active = false
	} else if fl.Changed("active") && o.active {
		s.Active = true
	}
	// A SIM parked for its own problem (credit, credentials) goes back to
	// work when the operator says so or fixes what parked it.
	if o.unpark || (s.ID != 0 && (fl.Changed("url") || fl.Changed("user") || fl.Changed("password") || fl.Changed("sender"))) {
		s.ParkedUntil, s.ParkReason = time.Time{}, ""
	}
	if s.GatewayURL != "" && (s.GatewayUser == "" || s.GatewayPassword == "") {
		return fmt.Errorf("a gateway account needs --url, --user and --password")
	}
	return nil
}

func checkSenderID(s string) error {
	if s == "" {
		return nil
	}
	if allDigits(strings.TrimPrefix(s, "+"), 3, 16) {
		return nil
	}
	if len(s) > 11 {
		return fmt.Errorf("--sender: a sender name has at most 11 characters, %q has %d", s, len(s))
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == ' ') {
			return fmt.Errorf("--sender: %q may have only letters, digits and spaces", s)
		}
	}
	return nil
}

func allDigits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func newCmdSIM(f *Factory) *cobra.Command {
	cmd := adminGroup("sim", "List, add, change and remove SIM cards and gateway accounts")
	var asJSON bool
	list := &cobra.Command{Use: "list", Short: "List SIMs", Args: cobra.NoArgs,
		RunE: withDB(f, func(ctx context.Context, db *store.DB, cmd *cobra.Command, args []string) error {
			sims, err := db.SIMs(ctx)
			if err != nil {
				return err
			}
			if asJSON {
				out := []simJSON{}
				for _, s := range sims {
					out = append(out, toSIMJSON(s))
				}
				return writeJSON(f.Out, out)
			}
			var rows [][]string
			for _, s := range sims {
				state := "active"
				switch {
				case !s.Active:
					state = "inactive"
				case s.Parked(db.Now()):
					state = "parked: " + s.ParkReason
				}
				id := s.IMSI
				if s.IsGateway() {
					id = s.GatewayUser + " @ " + s.GatewayURL
				}
				rows = append(rows, []string{strconv.FormatInt(s.ID, 10), s.Label(), s.Phone, id,
					strconv.Itoa(s.DailyLimit), state, s.LastPort})
			}
			return printTable(f.Out, []string{"ID", "SIM", "PHONE", "IMSI / ACCOUNT", "LIMIT", "STATE", "PORT"}, rows)
		})}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	var addFlags simFlags
	add := &cobra.Command{Use: "add", Short: "Add a SIM card or gateway account", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if !cmd.Flags().Changed("network") {
				return errors.New("sim add: --network is required")
			}
			db, err := f.Store(ctx)
			if err != nil {
				return err
			}
			var s store.SIM
			if err := addFlags.apply(ctx, f, db, cmd, &s); err != nil {
				return fmt.Errorf("sim add: %w", err)
			}
			s, err = db.AddSIM(ctx, s)
			if err != nil {
				return err
			}
			fmt.Fprintf(f.Err, "added SIM %s (id %d)\n", s.Label(), s.ID)
			return nil
		}}
	addFlags.register(add, false)

	var setFlags simFlags
	set := &cobra.Command{Use: "set SIM", Short: "Change a SIM (by id or label, e.g. \"O2 3\")", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, err := f.Store(ctx)
			if err != nil {
				return err
			}
			s, err := db.FindSIM(ctx, args[0])
			if err != nil {
				return err
			}
			if err := setFlags.apply(ctx, f, db, cmd, &s); err != nil {
				return fmt.Errorf("sim set: %w", err)
			}
			return db.UpdateSIM(ctx, s)
		}}
	setFlags.register(set, true)

	rm := &cobra.Command{Use: "rm SIM", Short: "Remove a SIM (its messages stay)", Args: cobra.ExactArgs(1),
		RunE: withDB(f, func(ctx context.Context, db *store.DB, cmd *cobra.Command, args []string) error {
			s, err := db.FindSIM(ctx, args[0])
			if err != nil {
				return err
			}
			return db.DeleteSIM(ctx, s.ID)
		})}
	cmd.AddCommand(list, add, set, rm)
	return cmd
}

// ---- categories ----

type categoryJSON struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	OptOut    bool   `json:"opt_out"`
	Followup  string `json:"followup"`
	AutoReply string `json:"autoreply"`
	Role      string `json:"role,omitempty"`
}

// parseFollowup accepts the follow-up actions, with "alt" for alternative.
func parseFollowup(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "none":
		return store.FollowupNone, nil
	case "basic":
		return store.FollowupBasic, nil
	case "alt", "alternative":
		return store.FollowupAlternative, nil
	}
	return "", fmt.Errorf("--followup must be none, basic or alt, not %q", s)
}

func newCmdCategory(f *Factory) *cobra.Command {
	cmd := adminGroup("category", "List, add, change and remove reply categories")
	var asJSON bool
	list := &cobra.Command{Use: "list", Short: "List categories", Args: cobra.NoArgs,
		RunE: withDB(f, func(ctx context.Context, db *store.DB, cmd *cobra.Command, args []string) error {
			cats, err := db.Categories(ctx)
			if err != nil {
				return err
			}
			if asJSON {
				out := []categoryJSON{}
				for _, c := range cats {
					out = append(out, categoryJSON{c.ID, c.Name, c.OptOut, c.Followup, c.AutoReply, c.Role})
				}
				return writeJSON(f.Out, out)
			}
			var rows [][]string
			for i, c := range cats {
				opt := ""
				if c.OptOut {
					opt = "opt-out"
				}
				rows = append(rows, []string{strconv.Itoa(i + 1), c.Name, opt, c.Followup, c.AutoReply})
			}
			return printTable(f.Out, []string{"KEY", "CATEGORY", "OPT-OUT", "FOLLOW-UP", "AUTO-REPLY"}, rows)
		})}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	var optOut bool
	var followup, autoreply, newName string
	apply := func(cmd *cobra.Command, c *store.Category) error {
		fl := cmd.Flags()
		if fl.Changed("opt-out") {
			c.OptOut = optOut
		}
		if fl.Changed("followup") {
			v, err := parseFollowup(followup)
			if err != nil {
				return err
			}
			c.Followup = v
		}
		if fl.Changed("autoreply") {
			c.AutoReply = strings.TrimSpace(autoreply)
		}
		if fl.Changed("name") {
			c.Name = newName
		}
		return nil
	}
	flags := func(cmd *cobra.Command) {
		cmd.Flags().BoolVar(&optOut, "opt-out", false, "a reply in it puts the number on the opt-out list")
		cmd.Flags().StringVar(&followup, "followup", "none", "follow-up after a reply in it: none, basic or alt")
		cmd.Flags().StringVar(&autoreply, "autoreply", "", "text sent back automatically (once per number per window)")
	}
	add := &cobra.Command{Use: "add NAME", Short: "Add a category", Args: cobra.ExactArgs(1),
		RunE: withDB(f, func(ctx context.Context, db *store.DB, cmd *cobra.Command, args []string) error {
			c := store.Category{Name: args[0], Followup: store.FollowupNone}
			if err := apply(cmd, &c); err != nil {
				return fmt.Errorf("category add: %w", err)
			}
			_, err := db.AddCategory(ctx, c)
			return err
		})}
	flags(add)
	set := &cobra.Command{Use: "set NAME", Short: "Change a category", Args: cobra.ExactArgs(1),
		RunE: withDB(f, func(ctx context.Context, db *store.DB, cmd *cobra.Command, args []string) error {
			c, err := db.CategoryByName(ctx, args[0])
			if err != nil {
				return err
			}
			if err := apply(cmd, &c); err != nil {
				return fmt.Errorf("category set: %w", err)
			}
			return db.UpdateCategory(ctx, c)
		})}
	flags(set)
	set.Flags().StringVar(&newName, "name", "", "new name")
	rm := &cobra.Command{Use: "rm NAME", Short: "Remove a category (its texts become uncategorised)", Args: cobra.ExactArgs(1),
		RunE: withDB(f, func(ctx context.Context, db *store.DB, cmd *cobra.Command, args []string) error {
			c, err := db.CategoryByName(ctx, args[0])
			if err != nil {
				return err
			}
			return db.DeleteCategory(ctx, c.ID)
		})}
	cmd.AddCommand(list, add, set, rm)
	return cmd
}

// ---- templates ----

type templateJSON struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Body        string `json:"body"`
	Followup    string `json:"followup"`
	AltFollowup string `json:"alt_followup"`
	UpdatedAt   any    `json:"updated_at"`
}

func newCmdTemplate(f *Factory) *cobra.Command {
	cmd := adminGroup("template", "List, add, change and remove campaign templates")
	var asJSON bool
	list := &cobra.Command{Use: "list", Short: "List templates", Args: cobra.NoArgs,
		RunE: withDB(f, func(ctx context.Context, db *store.DB, cmd *cobra.Command, args []string) error {
			ts, err := db.Templates(ctx)
			if err != nil {
				return err
			}
			if asJSON {
				out := []templateJSON{}
				for _, t := range ts {
					out = append(out, templateJSON{t.ID, t.Name, t.Body, t.Followup, t.AltFollowup, rfc3339(t.UpdatedAt)})
				}
				return writeJSON(f.Out, out)
			}
			var rows [][]string
			for _, t := range ts {
				rows = append(rows, []string{t.Name, clipText(t.Body, 50), clipText(t.Followup, 30), clipText(t.AltFollowup, 30)})
			}
			return printTable(f.Out, []string{"TEMPLATE", "BODY", "FOLLOW-UP", "ALTERNATIVE"}, rows)
		})}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	var body, followup, alt, newName string
	apply := func(cmd *cobra.Command, t *store.Template) error {
		fl := cmd.Flags()
		if fl.Changed("body") {
			t.Body = body
		}
		if fl.Changed("followup") {
			t.Followup = followup
		}
		if fl.Changed("alt-followup") {
			t.AltFollowup = alt
		}
		if fl.Changed("name") {
			t.Name = newName
		}
		if err := template.Check(t.Body); err != nil {
			return fmt.Errorf("--body: %w", err)
		}
		for flag, b := range map[string]string{"--followup": t.Followup, "--alt-followup": t.AltFollowup} {
			if strings.TrimSpace(b) == "" {
				continue
			}
			if err := template.Check(b); err != nil {
				return fmt.Errorf("%s: %w", flag, err)
			}
		}
		return nil
	}
	flags := func(cmd *cobra.Command) {
		cmd.Flags().StringVar(&body, "body", "", "the campaign text; may use {name} and {greeting}")
		cmd.Flags().StringVar(&followup, "followup", "", "the basic follow-up text")
		cmd.Flags().StringVar(&alt, "alt-followup", "", "the alternative follow-up text")
	}
	add := &cobra.Command{Use: "add NAME", Short: "Add a template (NAME matches a data-source group)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("body") {
				return errors.New("template add: --body is required")
			}
			db, err := f.Store(cmd.Context())
			if err != nil {
				return err
			}
			t := store.Template{Name: args[0]}
			if err := apply(cmd, &t); err != nil {
				return fmt.Errorf("template add: %w", err)
			}
			_, err = db.AddTemplate(cmd.Context(), t)
			return err
		}}
	flags(add)
	set := &cobra.Command{Use: "set NAME", Short: "Change a template", Args: cobra.ExactArgs(1),
		RunE: withDB(f, func(ctx context.Context, db *store.DB, cmd *cobra.Command, args []string) error {
			t, err := db.TemplateByName(ctx, args[0])
			if err != nil {
				return err
			}
			if err := apply(cmd, &t); err != nil {
				return fmt.Errorf("template set: %w", err)
			}
			return db.UpdateTemplate(ctx, t)
		})}
	flags(set)
	set.Flags().StringVar(&newName, "name", "", "new name")
	rm := &cobra.Command{Use: "rm NAME", Short: "Remove a template", Args: cobra.ExactArgs(1),
		RunE: withDB(f, func(ctx context.Context, db *store.DB, cmd *cobra.Command, args []string) error {
			t, err := db.TemplateByName(ctx, args[0])
			if err != nil {
				return err
			}
			return db.DeleteTemplate(ctx, t.ID)
		})}
	cmd.AddCommand(list, add, set, rm)
	return cmd
}

// clipText shortens s to n runes for a table cell, on one line.
func clipText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
