package modem_test

import (
	"context"
	"errors"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/modem/modemtest"
)

func TestOpenInfo(t *testing.T) {
	m := emulator(t,
		modemtest.WithSIM(modemtest.SIM{IMSI: "234159876543210", ICCID: "8944200011112222333", Operator: "vodafone UK", Number: "+447700900001", SMSC: "+447785016005"}),
		modemtest.WithIMEI("353456789012347"), modemtest.WithSignal(12), modemtest.WithModel("E3131"),
		modemtest.WithInbox(deliver(t, "+447700900123", "x")))
	d := open(t, m)
	got, err := d.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := modem.Info{
		Port: m.Path(), Manufacturer: "huawei", Model: "E3131", Revision: "11.126.85.00.209",
		IMEI: "353456789012347", IMSI: "234159876543210", ICCID: "8944200011112222333", Operator: "vodafone UK",
		SignalDBM: -89, Bars: 3, Registration: "home", Mode: "WCDMA", Service: "home, WCDMA",
		OwnNumber: "+447700900001", SMSC: "+447785016005", Storage: "SM", StorageUsed: 1, StorageTotal: 30,
	}
	if got != want {
		t.Fatalf("info\n%+v\nwant\n%+v", got, want)
	}
	if d.IMSI() != want.IMSI || d.IMEI() != want.IMEI || d.Port() != m.Path() {
		t.Fatalf("identity %s %s %s", d.IMSI(), d.IMEI(), d.Port())
	}
}

// TestInitFieldBugs: the init sequence and a drain and a send work through
// the quirks seen in the field.
func TestInitFieldBugs(t *testing.T) {
	t.Parallel() // each case has its own emulated dongle
	// short is for the cases that wait out a silence: the dongle's timeouts
	// are what they wait, so they are cut to what the emulator needs.
	short := fastTimeouts
	short.Command = 300 * time.Millisecond
	tests := []struct {
		name string
		opts []modemtest.Option
		mem  string // where the texts wait; "" the SIM
		dopt []modem.Option
	}{
		{"COMMAND NOT SUPPORT for AT^CURC", []modemtest.Option{modemtest.WithCURCUnsupported()}, "", nil},
		{"BOOT spam", []modemtest.Option{modemtest.WithCURCUnsupported(), modemtest.WithNoise(modemtest.Noise{Boot: time.Millisecond, RSSI: 2 * time.Millisecond})}, "", nil},
		{"echo left on", []modemtest.Option{modemtest.WithEchoStuck()}, "", nil},
		{"noise in every answer", []modemtest.Option{modemtest.WithNoise(modemtest.Noise{InResponses: true})}, "", nil},
		{"index 0", []modemtest.Option{modemtest.WithIndexBase(0)}, "", nil},
		{"slow answers", []modemtest.Option{modemtest.WithReplyDelay(20 * time.Millisecond)}, "", nil},
		{"CNMI 2,1,0,2,0 refused", []modemtest.Option{modemtest.WithFaults(modemtest.Fault{Command: "AT+CNMI=2,1,0,2,0", Reply: "+CMS ERROR: 303"})}, "", nil},
		{"SIM storage refused", []modemtest.Option{modemtest.WithFaults(modemtest.Fault{Command: `AT+CPMS="SM","SM","SM"`, Reply: "+CMS ERROR: 302"})}, "ME", nil},
		{"SIM busy after power-up", []modemtest.Option{modemtest.WithFaults(modemtest.Fault{Command: "AT+CPIN?", Reply: "+CME ERROR: 14", Times: 2})}, "", nil},
		{"garbage left on the line", []modemtest.Option{modemtest.WithFaults(modemtest.Fault{Command: "AT", Silent: true})}, "", []modem.Option{modem.WithTimeouts(short)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			texts := []string{deliver(t, "+447700900123", plainText), deliver(t, "+447700900124", extText), deliver(t, "+447700900125", emojiText)}
			inbox := modemtest.WithInbox(texts...)
			if tt.mem != "" {
				inbox = modemtest.WithStored(tt.mem, texts...)
			}
			opts := append([]modemtest.Option{inbox}, tt.opts...)
			m := emulator(t, opts...)
			d := open(t, m, tt.dopt...)
			info, err := d.Info(context.Background())
			if err != nil || info.IMSI == "" || info.StorageUsed != 3 {
				t.Fatalf("info %+v, %v", info, err)
			}
			sink := newMemSink()
			res, err := d.Drain(context.Background(), sink)
			if err != nil || res.Stored != 3 || res.Deleted != 3 {
				t.Fatalf("drain %+v, %v", res, err)
			}
			got := sink.textSet()
			sort.Strings(got)
			want := []string{plainText, extText, emojiText}
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Fatalf("texts %q", got)
			}
			if _, err := d.Send(context.Background(), to, "ok", modem.SendOptions{}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name string
		opts []modemtest.Option
		want error
		text string
	}{
		{"no SIM", []modemtest.Option{modemtest.WithNoSIM()}, modem.ErrNoSIM, "SIM not inserted"},
		{"PIN", []modemtest.Option{modemtest.WithPIN("1234")}, modem.ErrPINRequired, "SIM PIN"},
		{"not a modem", []modemtest.Option{modemtest.WithFaults(modemtest.Fault{Command: "AT", Silent: true, Times: -1})}, modem.ErrNotModem, "AT/PCUI"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := emulator(t, tt.opts...)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			to := fastTimeouts
			to.Command = 100 * time.Millisecond
			_, err := modem.Open(ctx, m.Path(), modem.WithTimeouts(to), modem.WithInitTries(3))
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.text) || !strings.Contains(err.Error(), m.Path()) {
				t.Fatalf("err %v, want %v mentioning %q and the port", err, tt.want, tt.text)
			}
			if modem.ClassOf(err) == modem.ClassUnknown {
				t.Fatal("an init error classed as unknown outcome")
			}
		})
	}
	t.Run("no such port", func(t *testing.T) {
		_, err := modem.Open(context.Background(), "/dev/ttyUSB-none")
		if !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("err %v", err)
		}
	})
}

