package modem_test

import (
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem"
)

// scripted is a dongle that answers each command line with a fixed list of
// chunks, written one by one so that lines and the prompt arrive split.
type scripted struct {
	t       testing.TB
	conn    net.Conn
	answers map[string][]string
	mu      sync.Mutex
	got     []string
	s7      string // the S-register the engine's sync writes (run's goroutine)
}

func newScripted(t testing.TB, answers map[string][]string) (*modem.AT, *scripted) {
	client, dongle := net.Pipe()
	s := &scripted{t: t, conn: dongle, answers: answers}
	go s.run()
	a := modem.New(client, modem.WithTimeouts(fastTimeouts))
	t.Cleanup(func() { a.Close(); dongle.Close() })
	return a, s
}

func (s *scripted) run() {
	buf := make([]byte, 1024)
	var line []byte
	for {
		n, err := s.conn.Read(buf)
		if err != nil {
			return
		}
		for _, c := range buf[:n] {
			if c != '\r' && c != 0x1a {
				line = append(line, c)
				continue
			}
			cmd := strings.TrimLeft(string(line), "\x1b")
			line = line[:0]
			s.mu.Lock()
			s.got = append(s.got, cmd)
			s.mu.Unlock()
			answers := s.answers[cmd]
			if v, ok := strings.CutPrefix(cmd, "ATS7="); ok && answers == nil {
				// The engine's proof of sync: S7 written and read back.
				s.s7 = v
				answers = []string{"\r\nOK\r\n"}
			} else if cmd == "ATS7?" && answers == nil {
				answers = []string{"\r\n" + s.s7 + "\r\n\r\nOK\r\n"}
			}
			for _, chunk := range answers {
				if _, err := s.conn.Write([]byte(chunk)); err != nil {
					return
				}
			}
		}
	}
}

