package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/texting-centre/texting/gateway"
	"github.com/texting-centre/texting/gateway/gatewaytest"
)

const token = "tok-3f9a1c"

// memCallbacks is an in-memory Callbacks: inbound texts kept once per Key,
// statuses applied to the messages it was seeded with.
type memCallbacks struct {
	mu       sync.Mutex
	calls    int // every call, duplicate or not
	inbound  []gateway.InboundCallback
	seen     map[string]bool
	messages map[string]gateway.StatusCallback // our ref → last status applied ("" Status: none yet)
	fail     error
	pingErr  error
}

func newMem(refs ...string) *memCallbacks {
	m := &memCallbacks{seen: map[string]bool{}, messages: map[string]gateway.StatusCallback{}}
	for _, r := range refs {
		m.messages[r] = gateway.StatusCallback{}
	}
	return m
}

func (m *memCallbacks) Inbound(_ context.Context, cb gateway.InboundCallback) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	if m.fail != nil {
		return false, m.fail
	}
	if m.seen[cb.Key()] {
		return true, nil
	}
	m.seen[cb.Key()] = true
	m.inbound = append(m.inbound, cb)
	return false, nil
}

func (m *memCallbacks) Status(_ context.Context, cb gateway.StatusCallback) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	if m.fail != nil {
		return false, m.fail
	}
	if _, ok := m.messages[cb.Ref]; !ok {
		return false, nil
	}
	m.messages[cb.Ref] = cb
	return true, nil
}

func (m *memCallbacks) Ping(context.Context) error { return m.pingErr }

// snapshot is the fake's whole state, to compare before and after.
func (m *memCallbacks) snapshot() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return fmt.Sprintf("%d %v %v", m.calls, m.inbound, m.messages)
}

// do runs one request through a handler and returns the status and body.
func do(t *testing.T, h http.Handler, method, target, contentType string, body io.Reader) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

const formType = "application/x-www-form-urlencoded"

func TestInboundStored(t *testing.T) {
	msg := "Yes please 👍\nCall me after 5 — thanks"
	fields := url.Values{"to": {"61400000001"}, "from": {"61412345678"}, "message": {msg}, "ref": {"m42"}}
	want := gateway.InboundCallback{To: "61400000001", From: "61412345678", Message: msg, Ref: "m42"}
	tests := []struct {
		name string
		send func(h http.Handler) (int, string)
	}{
		{"GET", func(h http.Handler) (int, string) {
			return do(t, h, http.MethodGet, "/api/inbound?token="+token+"&"+fields.Encode(), "", nil)
		}},
		{"POST form", func(h http.Handler) (int, string) {
			return do(t, h, http.MethodPost, "/api/inbound?token="+token, formType, strings.NewReader(fields.Encode()))
		}},
		{"POST form with charset", func(h http.Handler) (int, string) {
			return do(t, h, http.MethodPost, "/api/inbound?token="+token, formType+"; charset=UTF-8", strings.NewReader(fields.Encode()))
		}},
		{"POST fields in the query", func(h http.Handler) (int, string) {
			return do(t, h, http.MethodPost, "/api/inbound?token="+token+"&"+fields.Encode(), "", nil)
		}},
		{"POST multipart", func(h http.Handler) (int, string) {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			for k, vs := range fields {
				mw.WriteField(k, vs[0])
			}
			mw.Close()
			return do(t, h, http.MethodPost, "/api/inbound?token="+token, mw.FormDataContentType(), &b)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMem()
			h := gateway.NewHandler(m, token, nil)
			code, body := tt.send(h)
			if code != http.StatusOK || strings.TrimSpace(body) != "OK" {
				t.Fatalf("got %d %q, want 200 OK", code, body)
			}
			if !reflect.DeepEqual(m.inbound, []gateway.InboundCallback{want}) {
				t.Errorf("stored %+v, want %+v", m.inbound, want)
			}
		})
	}
}

func TestInboundOptionalFields(t *testing.T) {
	m := newMem()
	h := gateway.NewHandler(m, token, nil)
	code, _ := do(t, h, http.MethodGet, "/api/inbound?token="+token+"&to=61400000001&from=61412345678&message=", "", nil)
	if code != http.StatusOK {
		t.Fatalf("empty text without ref: %d, want 200", code)
	}
	want := []gateway.InboundCallback{{To: "61400000001", From: "61412345678"}}
	if !reflect.DeepEqual(m.inbound, want) {
		t.Errorf("stored %+v, want %+v", m.inbound, want)
	}
}

