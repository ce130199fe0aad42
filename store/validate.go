package store

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// The rules on the domain types live here, next to the types, as pure
// functions: every front end (the commands, the TUI, serve) saves through the
// application layer, which calls Validate before it writes. The errors name
// the field as an operator knows it, so that a command and a form can show
// them as they are.

// Validate reports the first thing wrong with s, or nil. It needs nothing but
// s: the phone number is expected normalised already (the application layer
// knows the region).
func (s SIM) Validate() error {
	if s.NetworkID == 0 {
		return errors.New("network is required")
	}
	if s.Ref < 0 {
		return fmt.Errorf("reference must be 0 or more, not %d", s.Ref)
	}
	if s.IMSI != "" && !allDigits(s.IMSI, 6, 15) {
		return fmt.Errorf("IMSI must be 6 to 15 digits, not %q", s.IMSI)
	}
	if s.Phone != "" && !(strings.HasPrefix(s.Phone, "+") && allDigits(s.Phone[1:], 6, 15)) {
		return fmt.Errorf("phone must be an international number such as +447700900123, not %q", s.Phone)
	}
	if s.DailyLimit < 0 {
		return fmt.Errorf("daily limit must be 0 or more, not %d", s.DailyLimit)
	}
	if s.GatewayURL != "" {
		u, err := url.Parse(s.GatewayURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("gateway URL %q is not an http or https URL", s.GatewayURL)
		}
		if s.GatewayUser == "" || s.GatewayPassword == "" {
			return errors.New("a gateway account needs a URL, a user and a password")
		}
	}
	return ValidSenderID(s.SenderID)
}

// ValidSenderID checks a gateway sender ID: empty, a number (3 to 16 digits,
// an optional leading +), or a name of at most 11 letters, digits and spaces.
func ValidSenderID(id string) error {
	if id == "" || allDigits(strings.TrimPrefix(id, "+"), 3, 16) {
		return nil
	}
	if n := len([]rune(id)); n > 11 {
		return fmt.Errorf("sender ID: a sender name has at most 11 characters, %q has %d", id, n)
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == ' ') {
			return fmt.Errorf("sender ID: %q may have only letters, digits and spaces", id)
		}
	}
	return nil
}

// Validate reports the first thing wrong with n, or nil.
func (n Network) Validate() error {
	if strings.TrimSpace(n.Name) == "" {
		return errEmpty("name")
	}
	return nil
}

// Validate reports the first thing wrong with c, or nil.
func (c Category) Validate() error { return validCategory(c) }

// Validate reports the first thing wrong with t, or nil. The placeholders
// in the bodies are the template package's to check: store knows no
// placeholders.
func (t Template) Validate() error {
	if strings.TrimSpace(t.Name) == "" {
		return errEmpty("name")
	}
	if strings.TrimSpace(t.Body) == "" {
		return errEmpty("body")
	}
	return nil
}

func allDigits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// SIMUpdate is a partial change to a SIM: a nil field is left as it is. A
// command fills it from the flags that were given, a form from the fields
// that changed, so both reach the same rules.
type SIMUpdate struct {
	Network  *string // the network's name
	Ref      *int
	Phone    *string // as typed; the application layer normalises it
	IMSI     *string
	Limit    *int
	URL      *string
	User     *string
	Password *string
	Sender   *string
	Notes    *string
	Active   *bool
	// Unpark lifts a park now (after its cause was fixed). New gateway
	// credentials lift it too.
	Unpark bool
}

// NewCredentials reports whether u changes what a gateway account logs in
// or sends with, which is what most parks are about.
func (u SIMUpdate) NewCredentials(s SIM) bool {
	changed := func(p *string, v string) bool { return p != nil && *p != v }
	return changed(u.URL, s.GatewayURL) || changed(u.User, s.GatewayUser) ||
		changed(u.Password, s.GatewayPassword) || changed(u.Sender, s.SenderID)
}

// NetworkUpdate is a partial change to a network (nil = unchanged).
type NetworkUpdate struct {
	Name    *string
	Gateway *bool
	Notes   *string
}

// Apply returns n with u's changes.
func (u NetworkUpdate) Apply(n Network) Network {
	set(&n.Name, u.Name)
	set(&n.Gateway, u.Gateway)
	set(&n.Notes, u.Notes)
	return n
}

// CategoryUpdate is a partial change to a category (nil = unchanged).
type CategoryUpdate struct {
	Name      *string
	OptOut    *bool
	Followup  *string // FollowupNone, FollowupBasic or FollowupAlternative ("alt" too)
	AutoReply *string
	// AnyHour lets the auto-reply go during quiet hours.
	AnyHour *bool
}

// Apply returns c with u's changes; the follow-up is spelled as stored.
func (u CategoryUpdate) Apply(c Category) Category {
	set(&c.Name, u.Name)
	set(&c.OptOut, u.OptOut)
	if u.Followup != nil {
		c.Followup = ParseFollowup(*u.Followup)
	}
	if u.AutoReply != nil {
		c.AutoReply = strings.TrimSpace(*u.AutoReply)
	}
	set(&c.AutoReplyAnyHour, u.AnyHour)
	c.Name = strings.TrimSpace(c.Name)
	return c
}

// ParseFollowup spells a follow-up action as stored: "alt" is
// FollowupAlternative, case and spaces do not matter. What it does not know
// is returned as given, for Validate to refuse.
func ParseFollowup(s string) string {
	switch v := strings.ToLower(strings.TrimSpace(s)); v {
	case FollowupNone, FollowupBasic, FollowupAlternative:
		return v
	case "alt":
		return FollowupAlternative
	}
	return s
}

// TemplateUpdate is a partial change to a template (nil = unchanged).
type TemplateUpdate struct {
	Name        *string
	Body        *string
	Followup    *string
	AltFollowup *string
}

// Apply returns t with u's changes.
func (u TemplateUpdate) Apply(t Template) Template {
	set(&t.Name, u.Name)
	set(&t.Body, u.Body)
	set(&t.Followup, u.Followup)
	set(&t.AltFollowup, u.AltFollowup)
	t.Name = strings.TrimSpace(t.Name)
	return t
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
