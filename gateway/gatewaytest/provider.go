// Package gatewaytest is a test double of SMS Broadcast's advanced HTTP API:
// an httptest.Server that checks credentials, sender IDs, numbers, message
// length against maxsplit and credits as the provider documents them, answers
// in its line format, records what it accepted, can be made to misbehave
// (ERROR answers, delays, garbage, dropped connections), and calls our
// callback server the way the provider does.
package gatewaytest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/texting-centre/texting/gateway"
)

// APIPath is the path of the advanced API on the double, as on the provider.
const APIPath = "/api-adv.php"

// Answers the double gives. The provider documents the format and the
// credentials text; the other reasons are the double's own wording (callers
// must not depend on any reason's text).
const (
	ReasonBadCredentials = "Username or password is incorrect"
	ReasonInvalidNumber  = "Invalid Number"
	ReasonNoCredit       = "Not enough credits"
	ReasonSender         = "Invalid sender ID"
	ReasonNoMessage      = "No message"
	ReasonTooLong        = "Message too long for maxsplit"
	ReasonMaxSplit       = "Invalid maxsplit"
	ReasonRef            = "Reference too long"
	ReasonNoRecipients   = "No recipients"
	ReasonAction         = "Invalid action"
	// ReasonUnavailable is the answer under FaultError.
	ReasonUnavailable = "Service temporarily unavailable"
)

// MaxSplitLimit is the largest maxsplit the double accepts.
const MaxSplitLimit = 10

// firstProviderRef is where the double's message references start.
const firstProviderRef = 2942263

// Fault makes the double misbehave; set it with SetFault.
type Fault int

// Faults. Those marked "sends" process the request first, so the texts go out
// while the client cannot know it: exactly the case our `unknown` state is for.
const (
	// NoFault: behave as documented.
	NoFault Fault = iota
	// FaultError answers `ERROR: Service temporarily unavailable`; nothing is sent.
	FaultError
	// FaultUnavailable answers HTTP 503 with an HTML page; nothing is sent.
	FaultUnavailable
	// FaultGarbage sends, then answers 200 with an HTML page instead of lines.
	FaultGarbage
	// FaultDrop sends, then closes the connection without answering.
	FaultDrop
	// FaultTruncate sends, then writes the first answer line and closes the
	// connection before the rest of the promised body.
	FaultTruncate
	// FaultHang sends, then never answers (until the client gives up or the
	// double is closed).
	FaultHang
)

// Request is one request the double received, whatever it answered.
type Request struct {
	// Method is GET or POST.
	Method string
	// Form holds the request's fields, password removed.
	Form url.Values
	// Answer is what the double answered ("" when it answered nothing).
	Answer string
}

// Sent is one text the double accepted for one recipient.
type Sent struct {
	Username    string
	Number      string // as given in `to`
	From        string // sender ID; "" means the shared number pool
	Message     string
	Ref         string // our reference
	MaxSplit    int    // as given, 1 when absent
	Parts       int    // SMS parts the text takes, credits spent
	ProviderRef string
	At          time.Time
}

// account is one set of credentials and its credit.
type account struct {
	password string
	credits  int
}

// Provider is the running double. Its methods are safe for concurrent use.
type Provider struct {
	srv    *httptest.Server
	client *http.Client // for callbacks to our server
	done   chan struct{}
	once   sync.Once

	mu       sync.Mutex // guards the fields below
	accounts map[string]*account
	numbers  []*regexp.Regexp // valid recipient formats of the region
	bad      map[string]string
	fault    Fault
	delay    time.Duration
	requests []Request
	sent     []Sent
	nextRef  int
}

// Option configures a Provider.
type Option func(*Provider)

// WithAccount adds credentials with a credit balance (one credit per SMS part
// per recipient).
func WithAccount(username, password string, credits int) Option {
	return func(p *Provider) { p.accounts[username] = &account{password: password, credits: credits} }
}

