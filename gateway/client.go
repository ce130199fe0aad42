// Package gateway talks to an HTTP SMS gateway (SMS Broadcast's advanced HTTP
// API): a Client that sends texts and reads the balance, and an http.Handler
// for the provider's inbound and delivery-status callbacks. It imports nothing
// of ours; the database side of the callbacks is the Callbacks interface.
package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultTimeout bounds one request to the provider when Client.Timeout is 0.
const DefaultTimeout = 30 * time.Second

// maxAnswerBytes bounds what is read of an answer: a line per recipient is
// well under 100 bytes, so this allows thousands of recipients.
const maxAnswerBytes = 1 << 20

// ErrUnknownOutcome means the request may have reached the provider but no
// complete, understandable answer came back (timeout, connection dropped after
// sending, garbage): the texts may or may not go out. The caller marks them
// `unknown` and never resends them on its own.
var ErrUnknownOutcome = errors.New("outcome unknown")

// ErrRejected means the provider answered `ERROR: <reason>` (bad credentials,
// no credit, a refused parameter): nothing was sent. Use errors.As with
// *RejectedError for the reason.
var ErrRejected = errors.New("refused by the provider")

// ErrNotSent means the request is known not to have reached the provider
// (invalid arguments, DNS failure, connection refused, no such API URL):
// nothing was sent and sending again later is safe.
var ErrNotSent = errors.New("not sent")

// ErrBadAnswer means the provider's answer could not be understood. From Send
// it comes together with ErrUnknownOutcome.
var ErrBadAnswer = errors.New("answer not understood")

// RejectedError carries the reason of an `ERROR:` answer. It matches
// ErrRejected with errors.Is.
type RejectedError struct {
	// Reason is the provider's text after `ERROR:`, e.g. "Username or
	// password is incorrect".
	Reason string
}

// Error describes the refusal.
func (e *RejectedError) Error() string { return "refused by the provider: " + e.Reason }

// Is makes errors.Is(err, ErrRejected) true.
func (e *RejectedError) Is(target error) bool { return target == ErrRejected }

// Client sends texts through SMS Broadcast's advanced HTTP API. The zero value
// is usable; a Client is safe for concurrent use and holds no credentials
// (each call takes the Account).
type Client struct {
	// HTTP is the client used for requests; nil means http.DefaultClient.
	// Requests are POSTs and are never retried by it on their own.
	HTTP *http.Client
	// Timeout bounds each request, on top of the caller's context; 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// Logger gets one debug line per request and a warning per unknown
	// outcome; nil discards. Credentials and texts are never logged.
	Logger *slog.Logger
}

// Result is the provider's answer for one recipient.
type Result struct {
	// Number is the recipient exactly as the caller gave it to Send.
	Number string
	// OK is true for an `OK:` line: the provider took the text.
	OK bool
	// ProviderRef is the provider's reference (its `smsref` in status
	// callbacks) when OK.
	ProviderRef string
	// Reason is the provider's reason when not OK (a `BAD:` line), e.g.
	// "Invalid Number".
	Reason string
}

// Send sends one text to one or more recipients in one request, with ref (our
// message reference, at most 20 characters; may be empty) and maxSplit (the
// number of SMS parts the text needs; 0 leaves it out, and the provider then
// refuses texts longer than one part). Numbers are phone numbers as stored
// (E.164 with +, or digits); the + is dropped on the wire.
//
// With a nil error there is one Result per number, in the order given. The
// error wraps ErrNotSent (nothing left: bad arguments, DNS, connection
// refused), ErrRejected (an `ERROR:` answer: nothing sent), or
// ErrUnknownOutcome (the request may have reached the provider and no complete
// answer came back). With ErrUnknownOutcome, the Results returned are only
// those recipients the provider did answer for before the answer broke off;
// every other recipient's outcome is unknown.
func (c *Client) Send(ctx context.Context, acct Account, numbers []string, text, ref string, maxSplit int) ([]Result, error) {
	if err := acct.Validate(); err != nil {
		return nil, fmt.Errorf("gateway send: %w: %w", ErrNotSent, err)
	}
	wire, err := wireNumbers(numbers)
	if err != nil {
		return nil, fmt.Errorf("gateway send: %w: %w", ErrNotSent, err)
	}
	switch {
	case text == "":
		return nil, fmt.Errorf("gateway send: %w: empty text", ErrNotSent)
	case len([]rune(ref)) > MaxRefLen:
		return nil, fmt.Errorf("gateway send: %w: ref %q is longer than %d characters", ErrNotSent, ref, MaxRefLen)
	case maxSplit < 0:
		return nil, fmt.Errorf("gateway send: %w: maxsplit %d is negative", ErrNotSent, maxSplit)
	}

	form := url.Values{
		"username": {acct.Username},
		"password": {acct.Password},
		"to":       {strings.Join(wire, ",")},
		"message":  {text},
	}
	if acct.Sender != "" {
		form.Set("from", senderParam(acct.Sender))
	}
	if ref != "" {
		form.Set("ref", ref)
	}
	if maxSplit > 0 {
		form.Set("maxsplit", strconv.Itoa(maxSplit))
	}

	start := time.Now()
	log := c.logger().With(slog.String("op", "send"), slog.String("url", redactURL(acct.URL)),
		slog.Int("recipients", len(numbers)), slog.String("ref", ref), slog.Int("maxsplit", maxSplit))
	ans, err := c.post(ctx, acct.URL, form)
	if err != nil {
		if errors.Is(err, ErrUnknownOutcome) {
			log.Warn("gateway send: outcome unknown", slog.Any("err", err), slog.Duration("took", time.Since(start)))
		} else {
			log.Debug("gateway send: not sent", slog.Any("err", err), slog.Duration("took", time.Since(start)))
		}
		return nil, fmt.Errorf("gateway send: %w", err)
	}
	results, err := parseSendAnswer(ans.lines, ans.complete, numbers)
	if err != nil {
		if errors.Is(err, ErrUnknownOutcome) {
			log.Warn("gateway send: outcome unknown", slog.Any("err", err), slog.Int("answered", len(results)),
				slog.Duration("took", time.Since(start)))
		} else {
			log.Debug("gateway send: refused", slog.Any("err", err), slog.Duration("took", time.Since(start)))
		}
		return results, fmt.Errorf("gateway send: %w", err)
	}
	ok := 0
	for _, r := range results {
		if r.OK {
			ok++
		}
	}
	log.Debug("gateway send: answered", slog.Int("ok", ok), slog.Int("bad", len(results)-ok),
		slog.Duration("took", time.Since(start)))
	return results, nil
}

