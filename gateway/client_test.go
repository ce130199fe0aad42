package gateway_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/texting-centre/texting/gateway"
	"github.com/texting-centre/texting/gateway/gatewaytest"
)

const (
	user     = "acme"
	password = "pa55-W0rd!"
)

// syncBuffer is a log sink safe for the client's concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newProvider starts a double with one account of 100 credits.
func newProvider(t *testing.T, opts ...gatewaytest.Option) *gatewaytest.Provider {
	t.Helper()
	p := gatewaytest.New(append([]gatewaytest.Option{gatewaytest.WithAccount(user, password, 100)}, opts...)...)
	t.Cleanup(p.Close)
	return p
}

// newClient returns a client logging at debug level into a buffer that the
// test checks for the password at the end.
func newClient(t *testing.T) *gateway.Client {
	t.Helper()
	logs := &syncBuffer{}
	t.Cleanup(func() {
		if strings.Contains(logs.String(), password) {
			t.Errorf("the password was logged:\n%s", logs)
		}
	})
	return &gateway.Client{
		Timeout: 2 * time.Second,
		Logger:  slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
}

// checkErr asserts err wraps every one of want (or is nil when want is empty)
// and never shows the password.
func checkErr(t *testing.T, err error, want ...error) {
	t.Helper()
	if len(want) == 0 && err != nil {
		t.Fatalf("error %v, want none", err)
	}
	for _, w := range want {
		if !errors.Is(err, w) {
			t.Fatalf("error %v, want one wrapping %q", err, w)
		}
	}
	if err != nil && strings.Contains(err.Error(), password) {
		t.Fatalf("the error shows the password: %v", err)
	}
}

func TestSendSuccess(t *testing.T) {
	p := newProvider(t)
	c := newClient(t)
	acct := p.Account(user, "Acme")
	numbers := []string{"+61412345678", "61412345679", "0412345670"}
	text := "Hello from Acme"

	got, err := c.Send(context.Background(), acct, numbers, text, "m42", 1)
	checkErr(t, err)

	sent := p.Sent()
	if len(sent) != 3 || len(got) != 3 {
		t.Fatalf("results %+v, provider sent %+v: want 3 each", got, sent)
	}
	for i, r := range got {
		if r.Number != numbers[i] || !r.OK || r.ProviderRef == "" || r.Reason != "" {
			t.Errorf("result %d = %+v", i, r)
		}
		s := sent[i]
		if s.ProviderRef != r.ProviderRef {
			t.Errorf("result %d has provider ref %q, the provider gave %q", i, r.ProviderRef, s.ProviderRef)
		}
		if s.Number != strings.TrimPrefix(numbers[i], "+") || s.From != "Acme" || s.Ref != "m42" ||
			s.MaxSplit != 1 || s.Parts != 1 || s.Message != text || s.Username != user {
			t.Errorf("provider recorded %+v", s)
		}
	}
	if reqs := p.Requests(); len(reqs) != 1 || reqs[0].Method != http.MethodPost {
		t.Errorf("want one POST, provider saw %+v", reqs)
	}
	if credits := p.Credits(user); credits != 97 {
		t.Errorf("credits left %d, want 97", credits)
	}
}

func TestSendLongTextUsesMaxSplit(t *testing.T) {
	long := strings.Repeat("0123456789", 20) // 200 GSM characters: 2 parts
	tests := []struct {
		name     string
		maxSplit int
		wantErr  error
		parts    int
	}{
		{"segment count given", 2, nil, 2},
		{"room to spare", 3, nil, 2},
		{"maxsplit left out", 0, gateway.ErrRejected, 0},
		{"too few parts", 1, gateway.ErrRejected, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProvider(t)
			_, err := newClient(t).Send(context.Background(), p.Account(user, ""), []string{"+61412345678"}, long, "m1", tt.maxSplit)
			if tt.wantErr != nil {
				checkErr(t, err, tt.wantErr)
				if n := len(p.Sent()); n != 0 {
					t.Errorf("refused, yet the provider sent %d", n)
				}
				return
			}
			checkErr(t, err)
			sent := p.Sent()
			if len(sent) != 1 || sent[0].Parts != tt.parts || sent[0].MaxSplit != tt.maxSplit {
				t.Errorf("sent %+v, want %d parts with maxsplit %d", sent, tt.parts, tt.maxSplit)
			}
			if got := p.Credits(user); got != 100-tt.parts {
				t.Errorf("credits %d, want %d", got, 100-tt.parts)
			}
			if got := p.Requests()[0].Form.Get("from"); got != "" {
				t.Errorf("empty sender sent as from=%q, want it left out (shared pool)", got)
			}
		})
	}
}

