package categories_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/texting-centre/texting/tui/categories"
	"github.com/texting-centre/texting/tui/tuitest"
)

// reordering is the fake backend with MoveCategory, over the store.
type reordering struct{ *tuitest.Backend }

func (r reordering) MoveCategory(ctx context.Context, id int64, delta int) (string, error) {
	place, err := r.DB.MoveCategory(ctx, id, delta)
	return fmt.Sprintf("moved to place %d", place), err
}

// TestReorder: K and J move the category under the cursor up and down the
// order the review queue keys them by; the cursor follows it.
func TestReorder(t *testing.T) {
	ctx := context.Background()
	c, be := tuitest.Setup(t)
	c.Backend = reordering{be}
	m := categories.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	// Misc is fourth: K twice makes it second, J once third.
	tuitest.Type(t, m, nil, "down", "down", "down", "K", "K")
	names := func() string {
		cats, err := c.DB.Categories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, x := range cats {
			n = append(n, x.Name)
		}
		return strings.Join(n, ",")
	}
	if got := names(); got != "Thanks,Misc,End,Bot,Followup reply" {
		t.Fatalf("order %s", got)
	}
	tuitest.Type(t, m, nil, "J")
	if got := names(); got != "Thanks,End,Misc,Bot,Followup reply" {
		t.Fatalf("order %s", got)
	}
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "▸ 3   Misc") {
		t.Fatalf("the cursor did not follow Misc:\n%s", v)
	}
}
