package cli

import (
	"fmt"
	"os/user"
	"strings"

	"github.com/texting-centre/texting/config"
)

// operatorName is who is acting: --as, else the operator setting, else the
// login name (else $USER, else "operator"). A name given that is not
// usable is an error; a login name that is not is replaced by "operator".
func operatorName(f *Factory, cfg config.Config) (string, error) {
	if f.As != "" {
		if err := config.CheckOperator(f.As); err != nil {
			return "", fmt.Errorf("--as: %w", err)
		}
		return strings.TrimSpace(f.As), nil
	}
	if cfg.Operator != "" {
		return cfg.Operator, nil
	}
	name := ""
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	if name == "" && f.Getenv != nil {
		name = f.Getenv("USER")
	}
	if config.CheckOperator(name) != nil {
		return "operator", nil
	}
	return name, nil
}
