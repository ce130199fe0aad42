package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/demo"
)

func newCmdDemo(f *Factory) *cobra.Command {
	var keep string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Try everything with no hardware: a demo database, two emulated dongles, a data source and a gateway double",
		Long: `Seeds a demo database with a month of history, starts two emulated Huawei
dongles with new replies waiting on their SIMs, a local campaign data source and
a local SMS gateway double, and opens the terminal UI wired to all of them.
Everything stops, and the temporary files go, when you quit.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.DBPath == "" {
				f.DBPath = keep
			}
			return runDemo(cmd.Context(), f)
		},
	}
	// --db is the global flag; it is named here too for the help text.
	cmd.Flags().StringVar(&keep, "keep", "", "keep the demo database at this path (same as --db)")
	return cmd
}

func runDemo(ctx context.Context, f *Factory) error {
	if _, err := terminal(f); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintln(f.Err, "texting demo: starting emulated dongles, data source and gateway double…")
	env, err := demo.Start(ctx, demo.Options{DBPath: f.DBPath})
	if err != nil {
		return err
	}
	defer env.Close()
	f.Logger.Info("demo started", "db", env.DBPath, "ports", env.Ports, "source", env.SourceURL, "gateway", env.Gateway)
	f.DBPath = env.DBPath
	// Close the database before the demo's files are removed.
	defer f.Close()
	return runTUI(ctx, f)
}