// TestPortBusy: a second holder of the port gets "port busy" at once, not a
// hang or garbage; once the first lets go the port opens again.
func TestPortBusy(t *testing.T) {
	m := emulator(t)
	d := open(t, m)
	start := time.Now()
	_, err := modem.Open(context.Background(), m.Path(), modem.WithTimeouts(fastTimeouts))
	if !errors.Is(err, modem.ErrPortBusy) || !strings.Contains(err.Error(), "port busy") {
		t.Fatalf("second open: %v", err)
	}
	if time.Since(start) > time.Second {
		t.Fatalf("port busy took %v", time.Since(start))
	}
	if _, err := d.Info(context.Background()); err != nil {
		t.Fatalf("the first holder was disturbed: %v", err)
	}
	d.Close()
	open(t, m)
}

// TestUnplugMidCommand: pulling the dongle while a command waits gives an
// error at once, never a hang, and Closed() tells the listener.
func TestUnplugMidCommand(t *testing.T) {
	m := emulator(t, modemtest.WithFaults(modemtest.Fault{Command: "AT+COPS?", Delay: 5 * time.Second}))
	d := open(t, m)
	time.AfterFunc(100*time.Millisecond, m.Unplug)
	start := time.Now()
	_, err := d.Info(context.Background())
	if !errors.Is(err, modem.ErrClosed) || time.Since(start) > 2*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
	<-d.Closed()
	if _, err := d.Send(context.Background(), to, "x", modem.SendOptions{}); !errors.Is(err, modem.ErrClosed) {
		t.Fatalf("send on an unplugged dongle: %v", err)
	}
	if h := d.Health(); h.State != modem.Down {
		t.Fatalf("health %+v", h)
	}
}

func TestUnplugAfterPDU(t *testing.T) {
	m := emulator(t, modemtest.WithSendDelay(time.Second))
	d := open(t, m)
	time.AfterFunc(200*time.Millisecond, m.Unplug)
	_, err := d.Send(context.Background(), to, "x", modem.SendOptions{})
	if !errors.Is(err, modem.ErrUnknownOutcome) || !errors.Is(err, modem.ErrClosed) {
		t.Fatalf("unplug after the PDU: %v", err)
	}
}

