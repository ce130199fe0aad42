// Package categories is the reply types screen: each category's behaviour
// (opt-out, follow-up) and auto-reply; add, edit, delete.
package categories

import (
	"context"
	"fmt"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/crud"
)

// Title is the screen's name: the tab bar has room for "Types" only, so the
// screen is called by what its categories are, reply types.
const Title = "Reply types"

// New returns the categories screen.
func New(c *common.Common) *crud.Model[store.Category] {
	return crud.New(c, crud.Spec[store.Category]{
		Title: Title,
		Tab:   "Types",
		Noun:  "category",
		Columns: []crud.Column{
			crud.Col("#", 3), crud.Col("Name", 18), crud.Col("Opt-out", 8), crud.Col("Follow-up", 12), crud.Col("Auto-reply", 0),
		},
		Load: func(ctx context.Context, db *store.DB) ([]store.Category, error) { return db.Categories(ctx) },
		Row: func(cat store.Category) []string {
			opt := ""
			if cat.OptOut {
				opt = "yes"
			}
			return []string{fmt.Sprint(cat.Position), common.Clean(cat.Name), opt, cat.Followup, common.OneLine(cat.AutoReply)}
		},
		Name: func(cat store.Category) string { return cat.Name },
		Form: func(c *common.Common, cat store.Category, isNew bool) crud.Editor {
			f := common.NewForm(c.Styles, c.Keys)
			name := f.Text("Name", cat.Name)
			optOut := f.Toggle("Opt-out", cat.OptOut)
			optOut.Hint = "a reply in it puts the number on the opt-out list"
			followup := cat.Followup
			if followup == "" {
				followup = store.FollowupNone
			}
			follow := f.Choice("Follow-up", []string{store.FollowupNone, store.FollowupBasic, store.FollowupAlternative}, followup)
			autoReply := f.Area("Auto-reply (once per number per window; empty for none)", cat.AutoReply, 3, true)
			anyHour := f.Toggle("At any hour", cat.AutoReplyAnyHour)
			anyHour.Hint = "the auto-reply may go during quiet hours; else it waits for them to end"
			save := func(ctx context.Context) error {
				u := store.CategoryUpdate{
					Name:      crud.Changed(name.Trimmed(), cat.Name),
					OptOut:    crud.Changed(optOut.On(), cat.OptOut),
					Followup:  crud.Changed(follow.Value(), cat.Followup),
					AutoReply: crud.Changed(autoReply.Trimmed(), cat.AutoReply),
					AnyHour:   crud.Changed(anyHour.On(), cat.AutoReplyAnyHour),
				}
				return crud.Put(ctx, isNew, cat.ID, u, c.Backend.AddCategory, c.Backend.UpdateCategory)
			}
			return crud.Editor{Form: f, Save: save, Name: name}
		},
		Delete: func(ctx context.Context, cat store.Category) (string, error) {
			return c.Backend.RemoveCategory(ctx, cat.ID)
		},
		Move: func(ctx context.Context, cat store.Category, delta int) (string, error) {
			rb, ok := c.Backend.(common.ReorderBackend)
			if !ok {
				return "", fmt.Errorf("reordering needs texting category move")
			}
			return rb.MoveCategory(ctx, cat.ID, delta)
		},
		Detail: func(c *common.Common, cat store.Category) string {
			if cat.Role != "" {
				return c.Styles.Subtle.Render("The automatic rules use this category (" + cat.Role + "): it can be renamed, not deleted.")
			}
			return ""
		},
	})
}