// Balance asks the provider for the account's remaining credits.
func (c *Client) Balance(ctx context.Context, acct Account) (credits int, err error) {
	if err := acct.validateEndpoint(); err != nil {
		return 0, fmt.Errorf("gateway balance: %w: %w", ErrNotSent, err)
	}
	form := url.Values{
		"action":   {"balance"},
		"username": {acct.Username},
		"password": {acct.Password},
	}
	start := time.Now()
	ans, err := c.post(ctx, acct.URL, form)
	if err != nil {
		return 0, fmt.Errorf("gateway balance: %w", err)
	}
	credits, err = parseBalanceAnswer(ans.lines, ans.complete)
	c.logger().Debug("gateway balance", slog.String("url", redactURL(acct.URL)), slog.Int("credits", credits),
		slog.Any("err", err), slog.Duration("took", time.Since(start)))
	if err != nil {
		return 0, fmt.Errorf("gateway balance: %w", err)
	}
	return credits, nil
}

// answer is the text of the provider's reply, split into lines.
type answer struct {
	lines []string
	// complete is false when reading broke off; lines then holds only the
	// lines that were read up to their newline.
	complete bool
}

// post sends a form to the API and reads the answer. Its errors wrap
// ErrNotSent when the request never got a connection to the provider (or the
// provider said there is no such API URL), and ErrUnknownOutcome otherwise. An
// answer whose body broke off is returned with complete false and no error,
// so that the recipients answered before the break are not lost.
func (c *Client) post(ctx context.Context, apiURL string, form url.Values) (answer, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// A request that never got a connection cannot have reached the
	// provider; one that did may have, whatever happens next.
	var connected atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { connected.Store(true) },
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, apiURL, strings.NewReader(form.Encode()))
	if err != nil {
		return answer{}, fmt.Errorf("%w: %w", ErrNotSent, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/plain")

	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		if !connected.Load() {
			return answer{}, fmt.Errorf("%w: %w", ErrNotSent, err)
		}
		return answer{}, fmt.Errorf("%w: %w", ErrUnknownOutcome, err)
	}
	defer resp.Body.Close()

	body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	switch {
	case resp.StatusCode == http.StatusNotFound:
		// No script at that URL, so nothing ran: a configuration error.
		return answer{}, fmt.Errorf("%w: the provider answered %s: check the account's API URL", ErrNotSent, resp.Status)
	case resp.StatusCode == http.StatusServiceUnavailable:
		// The provider (or its front) turned the request away before its
		// script ran: nothing was sent, and it may be tried again later.
		return answer{}, fmt.Errorf("%w: the provider answered %s", ErrNotSent, resp.Status)
	case resp.StatusCode != http.StatusOK:
		return answer{}, fmt.Errorf("%w: %w: HTTP status %s", ErrUnknownOutcome, ErrBadAnswer, resp.Status)
	case len(body) > maxAnswerBytes:
		return answer{}, fmt.Errorf("%w: %w: answer longer than %d bytes", ErrUnknownOutcome, ErrBadAnswer, maxAnswerBytes)
	}
	text := string(body)
	if readErr != nil {
		// Keep only whole lines: the last one may have been cut anywhere.
		cut := strings.LastIndexByte(text, '\n')
		text = text[:cut+1]
		c.logger().Warn("gateway: answer broke off", slog.Any("err", readErr), slog.Int("bytes", len(body)))
	}
	return answer{lines: splitLines(text), complete: readErr == nil}, nil
}

func (c *Client) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

// wireNumbers turns the caller's numbers into what the provider accepts
// (digits only) and refuses lists it could not map answers back to.
func wireNumbers(numbers []string) ([]string, error) {
	if len(numbers) == 0 {
		return nil, errors.New("no recipients")
	}
	wire := make([]string, len(numbers))
	seen := make(map[string]string, len(numbers))
	for i, n := range numbers {
		d := strings.TrimPrefix(strings.TrimSpace(n), "+")
		if d == "" || !allDigits(d) || len(d) > 20 {
			return nil, fmt.Errorf("recipient %q is not a phone number", n)
		}
		if prev, dup := seen[d]; dup {
			return nil, fmt.Errorf("recipient %q is given twice (also as %q)", n, prev)
		}
		seen[d] = n
		wire[i] = d
	}
	return wire, nil
}
