// Package networks is the networks screen: mobile operators and gateway
// providers, with their notes; add, edit, delete.
package networks

import (
	"context"
	"strings"

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
		Form: func(c *common.Common, n store.Network, isNew bool) *common.Form {
			f := common.NewForm(c.Styles, c.Keys)
			f.Text("Name", n.Name)
			f.Toggle("Gateway", n.Gateway).Hint = "an SMS gateway provider rather than a mobile network"
			f.Area("Notes (customer service number, top-up details …)", n.Notes, 3, false)
			return f
		},
		Save: func(ctx context.Context, n store.Network, isNew bool, f *common.Form) error {
			u := store.NetworkUpdate{
				Name:    crud.Changed(strings.TrimSpace(f.Fields[0].Value()), n.Name),
				Gateway: crud.Changed(f.Fields[1].On(), n.Gateway),
				Notes:   crud.Changed(strings.TrimSpace(f.Fields[2].Value()), n.Notes),
			}
			var err error
			if isNew {
				_, err = c.Backend.AddNetwork(ctx, u)
			} else {
				_, err = c.Backend.UpdateNetwork(ctx, n.ID, u)
			}
			return err
		},
		Delete: func(ctx context.Context, n store.Network) (string, error) { return c.Backend.RemoveNetwork(ctx, n.ID) },
	})
}
