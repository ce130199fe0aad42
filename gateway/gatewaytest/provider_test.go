package gatewaytest_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/texting-centre/texting/gateway"
	"github.com/texting-centre/texting/gateway/gatewaytest"
)

func TestSegments(t *testing.T) {
	tests := []struct {
		name string
		text string
		want int
	}{
		{"empty", "", 1},
		{"short", "Hello", 1},
		{"160 GSM", strings.Repeat("a", 160), 1},
		{"161 GSM", strings.Repeat("a", 161), 2},
		{"306 GSM", strings.Repeat("a", 306), 2},
		{"307 GSM", strings.Repeat("a", 307), 3},
		{"GSM accents", strings.Repeat("é", 160), 1},
		{"extension counts twice", strings.Repeat("€", 80), 1},
		{"extension over", strings.Repeat("€", 81), 2},
		{"extension not split across parts", strings.Repeat("a", 152) + "€" + strings.Repeat("a", 10), 2},
		{"70 UCS-2", strings.Repeat("ж", 70), 1},
		{"71 UCS-2", strings.Repeat("ж", 71), 2},
		{"134 UCS-2", strings.Repeat("ж", 134), 2},
		{"135 UCS-2", strings.Repeat("ж", 135), 3},
		{"emoji are two units", strings.Repeat("👍", 35), 1},
		{"emoji over", strings.Repeat("👍", 36), 2},
		{"one non-GSM character switches the whole text", strings.Repeat("a", 69) + "ж", 1},
		{"one non-GSM character, long", strings.Repeat("a", 70) + "ж", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := gatewaytest.Segments(tt.text); got != tt.want {
				t.Errorf("Segments = %d, want %d", got, tt.want)
			}
		})
	}
}