func TestSendPartialFailure(t *testing.T) {
	p := newProvider(t, gatewaytest.WithBadNumber("61412000999", "Number opted out"))
	numbers := []string{"+61412345678", "+447700900123", "+61412000999", "+61412345679"}
	got, err := newClient(t).Send(context.Background(), p.Account(user, "61400000000"), numbers, "Hi", "m7", 1)
	checkErr(t, err)

	want := []struct {
		ok     bool
		reason string
	}{{true, ""}, {false, gatewaytest.ReasonInvalidNumber}, {false, "Number opted out"}, {true, ""}}
	if len(got) != len(want) {
		t.Fatalf("got %d results %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		r := got[i]
		if r.Number != numbers[i] || r.OK != w.ok || r.Reason != w.reason || (r.ProviderRef != "") != w.ok {
			t.Errorf("result %d = %+v, want ok=%v reason=%q", i, r, w.ok, w.reason)
		}
	}
	sent := p.Sent()
	if len(sent) != 2 || sent[0].Number != "61412345678" || sent[1].Number != "61412345679" {
		t.Errorf("provider sent %+v, want the two valid numbers", sent)
	}
	if p.Credits(user) != 98 {
		t.Errorf("credits %d, want 98: BAD numbers cost nothing", p.Credits(user))
	}
}

func TestSendGBRegion(t *testing.T) {
	p := newProvider(t, gatewaytest.WithRegion("GB"))
	got, err := newClient(t).Send(context.Background(), p.Account(user, "Acme"), []string{"+447700900123", "+61412345678"}, "Hi", "", 1)
	checkErr(t, err)
	if !got[0].OK || got[1].OK {
		t.Errorf("results %+v: want the GB number OK and the AU one BAD", got)
	}
}

func TestSendRefused(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(p *gatewaytest.Provider)
		acct   func(p *gatewaytest.Provider) gateway.Account
		reason string
	}{
		{
			name:   "bad credentials",
			acct:   func(p *gatewaytest.Provider) gateway.Account { a := p.Account(user, ""); a.Password += "x"; return a },
			reason: gatewaytest.ReasonBadCredentials,
		},
		{
			name: "unknown user",
			acct: func(p *gatewaytest.Provider) gateway.Account {
				a := p.Account(user, "")
				a.Username = "nobody"
				return a
			},
			reason: gatewaytest.ReasonBadCredentials,
		},
		{
			name:   "no credit",
			setup:  func(p *gatewaytest.Provider) { p.SetCredits(user, 1) },
			reason: gatewaytest.ReasonNoCredit,
		},
		{
			name:   "provider error",
			setup:  func(p *gatewaytest.Provider) { p.SetFault(gatewaytest.FaultError) },
			reason: gatewaytest.ReasonUnavailable,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProvider(t)
			if tt.setup != nil {
				tt.setup(p)
			}
			acct := p.Account(user, "")
			if tt.acct != nil {
				acct = tt.acct(p)
			}
			got, err := newClient(t).Send(context.Background(), acct, []string{"+61412345678", "+61412345679"}, "Hi", "m1", 1)
			checkErr(t, err, gateway.ErrRejected)
			if errors.Is(err, gateway.ErrUnknownOutcome) || errors.Is(err, gateway.ErrNotSent) {
				t.Errorf("refusal also reads as another outcome: %v", err)
			}
			var re *gateway.RejectedError
			if !errors.As(err, &re) || re.Reason != tt.reason {
				t.Errorf("error %v, want reason %q", err, tt.reason)
			}
			if got != nil || len(p.Sent()) != 0 {
				t.Errorf("results %+v, provider sent %+v: want nothing", got, p.Sent())
			}
		})
	}
}

