// Package optouts is the Opt-outs screen: every number on the opt-out list,
// since when and why (the reply that put it there, or the operator's note);
// a adds a number by hand, d takes one off. Both go through the backend, the
// same calls as `texting optout add|rm`.
package optouts

import (
	"context"
	"errors"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/crud"
)

// Title is the screen's name.
const Title = "Opt-outs"

// New returns the opt-outs screen.
func New(c *common.Common) *crud.Model[store.OptOut] {
	return crud.New(c, crud.Spec[store.OptOut]{
		Title:   Title,
		Tab:     "Opt",
		Noun:    "opt-out",
		Columns: []crud.Column{crud.Col("Number", 16), crud.Col("Since", 18), crud.Col("Why", 0)},
		Load:    func(ctx context.Context, db *store.DB) ([]store.OptOut, error) { return db.OptOuts(ctx) },
		Row: func(o store.OptOut) []string {
			return []string{common.Clean(o.Number), o.At.In(c.Loc).Format("2 Jan 2006 15:04"), why(o)}
		},
		Name: func(o store.OptOut) string { return o.Number },
		Form: func(c *common.Common, o store.OptOut, isNew bool) crud.Editor {
			f := common.NewForm(c.Styles, c.Keys)
			number := f.Text("Number", o.Number)
			number.Hint = "as you would type it; it is checked"
			note := f.Text("Note", o.Note)
			note.Hint = "who asked and how"
			save := func(ctx context.Context) error {
				if !isNew {
					return errors.New("an opt-out is not edited: d takes it off, a adds one")
				}
				_, err := c.Backend.AddOptOut(ctx, number.Trimmed(), note.Trimmed())
				return err
			}
			return crud.Editor{Form: f, Save: save, Name: number}
		},
		Delete: func(ctx context.Context, o store.OptOut) (string, error) {
			return c.Backend.RemoveOptOut(ctx, o.Number, "taken off in the TUI")
		},
		Detail: func(c *common.Common, o store.OptOut) string {
			if o.Text == "" {
				return ""
			}
			return c.Styles.Label.Render("Their text ") + common.OneLine(o.Text)
		},
	})
}

func why(o store.OptOut) string {
	switch {
	case o.Text != "":
		return "reply: " + common.OneLine(o.Text)
	case o.Note != "":
		return "by hand: " + common.OneLine(o.Note)
	}
	return "by hand"
}
