package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/desk"
	"github.com/texting-centre/texting/store"
)

// `texting sim list|add|set|rm`: SIM cards and gateway accounts.

func newCmdSIM(f *Factory) *cobra.Command {
	cmd := adminGroup("sim", "List, add, change and remove SIM cards and gateway accounts")
	cmd.AddCommand(newCmdSIMList(f, nil), newCmdSIMAdd(f, nil), newCmdSIMSet(f, nil), newCmdSIMRm(f, nil))
	return cmd
}

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

type simListOptions struct {
	adminDeps
	JSON bool
}

func newCmdSIMList(f *Factory, runF func(context.Context, *simListOptions) error) *cobra.Command {
	opts := &simListOptions{adminDeps: newAdminDeps(f)}
	cmd := &cobra.Command{Use: "list", Short: "List SIMs", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), opts, runF, simList)
		}}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

func simList(ctx context.Context, opts *simListOptions) error {
	d, err := opts.Desk(ctx)
	if err != nil {
		return err
	}
	sims, err := d.DB.SIMs(ctx)
	if err != nil {
		return err
	}
	if opts.JSON {
		out := []simJSON{}
		for _, s := range sims {
			out = append(out, toSIMJSON(s))
		}
		return writeJSON(opts.Out, out)
	}
	var rows [][]string
	for _, s := range sims {
		state := "active"
		switch {
		case !s.Active:
			state = "inactive"
		case s.Parked(d.DB.Now()):
			state = "parked: " + s.ParkReason
		}
		id := s.IMSI
		if s.IsGateway() {
			id = s.GatewayUser + " @ " + s.GatewayURL
		}
		rows = append(rows, []string{strconv.FormatInt(s.ID, 10), s.Label(), s.Phone, id,
			strconv.Itoa(s.DailyLimit), state, s.LastPort})
	}
	return printTable(opts.Out, []string{"ID", "SIM", "PHONE", "IMSI / ACCOUNT", "LIMIT", "STATE", "PORT"}, rows)
}

// simFlags are the flags `sim add` and `sim set` share; update reads the
// ones given into a partial update.
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
	limitHelp := fmt.Sprintf("daily send limit in SMS parts (default %d)", 300)
	if forSet {
		limitHelp = "daily send limit in SMS parts"
	}
	fl.IntVar(&o.limit, "limit", 0, limitHelp)
	fl.StringVar(&o.url, "url", "", "gateway API URL (makes this SIM a gateway account)")
	fl.StringVar(&o.user, "user", "", "gateway username")
	fl.StringVar(&o.password, "password", "", "gateway password")
	fl.StringVar(&o.sender, "sender", "", "gateway sender ID (≤ 11 letters, or a number)")
	fl.StringVar(&o.notes, "note", "", "notes")
	fl.BoolVar(&o.inactive, "inactive", false, "do not send from this SIM")
	if forSet {
		fl.BoolVar(&o.active, "active", false, "send from this SIM again")
		fl.BoolVar(&o.unpark, "unpark", false, "lift a park (after its cause is fixed); new gateway credentials lift it too")
	}
}

func (o *simFlags) update(cmd *cobra.Command) (store.SIMUpdate, error) {
	u := store.SIMUpdate{
		Network:  changed(cmd, "network", o.network),
		Ref:      changed(cmd, "ref", o.ref),
		Phone:    changed(cmd, "phone", o.phone),
		IMSI:     changed(cmd, "imsi", o.imsi),
		Limit:    changed(cmd, "limit", o.limit),
		URL:      changed(cmd, "url", o.url),
		User:     changed(cmd, "user", o.user),
		Password: changed(cmd, "password", o.password),
		Sender:   changed(cmd, "sender", o.sender),
		Notes:    changed(cmd, "note", o.notes),
		Unpark:   o.unpark,
	}
	if o.inactive && o.active {
		return u, errors.New("--active and --inactive together")
	}
	if o.inactive {
		u.Active = new(bool)
	} else if o.active {
		on := true
		u.Active = &on
	}
	return u, nil
}

type simAddOptions struct {
	adminDeps
	Update store.SIMUpdate
}

func newCmdSIMAdd(f *Factory, runF func(context.Context, *simAddOptions) error) *cobra.Command {
	opts := &simAddOptions{adminDeps: newAdminDeps(f)}
	var fl simFlags
	cmd := &cobra.Command{Use: "add", Short: "Add a SIM card or gateway account", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Update, err = fl.update(cmd); err != nil {
				return fmt.Errorf("sim add: %w", err)
			}
			return run(cmd.Context(), opts, runF, simAdd)
		}}
	fl.register(cmd, false)
	return cmd
}

func simAdd(ctx context.Context, opts *simAddOptions) error {
	return deskOp(ctx, opts.adminDeps, func(ctx context.Context, d *desk.Desk) (string, error) {
		s, err := d.AddSIM(ctx, opts.Update)
		return fmt.Sprintf("added SIM %s (id %d)", s.Label(), s.ID), err
	})
}

type simSetOptions struct {
	adminDeps
	SIM    string // id or label
	Update store.SIMUpdate
}

func newCmdSIMSet(f *Factory, runF func(context.Context, *simSetOptions) error) *cobra.Command {
	opts := &simSetOptions{adminDeps: newAdminDeps(f)}
	var fl simFlags
	cmd := &cobra.Command{Use: "set SIM", Short: "Change a SIM (by id or label, e.g. \"O2 3\")", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.SIM = args[0]
			var err error
			if opts.Update, err = fl.update(cmd); err != nil {
				return fmt.Errorf("sim set: %w", err)
			}
			return run(cmd.Context(), opts, runF, simSet)
		}}
	fl.register(cmd, true)
	return cmd
}

func simSet(ctx context.Context, opts *simSetOptions) error {
	return deskRowOp(ctx, opts.adminDeps, opts.SIM, (*store.DB).FindSIM,
		func(ctx context.Context, d *desk.Desk, s store.SIM) (string, error) {
			s, err := d.UpdateSIM(ctx, s.ID, opts.Update)
			return "changed SIM " + s.Label(), err
		})
}

type simRmOptions struct {
	adminDeps
	SIM string
}

func newCmdSIMRm(f *Factory, runF func(context.Context, *simRmOptions) error) *cobra.Command {
	opts := &simRmOptions{adminDeps: newAdminDeps(f)}
	return &cobra.Command{Use: "rm SIM", Short: "Remove a SIM that has no texts (one with history: sim set --inactive)",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.SIM = args[0]
			return run(cmd.Context(), opts, runF, simRm)
		}}
}

func simRm(ctx context.Context, opts *simRmOptions) error {
	return deskRemove(ctx, opts.adminDeps, "sim rm", opts.SIM, (*store.DB).FindSIM,
		func(ctx context.Context, d *desk.Desk, s store.SIM) (string, error) { return d.RemoveSIM(ctx, s.ID) })
}

// run calls runF (a test's) when it is set, else the command's own run.
func run[O any](ctx context.Context, opts *O, runF, own func(context.Context, *O) error) error {
	if runF != nil {
		return runF(ctx, opts)
	}
	return own(ctx, opts)
}