func TestInboundDuplicateStoredOnce(t *testing.T) {
	m := newMem()
	srv := httptest.NewServer(gateway.NewHandler(m, token, nil))
	defer srv.Close()
	p := gatewaytest.New()
	defer p.Close()
	cb := gateway.InboundCallback{To: "61400000001", From: "61412345678", Message: "STOP"}
	// The provider retries, by either method: the text is stored once and
	// every delivery is answered 200 so that it stops.
	for i, method := range []string{http.MethodGet, http.MethodPost, http.MethodGet} {
		resp, err := p.FireInbound(context.Background(), method, srv.URL+"/api/inbound?token="+token, cb)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("delivery %d: status %d, want 200", i, resp.StatusCode)
		}
	}
	if len(m.inbound) != 1 || m.calls != 3 {
		t.Errorf("stored %d of %d deliveries, want 1 of 3", len(m.inbound), m.calls)
	}
	// Another text from the same person is not a duplicate.
	cb.Message = "STOP please"
	resp, err := p.FireInbound(context.Background(), http.MethodPost, srv.URL+"/api/inbound?token="+token, cb)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(m.inbound) != 2 {
		t.Errorf("stored %d, want 2", len(m.inbound))
	}
}

func TestStatusApplied(t *testing.T) {
	tests := []struct {
		status, state string
	}{
		{"Delivered", gateway.StateDelivered},
		{"Expired", gateway.StateExpired},
		{"Failed", gateway.StateFailed},
		{"Pending", ""},
	}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		for _, tt := range tests {
			t.Run(method+" "+tt.status, func(t *testing.T) {
				m := newMem("m42")
				srv := httptest.NewServer(gateway.NewHandler(m, token, nil))
				defer srv.Close()
				p := gatewaytest.New()
				defer p.Close()
				resp, err := p.FireStatus(context.Background(), method, srv.URL+"/api/status?token="+token,
					gateway.StatusCallback{To: "61412345678", Ref: "m42", SMSRef: "2942263", Status: tt.status})
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("status %d, want 200", resp.StatusCode)
				}
				want := gateway.StatusCallback{To: "61412345678", Ref: "m42", SMSRef: "2942263", Status: tt.status, State: tt.state}
				if got := m.messages["m42"]; got != want {
					t.Errorf("applied %+v, want %+v", got, want)
				}
			})
		}
	}
}

func TestStatusUnknownRef(t *testing.T) {
	m := newMem("m42")
	h := gateway.NewHandler(m, token, nil)
	before := m.messages["m42"]
	code, _ := do(t, h, http.MethodGet, "/api/status?token="+token+"&to=61412345678&ref=m99&smsref=1&status=Delivered", "", nil)
	if code != http.StatusOK {
		t.Errorf("status %d, want 200 (the provider must stop retrying)", code)
	}
	if m.messages["m42"] != before || len(m.messages) != 1 {
		t.Errorf("messages changed: %+v", m.messages)
	}
}

// TestEndToEndDelivery: the client sends through the double, and the double
// reports delivery to our handler with our reference and its own.
func TestEndToEndDelivery(t *testing.T) {
	p := newProvider(t)
	got, err := newClient(t).Send(context.Background(), p.Account(user, "Acme"), []string{"+61412345678"}, "Hi", "m42", 1)
	if err != nil {
		t.Fatal(err)
	}
	m := newMem("m42")
	srv := httptest.NewServer(gateway.NewHandler(m, token, nil))
	defer srv.Close()
	resp, err := p.Deliver(context.Background(), http.MethodPost, srv.URL+"/api/status?token="+token, got[0].ProviderRef, "Delivered")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := gateway.StatusCallback{To: "61412345678", Ref: "m42", SMSRef: got[0].ProviderRef, Status: "Delivered", State: gateway.StateDelivered}
	if m.messages["m42"] != want {
		t.Errorf("applied %+v, want %+v", m.messages["m42"], want)
	}
	if _, err := p.Deliver(context.Background(), http.MethodGet, srv.URL+"/api/status?token="+token, "no-such-ref", "Delivered"); err == nil {
		t.Error("Deliver of an unknown provider reference did not fail")
	}
}

