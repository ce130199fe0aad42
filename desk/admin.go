package desk

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/template"
)

// AddNetwork adds a mobile network or gateway provider; the name must be new.
func (d *Desk) AddNetwork(ctx context.Context, u store.NetworkUpdate) (store.Network, error) {
	n := u.Apply(store.Network{})
	n.Name = strings.TrimSpace(n.Name)
	if err := n.Validate(); err != nil {
		return n, fmt.Errorf("add network: %w", err)
	}
	return d.DB.AddNetwork(ctx, n)
}

// UpdateNetwork changes what u says of the network id.
func (d *Desk) UpdateNetwork(ctx context.Context, id int64, u store.NetworkUpdate) (store.Network, error) {
	n, err := d.network(ctx, id)
	if err != nil {
		return n, err
	}
	n = u.Apply(n)
	n.Name = strings.TrimSpace(n.Name)
	if err := n.Validate(); err != nil {
		return n, fmt.Errorf("change network: %w", err)
	}
	return n, d.DB.UpdateNetwork(ctx, n)
}

// RemoveNetwork removes a network without SIMs and says so.
func (d *Desk) RemoveNetwork(ctx context.Context, id int64) (string, error) {
	n, err := d.network(ctx, id)
	if err != nil {
		return "", err
	}
	if err := d.DB.DeleteNetwork(ctx, id); err != nil {
		return "", refused(err, fmt.Sprintf("its SIMs keep their texts; rename it instead (texting network set %q --name NEW)", n.Name))
	}
	return "removed network " + n.Name, nil
}

func (d *Desk) network(ctx context.Context, id int64) (store.Network, error) {
	nets, err := d.DB.Networks(ctx)
	if err != nil {
		return store.Network{}, err
	}
	for _, n := range nets {
		if n.ID == id {
			return n, nil
		}
	}
	return store.Network{}, fmt.Errorf("network %d: %w", id, store.ErrNotFound)
}

// AddCategory adds a reply category at the end of the list.
func (d *Desk) AddCategory(ctx context.Context, u store.CategoryUpdate) (store.Category, error) {
	c := u.Apply(store.Category{Followup: store.FollowupNone})
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("add category: %w", err)
	}
	return d.DB.AddCategory(ctx, c)
}

// UpdateCategory changes what u says of the category id. Existing texts keep
// the category; an opt-out switched off does not take anybody off the list.
func (d *Desk) UpdateCategory(ctx context.Context, id int64, u store.CategoryUpdate) (store.Category, error) {
	c, err := d.DB.Category(ctx, id)
	if err != nil {
		return c, err
	}
	c = u.Apply(c)
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("change category: %w", err)
	}
	return c, d.DB.UpdateCategory(ctx, c)
}

// RemoveCategory removes a category no text is in and says so; one with
// texts is refused with the alternatives, merge or rename.
func (d *Desk) RemoveCategory(ctx context.Context, id int64) (string, error) {
	c, err := d.DB.Category(ctx, id)
	if err != nil {
		return "", err
	}
	if err := d.DB.DeleteCategory(ctx, id); err != nil {
		alt := fmt.Sprintf("merge it into another (texting category merge %q INTO) or rename it (texting category set %q --name NEW)", c.Name, c.Name)
		if c.Role != "" {
			alt = fmt.Sprintf("rename it instead (texting category set %q --name NEW)", c.Name)
		}
		return "", refused(err, alt)
	}
	return "removed category " + c.Name, nil
}

// MergeCategory moves every text of the category from into the category
// into and removes from; the learned model relearns them.
func (d *Desk) MergeCategory(ctx context.Context, from, into int64) (string, error) {
	f, err := d.DB.Category(ctx, from)
	if err != nil {
		return "", err
	}
	t, err := d.DB.Category(ctx, into)
	if err != nil {
		return "", err
	}
	n, err := d.DB.MergeCategory(ctx, from, into)
	if err != nil {
		return "", refused(err, fmt.Sprintf("rename it instead (texting category set %q --name NEW)", f.Name))
	}
	return fmt.Sprintf("merged category %s into %s (%d text%s moved)", f.Name, t.Name, n, plural(n)), nil
}

// checkTemplate checks a template: a name and a body, only the placeholders
// the renderer knows in each body, and no body over maxParts SMS parts
// (template.max_parts; never over template.MaxParts).
func checkTemplate(t store.Template, maxParts int) error {
	if err := t.Validate(); err != nil {
		return err
	}
	for _, b := range []struct{ what, body string }{
		{"body", t.Body}, {"follow-up", t.Followup}, {"alternative follow-up", t.AltFollowup},
	} {
		if strings.TrimSpace(b.body) == "" {
			continue
		}
		if err := template.Check(b.body); err != nil {
			return fmt.Errorf("%s: %w", b.what, err)
		}
		if err := template.CheckSize(b.body, maxParts); err != nil {
			return fmt.Errorf("%s: %w", b.what, err)
		}
	}
	return nil
}

// AddTemplate adds a campaign template (its name matches a data-source group).
func (d *Desk) AddTemplate(ctx context.Context, u store.TemplateUpdate) (store.Template, error) {
	if u.Body == nil {
		return store.Template{}, errors.New("add template: the body is required (--body)")
	}
	t := u.Apply(store.Template{})
	if err := checkTemplate(t, d.Config.TemplateMaxParts); err != nil {
		return t, fmt.Errorf("add template: %w", err)
	}
	return d.DB.AddTemplate(ctx, t)
}

// UpdateTemplate changes what u says of the template id.
func (d *Desk) UpdateTemplate(ctx context.Context, id int64, u store.TemplateUpdate) (store.Template, error) {
	t, err := d.DB.Template(ctx, id)
	if err != nil {
		return t, err
	}
	t = u.Apply(t)
	if err := checkTemplate(t, d.Config.TemplateMaxParts); err != nil {
		return t, fmt.Errorf("change template %s: %w", t.Name, err)
	}
	if err := d.DB.UpdateTemplate(ctx, t); err != nil {
		return t, err
	}
	return d.DB.Template(ctx, id)
}

// RemoveTemplate removes a template no text was sent with and says so; one
// with texts is kept for their follow-ups.
func (d *Desk) RemoveTemplate(ctx context.Context, id int64) (string, error) {
	t, err := d.DB.Template(ctx, id)
	if err != nil {
		return "", err
	}
	if err := d.DB.DeleteTemplate(ctx, id); err != nil {
		return "", refused(err, fmt.Sprintf("their follow-ups need it; rename it so no data-source group matches it (texting template set %q --name NEW)", t.Name))
	}
	return "removed template " + t.Name, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
