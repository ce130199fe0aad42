// Package networks is the networks screen: mobile operators and gateway
// providers, with their notes; add, edit, delete.
package networks

import (
	"context"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/crud"
)

// Title is the screen's name.
const Title = "Networks"

// New returns the networks screen.
func New(c *common.Common) *crud.Model[store.Network] {
	return crud.New(c, crud.Spec[store.Network]{
		Title:   Title,
		Noun:    "network",
		Columns: []crud.Column{crud.Col("Name", 20), crud.Col("Kind", 9), crud.Col("Notes", 0)},
		Load:    func(ctx context.Context, db *store.DB) ([]store.Network, error) { return db.Networks(ctx) },
		Row: func(n store.Network) []string {
			kind := "SIMs"
			if n.Gateway {
				kind = "gateway"
			}
			return []string{common.Clean(n.Name), kind, common.OneLine(n.Notes)}
		},
		Name: func(n store.Network) string { return n.Name },
		Form: func(c *common.Common, n store.Network, isNew bool) crud.Editor {
			f := common.NewForm(c.Styles, c.Keys)
			name := f.Text("Name", n.Name)
			gateway := f.Toggle("Gateway", n.Gateway)
			gateway.Hint = "an SMS gateway provider rather than a mobile network"
			notes := f.Area("Notes (customer service number, top-up details …)", n.Notes, 3, false)
			save := func(ctx context.Context) error {
				u := store.NetworkUpdate{
					Name:    crud.Changed(name.Trimmed(), n.Name),
					Gateway: crud.Changed(gateway.On(), n.Gateway),
					Notes:   crud.Changed(notes.Trimmed(), n.Notes),
				}
				return crud.Put(ctx, isNew, n.ID, u, c.Backend.AddNetwork, c.Backend.UpdateNetwork)
			}
			return crud.Editor{Form: f, Save: save, Name: name}
		},
		Delete: func(ctx context.Context, n store.Network) (string, error) { return c.Backend.RemoveNetwork(ctx, n.ID) },
	})
}