// TestSendUnknownOutcome covers answers that never came back whole: the
// provider did send, so the client must say "unknown", never "failed".
func TestSendUnknownOutcome(t *testing.T) {
	numbers := []string{"+61412345678", "+61412345679", "+61412345670"}
	tests := []struct {
		name     string
		fault    gatewaytest.Fault
		delay    time.Duration
		ctx      time.Duration // caller's deadline; 0 for none
		answered int           // results returned with the error
		bad      bool          // wraps ErrBadAnswer
	}{
		{name: "slow answer past the client timeout", delay: 5 * time.Second},
		{name: "no answer before the caller's deadline", fault: gatewaytest.FaultHang, ctx: 300 * time.Millisecond},
		{name: "garbage instead of lines", fault: gatewaytest.FaultGarbage, bad: true},
		{name: "connection dropped after the request", fault: gatewaytest.FaultDrop},
		{name: "answer cut after the first line", fault: gatewaytest.FaultTruncate, answered: 1, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProvider(t)
			p.SetFault(tt.fault)
			p.SetDelay(tt.delay)
			c := newClient(t)
			c.Timeout = 500 * time.Millisecond
			ctx := context.Background()
			if tt.ctx > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctx)
				defer cancel()
			}
			start := time.Now()
			got, err := c.Send(ctx, p.Account(user, ""), numbers, "Hi", "m9", 1)
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("Send took %s: the timeout did not hold", took)
			}
			want := []error{gateway.ErrUnknownOutcome}
			if tt.bad {
				want = append(want, gateway.ErrBadAnswer)
			}
			checkErr(t, err, want...)
			if errors.Is(err, gateway.ErrNotSent) || errors.Is(err, gateway.ErrRejected) {
				t.Errorf("unknown outcome also reads as another: %v", err)
			}
			if len(got) != tt.answered {
				t.Fatalf("results %+v, want %d", got, tt.answered)
			}
			for _, r := range got {
				if r.Number != numbers[0] || !r.OK {
					t.Errorf("result %+v, want the first recipient OK", r)
				}
			}
			if n := len(p.Sent()); n != len(numbers) {
				t.Errorf("the provider sent %d texts; this test needs it to have sent all %d", n, len(numbers))
			}
			if n := len(p.Requests()); n != 1 {
				t.Errorf("the provider saw %d requests: an unknown outcome must never be resent", n)
			}
		})
	}
}

func TestSendHTTPError(t *testing.T) {
	p := newProvider(t)
	p.SetFault(gatewaytest.FaultUnavailable)
	_, err := newClient(t).Send(context.Background(), p.Account(user, ""), []string{"+61412345678"}, "Hi", "m1", 1)
	checkErr(t, err, gateway.ErrNotSent)
	if n := len(p.Sent()); n != 0 {
		t.Fatalf("the double sent %d texts under a 503", n)
	}
}

func TestSendNotSent(t *testing.T) {
	p := newProvider(t)
	good := p.Account(user, "Acme")

	refused, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + refused.Addr().String() + "/api-adv.php"
	refused.Close()

	dnsFails := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return nil, &net.DNSError{Err: "no such host", Name: addr, IsNotFound: true}
		},
	}}

	tests := []struct {
		name    string
		client  *http.Client
		acct    gateway.Account
		numbers []string
		text    string
		ref     string
		split   int
	}{
		{name: "connection refused", acct: gateway.Account{URL: closedURL, Username: user, Password: password}},
		{name: "DNS failure", client: dnsFails, acct: good},
		{name: "no such API URL", acct: gateway.Account{URL: strings.TrimSuffix(good.URL, gatewaytest.APIPath) + "/api.php", Username: user, Password: password}},
		{name: "not an http URL", acct: gateway.Account{URL: "ftp://example.com/x", Username: user, Password: password}},
		{name: "no password", acct: gateway.Account{URL: good.URL, Username: user}},
		{name: "sender with a space", acct: gateway.Account{URL: good.URL, Username: user, Password: password, Sender: "Acme Ltd"}},
		{name: "no recipients", acct: good, numbers: []string{}},
		{name: "recipient not a number", acct: good, numbers: []string{"+61412345678", "0412-345-679"}},
		{name: "recipient twice", acct: good, numbers: []string{"+61412345678", "61412345678"}},
		{name: "empty text", acct: good, text: "-"},
		{name: "ref too long", acct: good, ref: strings.Repeat("r", gateway.MaxRefLen+1)},
		{name: "negative maxsplit", acct: good, split: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t)
			c.HTTP = tt.client
			numbers, text := tt.numbers, tt.text
			if numbers == nil {
				numbers = []string{"+61412345678"}
			}
			switch text {
			case "":
				text = "Hi"
			case "-":
				text = ""
			}
			got, err := c.Send(context.Background(), tt.acct, numbers, text, tt.ref, tt.split)
			checkErr(t, err, gateway.ErrNotSent)
			if errors.Is(err, gateway.ErrUnknownOutcome) {
				t.Errorf("not sent also reads as unknown: %v", err)
			}
			if got != nil || len(p.Sent()) != 0 {
				t.Errorf("results %+v, sent %+v: want nothing", got, p.Sent())
			}
		})
	}
	if n := len(p.Requests()); n != 0 {
		t.Errorf("the provider's API saw %d requests, want none", n)
	}
}

