package desk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/texting-centre/texting/phone"
	"github.com/texting-centre/texting/store"
)

// DefaultLimit is a new SIM's daily limit in SMS parts when none is given.
const DefaultLimit = 300

// AddSIM adds a SIM card or gateway account. The network is required; the
// limit defaults to DefaultLimit and the SIM is active unless u says not.
func (d *Desk) AddSIM(ctx context.Context, u store.SIMUpdate) (store.SIM, error) {
	if u.Network == nil || strings.TrimSpace(*u.Network) == "" {
		return store.SIM{}, errors.New("add SIM: the network is required (--network)")
	}
	s := store.SIM{DailyLimit: DefaultLimit, Active: true}
	if err := d.applySIM(ctx, &s, u); err != nil {
		return store.SIM{}, fmt.Errorf("add SIM: %w", err)
	}
	s, err := d.DB.AddSIM(ctx, s)
	if err != nil {
		return store.SIM{}, err
	}
	d.Logger.Info("sim added", "sim", s.Label(), "id", s.ID)
	return s, nil
}

// UpdateSIM changes what u says of the SIM id and leaves the rest. New
// gateway credentials (URL, user, password, sender) lift a park, as does
// u.Unpark: most parks are about the account, and the operator fixing it is
// the signal to try again.
func (d *Desk) UpdateSIM(ctx context.Context, id int64, u store.SIMUpdate) (store.SIM, error) {
	s, err := d.DB.SIM(ctx, id)
	if err != nil {
		return store.SIM{}, err
	}
	if err := d.applySIM(ctx, &s, u); err != nil {
		return store.SIM{}, fmt.Errorf("change SIM %s: %w", s.Label(), err)
	}
	if err := d.DB.UpdateSIM(ctx, s); err != nil {
		return store.SIM{}, err
	}
	d.Logger.Info("sim changed", "sim", s.Label(), "id", s.ID)
	return d.DB.SIM(ctx, id)
}

// applySIM copies u onto s: the network by name, the phone number
// normalised in the configured region, the park lifted on new credentials;
// then s must validate.
func (d *Desk) applySIM(ctx context.Context, s *store.SIM, u store.SIMUpdate) error {
	if u.Network != nil {
		name := strings.TrimSpace(*u.Network)
		n, err := d.DB.NetworkByName(ctx, name)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("network %q not found (add it with 'texting network add %s')", name, name)
		}
		if err != nil {
			return err
		}
		s.NetworkID, s.Network, s.NetworkGateway = n.ID, n.Name, n.Gateway
	}
	if u.Phone != nil {
		s.Phone = ""
		if p := strings.TrimSpace(*u.Phone); p != "" {
			n, err := phone.Normalize(p, d.Config.Region)
			if err != nil {
				return fmt.Errorf("phone: %w", err)
			}
			s.Phone = n
		}
	}
	if u.NewCredentials(*s) || u.Unpark {
		s.ParkedUntil, s.ParkReason = time.Time{}, ""
	}
	set(&s.Ref, u.Ref)
	setTrim(&s.IMSI, u.IMSI)
	set(&s.DailyLimit, u.Limit)
	setTrim(&s.GatewayURL, u.URL)
	setTrim(&s.GatewayUser, u.User)
	set(&s.GatewayPassword, u.Password) // a password may have spaces
	setTrim(&s.SenderID, u.Sender)
	set(&s.Notes, u.Notes)
	set(&s.Active, u.Active)
	return s.Validate()
}

// RemoveSIM removes a SIM that no text refers to and says so. A SIM with
// history is refused, with the alternative: set it inactive.
func (d *Desk) RemoveSIM(ctx context.Context, id int64) (string, error) {
	s, err := d.DB.SIM(ctx, id)
	if err != nil {
		return "", err
	}
	if err := d.DB.DeleteSIM(ctx, id); err != nil {
		return "", refused(err, fmt.Sprintf("stop sending from it instead (texting sim set %q --inactive, or Active off in the TUI)", s.Label()))
	}
	d.Logger.Info("sim removed", "sim", s.Label(), "id", id)
	return "removed SIM " + s.Label(), nil
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func setTrim(dst *string, v *string) {
	if v != nil {
		*dst = strings.TrimSpace(*v)
	}
}
