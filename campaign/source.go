package campaign

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Source limits.
const (
	DefaultSourceTimeout = 60 * time.Second
	DefaultSourceMax     = 32 << 20 // bytes of a data-source answer
)

// ErrBadSource is wrapped by every error about a data source answer that is
// not a valid campaign document: nothing is sent for it.
var ErrBadSource = errors.New("bad data source")

// Source is the campaign data source: an HTTP URL and its key.
type Source struct {
	URL string
	// Key travels as the query parameter `key`, unless the URL has a `key`
	// parameter already (then the URL is used as given).
	Key string
	// HTTP is the client; nil means one with Timeout.
	HTTP *http.Client
	// Timeout bounds each request (default DefaultSourceTimeout).
	Timeout time.Duration
	// MaxBytes bounds the answer (default DefaultSourceMax).
	MaxBytes int64
}

// Entry is one recipient as the data source gives it.
type Entry struct {
	Number string
	Name   string
}

// Group is one group of the document, in document order.
type Group struct {
	Name    string
	Entries []Entry
}

// String is the URL without its key, for logs and the runs table.
func (s Source) String() string {
	u, err := url.Parse(s.URL)
	if err != nil {
		return "(invalid URL)"
	}
	q := u.Query()
	if q.Has("key") {
		q.Set("key", "****")
		u.RawQuery = q.Encode()
	}
	u.User = nil
	return u.String()
}

func (s Source) endpoint() (string, error) {
	u, err := url.Parse(s.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("data source URL %q is not an http or https URL", s.String())
	}
	if s.Key != "" {
		q := u.Query()
		if !q.Has("key") {
			q.Set("key", s.Key)
			u.RawQuery = q.Encode()
		}
	}
	return u.String(), nil
}

func (s Source) client() *http.Client {
	if s.HTTP != nil {
		return s.HTTP
	}
	return &http.Client{Timeout: s.timeout()}
}

func (s Source) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return DefaultSourceTimeout
}

// Fetch pulls the document and validates all of it: a JSON object of group
// name → list of [number, name] pairs (name may be empty or missing). Any
// fault anywhere is an error wrapping ErrBadSource that says where, and no
// group is returned.
func (s Source) Fetch(ctx context.Context) ([]Group, error) {
	u, err := s.endpoint()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("data source %s: %w", s, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := s.client().Do(req)
	if err != nil {
		return nil, fmt.Errorf("data source %s: %w", s, scrub(err, s.Key))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("data source %s: %w: HTTP %s", s, ErrBadSource, resp.Status)
	}
	max := s.MaxBytes
	if max <= 0 {
		max = DefaultSourceMax
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("data source %s: reading the answer: %w", s, scrub(err, s.Key))
	}
	if int64(len(body)) > max {
		return nil, fmt.Errorf("data source %s: %w: the answer is larger than %d bytes", s, ErrBadSource, max)
	}
	groups, err := ParseDocument(body)
	if err != nil {
		return nil, fmt.Errorf("data source %s: %w", s, err)
	}
	return groups, nil
}

// scrub removes the key from an error (url.Error quotes the whole URL).
func scrub(err error, key string) error {
	if key == "" || !strings.Contains(err.Error(), key) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), url.QueryEscape(key), "****"))
}

// ParseDocument validates and reads a campaign document, keeping the groups
// in document order.
func ParseDocument(b []byte) ([]Group, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrBadSource, fmt.Sprintf(format, args...))
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, bad("not JSON: %v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, bad("the document must be a JSON object of group name → list of [number, name]")
	}
	var groups []Group
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, bad("not JSON: %v", err)
		}
		name := tok.(string) // object keys are always strings
		if strings.TrimSpace(name) == "" {
			return nil, bad("a group has an empty name")
		}
		if seen[strings.ToLower(name)] {
			return nil, bad("group %q appears twice", name)
		}
		seen[strings.ToLower(name)] = true
		var raw []json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, bad("group %q: must be a list of [number, name] pairs (%v)", name, err)
		}
		g := Group{Name: name, Entries: make([]Entry, 0, len(raw))}
		for i, r := range raw {
			var pair []any
			d := json.NewDecoder(bytes.NewReader(r))
			d.UseNumber()
			if err := d.Decode(&pair); err != nil || pair == nil {
				return nil, bad("group %q entry %d: must be [number, name], not %s", name, i+1, clip(string(r)))
			}
			if len(pair) < 1 || len(pair) > 2 {
				return nil, bad("group %q entry %d: must be [number, name], not %d values", name, i+1, len(pair))
			}
			num, ok := pair[0].(string)
			if !ok {
				return nil, bad("group %q entry %d: the number must be a string, not %s", name, i+1, clip(string(r)))
			}
			e := Entry{Number: num}
			if len(pair) == 2 && pair[1] != nil {
				if e.Name, ok = pair[1].(string); !ok {
					return nil, bad("group %q entry %d: the name must be a string, not %s", name, i+1, clip(string(r)))
				}
			}
			g.Entries = append(g.Entries, e)
		}
		groups = append(groups, g)
	}
	if _, err := dec.Token(); err != nil {
		return nil, bad("not JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bad("data after the JSON object")
	}
	return groups, nil
}

// PostBack tells the data source which numbers of a group were sent: a form
// POST to the same URL with field `numbers` (comma-separated) and `group`.
func (s Source) PostBack(ctx context.Context, group string, numbers []string) error {
	u, err := s.endpoint()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	form := url.Values{"numbers": {strings.Join(numbers, ",")}, "group": {group}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("post back to %s: %w", s, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.client().Do(req)
	if err != nil {
		return fmt.Errorf("post back to %s: %w", s, scrub(err, s.Key))
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("post back to %s: HTTP %s", s, resp.Status)
	}
	return nil
}

// clip shortens s for an error message.
func clip(s string) string {
	if r := []rune(s); len(r) > 12 {
		return string(r[:12]) + "…"
	}
	return s
}
