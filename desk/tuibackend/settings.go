package tuibackend

import (
	"context"
	"os"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/tui/common"
)

var _ common.SettingsBackend = (*Backend)(nil)

// Settings lists every configuration key as it applies to this process
// (its environment, the settings table, the defaults), secrets masked. The
// change goes through the desk's SetSetting, the one `texting config set`
// uses.
func (b *Backend) Settings(ctx context.Context) ([]common.Setting, error) {
	stored, err := b.DB.Settings(ctx)
	if err != nil {
		return nil, err
	}
	vals, err := config.Resolve(stored, os.Getenv)
	if err != nil {
		return nil, err
	}
	out := make([]common.Setting, 0, len(vals))
	for _, v := range vals {
		s := common.Setting{Key: v.Key.Name, Value: v.Value, Source: string(v.Source), Env: v.Key.Env,
			Default: v.Key.Default, Help: v.Key.Help, Secret: v.Key.Secret}
		if s.Secret && s.Value != "" {
			s.Value = "****" // nothing of a secret shows
		}
		out = append(out, s)
	}
	return out, nil
}
