package modem_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/modem/modemtest"
)

// fastTimeouts keep failing tests short.
var fastTimeouts = modem.Timeouts{
	Command: 2 * time.Second,
	Long:    5 * time.Second,
	Prompt:  500 * time.Millisecond,
	Final:   1 * time.Second,
	Quiet:   30 * time.Millisecond,
}

// emulator starts an emulated dongle closed at the end of the test.
func emulator(t testing.TB, opts ...modemtest.Option) *modemtest.Modem {
	t.Helper()
	m, err := modemtest.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// syncBuffer is a log destination safe for concurrent writes.
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

// open opens the emulator's port through the real serial code.
func open(t testing.TB, m *modemtest.Modem, opts ...modem.Option) *modem.Dongle {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opts = append([]modem.Option{modem.WithTimeouts(fastTimeouts), modem.WithRetry(3, 10*time.Millisecond)}, opts...)
	d, err := modem.Open(ctx, m.Path(), opts...)
	if err != nil {
		t.Fatalf("open %s: %v", m.Path(), err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func debugLogger(w *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
