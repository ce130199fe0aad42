package replies

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/texting-centre/texting/gateway"
	"github.com/texting-centre/texting/gateway/gatewaytest"
	"github.com/texting-centre/texting/store"
)

const testToken = "0123456789abcdef0123456789abcdef"

// server is a fixture with a gateway SIM and `texting serve`'s handler on an
// httptest server.
type server struct {
	*fixture
	gw  store.SIM
	srv *httptest.Server
	cb  *Callbacks
}

func newServer(t *testing.T) *server {
	t.Helper()
	f := newFixture(t, Options{})
	net, err := f.db.AddNetwork(f.ctx, store.Network{Name: "SMSBCAST", Gateway: true})
	if err != nil {
		t.Fatal(err)
	}
	gw, err := f.db.AddSIM(f.ctx, store.SIM{NetworkID: net.ID, Phone: "+61400000001", Active: true, DailyLimit: 1000,
		GatewayURL: "https://example.invalid/api-adv.php", GatewayUser: "u", GatewayPassword: "p", SenderID: "TEXTCO"})
	if err != nil {
		t.Fatal(err)
	}
	cb, err := f.p.Callbacks(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gateway.NewHandler(cb, testToken, nil))
	t.Cleanup(func() {
		srv.Close()
		cb.Close()
	})
	return &server{fixture: f, gw: gw, srv: srv, cb: cb}
}