// WithRegion sets which numbers are valid: "AU" (the default: 04xxxxxxxx,
// 614xxxxxxxx, 4xxxxxxxx, as smsbroadcast.com.au documents) or "GB"
// (07xxxxxxxxx, 447xxxxxxxxx, 7xxxxxxxxx, the same rules for
// smsbroadcast.co.uk). It panics on any other region.
func WithRegion(region string) Option {
	return func(p *Provider) { p.numbers = regionNumbers(region) }
}

// WithBadNumber makes the double answer `BAD: <number>: <reason>` for a number
// (given as in `to`) that its format rules would accept.
func WithBadNumber(number, reason string) Option {
	return func(p *Provider) { p.bad[number] = reason }
}

// New starts a double. Close it when done.
func New(opts ...Option) *Provider {
	p := &Provider{
		client:   &http.Client{Timeout: 10 * time.Second},
		done:     make(chan struct{}),
		accounts: make(map[string]*account),
		numbers:  regionNumbers("AU"),
		bad:      make(map[string]string),
		nextRef:  firstProviderRef,
	}
	for _, o := range opts {
		o(p)
	}
	mux := http.NewServeMux()
	mux.HandleFunc(APIPath, p.serveAPI)
	p.srv = httptest.NewServer(mux)
	return p
}

// regionNumbers returns the number formats the provider accepts in a region.
func regionNumbers(region string) []*regexp.Regexp {
	switch region {
	case "AU":
		return []*regexp.Regexp{regexp.MustCompile(`^04\d{8}$`), regexp.MustCompile(`^614\d{8}$`), regexp.MustCompile(`^4\d{8}$`)}
	case "GB":
		return []*regexp.Regexp{regexp.MustCompile(`^07\d{9}$`), regexp.MustCompile(`^447\d{9}$`), regexp.MustCompile(`^7\d{9}$`)}
	}
	panic(fmt.Sprintf("gatewaytest: unknown region %q", region))
}

// Close releases requests held by FaultHang and stops the server.
func (p *Provider) Close() {
	p.once.Do(func() { close(p.done) })
	p.srv.Close()
}

// URL is the API URL (the account's URL in the store).
func (p *Provider) URL() string { return p.srv.URL + APIPath }

// Account is a gateway.Account for configured credentials on this double.
func (p *Provider) Account(username, sender string) gateway.Account {
	p.mu.Lock()
	defer p.mu.Unlock()
	var pw string
	if a := p.accounts[username]; a != nil {
		pw = a.password
	}
	return gateway.Account{URL: p.URL(), Username: username, Password: pw, Sender: sender}
}

// SetFault changes how the double misbehaves from the next request on.
func (p *Provider) SetFault(f Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault = f
}

// SetDelay makes the double wait d after processing a request before it
// answers (the texts are sent already); 0 answers at once.
func (p *Provider) SetDelay(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delay = d
}

// SetBadNumber is WithBadNumber on a running double.
func (p *Provider) SetBadNumber(number, reason string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bad[number] = reason
}

// SetCredits sets an account's balance.
func (p *Provider) SetCredits(username string, credits int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if a := p.accounts[username]; a != nil {
		a.credits = credits
	}
}

// Credits is an account's balance (0 for an unknown account).
func (p *Provider) Credits(username string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if a := p.accounts[username]; a != nil {
		return a.credits
	}
	return 0
}

// Requests returns a copy of every request received, in order.
func (p *Provider) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Request, len(p.requests))
	for i, r := range p.requests {
		out[i] = Request{Method: r.Method, Form: cloneValues(r.Form), Answer: r.Answer}
	}
	return out
}

// Sent returns a copy of every text accepted, one per recipient, in order.
func (p *Provider) Sent() []Sent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.sent)
}