func TestEngineFraming(t *testing.T) {
	const pduHex = "0011000C914477009009990000AA05E8329BFD06"
	tests := []struct {
		name     string
		cmd      string
		sms      string
		answers  map[string][]string
		wantInfo []string
		wantErr  string
		wantUns  []string
	}{
		{
			name:     "echo on, info and OK",
			cmd:      "AT+CSQ",
			answers:  map[string][]string{"AT+CSQ": {"AT+CSQ\r", "\r\n+CSQ: 17,99\r\n", "\r\nOK\r\n"}},
			wantInfo: []string{"+CSQ: 17,99"},
		},
		{
			name:     "bytes one at a time",
			cmd:      "AT+CGMM",
			answers:  map[string][]string{"AT+CGMM": strings.Split("\r\nE173\r\n\r\nOK\r\n", "")},
			wantInfo: []string{"E173"},
		},
		{
			name: "unsolicited in the middle of a list",
			cmd:  "AT+CMGL=4",
			answers: map[string][]string{"AT+CMGL=4": {
				"\r\n+CMGL: 0,1,,21\r\n", "\r\n^RSSI:14\r\n", "0791AB\r\n", "+CMGL: 1,1,,21\r\n^BOOT:2001,0,0,0,72\r\n0791CD\r\n",
				"\r\n+CMTI: \"SM\",2\r\n", "\r\nOK\r\n",
			}},
			wantInfo: []string{"+CMGL: 0,1,,21", "0791AB", "+CMGL: 1,1,,21", "0791CD"},
			wantUns:  []string{"^RSSI:14", "^BOOT:2001,0,0,0,72", `+CMTI: "SM",2`},
		},
		{
			name:     "+CREG: is the answer while AT+CREG? runs",
			cmd:      "AT+CREG?",
			answers:  map[string][]string{"AT+CREG?": {"\r\n+CREG: 0,1\r\n\r\nOK\r\n"}},
			wantInfo: []string{"+CREG: 0,1"},
		},
		{
			name:     "+CREG: is unsolicited otherwise",
			cmd:      "AT+CSQ",
			answers:  map[string][]string{"AT+CSQ": {"\r\n+CREG: 1\r\n", "\r\n+CSQ: 5,99\r\n\r\nOK\r\n"}},
			wantInfo: []string{"+CSQ: 5,99"},
			wantUns:  []string{"+CREG: 1"},
		},
		{
			name:    "CME error",
			cmd:     "AT+CPIN?",
			answers: map[string][]string{"AT+CPIN?": {"\r\n+CME ERROR: 10\r\n"}},
			wantErr: "+CME ERROR: 10 (SIM not inserted)",
		},
		{
			name:    "verbose CMS error",
			cmd:     "AT+CMGD=3",
			answers: map[string][]string{"AT+CMGD=3": {"\r\n+CMS ERROR: invalid memory index\r\n"}},
			wantErr: "+CMS ERROR: 321 (invalid memory index)",
		},
		{
			name:    "COMMAND NOT SUPPORT",
			cmd:     "AT^CURC=0",
			answers: map[string][]string{"AT^CURC=0": {"\r\nCOMMAND NOT SUPPORT\r\n"}},
			wantErr: "COMMAND NOT SUPPORT",
		},
		{
			name:    "NO CARRIER while not dialling is unsolicited",
			cmd:     "AT",
			answers: map[string][]string{"AT": {"\r\nNO CARRIER\r\n", "\r\nOK\r\n"}},
			wantUns: []string{"NO CARRIER"},
		},
		{
			name: "prompt split, RSSI inside the CMGS reply",
			cmd:  "AT+CMGS=19", sms: pduHex,
			answers: map[string][]string{
				"AT+CMGS=19": {"\r\n>", " "},
				pduHex:       {"\r\n+CMGS: 7\r\n", "\r\n^RSSI:20\r\n", "\r\nOK\r\n"},
			},
			wantInfo: []string{"+CMGS: 7"},
			wantUns:  []string{"^RSSI:20"},
		},
		{
			name: "echo on through the prompt, CMTI before the PDU",
			cmd:  "AT+CMGS=19", sms: pduHex,
			answers: map[string][]string{
				"AT+CMGS=19": {"AT+CMGS=19\r", "\r\n> ", "\r\n+CMTI: \"SM\",4\r\n"},
				pduHex:       {pduHex + "\x1a", "\r\n+CMGS: 8\r\n\r\nOK\r\n"},
			},
			wantInfo: []string{"+CMGS: 8"},
			wantUns:  []string{`+CMTI: "SM",4`},
		},
		{
			name: "+CDS with its PDU line",
			cmd:  "AT",
			answers: map[string][]string{
				"AT": {"\r\n+CDS: 25\r\n", "07914477580010F00607\r\n", "\r\nOK\r\n"},
			},
			wantUns: []string{"+CDS: 25|07914477580010F00607"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := newScripted(t, tt.answers)
			var mu sync.Mutex
			var uns []string
			got := make(chan struct{}, 16)
			a.Handle("", func(u modem.Unsolicited) {
				mu.Lock()
				l := u.Line
				if u.PDU != "" {
					l += "|" + u.PDU
				}
				uns = append(uns, l)
				mu.Unlock()
				got <- struct{}{}
			})
			var info []string
			var err error
			if tt.sms != "" {
				info, err = a.SMSCommand(context.Background(), tt.cmd, tt.sms)
			} else {
				info, err = a.Command(context.Background(), tt.cmd)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(info, tt.wantInfo) {
				t.Fatalf("info %q, want %q", info, tt.wantInfo)
			}
			for range tt.wantUns {
				select {
				case <-got:
				case <-time.After(2 * time.Second):
					t.Fatalf("unsolicited %q, want %q", uns, tt.wantUns)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if !slices.Equal(uns, tt.wantUns) {
				t.Fatalf("unsolicited %q, want %q", uns, tt.wantUns)
			}
		})
	}
}

func TestEngineTimeoutsAndCancel(t *testing.T) {
	t.Run("timeout, then the late answer is not taken for the next", func(t *testing.T) {
		a, s := newScripted(t, map[string][]string{
			"AT+CSQ":  {},
			"AT+CGMM": {"\r\nE173\r\n\r\nOK\r\n"},
		})
		start := time.Now()
		_, err := a.CommandTimeout(context.Background(), "AT+CSQ", 100*time.Millisecond)
		if !errors.Is(err, modem.ErrTimeout) || time.Since(start) > time.Second {
			t.Fatalf("err %v after %v", err, time.Since(start))
		}
		// The late answer comes now; the next command must not see it.
		go s.conn.Write([]byte("\r\n+CSQ: 9,99\r\n\r\nOK\r\n"))
		time.Sleep(5 * time.Millisecond)
		info, err := a.Command(context.Background(), "AT+CGMM")
		if err != nil || !slices.Equal(info, []string{"E173"}) {
			t.Fatalf("next command got %q, %v", info, err)
		}
	})
	t.Run("context cancelled mid-command", func(t *testing.T) {
		a, _ := newScripted(t, map[string][]string{"AT+COPS=?": {}})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, err := a.Command(ctx, "AT+COPS=?")
		if !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
			t.Fatalf("err %v after %v", err, time.Since(start))
		}
	})
	t.Run("no prompt: ESC, nothing sent", func(t *testing.T) {
		a, s := newScripted(t, map[string][]string{"AT+CMGS=19": {}})
		_, err := a.SMSCommand(context.Background(), "AT+CMGS=19", "00AA")
		if !errors.Is(err, modem.ErrNoPrompt) || errors.Is(err, modem.ErrUnknownOutcome) {
			t.Fatalf("err %v", err)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if slices.Contains(s.got, "00AA") {
			t.Fatal("the PDU was written without a prompt")
		}
	})
	t.Run("link lost mid-command", func(t *testing.T) {
		client, dongle := net.Pipe()
		a := modem.New(client, modem.WithTimeouts(fastTimeouts))
		defer a.Close()
		go func() {
			buf := make([]byte, 64)
			dongle.Read(buf)
			dongle.Close()
		}()
		start := time.Now()
		_, err := a.Command(context.Background(), "AT+CSQ")
		if !errors.Is(err, modem.ErrClosed) || time.Since(start) > time.Second {
			t.Fatalf("err %v after %v", err, time.Since(start))
		}
		select {
		case <-a.Closed():
		case <-time.After(time.Second):
			t.Fatal("Closed not closed")
		}
		if _, err := a.Command(context.Background(), "AT"); !errors.Is(err, modem.ErrClosed) {
			t.Fatalf("command on a closed link: %v", err)
		}
	})
}

// TestEngineOwnTime checks the accounting that the report's "own time per
// command" figure comes from: it must be positive and below the wall time.
func TestEngineOwnTime(t *testing.T) {
	a, _ := newScripted(t, map[string][]string{"AT": {"\r\nOK\r\n"}})
	for range 20 {
		if _, err := a.Command(context.Background(), "AT"); err != nil {
			t.Fatal(err)
		}
	}
	st := a.Stats()
	if st.Commands != 20 || st.Own <= 0 || st.Own > st.Wall || st.BytesOut != 20*3 || st.BytesIn != 20*6 {
		t.Fatalf("stats %+v", st)
	}
}

var _ io.ReadWriter = (net.Conn)(nil)
