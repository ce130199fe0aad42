// Package sims is the SIM cards screen: every SIM and gateway account with
// its daily limit, state and credentials (the password masked); add, edit,
// delete.
package sims

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/crud"
)

// Title is the screen's name.
const Title = "SIMs"

// New returns the SIM cards screen.
func New(c *common.Common) *crud.Model[store.SIM] {
	return crud.New(c, crud.Spec[store.SIM]{
		Title: Title,
		Noun:  "SIM",
		Columns: []crud.Column{
			crud.Col("SIM", 12), crud.Col("Phone", 14), crud.Col("IMSI", 16), crud.Col("Limit", 6), crud.Col("State", 12), crud.Col("Gateway", 0),
		},
		Load: func(ctx context.Context, db *store.DB) ([]store.SIM, error) { return db.SIMs(ctx) },
		Row: func(s store.SIM) []string {
			state := "active"
			switch {
			case !s.Active:
				state = "inactive"
			case s.Parked(c.Now()):
				state = "parked"
			}
			gw := ""
			if s.IsGateway() {
				gw = s.GatewayUser + " (no password)"
				if s.GatewayPassword != "" {
					gw = s.GatewayUser + " (password set)" // nothing of it shows
				}
				if s.SenderID != "" {
					gw += " from " + common.Clean(s.SenderID)
				}
			}
			return []string{common.Clean(s.Label()), common.Clean(s.Phone), common.Clean(s.IMSI), strconv.Itoa(s.DailyLimit), state, gw}
		},
		Name: func(s store.SIM) string { return s.Label() },
		Form: func(c *common.Common, s store.SIM, isNew bool) crud.Editor {
			f := common.NewForm(c.Styles, c.Keys)
			ref := ""
			if s.Ref != 0 {
				ref = strconv.Itoa(s.Ref)
			}
			limit := "300"
			if !isNew {
				limit = strconv.Itoa(s.DailyLimit)
			}
			network := f.Text("Network", s.Network)
			network.Hint = "a network's name (see Networks)"
			refF := f.Text("Reference", ref)
			refF.Hint = "empty: the next free number"
			phone := f.Text("Phone", s.Phone)
			imsi := f.Text("IMSI", s.IMSI)
			limitF := f.Text("Daily limit", limit)
			limitF.Hint = "SMS parts a day"
			active := f.Toggle("Active", s.Active || isNew)
			url := f.Text("Gateway URL", s.GatewayURL)
			user := f.Text("Gateway user", s.GatewayUser)
			password := f.Secret("Password", s.GatewayPassword)
			sender := f.Text("Sender ID", s.SenderID)
			sender.Hint = "≤ 11 letters or a number"
			notes := f.Text("Notes", s.Notes)
			save := func(ctx context.Context) error {
				ref, limit := 0, 0
				var err error
				if v := refF.Trimmed(); v != "" {
					if ref, err = strconv.Atoi(v); err != nil {
						return fmt.Errorf("reference must be a number, not %q", v)
					}
				}
				if limit, err = strconv.Atoi(limitF.Trimmed()); err != nil {
					return fmt.Errorf("daily limit must be a whole number, not %q", limitF.Trimmed())
				}
				// Only what the operator changed goes in the update: the same
				// partial update `texting sim set` makes from the flags given.
				u := store.SIMUpdate{
					Network:  crud.Changed(network.Trimmed(), s.Network),
					Ref:      crud.Changed(ref, s.Ref),
					Phone:    crud.Changed(phone.Trimmed(), s.Phone),
					IMSI:     crud.Changed(imsi.Trimmed(), s.IMSI),
					Limit:    crud.Changed(limit, s.DailyLimit),
					Active:   crud.Changed(active.On(), s.Active),
					URL:      crud.Changed(url.Trimmed(), s.GatewayURL),
					User:     crud.Changed(user.Trimmed(), s.GatewayUser),
					Password: crud.Changed(password.Value(), s.GatewayPassword),
					Sender:   crud.Changed(sender.Trimmed(), s.SenderID),
					Notes:    crud.Changed(notes.Trimmed(), s.Notes),
				}
				if isNew {
					on := active.On()
					u.Limit, u.Active = &limit, &on
				}
				return crud.Put(ctx, isNew, s.ID, u, c.Backend.AddSIM, c.Backend.UpdateSIM)
			}
			return crud.Editor{Form: f, Save: save}
		},
		Delete: func(ctx context.Context, s store.SIM) (string, error) { return c.Backend.RemoveSIM(ctx, s.ID) },
		Detail: func(c *common.Common, s store.SIM) string {
			st := c.Styles
			var parts []string
			if s.Parked(c.Now()) {
				parts = append(parts, st.Warn.Render(fmt.Sprintf("Parked until %s: %s", s.ParkedUntil.In(c.Loc).Format("15:04"), common.Clean(s.ParkReason))))
			}
			if s.LastPort != "" {
				parts = append(parts, st.Label.Render("Last seen on ")+common.Clean(s.LastPort)+" "+common.When(s.LastSeen, c.Now(), c.Loc))
			}
			if s.IsGateway() && s.GatewayURL != "" {
				parts = append(parts, st.Label.Render("Gateway ")+common.Clean(s.GatewayURL))
			}
			if s.Notes != "" {
				parts = append(parts, st.Label.Render("Notes ")+common.OneLine(s.Notes))
			}
			return strings.Join(parts, "\n")
		},
	})
}