func TestSendConcurrent(t *testing.T) {
	p := newProvider(t)
	c := newClient(t)
	acct := p.Account(user, "Acme")
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			n := "+614123456" + string(rune('0'+i/10)) + string(rune('0'+i%10))
			if _, err := c.Send(context.Background(), acct, []string{n}, "Hi", "", 1); err != nil {
				t.Errorf("send %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if n := len(p.Sent()); n != 20 {
		t.Errorf("sent %d, want 20", n)
	}
}

func TestBalance(t *testing.T) {
	tests := []struct {
		name    string
		fault   gatewaytest.Fault
		acct    func(gateway.Account) gateway.Account
		want    int
		wantErr []error
	}{
		{name: "credits", want: 100},
		{name: "sender ID plays no part", acct: func(a gateway.Account) gateway.Account { a.Sender = "Not Valid!"; return a },
			want: 100},
		{name: "bad credentials", acct: func(a gateway.Account) gateway.Account { a.Password = "nope"; return a },
			wantErr: []error{gateway.ErrRejected}},
		{name: "garbage", fault: gatewaytest.FaultGarbage, wantErr: []error{gateway.ErrBadAnswer}},
		{name: "dropped", fault: gatewaytest.FaultDrop, wantErr: []error{gateway.ErrUnknownOutcome}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProvider(t)
			p.SetFault(tt.fault)
			acct := p.Account(user, "")
			if tt.acct != nil {
				acct = tt.acct(acct)
			}
			got, err := newClient(t).Balance(context.Background(), acct)
			checkErr(t, err, tt.wantErr...)
			if got != tt.want {
				t.Errorf("credits %d, want %d", got, tt.want)
			}
			reqs := p.Requests()
			if len(reqs) != 1 || reqs[0].Method != http.MethodPost || reqs[0].Form.Get("action") != "balance" {
				t.Errorf("provider saw %+v, want one POST with action=balance", reqs)
			}
			if len(p.Sent()) != 0 {
				t.Errorf("a balance request sent texts")
			}
		})
	}
}

// TestCredentialsNeverOnTheURL checks that the password travels in the body,
// never in the URL that proxies and access logs record.
func TestCredentialsNeverOnTheURL(t *testing.T) {
	var mu sync.Mutex
	var urls []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		urls = append(urls, r.URL.String())
		mu.Unlock()
		if r.FormValue("action") == "balance" {
			w.Write([]byte("OK: 5\n"))
			return
		}
		w.Write([]byte("OK: 61412345678: 1\n"))
	}))
	defer srv.Close()
	acct := gateway.Account{URL: srv.URL + "/api-adv.php", Username: user, Password: password}
	c := newClient(t)
	if _, err := c.Send(context.Background(), acct, []string{"+61412345678"}, "Hi", "1", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Balance(context.Background(), acct); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"/api-adv.php", "/api-adv.php"}
	if !reflect.DeepEqual(urls, want) {
		t.Errorf("request URLs %q, want %q", urls, want)
	}
}

// TestSendNotRetriedOnReusedConnection: a POST on a kept-alive connection
// that the provider drops after reading must not be silently sent again.
func TestSendNotRetriedOnReusedConnection(t *testing.T) {
	p := newProvider(t)
	c := newClient(t)
	c.HTTP = &http.Client{Transport: &http.Transport{}} // its own pool, so the first connection is reused
	acct := p.Account(user, "")
	if _, err := c.Send(context.Background(), acct, []string{"+61412345678"}, "first", "m1", 1); err != nil {
		t.Fatal(err)
	}
	p.SetFault(gatewaytest.FaultDrop)
	_, err := c.Send(context.Background(), acct, []string{"+61412345679"}, "second", "m2", 1)
	checkErr(t, err, gateway.ErrUnknownOutcome)
	if n := len(p.Requests()); n != 2 {
		t.Errorf("the provider saw %d requests, want 2 (the dropped one must not be retried)", n)
	}
}
