package cli

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/gateway"
	"github.com/texting-centre/texting/gateway/gatewaytest"
	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/modem/pdu"
	"github.com/texting-centre/texting/store"
)

// TestReadInSendsAutoReplies: a read-in that queues auto-replies sends them
// at once from the SIM each text came in on, and only once.
func TestReadInSendsAutoReplies(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "t.db")
	for _, args := range [][]string{
		{"category", "set", "Thanks", "--autoreply", "You're welcome!"},
		{"category", "set", "End", "--autoreply", "You will not hear from us again."},
	} {
		if r := runCLI(t, dbPath, nil, args...); r.code != 0 {
			t.Fatal(r.err)
		}
	}
	ts := time.Now().Add(-time.Minute).Truncate(time.Second)
	var inbox []string
	for _, m := range []struct{ from, text string }{
		{"+447700900501", "STOP"},
		{"+447700900502", "Who is this?"}, // waits for the operator: no auto-reply
	} {
		h, err := pdu.EncodeDeliver(m.from, m.text, pdu.DeliverOptions{Class: -1, Timestamp: ts})
		if err != nil {
			t.Fatal(err)
		}
		inbox = append(inbox, h)
	}
	dongle := newEmulator(t, "234101234567777", modemtest.WithInbox(inbox...))
	r := runCLI(t, dbPath, nil, "read-in", "--port", dongle.Path())
	if r.code != 0 {
		t.Fatalf("read-in: exit %d: %s", r.code, r.err)
	}
	if !strings.Contains(r.out, "auto-replies: 1 sent") {
		t.Errorf("read-in output:\n%s", r.out)
	}
	sent := dongle.Sent()
	if len(sent) != 1 || sent[0].Msg == nil || sent[0].Msg.To != "+447700900501" || sent[0].Msg.Text != "You will not hear from us again." {
		t.Fatalf("the dongle sent %+v, want the opt-out confirmation to +447700900501 only", sent)
	}
	// A second read-in has nothing new and sends nothing more.
	if r := runCLI(t, dbPath, nil, "read-in", "--port", dongle.Path()); r.code != 0 || strings.Contains(r.out, "auto-replies") {
		t.Fatalf("second read-in: exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	if n := len(dongle.Sent()); n != 1 {
		t.Errorf("%d texts sent after the second read-in, want 1", n)
	}
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out, err := db.Messages(context.Background(), store.MessageFilter{Direction: store.Out, Kind: store.KindAutoreply})
	if err != nil || len(out) != 1 || (out[0].State != store.StateSent && out[0].State != store.StateDelivered) || out[0].SIM == "" {
		t.Fatalf("auto-replies in the database: %+v, %v", out, err)
	}
}

// TestServeSendsGatewayAutoReplies: a text that arrives by gateway callback
// gets its category's auto-reply through the gateway account it came to.
func TestServeSendsGatewayAutoReplies(t *testing.T) {
	prov := gatewaytest.New(gatewaytest.WithAccount("acct", "secret-pass", 100), gatewaytest.WithRegion("GB"))
	defer prov.Close()
	dbPath := filepath.Join(t.TempDir(), "t.db")
	for _, args := range [][]string{
		{"network", "add", "SMSBCAST", "--gateway"},
		{"sim", "add", "--network", "SMSBCAST", "--url", prov.URL(), "--user", "acct", "--password", "secret-pass", "--sender", "Shop", "--phone", "07700900900"},
		{"category", "set", "End", "--autoreply", "You will not hear from us again."},
		{"config", "set", "serve.token", "0123456789abcdef0123"},
	} {
		if r := runCLI(t, dbPath, nil, args...); r.code != 0 {
			t.Fatal(args, r.err)
		}
	}
	f := NewFactory()
	f.DBPath = dbPath
	f.Err = io.Discard
	f.Getenv = func(string) string { return "" }
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc := make(chan string, 1)
	cmd := newCmdServe(f, func(ctx context.Context, o *serveOptions) error {
		o.Addr, o.AutoReplyEvery = "127.0.0.1:0", 50*time.Millisecond
		o.Listening = func(a string) { addrc <- a }
		return serve(ctx, o)
	})
	cmd.SetArgs(nil)
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	addr := <-addrc
	resp, err := prov.FireInbound(ctx, http.MethodPost, "http://"+addr+"/api/inbound?token=0123456789abcdef0123",
		gateway.InboundCallback{To: "447700900900", From: "447700900321", Message: "STOP"})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	deadline := time.Now().Add(10 * time.Second)
	for len(prov.Sent()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	sent := prov.Sent()
	if len(sent) != 1 || sent[0].Number != "447700900321" || sent[0].Message != "You will not hear from us again." {
		t.Fatalf("the gateway accepted %+v, want the opt-out confirmation to 447700900321", sent)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
