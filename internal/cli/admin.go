package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/desk"
	"github.com/texting-centre/texting/store"
)

// The administration commands (sim, network, category, template, optout)
// are the same actions as the TUI's screens, through the same desk calls.
// Each command has an options struct (its flags, read into the desk's
// partial-update types, and its dependencies) and one run function that
// tests call directly.

// adminDeps are what every command that acts through the desk needs (the
// administration commands, send, read-in, tagging, outbox changes, config
// set); the commands that only read the database take readDeps.
type adminDeps struct {
	Out io.Writer // data
	Err io.Writer // status lines ("removed SIM O2 3")
	// Desk opens the database and the application layer over it.
	Desk func(context.Context) (*desk.Desk, error)
}

func newAdminDeps(f *Factory) adminDeps {
	return adminDeps{Out: f.Out, Err: f.Err, Desk: f.Desk}
}

// Desk returns the application layer over the opened database and the
// resolved configuration, made once per command.
func (f *Factory) Desk(ctx context.Context) (*desk.Desk, error) {
	if f.desk != nil {
		return f.desk, nil
	}
	db, err := f.Store(ctx)
	if err != nil {
		return nil, err
	}
	cfg, err := f.Config(ctx)
	if err != nil {
		return nil, err
	}
	f.desk = desk.New(db, cfg, f.Logger)
	f.desk.Trace = f.TraceModem
	return f.desk, nil
}

func adminGroup(use, short string) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() }}
}

// changed returns &v when the flag was given, else nil: a flag not given
// leaves the field as it is.
func changed[T any](cmd *cobra.Command, flag string, v T) *T {
	if !cmd.Flags().Changed(flag) {
		return nil
	}
	return &v
}

// clipText shortens s to n runes for a table cell, on one line.
func clipText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// deskOp opens the desk, calls op and prints the status line op returns
// ("added network O2") on Err; the line is printed only when op succeeds.
func deskOp(ctx context.Context, deps adminDeps, op func(context.Context, *desk.Desk) (string, error)) error {
	d, err := deps.Desk(ctx)
	if err != nil {
		return err
	}
	msg, err := op(ctx, d)
	if err != nil {
		return err
	}
	fmt.Fprintln(deps.Err, msg)
	return nil
}

// deskRowOp is deskOp on one row: find resolves what the operator typed
// (ref: a name, or for SIMs an id or label), op acts on the row found.
func deskRowOp[R any](ctx context.Context, deps adminDeps, ref string,
	find func(*store.DB, context.Context, string) (R, error), op func(context.Context, *desk.Desk, R) (string, error)) error {
	return deskOp(ctx, deps, func(ctx context.Context, d *desk.Desk) (string, error) {
		r, err := find(d.DB, ctx, ref)
		if err != nil {
			return "", err
		}
		return op(ctx, d, r)
	})
}

// deskRemove is deskRowOp for `… rm`: the desk's refusal is prefixed with
// the command ("sim rm: …"); a row not found is not.
func deskRemove[R any](ctx context.Context, deps adminDeps, command, ref string,
	find func(*store.DB, context.Context, string) (R, error), remove func(context.Context, *desk.Desk, R) (string, error)) error {
	return deskRowOp(ctx, deps, ref, find, func(ctx context.Context, d *desk.Desk, r R) (string, error) {
		msg, err := remove(ctx, d, r)
		if err != nil {
			return "", fmt.Errorf("%s: %w", command, err)
		}
		return msg, nil
	})
}
