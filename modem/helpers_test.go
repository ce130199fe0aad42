package modem_test

import (
	"bytes"
	"context"
	"log/slog"
	"sort"
	"strings"
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
	SIMBusy: 2 * time.Second,
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

// memSink is an in-memory Sink that behaves like the database one: each
// item is committed once by Key; fragments wait for their siblings and are
// joined when complete.
type memSink struct {
	mu        sync.Mutex
	keys      map[string]bool
	texts     []modem.Inbound // whole texts and undecodable ones
	fragments map[string][]modem.Inbound
	joined    map[string]string // GroupKey → joined text
	reports   []modem.Inbound
	dupes     int
	// afterCommit runs after each commit (tests pull the plug there).
	afterCommit func(modem.Inbound)
	// fail makes StoreText fail for the texts it matches.
	fail func(modem.Inbound) error
}

func newMemSink() *memSink {
	return &memSink{keys: map[string]bool{}, fragments: map[string][]modem.Inbound{}, joined: map[string]string{}}
}

func (s *memSink) commit(in modem.Inbound, add func()) error {
	s.mu.Lock()
	if s.fail != nil {
		if err := s.fail(in); err != nil {
			s.mu.Unlock()
			return err
		}
	}
	if s.keys[in.Key] {
		s.dupes++
		s.mu.Unlock()
		return nil
	}
	s.keys[in.Key] = true
	add()
	hook := s.afterCommit
	s.mu.Unlock()
	if hook != nil {
		hook(in)
	}
	return nil
}

func (s *memSink) StoreText(ctx context.Context, in modem.Inbound) error {
	return s.commit(in, func() { s.texts = append(s.texts, in) })
}

func (s *memSink) StoreFragment(ctx context.Context, in modem.Inbound) error {
	return s.commit(in, func() {
		s.fragments[in.GroupKey] = append(s.fragments[in.GroupKey], in)
		if text, ok := joinFragments(s.fragments[in.GroupKey]); ok {
			s.joined[in.GroupKey] = text
		}
	})
}

func (s *memSink) StoreReport(ctx context.Context, in modem.Inbound) error {
	return s.commit(in, func() { s.reports = append(s.reports, in) })
}

// textSet lists the decoded whole texts, and "undecodable:<pdu>" for the rest.
func (s *memSink) textSet() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, in := range s.texts {
		if in.Msg == nil {
			out = append(out, "undecodable:"+in.PDU)
			continue
		}
		out = append(out, in.Msg.Text)
	}
	for _, t := range s.joined {
		out = append(out, t)
	}
	return out
}

// joinFragments assembles the parts of one concatenated text (same
// GroupKey). ok is false until every part 1..Total is there; a part seen
// twice counts once.
func joinFragments(parts []modem.Inbound) (text string, ok bool) {
	if len(parts) == 0 || parts[0].Msg == nil || parts[0].Msg.Concat == nil {
		return "", false
	}
	total := parts[0].Msg.Concat.Total
	bySeq := make(map[int]string, total)
	for _, p := range parts {
		if p.Msg == nil || p.Msg.Concat == nil || p.Msg.Concat.Total != total {
			continue
		}
		bySeq[p.Msg.Concat.Seq] = p.Msg.Text
	}
	seqs := make([]int, 0, len(bySeq))
	for s := range bySeq {
		seqs = append(seqs, s)
	}
	sort.Ints(seqs)
	var b strings.Builder
	for i := 1; i <= total; i++ {
		t, found := bySeq[i]
		if !found {
			return "", false
		}
		b.WriteString(t)
	}
	return b.String(), true
}