// post sends a raw form to the double and returns its answer.
func post(t *testing.T, p *gatewaytest.Provider, form url.Values) string {
	t.Helper()
	resp, err := http.PostForm(p.URL(), form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestProviderRules(t *testing.T) {
	base := url.Values{"username": {"u"}, "password": {"p"}, "message": {"Hi"}, "to": {"61412345678"}}
	with := func(kv ...string) url.Values {
		v := url.Values{}
		for k, vs := range base {
			v[k] = vs
		}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "<del>" {
				v.Del(kv[i])
				continue
			}
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	tests := []struct {
		name   string
		region string
		form   url.Values
		want   string
	}{
		{"AU international", "AU", with(), "OK: 61412345678:2942263\n"},
		{"AU national", "AU", with("to", "0412345678"), "OK: 0412345678:2942263\n"},
		{"AU without 0", "AU", with("to", "412345678"), "OK: 412345678:2942263\n"},
		{"AU with +", "AU", with("to", "+61412345678"), "BAD:+61412345678:Invalid Number\n"},
		{"AU landline", "AU", with("to", "0298765432"), "BAD:0298765432:Invalid Number\n"},
		{"AU letters", "AU", with("to", "0400abc111"), "BAD:0400abc111:Invalid Number\n"},
		{"AU short", "AU", with("to", "04123"), "BAD:04123:Invalid Number\n"},
		{"GB number in AU", "AU", with("to", "447700900123"), "BAD:447700900123:Invalid Number\n"},
		{"GB international", "GB", with("to", "447700900123"), "OK: 447700900123:2942263\n"},
		{"GB national", "GB", with("to", "07700900123"), "OK: 07700900123:2942263\n"},
		{"several, mixed", "AU", with("to", "61412345678,123,0412345679"),
			"OK: 61412345678:2942263\nBAD:123:Invalid Number\nOK: 0412345679:2942264\n"},
		{"wrong password", "AU", with("password", "x"), "ERROR: Username or password is incorrect\n"},
		{"no username", "AU", with("username", "<del>"), "ERROR: Username or password is incorrect\n"},
		{"balance", "AU", with("action", "balance"), "OK: 10\n"},
		{"other action", "AU", with("action", "launch"), "ERROR: " + gatewaytest.ReasonAction + "\n"},
		{"sender letters", "AU", with("from", "Acme2026"), "OK: 61412345678:2942263\n"},
		{"sender number", "AU", with("from", "61400000000"), "OK: 61412345678:2942263\n"},
		{"sender 12 letters", "AU", with("from", "AcmeWidgetsX"), "ERROR: " + gatewaytest.ReasonSender + "\n"},
		{"sender with space", "AU", with("from", "Acme Ltd"), "ERROR: " + gatewaytest.ReasonSender + "\n"},
		{"sender with +", "AU", with("from", "+61400000000"), "ERROR: " + gatewaytest.ReasonSender + "\n"},
		{"no message", "AU", with("message", ""), "ERROR: " + gatewaytest.ReasonNoMessage + "\n"},
		{"no recipients", "AU", with("to", ""), "ERROR: " + gatewaytest.ReasonNoRecipients + "\n"},
		{"ref 20", "AU", with("ref", strings.Repeat("r", 20)), "OK: 61412345678:2942263\n"},
		{"ref 21", "AU", with("ref", strings.Repeat("r", 21)), "ERROR: " + gatewaytest.ReasonRef + "\n"},
		{"long text, no maxsplit", "AU", with("message", strings.Repeat("a", 161)), "ERROR: " + gatewaytest.ReasonTooLong + "\n"},
		{"long text, maxsplit 2", "AU", with("message", strings.Repeat("a", 161), "maxsplit", "2"), "OK: 61412345678:2942263\n"},
		{"maxsplit 0", "AU", with("maxsplit", "0"), "ERROR: " + gatewaytest.ReasonMaxSplit + "\n"},
		{"maxsplit 11", "AU", with("maxsplit", "11"), "ERROR: " + gatewaytest.ReasonMaxSplit + "\n"},
		{"not enough credit", "AU", with("to", strings.Repeat("61412345678,", 10)+"61412345679"), "ERROR: " + gatewaytest.ReasonNoCredit + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := gatewaytest.New(gatewaytest.WithAccount("u", "p", 10), gatewaytest.WithRegion(tt.region))
			defer p.Close()
			if got := post(t, p, tt.form); got != tt.want {
				t.Errorf("answer %q, want %q", got, tt.want)
			}
			ok := strings.Count(tt.want, "OK: ")
			if tt.form.Get("action") != "" {
				ok = 0
			}
			if n := len(p.Sent()); n != ok {
				t.Errorf("sent %d, want %d", n, ok)
			}
		})
	}
}

func TestProviderRecordsWithoutPassword(t *testing.T) {
	p := gatewaytest.New(gatewaytest.WithAccount("u", "hunter2", 10))
	defer p.Close()
	// The provider takes GET as well as POST.
	resp, err := http.Get(p.URL() + "?" + url.Values{"username": {"u"}, "password": {"hunter2"}, "action": {"balance"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	reqs := p.Requests()
	if len(reqs) != 1 || reqs[0].Method != http.MethodGet || reqs[0].Answer != "OK: 10\n" {
		t.Fatalf("requests %+v", reqs)
	}
	if reqs[0].Form.Has("password") || reqs[0].Form.Get("username") != "u" {
		t.Errorf("recorded form %v: want the username and no password", reqs[0].Form)
	}
	reqs[0].Form.Set("username", "changed")
	if p.Requests()[0].Form.Get("username") != "u" {
		t.Error("Requests returned the double's own record, not a copy")
	}
}

func TestBadNumberOption(t *testing.T) {
	p := gatewaytest.New(gatewaytest.WithAccount("u", "p", 10), gatewaytest.WithBadNumber("61412345678", "Blocked"))
	defer p.Close()
	p.SetBadNumber("61412345679", "Opted out")
	got := post(t, p, url.Values{"username": {"u"}, "password": {"p"}, "message": {"Hi"}, "to": {"61412345678,61412345679,61412345670"}})
	want := "BAD:61412345678:Blocked\nBAD:61412345679:Opted out\nOK: 61412345670:2942263\n"
	if got != want {
		t.Errorf("answer %q, want %q", got, want)
	}
}

func TestHangReleasedByClose(t *testing.T) {
	p := gatewaytest.New(gatewaytest.WithAccount("u", "p", 10))
	p.SetFault(gatewaytest.FaultHang)
	var wg sync.WaitGroup
	wg.Go(func() {
		c := &http.Client{Timeout: 10 * time.Second}
		if resp, err := c.PostForm(p.URL(), url.Values{"username": {"u"}, "password": {"p"}, "action": {"balance"}}); err == nil {
			resp.Body.Close()
		}
	})
	for len(p.Requests()) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	closed := make(chan struct{})
	go func() { p.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(3 * time.Second):
		t.Fatal("Close blocked on a hanging request")
	}
	wg.Wait()
}

func TestFire(t *testing.T) {
	type seen struct {
		method, path string
		query, form  url.Values
	}
	var mu sync.Mutex
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		mu.Lock()
		got = append(got, seen{r.Method, r.URL.Path, r.URL.Query(), r.PostForm})
		mu.Unlock()
	}))
	defer srv.Close()
	p := gatewaytest.New()
	defer p.Close()
	ctx := context.Background()
	in := gateway.InboundCallback{To: "61400000001", From: "61412345678", Message: "Hi & bye", Ref: "m1"}
	st := gateway.StatusCallback{To: "61412345678", Ref: "m1", SMSRef: "77", Status: "Delivered", State: "ignored"}
	for _, call := range []func() (*http.Response, error){
		func() (*http.Response, error) {
			return p.FireInbound(ctx, http.MethodGet, srv.URL+"/api/inbound?token=T", in)
		},
		func() (*http.Response, error) {
			return p.FireInbound(ctx, http.MethodPost, srv.URL+"/api/inbound?token=T", in)
		},
		func() (*http.Response, error) {
			return p.FireStatus(ctx, http.MethodGet, srv.URL+"/api/status?token=T", st)
		},
		func() (*http.Response, error) {
			return p.FireStatus(ctx, http.MethodPost, srv.URL+"/api/status?token=T", st)
		},
	} {
		resp, err := call()
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if _, err := p.FireInbound(ctx, http.MethodPut, srv.URL, in); err == nil {
		t.Error("FireInbound with PUT did not fail")
	}
	inFields := url.Values{"to": {in.To}, "from": {in.From}, "message": {in.Message}, "ref": {in.Ref}}
	stFields := url.Values{"to": {st.To}, "ref": {st.Ref}, "smsref": {st.SMSRef}, "status": {st.Status}}
	withToken := func(v url.Values) url.Values {
		out := url.Values{"token": {"T"}}
		for k, vs := range v {
			out[k] = vs
		}
		return out
	}
	want := []seen{
		{"GET", "/api/inbound", withToken(inFields), url.Values{}},
		{"POST", "/api/inbound", url.Values{"token": {"T"}}, inFields},
		{"GET", "/api/status", withToken(stFields), url.Values{}},
		{"POST", "/api/status", url.Values{"token": {"T"}}, stFields},
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != len(want) {
		t.Fatalf("server saw %d requests, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.method != w.method || g.path != w.path || g.query.Encode() != w.query.Encode() || g.form.Encode() != w.form.Encode() {
			t.Errorf("request %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}
