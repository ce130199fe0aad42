package campaign_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/greeting"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

// A Thursday, 10:00 UTC: outside quiet hours, "Have a good day".
var thursday = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func addTemplate(t testing.TB, db *store.DB, tpl store.Template) store.Template {
	t.Helper()
	out, err := db.AddTemplate(context.Background(), tpl)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// testConfig is the configuration of a fresh database with quiet hours off.
func testConfig(t testing.TB, db *store.DB) config.Config {
	t.Helper()
	c, err := config.Load(context.Background(), db, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	c.Quiet = config.QuietHours{Off: true}
	return c
}

func newEnv(t testing.TB, db *store.DB, senders ...outbox.Sender) *outbox.Env {
	t.Helper()
	return &outbox.Env{
		DB: db, Config: testConfig(t, db), Senders: senders, Loc: time.UTC,
		Greet: greeting.At, Owner: outbox.ThisProcess(),
	}
}

func openDB(t testing.TB, at time.Time) (*store.DB, func(time.Duration)) {
	db := storetest.Open(t)
	return db, storetest.FixClock(db, at)
}

// source is an httptest data source: it serves doc and records POST-backs.
type source struct {
	*httptest.Server
	mu      sync.Mutex
	doc     string
	gets    int
	keys    []string
	posted  map[string][]string // group → numbers, in POST order
	posts   int
	failGet int // HTTP status for GET, 0 for 200
}

func newSource(t testing.TB, doc string) *source {
	s := &source{doc: doc, posted: map[string][]string{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.keys = append(s.keys, r.URL.Query().Get("key"))
		switch r.Method {
		case http.MethodGet:
			s.gets++
			if s.failGet != 0 {
				w.WriteHeader(s.failGet)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(s.doc))
		case http.MethodPost:
			if err := r.ParseForm(); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			s.posts++
			g := r.PostForm.Get("group")
			if nums := r.PostForm.Get("numbers"); nums != "" {
				s.posted[g] = append(s.posted[g], strings.Split(nums, ",")...)
			}
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *source) postedNumbers() map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]string{}
	for g, n := range s.posted {
		out[g] = append([]string(nil), n...)
	}
	return out
}

func doc(t testing.TB, groups map[string][][]string) string {
	b, err := json.Marshal(groups)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func outgoing(t testing.TB, db *store.DB) []store.Message {
	t.Helper()
	ms, err := db.Messages(context.Background(), store.MessageFilter{Direction: store.Out, Oldest: true})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}
