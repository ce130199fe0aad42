package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

// newCmdOutboxArchive builds `texting outbox archive`: what the Outbox
// screen's a does.
func newCmdOutboxArchive(f *Factory) *cobra.Command {
	var days int
	cmd := &cobra.Command{
		Use:   "archive [--older-than DAYS]",
		Short: "Archive failed texts older than DAYS: the outbox (texting outbox, the TUI's Outbox) stops listing them; they stay in the database",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if days < 0 || days > 3650 {
				return fmt.Errorf("outbox archive: --older-than must be from 0 to 3650 days, not %d", days)
			}
			ctx := cmd.Context()
			db, err := f.Store(ctx)
			if err != nil {
				return err
			}
			n, err := db.ArchiveFailed(ctx, db.Now().Add(-time.Duration(days)*24*time.Hour))
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(f.Out, "archived %d failed %s older than %d days (kept in the database; texting messages still lists them)\n",
				n, plural(n, "text", "texts"), days)
			return err
		},
	}
	cmd.Flags().IntVar(&days, "older-than", 7, "archive failed texts older than this many days")
	return cmd
}