func TestHealthLadder(t *testing.T) {
	t.Parallel() // each case has its own emulated dongle
	t.Run("keep-alive answers", func(t *testing.T) {
		t.Parallel()
		m := emulator(t, modemtest.WithSignal(25))
		d := open(t, m)
		if err := d.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
		h := d.Health()
		if h.State != modem.Healthy || h.SignalDBM != -63 || h.Bars != 5 || h.LastCheck.IsZero() || len(h.Steps) != 0 {
			t.Fatalf("health %+v", h)
		}
	})
	t.Run("a swallowed keep-alive is asked again", func(t *testing.T) {
		t.Parallel()
		m := emulator(t)
		to := fastTimeouts
		to.Command = 300 * time.Millisecond // the silent keep-alive waits this long
		d := open(t, m, modem.WithTimeouts(to))
		m.AddFault(modemtest.Fault{Command: "AT+CSQ", Silent: true})
		if err := d.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
		h := d.Health()
		if h.State != modem.Healthy || len(h.Steps) != 0 || m.Count("AT+CSQ") != 3 {
			t.Fatalf("health %+v after %d AT+CSQ", h, m.Count("AT+CSQ"))
		}
	})
	t.Run("re-initialisation brings it back", func(t *testing.T) {
		t.Parallel()
		m := emulator(t)
		to := fastTimeouts
		to.Command = 300 * time.Millisecond // the silent keep-alives wait this long
		d := open(t, m, modem.WithTimeouts(to))
		m.AddFault(modemtest.Fault{Command: "AT+CSQ", Silent: true, Times: 2})
		if err := d.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
		h := d.Health()
		if h.State != modem.Healthy || len(h.Steps) != 2 || !strings.Contains(h.Steps[1], "re-initialised") {
			t.Fatalf("health %+v", h)
		}
	})
	t.Run("radio off and on", func(t *testing.T) {
		t.Parallel()
		m := emulator(t)
		to := fastTimeouts
		to.Command = 300 * time.Millisecond
		d := open(t, m, modem.WithTimeouts(to), modem.WithInitTries(2))
		// Hung until AT+CFUN: the keep-alive, the sync before asking it
		// again and the whole re-init go unanswered.
		m.AddFault(modemtest.Fault{Command: "AT", Silent: true, Times: -1, Until: "AT+CFUN"})
		if err := d.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
		h := d.Health()
		if h.State != modem.Healthy || !strings.Contains(strings.Join(h.Steps, "\n"), "AT+CFUN=0") || m.Count("AT+CFUN=0") != 1 || m.Count("AT+CFUN=1") != 1 {
			t.Fatalf("health %+v", h)
		}
	})
	t.Run("gives up", func(t *testing.T) {
		t.Parallel()
		m := emulator(t)
		to := fastTimeouts
		to.Command, to.Long = 50*time.Millisecond, 50*time.Millisecond
		d := open(t, m, modem.WithTimeouts(to), modem.WithInitTries(2))
		m.AddFault(modemtest.Fault{Command: "AT", Silent: true, Times: -1})
		err := d.Check(context.Background())
		if err == nil || !strings.Contains(err.Error(), "does not recover") {
			t.Fatalf("err %v", err)
		}
		if h := d.Health(); h.State != modem.Down || !strings.Contains(h.Steps[len(h.Steps)-1], "gave up") {
			t.Fatalf("health %+v", h)
		}
	})
	t.Run("keep-alive loop ends on unplug", func(t *testing.T) {
		t.Parallel()
		m := emulator(t)
		d := open(t, m)
		done := make(chan error, 1)
		go func() { done <- d.KeepAlive(context.Background(), 10*time.Millisecond) }()
		time.Sleep(50 * time.Millisecond)
		m.Unplug()
		select {
		case err := <-done:
			if !errors.Is(err, modem.ErrClosed) {
				t.Fatalf("keep-alive ended with %v", err)
			}
		case <-time.After(3 * time.Second):
			t.Fatal("keep-alive did not notice the unplug")
		}
		if m.Count("AT+CSQ") < 2 {
			t.Fatalf("%d keep-alives", m.Count("AT+CSQ"))
		}
	})
}

// TestEmulatorCloseWithClient: closing the emulator under a connected
// client ends all its goroutines and the client sees a closed link.
func TestEmulatorCloseWithClient(t *testing.T) {
	before := runtime.NumGoroutine()
	m, err := modemtest.New(modemtest.WithNoise(modemtest.Noise{RSSI: time.Millisecond, Boot: time.Millisecond}), modemtest.WithCURCUnsupported())
	if err != nil {
		t.Fatal(err)
	}
	d, err := modem.Open(context.Background(), m.Path(), modem.WithTimeouts(fastTimeouts))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Send(context.Background(), to, "x", modem.SendOptions{StatusReport: true}); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-d.Closed():
	case <-time.After(2 * time.Second):
		t.Fatal("client did not see the close")
	}
	d.Close()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines left over (%d before):\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}