// TestRefused sends every kind of bad or unauthenticated request and checks
// that each is answered as it should and that the database saw nothing.
func TestRefused(t *testing.T) {
	in := url.Values{"to": {"61400000001"}, "from": {"61412345678"}, "message": {"hello"}}
	with := func(v url.Values, k, val string) url.Values {
		out := url.Values{}
		for kk, vv := range v {
			out[kk] = append([]string(nil), vv...)
		}
		out.Set(k, val)
		return out
	}
	without := func(v url.Values, k string) url.Values { out := with(v, k, ""); out.Del(k); return out }
	st := url.Values{"to": {"61412345678"}, "ref": {"m42"}, "smsref": {"1"}, "status": {"Delivered"}}
	get := func(path string, v url.Values) (string, string, string, io.Reader) {
		return http.MethodGet, path + "?token=" + token + "&" + v.Encode(), "", nil
	}
	post := func(path string, v url.Values) (string, string, string, io.Reader) {
		return http.MethodPost, path + "?token=" + token, formType, strings.NewReader(v.Encode())
	}
	raw := func(method, target, ct, body string) func() (string, string, string, io.Reader) {
		return func() (string, string, string, io.Reader) { return method, target, ct, strings.NewReader(body) }
	}
	multipartFile := func() (string, string, string, io.Reader) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for k, vs := range in {
			mw.WriteField(k, vs[0])
		}
		fw, _ := mw.CreateFormFile("upload", "x.txt")
		fw.Write([]byte("data"))
		mw.Close()
		return http.MethodPost, "/api/inbound?token=" + token, mw.FormDataContentType(), &b
	}

	tests := []struct {
		name  string
		req   func() (method, target, contentType string, body io.Reader)
		token string // the handler's token; default token
		want  int
	}{
		// Authentication: 403 whatever else is wrong.
		{name: "no token", req: raw("GET", "/api/inbound?"+in.Encode(), "", ""), want: 403},
		{name: "no token POST", req: raw("POST", "/api/inbound", formType, in.Encode()), want: 403},
		{name: "wrong token", req: raw("GET", "/api/inbound?token=tok-3f9a1d&"+in.Encode(), "", ""), want: 403},
		{name: "token prefix", req: raw("GET", "/api/inbound?token=tok-3f9a&"+in.Encode(), "", ""), want: 403},
		{name: "token with suffix", req: raw("GET", "/api/inbound?token="+token+"x&"+in.Encode(), "", ""), want: 403},
		{name: "token in upper case", req: raw("GET", "/api/inbound?token="+strings.ToUpper(token)+"&"+in.Encode(), "", ""), want: 403},
		{name: "empty token", req: raw("GET", "/api/inbound?token=&"+in.Encode(), "", ""), want: 403},
		{name: "token twice", req: raw("GET", "/api/inbound?token="+token+"&token="+token+"&"+in.Encode(), "", ""), want: 403},
		{name: "token only in the body", req: raw("POST", "/api/inbound", formType, "token="+token+"&"+in.Encode()), want: 403},
		{name: "token as a header", req: raw("GET", "/api/inbound?"+in.Encode(), "", ""), want: 403},
		{name: "malformed query", req: raw("GET", "/api/inbound?token="+token+"&message=%zz", "", ""), want: 403},
		{name: "status without token", req: raw("GET", "/api/status?"+st.Encode(), "", ""), want: 403},
		{name: "no token configured", token: "-", req: raw("GET", "/api/inbound?token=&"+in.Encode(), "", ""), want: 403},
		{name: "no token configured, none sent", token: "-", req: raw("GET", "/api/inbound?"+in.Encode(), "", ""), want: 403},
		{name: "unauthenticated PUT", req: raw("PUT", "/api/inbound?"+in.Encode(), "", ""), want: 403},
		// Methods and paths.
		{name: "PUT", req: raw("PUT", "/api/inbound?token="+token+"&"+in.Encode(), "", ""), want: 405},
		{name: "DELETE status", req: raw("DELETE", "/api/status?token="+token+"&"+st.Encode(), "", ""), want: 405},
		{name: "POST healthz", req: raw("POST", "/healthz", "", ""), want: 405},
		{name: "unknown path", req: raw("GET", "/api/inbound/x?token="+token+"&"+in.Encode(), "", ""), want: 404},
		{name: "root", req: raw("GET", "/?token="+token, "", ""), want: 404},
		// Missing fields.
		{name: "missing to", req: func() (string, string, string, io.Reader) { return get("/api/inbound", without(in, "to")) }, want: 400},
		{name: "missing from", req: func() (string, string, string, io.Reader) { return post("/api/inbound", without(in, "from")) }, want: 400},
		{name: "empty from", req: func() (string, string, string, io.Reader) { return get("/api/inbound", with(in, "from", "")) }, want: 400},
		{name: "missing message", req: func() (string, string, string, io.Reader) { return post("/api/inbound", without(in, "message")) }, want: 400},
		{name: "status missing ref", req: func() (string, string, string, io.Reader) { return get("/api/status", without(st, "ref")) }, want: 400},
		{name: "status missing status", req: func() (string, string, string, io.Reader) { return post("/api/status", without(st, "status")) }, want: 400},
		{name: "status missing to", req: func() (string, string, string, io.Reader) { return get("/api/status", without(st, "to")) }, want: 400},
		{name: "form body without content type", req: raw("POST", "/api/inbound?token="+token, "", in.Encode()), want: 400},
		{name: "JSON body", req: raw("POST", "/api/inbound?token="+token, "application/json", `{"to":"1","from":"2","message":"x"}`), want: 400},
		// Invalid UTF-8 and control characters.
		{name: "invalid UTF-8 message GET", req: raw("GET", "/api/inbound?token="+token+"&to=61400000001&from=61412345678&message=caf%E9", "", ""), want: 400},
		{name: "invalid UTF-8 message POST", req: raw("POST", "/api/inbound?token="+token, formType, "to=61400000001&from=61412345678&message=%C3%28"), want: 400},
		{name: "invalid UTF-8 number", req: raw("GET", "/api/inbound?token="+token+"&to=61400000001&from=%FF1&message=x", "", ""), want: 400},
		{name: "invalid UTF-8 status", req: raw("GET", "/api/status?token="+token+"&to=1&ref=m42&status=Deliver%E9d", "", ""), want: 400},
		{name: "NUL in message", req: func() (string, string, string, io.Reader) { return get("/api/inbound", with(in, "message", "a\x00b")) }, want: 400},
		{name: "newline in number", req: func() (string, string, string, io.Reader) { return get("/api/inbound", with(in, "from", "614\n12")) }, want: 400},
		// Lengths.
		{name: "message too long", req: func() (string, string, string, io.Reader) {
			return post("/api/inbound", with(in, "message", strings.Repeat("a", gateway.MaxMessageBytes+1)))
		}, want: 400},
		{name: "number too long", req: func() (string, string, string, io.Reader) {
			return get("/api/inbound", with(in, "from", strings.Repeat("1", gateway.MaxNumberBytes+1)))
		}, want: 400},
		{name: "ref too long", req: func() (string, string, string, io.Reader) {
			return get("/api/status", with(st, "ref", strings.Repeat("r", gateway.MaxReferenceBytes+1)))
		}, want: 400},
		{name: "status too long", req: func() (string, string, string, io.Reader) {
			return get("/api/status", with(st, "status", strings.Repeat("D", gateway.MaxStatusBytes+1)))
		}, want: 400},
		{name: "body too large", req: func() (string, string, string, io.Reader) {
			return post("/api/inbound", with(in, "pad", strings.Repeat("p", gateway.MaxBodyBytes)))
		}, want: 413},
		{name: "multipart body too large", req: func() (string, string, string, io.Reader) {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			mw.WriteField("message", strings.Repeat("p", gateway.MaxBodyBytes))
			mw.Close()
			return http.MethodPost, "/api/inbound?token=" + token, mw.FormDataContentType(), &b
		}, want: 413},
		{name: "query too long", req: func() (string, string, string, io.Reader) {
			return get("/api/inbound", with(in, "pad", strings.Repeat("p", gateway.MaxQueryBytes)))
		}, want: 414},
		{name: "multipart with a file", req: multipartFile, want: 400},
		// Ambiguity.
		{name: "message twice", req: raw("GET", "/api/inbound?token="+token+"&"+in.Encode()+"&message=other", "", ""), want: 400},
		{name: "message in query and body", req: raw("POST", "/api/inbound?token="+token+"&message=a", formType, in.Encode()), want: 400},
		{name: "malformed body", req: raw("POST", "/api/inbound?token="+token, formType, "to=1&from=2&message=%zz"), want: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMem("m42")
			before := m.snapshot()
			tok := token
			if tt.token == "-" {
				tok = ""
			}
			var logs bytes.Buffer
			h := gateway.NewHandler(m, tok, slog.New(slog.NewJSONHandler(&logs, nil)))
			method, target, ct, body := tt.req()
			code, _ := do(t, h, method, target, ct, body)
			if code != tt.want {
				t.Errorf("status %d, want %d", code, tt.want)
			}
			if after := m.snapshot(); after != before {
				t.Errorf("the database changed: %s → %s", before, after)
			}
			if n := strings.Count(logs.String(), "\n"); n != 1 {
				t.Errorf("%d log lines, want 1:\n%s", n, logs.String())
			}
			if strings.Contains(logs.String(), token) {
				t.Errorf("the token was logged: %s", logs.String())
			}
		})
	}
}

