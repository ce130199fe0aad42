package gateway

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
)

// MaxRefLen is the longest reference (`ref`) the provider accepts with a
// message; ours is the message id, far shorter.
const MaxRefLen = 20

// maxAlphaSender is the longest alphanumeric sender ID the provider accepts;
// maxNumericSender the longest numeric one (an E.164 number has at most 15
// digits).
const (
	maxAlphaSender   = 11
	maxNumericSender = 15
)

// Account is one SMS Broadcast account: a gateway SIM in the store. Password is
// a secret: String, GoString and LogValue never show it, and no error or log
// line of this package contains it.
type Account struct {
	// URL is the advanced API endpoint, e.g.
	// https://api.smsbroadcast.com.au/api-adv.php.
	URL string
	// Username and Password are the API key's credentials.
	Username string
	Password string
	// Sender is the sender ID (`from`): up to 11 letters and digits, or a
	// phone number; empty uses the provider's shared number pool.
	Sender string
}

// masked is what is shown in place of a password that is set.
const masked = "********"

// mask hides a secret entirely, saying only whether it is set.
func mask(secret string) string {
	if secret == "" {
		return ""
	}
	return masked
}

// String describes the account with its password masked.
func (a Account) String() string {
	return fmt.Sprintf("{URL:%s Username:%s Password:%s Sender:%s}",
		redactURL(a.URL), a.Username, mask(a.Password), a.Sender)
}

// GoString is String for %#v, so that no verb prints the password.
func (a Account) GoString() string { return "gateway.Account" + a.String() }

// LogValue logs the account as a group with its password masked.
func (a Account) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("url", redactURL(a.URL)),
		slog.String("username", a.Username),
		slog.String("password", mask(a.Password)),
		slog.String("sender", a.Sender),
	)
}

// Validate reports what is wrong with an account before anything is sent: an
// API URL that is not http(s), missing credentials, or a sender ID the
// provider would refuse.
func (a Account) Validate() error {
	if err := a.validateEndpoint(); err != nil {
		return err
	}
	if err := ValidSender(a.Sender); err != nil {
		return fmt.Errorf("gateway account: %w", err)
	}
	return nil
}

// validateEndpoint checks what every request needs: the URL and credentials.
func (a Account) validateEndpoint() error {
	u, err := url.Parse(a.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("gateway account: API URL %q is not an http(s) URL", redactURL(a.URL))
	}
	if a.Username == "" {
		return errors.New("gateway account: no username")
	}
	if a.Password == "" {
		return errors.New("gateway account: no password")
	}
	return nil
}

// ValidSender checks a sender ID by the provider's rules: empty (the shared
// number pool), a phone number (digits, an optional leading +, at most 15
// digits), or up to 11 letters and digits with no punctuation or spaces.
func ValidSender(s string) error {
	if s == "" {
		return nil
	}
	digits := strings.TrimPrefix(s, "+")
	if digits != "" && allDigits(digits) {
		if len(digits) > maxNumericSender {
			return fmt.Errorf("sender ID %q: a number has at most %d digits", s, maxNumericSender)
		}
		return nil
	}
	if len(s) > maxAlphaSender {
		return fmt.Errorf("sender ID %q: at most %d letters and digits", s, maxAlphaSender)
	}
	for _, r := range s {
		if !isASCIIAlnum(r) {
			return fmt.Errorf("sender ID %q: only letters and digits, no spaces or punctuation", s)
		}
	}
	return nil
}

// senderParam is the sender ID as the provider wants it: a number without
// its +.
func senderParam(s string) string {
	if d := strings.TrimPrefix(s, "+"); d != "" && allDigits(d) {
		return d
	}
	return s
}

// redactURL hides any password written into the URL itself.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.RawQuery = ""
	u.Fragment = ""
	return u.Redacted()
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isASCIIAlnum(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
}
