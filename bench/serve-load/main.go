// Command serve-load fires inbound-text callbacks at `texting serve` from
// concurrent clients for a fixed time and reports throughput, latency and
// how many were answered 200, so that a load test can check that the rows
// stored equal the 200 answers (nothing lost, nothing doubled):
//
//	go run ./bench/serve-load -url 'http://127.0.0.1:8080/api/inbound?token=T' -c 32 -d 20s
//
// Every text is unique and starts with "load <run id> ", printed at the end,
// so the rows of one run can be counted in the database. Requests still in
// flight at the end are waited for, never cancelled: a cancelled request
// might be stored without its 200 being counted. With -self it starts the
// callback handler in-process, storing into memory, to measure the HTTP
// layer alone.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/texting-centre/texting/gateway"
)

// config is the command line.
type config struct {
	target  string
	clients int
	dur     time.Duration
	method  string
	to      string
	timeout time.Duration
	self    bool
}

// worker is what one client measured; each worker owns its own.
type worker struct {
	latencies []time.Duration
	statuses  map[int]int
	errs      int
	firstErr  error
}

func main() {
	var cfg config
	flag.StringVar(&cfg.target, "url", "", "inbound callback URL, with its token (http://127.0.0.1:8080/api/inbound?token=T)")
	flag.IntVar(&cfg.clients, "c", 32, "concurrent clients")
	flag.DurationVar(&cfg.dur, "d", 20*time.Second, "how long to send")
	flag.StringVar(&cfg.method, "method", http.MethodPost, "GET (fields in the query) or POST (form body)")
	flag.StringVar(&cfg.to, "to", "61400000000", "the gateway number the texts are sent to (`to`)")
	flag.DurationVar(&cfg.timeout, "timeout", 10*time.Second, "per-request timeout")
	flag.BoolVar(&cfg.self, "self", false, "serve the handler in-process with an in-memory store instead of using -url")
	flag.Parse()
	if err := run(cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "serve-load:", err)
		os.Exit(1)
	}
}

func run(cfg config, out io.Writer) error {
	if cfg.clients < 1 || cfg.dur <= 0 {
		return errors.New("-c must be at least 1 and -d positive")
	}
	if cfg.method != http.MethodGet && cfg.method != http.MethodPost {
		return fmt.Errorf("-method %q: GET or POST", cfg.method)
	}
	var mem *memStore
	if cfg.self {
		var stop func()
		var err error
		mem, cfg.target, stop, err = serveSelf()
		if err != nil {
			return err
		}
		defer stop()
	}
	target, err := url.Parse(cfg.target)
	if err != nil || target.Host == "" {
		return fmt.Errorf("-url %q is not a URL", cfg.target)
	}

	runID, err := newRunID()
	if err != nil {
		return err
	}
	client := &http.Client{
		Timeout: cfg.timeout,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        cfg.clients,
			MaxIdleConnsPerHost: cfg.clients,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
	}

	workers := make([]*worker, cfg.clients)
	start := time.Now()
	end := start.Add(cfg.dur)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{statuses: map[int]int{}}
		workers[i] = w
		wg.Go(func() { w.run(client, cfg, target, runID, i, end) })
	}
	wg.Wait()
	elapsed := time.Since(start)

	report(out, cfg, runID, elapsed, workers, mem)
	return nil
}

// run sends callbacks one after another until end; the request under way at
// end is finished, not cancelled.
func (w *worker) run(client *http.Client, cfg config, target *url.URL, runID string, id int, end time.Time) {
	from := fmt.Sprintf("6149%07d", id)
	for seq := 0; time.Now().Before(end); seq++ {
		fields := url.Values{
			"to":      {cfg.to},
			"from":    {from},
			"message": {fmt.Sprintf("load %s c%d n%d: yes please, call me back", runID, id, seq)},
		}
		req, err := newRequest(cfg.method, target, fields)
		if err != nil {
			w.fail(err)
			return
		}
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			w.fail(err)
			continue
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			w.fail(err)
			continue
		}
		w.latencies = append(w.latencies, time.Since(t0))
		w.statuses[resp.StatusCode]++
	}
}