// serveAPI answers one API request (GET or POST, as the provider allows).
func (p *Provider) serveAPI(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	form := cloneValues(r.Form)
	form.Del("password")

	p.mu.Lock()
	fault, delay := p.fault, p.delay
	if fault == FaultUnavailable {
		p.requests = append(p.requests, Request{Method: r.Method, Form: form})
		p.mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "<html><body><h1>503 Service Unavailable</h1></body></html>\n")
		return
	}
	var answer string
	if fault == FaultError {
		answer = "ERROR: " + ReasonUnavailable + "\n"
	} else {
		answer = p.process(r.Form)
	}
	rec := len(p.requests)
	p.requests = append(p.requests, Request{Method: r.Method, Form: form})
	p.mu.Unlock()

	if delay > 0 && !p.wait(r.Context(), delay) {
		return
	}
	switch fault {
	case FaultGarbage:
		answer = "<html><head><title>Gateway</title></head><body>Something went wrong.</body></html>\n"
	case FaultDrop:
		hijackClose(w, "")
		return
	case FaultTruncate:
		first, _, _ := strings.Cut(answer, "\n")
		p.recordAnswer(rec, first+"\n")
		hijackClose(w, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: %d\r\n\r\n%s\n",
			len(answer)+64, first))
		return
	case FaultHang:
		p.wait(r.Context(), 0)
		return
	}
	p.recordAnswer(rec, answer)
	// The provider answers text lines with an HTML content type.
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	io.WriteString(w, answer)
}

// wait sleeps d (forever when d is 0) unless the client goes away or the
// double closes; it reports whether the full time passed.
func (p *Provider) wait(ctx context.Context, d time.Duration) bool {
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-timeout:
		return true
	case <-ctx.Done():
	case <-p.done:
	}
	return false
}

func (p *Provider) recordAnswer(i int, answer string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests[i].Answer = answer
}

// hijackClose writes raw bytes (if any) on the connection and closes it.
func hijackClose(w http.ResponseWriter, raw string) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(fmt.Sprintf("gatewaytest: hijack: %v", err)) // httptest serves HTTP/1.1: cannot happen
	}
	if raw != "" {
		buf.WriteString(raw)
		buf.Flush()
	}
	conn.Close()
}

// process applies a request the way the provider does and returns the
// answer. p.mu must be held.
func (p *Provider) process(form url.Values) string {
	username, password := form.Get("username"), form.Get("password")
	acct := p.accounts[username]
	if acct == nil || username == "" || acct.password != password {
		return errorLine(ReasonBadCredentials)
	}
	switch form.Get("action") {
	case "":
	case "balance":
		return fmt.Sprintf("OK: %d\n", acct.credits)
	default:
		return errorLine(ReasonAction)
	}

	message, from, ref := form.Get("message"), form.Get("from"), form.Get("ref")
	if message == "" {
		return errorLine(ReasonNoMessage)
	}
	if !validSender(from) {
		return errorLine(ReasonSender)
	}
	if len([]rune(ref)) > gateway.MaxRefLen {
		return errorLine(ReasonRef)
	}
	maxSplit := 1
	if s := form.Get("maxsplit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxSplitLimit {
			return errorLine(ReasonMaxSplit)
		}
		maxSplit = n
	}
	parts := Segments(message)
	if parts > maxSplit {
		return errorLine(ReasonTooLong)
	}
	to := form.Get("to")
	if to == "" {
		return errorLine(ReasonNoRecipients)
	}

	numbers := strings.Split(to, ",")
	verdict := make([]string, len(numbers)) // "" = valid, else the BAD reason
	valid := 0
	for i, n := range numbers {
		switch reason, bad := p.bad[n]; {
		case bad:
			verdict[i] = reason
		case !p.validNumber(n):
			verdict[i] = ReasonInvalidNumber
		default:
			valid++
		}
	}
	if acct.credits < valid*parts {
		return errorLine(ReasonNoCredit)
	}

	var b strings.Builder
	now := time.Now()
	for i, n := range numbers {
		if verdict[i] != "" {
			fmt.Fprintf(&b, "BAD:%s:%s\n", n, verdict[i])
			continue
		}
		ref2 := strconv.Itoa(p.nextRef)
		p.nextRef++
		acct.credits -= parts
		p.sent = append(p.sent, Sent{Username: username, Number: n, From: from, Message: message, Ref: ref,
			MaxSplit: maxSplit, Parts: parts, ProviderRef: ref2, At: now})
		fmt.Fprintf(&b, "OK: %s:%s\n", n, ref2)
	}
	return b.String()
}

