package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"
)

func init() {
	register(func(f *Factory) *cobra.Command {
		return &cobra.Command{
			Use:   "tui",
			Short: "Open the full-screen terminal UI (the default)",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				return runTUI(cmd.Context(), f)
			},
		}
	})
}

// runTUI opens the terminal UI on the configured database.
func runTUI(ctx context.Context, f *Factory) error {
	return errors.New("the terminal UI is not built yet")
}