func (w *worker) fail(err error) {
	w.errs++
	if w.firstErr == nil {
		w.firstErr = err
	}
}

// newRequest builds a callback the way the provider sends it.
func newRequest(method string, target *url.URL, fields url.Values) (*http.Request, error) {
	u := *target
	if method == http.MethodGet {
		q := u.Query()
		for k, vs := range fields {
			q[k] = vs
		}
		u.RawQuery = q.Encode()
		return http.NewRequest(method, u.String(), nil)
	}
	req, err := http.NewRequest(method, u.String(), strings.NewReader(fields.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req, nil
}

// report prints the figures.
func report(out io.Writer, cfg config, runID string, elapsed time.Duration, workers []*worker, mem *memStore) {
	var lat []time.Duration
	statuses := map[int]int{}
	errs := 0
	var firstErr error
	for _, w := range workers {
		lat = append(lat, w.latencies...)
		for code, n := range w.statuses {
			statuses[code] += n
		}
		errs += w.errs
		if firstErr == nil {
			firstErr = w.firstErr
		}
	}
	slices.Sort(lat)
	answered := len(lat)
	pct := func(p float64) string {
		if answered == 0 {
			return "-"
		}
		i := int(p*float64(answered)+0.5) - 1
		i = max(0, min(i, answered-1))
		return fmt.Sprintf("%.2fms", float64(lat[i].Microseconds())/1000)
	}
	fmt.Fprintf(out, "run:         %s (every text starts with %q)\n", runID, "load "+runID+" ")
	fmt.Fprintf(out, "load:        %d clients, %s, %s\n", cfg.clients, cfg.method, elapsed.Round(time.Millisecond))
	fmt.Fprintf(out, "answered:    %d (%.0f req/s)\n", answered, float64(answered)/elapsed.Seconds())
	fmt.Fprintf(out, "200 answers: %d\n", statuses[http.StatusOK])
	if others := otherStatuses(statuses); others != "" {
		fmt.Fprintf(out, "other:       %s\n", others)
	}
	fmt.Fprintf(out, "errors:      %d", errs)
	if firstErr != nil {
		fmt.Fprintf(out, " (first: %v; such a request may or may not have been stored)", firstErr)
	}
	fmt.Fprintln(out)
	fmt.Fprintf(out, "latency:     p50 %s  p90 %s  p99 %s  max %s\n", pct(0.50), pct(0.90), pct(0.99), pct(1))
	if mem != nil {
		fmt.Fprintf(out, "stored:      %d rows in the in-process store (must equal the 200 answers)\n", mem.count())
	}
}

func otherStatuses(statuses map[int]int) string {
	codes := make([]int, 0, len(statuses))
	for code := range statuses {
		if code != http.StatusOK {
			codes = append(codes, code)
		}
	}
	sort.Ints(codes)
	parts := make([]string, len(codes))
	for i, code := range codes {
		parts[i] = fmt.Sprintf("%d×%d", statuses[code], code)
	}
	return strings.Join(parts, ", ")
}

func newRunID() (string, error) {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("run id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// memStore is an in-memory Callbacks for -self: inbound texts kept once per
// key, like the real store.
type memStore struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (m *memStore) Inbound(_ context.Context, cb gateway.InboundCallback) (bool, error) {
	k := cb.Key()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen[k] {
		return true, nil
	}
	m.seen[k] = true
	return false, nil
}

func (m *memStore) Status(context.Context, gateway.StatusCallback) (bool, error) { return false, nil }

func (m *memStore) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.seen)
}

// serveSelf runs the real handler and server on a loopback port, logging
// (as `texting serve` does) to a discarding JSON handler.
func serveSelf() (*memStore, string, func(), error) {
	const tok = "self-test-token"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, fmt.Errorf("self: %w", err)
	}
	mem := &memStore{seen: map[string]bool{}}
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- gateway.ServeListener(ctx, ln, gateway.NewHandler(mem, tok, logger), logger) }()
	stop := func() {
		cancel()
		if err := <-done; err != nil {
			fmt.Fprintln(os.Stderr, "serve-load: self server:", err)
		}
	}
	return mem, "http://" + ln.Addr().String() + "/api/inbound?token=" + tok, stop, nil
}