// post sends form fields to path with the query q.
func (s *server) post(path, q string, form url.Values) int {
	s.t.Helper()
	resp, err := http.Post(s.srv.URL+path+"?"+q, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		s.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func (s *server) get(path, q string) int {
	s.t.Helper()
	resp, err := http.Get(s.srv.URL + path + "?" + q)
	if err != nil {
		s.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func tokenQ() string { return "token=" + testToken }

func inboundForm(to, from, message string) url.Values {
	return url.Values{"to": {to}, "from": {from}, "message": {message}}
}

// TestServeInbound checks that inbound callbacks are stored on the gateway
// SIM, sorted, opted out and auto-replied like texts read from a dongle.
func TestServeInbound(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.setAutoreply("Thanks", "Thanks for your reply!")
	taught := s.receive("+447700900800", "cheers mate")
	if _, err := s.p.Tag(s.ctx, taught.ID, "Thanks"); err != nil {
		t.Fatal(err)
	}

	if code := s.post("/api/inbound", tokenQ(), inboundForm("61400000001", "61412345678", "Cheers, mate!")); code != 200 {
		t.Fatalf("POST inbound: %d", code)
	}
	if code := s.get("/api/inbound", tokenQ()+"&"+inboundForm("61400000001", "61412345679", "STOP").Encode()); code != 200 {
		t.Fatalf("GET inbound: %d", code)
	}
	ms := inbound(t, s.db)
	if len(ms) != 3 {
		t.Fatalf("%d texts stored, want 3", len(ms))
	}
	thanks, stop := ms[1], ms[2]
	if thanks.SIMID != s.gw.ID || thanks.Number != "+61412345678" || thanks.Text != "Cheers, mate!" ||
		thanks.Category != "Thanks" || thanks.CategoryBy != store.ByMemory {
		t.Fatalf("stored %+v", thanks)
	}
	if stop.Category != "End" || !s.optedOut("+61412345679") {
		t.Fatalf("STOP: %q, opted out %v", stop.Category, s.optedOut("+61412345679"))
	}
	ar := s.autoreplies("+61412345678")
	if len(ar) != 1 || ar[0].SIMID != s.gw.ID || ar[0].State != store.StateQueued {
		t.Fatalf("auto-replies %+v", ar)
	}
}

// TestServeDuplicates checks that a provider's retries are stored once, and
// the same text sent again later is a new text.
func TestServeDuplicates(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	form := inboundForm("61400000001", "61412345678", "Yes")
	for i := 0; i < 3; i++ {
		if code := s.post("/api/inbound", tokenQ(), form); code != 200 {
			t.Fatalf("try %d: %d", i, code)
		}
		s.advance(6 * time.Minute) // retries within the window, across a bucket boundary
	}
	if n := len(inbound(t, s.db)); n != 1 {
		t.Fatalf("%d texts after three deliveries of one callback, want 1", n)
	}
	// Another sender, or another text, is not a duplicate.
	s.post("/api/inbound", tokenQ(), inboundForm("61400000001", "61412345670", "Yes"))
	s.post("/api/inbound", tokenQ(), inboundForm("61400000001", "61412345678", "Yes!"))
	if n := len(inbound(t, s.db)); n != 3 {
		t.Fatalf("%d texts, want 3", n)
	}
	// The same person saying the same again half an hour later is a new text.
	s.advance(30 * time.Minute)
	s.post("/api/inbound", tokenQ(), form)
	if n := len(inbound(t, s.db)); n != 4 {
		t.Fatalf("%d texts after a later repeat, want 4", n)
	}
}

// TestServeStatus checks delivery reports by our reference.
func TestServeStatus(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	out := func(number string) int64 {
		id, _, err := s.db.InsertMessage(s.ctx, store.Message{Direction: store.Out, SIMID: s.gw.ID, Number: number,
			Text: "hi", Kind: store.KindCampaign, State: store.StateSent})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	a, b, c := out("+61412345601"), out("+61412345602"), out("+61412345603")
	status := func(to string, ref int64, smsref, st string) int {
		return s.post("/api/status", tokenQ(), url.Values{"to": {to}, "ref": {fmt.Sprint(ref)}, "smsref": {smsref}, "status": {st}})
	}
	if code := status("61412345601", a, "P-1", "Delivered"); code != 200 {
		t.Fatalf("status: %d", code)
	}
	status("61412345602", b, "P-2", "Expired")
	status("61412345603", c, "P-3", "Pending") // not final: the reference only
	if m := s.message(a); m.State != store.StateDelivered || m.Ref != "P-1" {
		t.Fatalf("delivered: %q ref %q", m.State, m.Ref)
	}
	if m := s.message(b); m.State != store.StateExpired {
		t.Fatalf("expired: %q", m.State)
	}
	if m := s.message(c); m.State != store.StateSent || m.Ref != "P-3" {
		t.Fatalf("pending: %q ref %q", m.State, m.Ref)
	}
	// A failure after the delivery report of another part wins; a late
	// delivery does not undo a failure.
	status("61412345601", a, "P-1", "Failed")
	status("61412345601", a, "P-1", "Delivered")
	if m := s.message(a); m.State != store.StateFailed {
		t.Fatalf("after failed then delivered: %q", m.State)
	}
	// Unknown references, another number, an inbound text's id: 200 (the
	// provider must stop), nothing changed.
	before := digest(t, s.db)
	for _, q := range []url.Values{
		{"to": {"61412345601"}, "ref": {"999999"}, "smsref": {"x"}, "status": {"Delivered"}},
		{"to": {"61412345601"}, "ref": {"abc"}, "smsref": {"x"}, "status": {"Delivered"}},
		{"to": {"61499999999"}, "ref": {fmt.Sprint(c)}, "smsref": {"x"}, "status": {"Delivered"}},
	} {
		if code := s.post("/api/status", tokenQ(), q); code != 200 {
			t.Fatalf("%v: %d", q, code)
		}
	}
	in := s.receive("+61412345604", "hello")
	before = digest(t, s.db)
	status("61412345604", in.ID, "x", "Delivered")
	if after := digest(t, s.db); !reflect.DeepEqual(before, after) {
		t.Fatalf("a status for an inbound text changed the database:\n%v\n%v", before, after)
	}
}

// TestServeRefusals sends every kind of bad or unauthenticated request and
// checks that each is refused and the database is unchanged.
func TestServeRefusals(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.post("/api/inbound", tokenQ(), inboundForm("61400000001", "61412345678", "first"))
	good := inboundForm("61400000001", "61412345678", "hello")
	tests := []struct {
		name   string
		method string
		path   string
		query  string
		body   string
		ctype  string
		want   int
	}{
		{"no token", "POST", "/api/inbound", "", good.Encode(), "", 403},
		{"wrong token", "POST", "/api/inbound", "token=wrong" + testToken[5:], good.Encode(), "", 403},
		{"token in the body only", "POST", "/api/inbound", "", good.Encode() + "&token=" + testToken, "", 403},
		{"two tokens", "POST", "/api/inbound", tokenQ() + "&" + tokenQ(), good.Encode(), "", 403},
		{"empty token", "GET", "/api/inbound", "token=&" + good.Encode(), "", "", 403},
		{"status without token", "GET", "/api/status", "ref=1&status=Delivered", "", "", 403},
		{"no sender", "POST", "/api/inbound", tokenQ(), url.Values{"to": {"1"}, "message": {"x"}}.Encode(), "", 400},
		{"repeated field", "POST", "/api/inbound", tokenQ(), good.Encode() + "&from=61400000009", "", 400},
		{"text too long", "POST", "/api/inbound", tokenQ(),
			inboundForm("1", "61412345678", strings.Repeat("x", gateway.MaxMessageBytes+1)).Encode(), "", 400},
		{"number too long", "POST", "/api/inbound", tokenQ(),
			inboundForm("1", strings.Repeat("6", gateway.MaxNumberBytes+1), "x").Encode(), "", 400},
		{"not UTF-8", "POST", "/api/inbound", tokenQ(), "to=1&from=61412345678&message=%ff%fe", "", 400},
		{"body too big", "POST", "/api/inbound", tokenQ(), "message=" + strings.Repeat("x", gateway.MaxBodyBytes+10), "", 413},
		{"query too long", "GET", "/api/inbound", tokenQ() + "&message=" + strings.Repeat("x", gateway.MaxQueryBytes+10), "", "", 414},
		{"wrong method", "PUT", "/api/inbound", tokenQ(), good.Encode(), "", 405},
		{"unknown path", "GET", "/api/other", tokenQ(), "", "", 404},
		{"bad content type", "POST", "/api/inbound", tokenQ(), good.Encode(), "application/json", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := digest(t, s.db)
			req, err := http.NewRequest(tt.method, s.srv.URL+tt.path+"?"+tt.query, bytes.NewBufferString(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			ct := tt.ctype
			if ct == "" {
				ct = "application/x-www-form-urlencoded"
			}
			if tt.body != "" {
				req.Header.Set("Content-Type", ct)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 || (tt.want != 0 && resp.StatusCode != tt.want) {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
			}
			if after := digest(t, s.db); !reflect.DeepEqual(before, after) {
				t.Fatalf("a refused request changed the database:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

// TestServeConcurrent sends many callbacks at once, each of several twice:
// every distinct text is stored once, and each 200 means committed.
func TestServeConcurrent(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	const clients, each = 16, 25
	var wg sync.WaitGroup
	errs := make(chan error, clients*each*2)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				form := inboundForm("61400000001", fmt.Sprintf("614123%02d%03d", c, i), fmt.Sprintf("text %d", i))
				for try := 0; try < 2; try++ {
					resp, err := http.Post(s.srv.URL+"/api/inbound?"+tokenQ(), "application/x-www-form-urlencoded",
						strings.NewReader(form.Encode()))
					if err != nil {
						errs <- err
						return
					}
					resp.Body.Close()
					if resp.StatusCode != 200 {
						errs <- fmt.Errorf("status %d", resp.StatusCode)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := len(inbound(t, s.db)); n != clients*each {
		t.Fatalf("%d texts stored, want %d", n, clients*each)
	}
}

// TestServeWithProvider has the provider's double call our server the way
// the provider does, GET and POST, with its numbers.
func TestServeWithProvider(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	prov := gatewaytest.New()
	defer prov.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, method := range []string{"GET", "POST"} {
		resp, err := prov.FireInbound(ctx, method, s.srv.URL+"/api/inbound?"+tokenQ(), gateway.InboundCallback{
			To: "61400000001", From: "61412345678", Message: method + " 👍 thanks", Ref: "17"})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", method, resp.StatusCode)
		}
	}
	ms := inbound(t, s.db)
	if len(ms) != 2 || ms[0].Text != "GET 👍 thanks" || ms[1].Text != "POST 👍 thanks" || ms[1].SIMID != s.gw.ID {
		t.Fatalf("stored %+v", ms)
	}
}

// TestGatewaySIM checks which SIM a callback is stored on.
func TestGatewaySIM(t *testing.T) {
	t.Parallel()
	p := New(nil, Options{})
	a := store.SIM{ID: 1, Phone: "+61400000001"}
	b := store.SIM{ID: 2, Phone: "+61400000002", SenderID: "TEXTCO"}
	tests := []struct {
		name string
		sims []store.SIM
		to   string
		want int64
	}{
		{"by number", []store.SIM{a, b}, "61400000002", 2},
		{"by E.164 number", []store.SIM{a, b}, "+61400000001", 1},
		{"by sender ID", []store.SIM{a, b}, "textco", 2},
		{"no match among several", []store.SIM{a, b}, "61400000009", 0},
		{"the only one", []store.SIM{a}, "61400000009", 1},
		{"the only one, no to", []store.SIM{a}, "", 1},
		{"none", nil, "61400000001", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.GatewaySIM(tt.sims, tt.to); got != tt.want {
				t.Fatalf("GatewaySIM(%q) = %d, want %d", tt.to, got, tt.want)
			}
		})
	}
}
