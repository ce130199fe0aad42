package tuibackend

import (
	"context"
	"fmt"

	"github.com/texting-centre/texting/tui/common"
)

var _ common.ReorderBackend = (*Backend)(nil)

// MoveCategory moves a category in the order the review queue keys them,
// as `texting category move` does.
func (b *Backend) MoveCategory(ctx context.Context, id int64, delta int) (string, error) {
	c, err := b.DB.Category(ctx, id)
	if err != nil {
		return "", err
	}
	place, err := b.DB.MoveCategory(ctx, id, delta)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("moved %s to place %d (key %s on Replies)", c.Name, place, categoryKey(place)), nil
}

// categoryKey is the review queue's key for the category in place (1-based):
// 1–9, then a, b … in the list c opens.
func categoryKey(place int) string {
	switch {
	case place <= 9:
		return fmt.Sprint(place)
	case place <= 9+26:
		return "c then " + string(rune('a'+place-10))
	}
	return "c, then ↑/↓"
}