func TestStoreErrorIs500(t *testing.T) {
	m := newMem("m42")
	m.fail = errors.New("database is locked")
	var logs bytes.Buffer
	h := gateway.NewHandler(m, token, slog.New(slog.NewJSONHandler(&logs, nil)))
	for _, target := range []string{
		"/api/inbound?token=" + token + "&to=1&from=2&message=hi",
		"/api/status?token=" + token + "&to=1&ref=m42&smsref=9&status=Delivered",
	} {
		code, body := do(t, h, http.MethodGet, target, "", nil)
		if code != http.StatusInternalServerError {
			t.Errorf("%s: status %d, want 500 so that the provider retries", target, code)
		}
		if strings.Contains(body, "locked") {
			t.Errorf("the store's error leaked to the caller: %q", body)
		}
	}
	if !strings.Contains(logs.String(), "database is locked") {
		t.Errorf("the store's error was not logged: %s", logs.String())
	}
}

func TestRequestLog(t *testing.T) {
	m := newMem()
	var logs bytes.Buffer
	h := gateway.NewHandler(m, token, slog.New(slog.NewJSONHandler(&logs, nil)))
	secretText := "my secret text 7731"
	code, _ := do(t, h, http.MethodPost, "/api/inbound?token="+token, formType,
		strings.NewReader(url.Values{"to": {"61400000001"}, "from": {"61412345678"}, "message": {secretText}}.Encode()))
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d log lines, want 1: %s", len(lines), logs.String())
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"method", "path", "status", "duration_ms", "remote", "outcome"} {
		if _, ok := rec[k]; !ok {
			t.Errorf("log line has no %q: %s", k, lines[0])
		}
	}
	if rec["path"] != "/api/inbound" || rec["status"] != float64(200) || rec["outcome"] != "stored" || rec["method"] != "POST" {
		t.Errorf("log line %s", lines[0])
	}
	for _, secret := range []string{token, secretText, "61412345678"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log shows %q: %s", secret, logs.String())
		}
	}
}