func errorLine(reason string) string { return "ERROR: " + reason + "\n" }

// validNumber applies the region's number formats: digits only, no spaces,
// no +.
func (p *Provider) validNumber(n string) bool {
	for _, re := range p.numbers {
		if re.MatchString(n) {
			return true
		}
	}
	return false
}

// validSender is the provider's rule for `from`: empty (shared pool), a
// number, or up to 11 letters and digits without punctuation or spaces.
func validSender(s string) bool {
	if s == "" {
		return true
	}
	digits := true
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
		case (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
			digits = false
		default:
			return false
		}
	}
	if digits {
		return len(s) <= 15
	}
	return len(s) <= 11
}

// FireInbound calls our inbound callback URL (which carries the token) as the
// provider does: GET with the fields added to the query, or POST with them in
// a form body. The caller closes the response body.
func (p *Provider) FireInbound(ctx context.Context, method, callbackURL string, cb gateway.InboundCallback) (*http.Response, error) {
	v := url.Values{"to": {cb.To}, "from": {cb.From}, "message": {cb.Message}}
	if cb.Ref != "" {
		v.Set("ref", cb.Ref)
	}
	return p.fire(ctx, method, callbackURL, v)
}

// FireStatus calls our status callback URL as the provider does (see
// FireInbound); cb.State is not sent, the provider does not know it.
func (p *Provider) FireStatus(ctx context.Context, method, callbackURL string, cb gateway.StatusCallback) (*http.Response, error) {
	v := url.Values{"to": {cb.To}, "ref": {cb.Ref}, "smsref": {cb.SMSRef}, "status": {cb.Status}}
	return p.fire(ctx, method, callbackURL, v)
}

// Deliver reports the fate of a text the double accepted (found by its
// provider reference) to our status callback URL, with the recipient, our
// reference and the provider's as they were at send time.
func (p *Provider) Deliver(ctx context.Context, method, callbackURL, providerRef, status string) (*http.Response, error) {
	p.mu.Lock()
	i := slices.IndexFunc(p.sent, func(s Sent) bool { return s.ProviderRef == providerRef })
	var s Sent
	if i >= 0 {
		s = p.sent[i]
	}
	p.mu.Unlock()
	if i < 0 {
		return nil, fmt.Errorf("gatewaytest: deliver: no text with provider reference %q", providerRef)
	}
	return p.FireStatus(ctx, method, callbackURL, gateway.StatusCallback{To: s.Number, Ref: s.Ref, SMSRef: s.ProviderRef, Status: status})
}

// fire sends fields to a callback URL by GET or POST.
func (p *Provider) fire(ctx context.Context, method, callbackURL string, fields url.Values) (*http.Response, error) {
	u, err := url.Parse(callbackURL)
	if err != nil {
		return nil, fmt.Errorf("gatewaytest: callback URL: %w", err)
	}
	var req *http.Request
	switch method {
	case http.MethodGet:
		q := u.Query()
		for k, vs := range fields {
			q[k] = vs
		}
		u.RawQuery = q.Encode()
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	case http.MethodPost:
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(fields.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	default:
		return nil, errors.New("gatewaytest: callbacks are GET or POST, not " + method)
	}
	if err != nil {
		return nil, fmt.Errorf("gatewaytest: callback: %w", err)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("gatewaytest: callback: %w", err)
	}
	return resp, nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}
