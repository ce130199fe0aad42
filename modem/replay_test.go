package modem_test

import (
	"context"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/modem/modemtest"
)

// TestReplayFieldTranscript plays a captured E173 session (echo on, Huawei
// noise that AT^CURC=0 cannot stop, index 0, split prompt, +CMTI between
// the prompt and the PDU) against the engine: init, a drain and a send.
func TestReplayFieldTranscript(t *testing.T) {
	f, err := os.Open("testdata/e173-field.trace")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	steps, err := modemtest.ParseTranscript(f)
	if err != nil {
		t.Fatal(err)
	}
	r := modemtest.Replay(steps)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := modem.NewDongle(ctx, r, modem.WithTimeouts(fastTimeouts), modem.WithSyncNonce(func() int { return 42 }))
	if err != nil {
		t.Fatalf("init: %v (replay: %v)", err, r.Err())
	}
	defer d.Close()
	if d.IMSI() != "234150123456789" || d.IMEI() != "867530012345674" {
		t.Fatalf("identity %s %s", d.IMSI(), d.IMEI())
	}
	inds := make(chan modem.Indication, 8)
	d.OnIndication(func(ind modem.Indication) { inds <- ind })
	sink := newMemSink()
	res, err := d.Drain(ctx, sink)
	if err != nil || res.Stored != 2 || res.Deleted != 2 {
		t.Fatalf("drain %+v %v (replay: %v)", res, err, r.Err())
	}
	got := sink.textSet()
	sort.Strings(got)
	if !slices.Equal(got, []string{"STOP", "Yes please, Saturday works"}) {
		t.Fatalf("texts %q", got)
	}
	sent, err := d.Send(ctx, "+447700900123", "Thanks, see you Saturday", modem.SendOptions{})
	if err != nil || !slices.Equal(sent.Refs, []int{187}) {
		t.Fatalf("send %+v %v (replay: %v)", sent, err, r.Err())
	}
	if ind := waitInd(t, inds, modem.NewMessage); ind.Index != 0 {
		t.Fatalf("indication %+v", ind)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if !r.Done() {
		t.Fatal("the transcript was not played to its end")
	}
}

// TestReplayCapturedTrace captures a --trace-modem debug log of a session
// with the emulator, then replays the log against a fresh engine: the same
// commands go out and the same results come back.
func TestReplayCapturedTrace(t *testing.T) {
	inbox, _ := fullInbox(t)
	m := emulator(t, modemtest.WithCapacity(len(inbox)), modemtest.WithInbox(inbox...), modemtest.WithNoise(modemtest.Noise{InResponses: true}))
	var log syncBuffer
	ref := func() int { return 99 }
	nonce := modem.WithSyncNonce(func() int { return 42 })
	long := strings.Repeat("A text long enough for two parts. ", 6)
	session := func(d *modem.Dongle) (modem.Info, modem.DrainResult, modem.SendResult, []string) {
		t.Helper()
		ctx := context.Background()
		info, err := d.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sink := newMemSink()
		res, err := d.Drain(ctx, sink)
		if err != nil {
			t.Fatal(err)
		}
		sent, err := d.Send(ctx, to, long, modem.SendOptions{})
		if err != nil {
			t.Fatal(err)
		}
		texts := sink.textSet()
		sort.Strings(texts)
		return info, res, sent, texts
	}
	d := open(t, m, modem.WithLogger(debugLogger(&log)), modem.WithTrace(true), modem.WithConcatRef(ref), nonce)
	info1, res1, sent1, texts1 := session(d)
	d.Close()

	steps, err := modemtest.ParseTranscript(strings.NewReader(log.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) < 40 {
		t.Fatalf("only %d steps captured", len(steps))
	}
	r := modemtest.Replay(steps)
	d2, err := modem.NewDongle(context.Background(), r, modem.WithTimeouts(fastTimeouts), modem.WithConcatRef(ref), nonce)
	if err != nil {
		t.Fatalf("%v (replay: %v)", err, r.Err())
	}
	defer d2.Close()
	info2, res2, sent2, texts2 := session(d2)
	info1.Port, info2.Port = "", ""
	if info1 != info2 || !equalResult(res1, res2) || !slices.Equal(sent1.Refs, sent2.Refs) || !slices.Equal(texts1, texts2) {
		t.Fatalf("replay differs:\n%+v\n%+v\n%+v %+v\n%v %v", info1, info2, res1, res2, sent1, sent2)
	}
	if err := r.Err(); err != nil || !r.Done() {
		t.Fatalf("replay err %v, done %v", err, r.Done())
	}
}

func TestReplayMismatch(t *testing.T) {
	steps, err := modemtest.ParseTranscript(strings.NewReader("tx \"AT\\r\"\nrx \"\\r\\nOK\\r\\n\"\ntx \"ATE0\\r\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := modemtest.Replay(steps)
	a := modem.New(r, modem.WithTimeouts(fastTimeouts))
	defer a.Close()
	if _, err := a.Command(context.Background(), "AT"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Command(context.Background(), "ATI"); err == nil {
		t.Fatal("a command the transcript does not have went through")
	}
	if r.Err() == nil || !strings.Contains(r.Err().Error(), `"ATE0\r"`) {
		t.Fatalf("replay error %v", r.Err())
	}
}