func TestHealthz(t *testing.T) {
	m := newMem()
	h := gateway.NewHandler(m, token, nil)
	if code, body := do(t, h, http.MethodGet, "/healthz", "", nil); code != http.StatusOK || strings.TrimSpace(body) != "OK" {
		t.Errorf("healthy: %d %q", code, body)
	}
	if code, _ := do(t, h, http.MethodHead, "/healthz", "", nil); code != http.StatusOK {
		t.Errorf("HEAD: %d", code)
	}
	m.pingErr = errors.New("disk gone")
	if code, body := do(t, h, http.MethodGet, "/healthz", "", nil); code != http.StatusServiceUnavailable || strings.Contains(body, "disk") {
		t.Errorf("database down: %d %q, want 503 without the error", code, body)
	}
}

// noop is Callbacks that stores nothing, for measuring the handler itself.
type noop struct{ n atomic.Int64 }

func (n *noop) Inbound(context.Context, gateway.InboundCallback) (bool, error) {
	n.n.Add(1)
	return false, nil
}

func (n *noop) Status(context.Context, gateway.StatusCallback) (bool, error) {
	n.n.Add(1)
	return true, nil
}

// BenchmarkHandler measures the handler alone (parsing, checks, logging to
// a discarding JSON handler) with callbacks that store nothing.
func BenchmarkHandler(b *testing.B) {
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		b.Run(method, func(b *testing.B) {
			cb := &noop{}
			h := gateway.NewHandler(cb, token, slog.New(slog.NewJSONHandler(io.Discard, nil)))
			var seq atomic.Int64
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					v := url.Values{"to": {"61400000001"}, "from": {"61412345678"},
						"message": {fmt.Sprintf("Yes please, call me %d", seq.Add(1))}}
					var req *http.Request
					if method == http.MethodGet {
						req = httptest.NewRequest(method, "/api/inbound?token="+token+"&"+v.Encode(), nil)
					} else {
						req = httptest.NewRequest(method, "/api/inbound?token="+token, strings.NewReader(v.Encode()))
						req.Header.Set("Content-Type", formType)
					}
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("status %d", rec.Code)
					}
				}
			})
			if got := cb.n.Load(); got != int64(b.N) {
				b.Fatalf("callbacks %d, want %d", got, b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}
