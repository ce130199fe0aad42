package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// newCmdCategoryMove builds `texting category move NAME up|down|PLACE`: the
// order of the categories is the order of the review queue's keys.
func newCmdCategoryMove(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "move NAME up|down|PLACE",
		Short: "Move a category in the order the review queue keys them (1-9, then a, b …)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, err := f.Store(ctx)
			if err != nil {
				return err
			}
			c, err := db.CategoryByName(ctx, args[0])
			if err != nil {
				return fmt.Errorf("category move: %w", err)
			}
			cats, err := db.Categories(ctx)
			if err != nil {
				return err
			}
			at := 0
			for i, x := range cats {
				if x.ID == c.ID {
					at = i + 1
				}
			}
			var delta int
			switch w := strings.ToLower(args[1]); w {
			case "up":
				delta = -1
			case "down":
				delta = 1
			default:
				n, err := strconv.Atoi(w)
				if err != nil || n < 1 || n > len(cats) {
					return fmt.Errorf("category move: %q is not up, down or a place from 1 to %d", args[1], len(cats))
				}
				delta = n - at
			}
			place, err := db.MoveCategory(ctx, c.ID, delta)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(f.Out, "moved %s from place %d to %d\n", c.Name, at, place)
			return err
		},
	}
}
