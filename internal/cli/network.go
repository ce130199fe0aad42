package cli

import (
	"context"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/desk"
	"github.com/texting-centre/texting/store"
)

// `texting network list|add|set|rm`: mobile networks and gateway providers.

func newCmdNetwork(f *Factory) *cobra.Command {
	cmd := adminGroup("network", "List, add, change and remove mobile networks and gateway providers")
	cmd.AddCommand(newCmdNetworkList(f, nil), newCmdNetworkAdd(f, nil), newCmdNetworkSet(f, nil), newCmdNetworkRm(f, nil))
	return cmd
}

type networkJSON struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Gateway bool   `json:"gateway"`
	Notes   string `json:"notes"`
}

type networkListOptions struct {
	adminDeps
	JSON bool
}

func newCmdNetworkList(f *Factory, runF func(context.Context, *networkListOptions) error) *cobra.Command {
	opts := &networkListOptions{adminDeps: newAdminDeps(f)}
	cmd := &cobra.Command{Use: "list", Short: "List networks", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return run(cmd.Context(), opts, runF, networkList) }}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

func networkList(ctx context.Context, opts *networkListOptions) error {
	d, err := opts.Desk(ctx)
	if err != nil {
		return err
	}
	nets, err := d.DB.Networks(ctx)
	if err != nil {
		return err
	}
	if opts.JSON {
		out := []networkJSON{}
		for _, n := range nets {
			out = append(out, networkJSON{n.ID, n.Name, n.Gateway, n.Notes})
		}
		return writeJSON(opts.Out, out)
	}
	var rows [][]string
	for _, n := range nets {
		kind := "SIM cards"
		if n.Gateway {
			kind = "gateway"
		}
		rows = append(rows, []string{strconv.FormatInt(n.ID, 10), n.Name, kind, n.Notes})
	}
	return printTable(opts.Out, []string{"ID", "NETWORK", "KIND", "NOTES"}, rows)
}

// networkFlags are the flags `network add` and `network set` share.
type networkFlags struct {
	name, note string
	gateway    bool
}

func (o *networkFlags) register(cmd *cobra.Command, forSet bool) {
	if forSet {
		cmd.Flags().StringVar(&o.name, "name", "", "new name")
	}
	cmd.Flags().StringVar(&o.note, "note", "", "notes: customer service number, top-up details …")
	cmd.Flags().BoolVar(&o.gateway, "gateway", false, "an SMS gateway provider (its SIMs are accounts)")
}

func (o *networkFlags) update(cmd *cobra.Command) store.NetworkUpdate {
	return store.NetworkUpdate{Name: changed(cmd, "name", o.name), Notes: changed(cmd, "note", o.note),
		Gateway: changed(cmd, "gateway", o.gateway)}
}

type networkAddOptions struct {
	adminDeps
	Update store.NetworkUpdate
}

func newCmdNetworkAdd(f *Factory, runF func(context.Context, *networkAddOptions) error) *cobra.Command {
	opts := &networkAddOptions{adminDeps: newAdminDeps(f)}
	var fl networkFlags
	cmd := &cobra.Command{Use: "add NAME", Short: "Add a network", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Update = fl.update(cmd)
			opts.Update.Name = &args[0]
			return run(cmd.Context(), opts, runF, networkAdd)
		}}
	fl.register(cmd, false)
	return cmd
}

func networkAdd(ctx context.Context, opts *networkAddOptions) error {
	return deskOp(ctx, opts.adminDeps, func(ctx context.Context, d *desk.Desk) (string, error) {
		n, err := d.AddNetwork(ctx, opts.Update)
		return "added network " + n.Name, err
	})
}

type networkSetOptions struct {
	adminDeps
	Network string
	Update  store.NetworkUpdate
}

func newCmdNetworkSet(f *Factory, runF func(context.Context, *networkSetOptions) error) *cobra.Command {
	opts := &networkSetOptions{adminDeps: newAdminDeps(f)}
	var fl networkFlags
	cmd := &cobra.Command{Use: "set NAME", Short: "Change a network", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Network, opts.Update = args[0], fl.update(cmd)
			return run(cmd.Context(), opts, runF, networkSet)
		}}
	fl.register(cmd, true)
	return cmd
}

func networkSet(ctx context.Context, opts *networkSetOptions) error {
	return deskRowOp(ctx, opts.adminDeps, opts.Network, (*store.DB).NetworkByName,
		func(ctx context.Context, d *desk.Desk, n store.Network) (string, error) {
			n, err := d.UpdateNetwork(ctx, n.ID, opts.Update)
			return "changed network " + n.Name, err
		})
}

type networkRmOptions struct {
	adminDeps
	Network string
}

func newCmdNetworkRm(f *Factory, runF func(context.Context, *networkRmOptions) error) *cobra.Command {
	opts := &networkRmOptions{adminDeps: newAdminDeps(f)}
	return &cobra.Command{Use: "rm NAME", Short: "Remove a network that has no SIMs", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Network = args[0]
			return run(cmd.Context(), opts, runF, networkRm)
		}}
}

func networkRm(ctx context.Context, opts *networkRmOptions) error {
	return deskRemove(ctx, opts.adminDeps, "network rm", opts.Network, (*store.DB).NetworkByName,
		func(ctx context.Context, d *desk.Desk, n store.Network) (string, error) {
			return d.RemoveNetwork(ctx, n.ID)
		})
}
