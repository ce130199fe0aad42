package tui_test

import (
	"context"
	"os"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/tui"
	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/tuitest"
)

// The benchmarks run on a big database made by bench/gendb:
//
//	go run ./bench/gendb -db /tmp/big.db -messages 1000000 -sims 20 -days 365
//	TEXTING_BENCH_DB=/tmp/big.db go test ./tui -run '^$' -bench . -benchtime 20x
func benchDB(b *testing.B) *store.DB {
	b.Helper()
	path := os.Getenv("TEXTING_BENCH_DB")
	if path == "" {
		b.Skip("TEXTING_BENCH_DB is not set (see bench_test.go)")
	}
	db, err := store.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func benchApp(b *testing.B, db *store.DB) *tui.Model {
	c := tuitest.CommonOn(db)
	be := &tuitest.Backend{DB: db, Suggestion: common.Suggestion{Category: "Thanks", Confidence: 0.9}}
	c.Backend = be
	m := tui.NewApp(c)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	return m
}

// BenchmarkFirstFrame is the time from opening the database to the review
// queue drawn with its first page: store.Open (migrations checked), the
// models built, the skeleton frame, the Init commands' queries and the
// populated frame.
func BenchmarkFirstFrame(b *testing.B) {
	path := os.Getenv("TEXTING_BENCH_DB")
	if path == "" {
		b.Skip("TEXTING_BENCH_DB is not set (see bench_test.go)")
	}
	var skeleton time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		db, err := store.Open(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		m := benchApp(b, db)
		cmd := m.Init()
		_ = m.View()
		skeleton += time.Since(start)
		drive(b, m, cmd)
		_ = m.View()
		db.Close()
	}
	b.ReportMetric(float64(skeleton.Microseconds())/float64(b.N)/1000, "ms-skeleton/op")
}

// BenchmarkKeystroke is one cursor move in the review queue, Update and
// View: what the operator waits for on every key.
func BenchmarkKeystroke(b *testing.B) {
	m := benchApp(b, benchDB(b))
	drive(b, m, m.Init())
	down, up := tuitest.Key("down"), tuitest.Key("up")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := down
		if i/10%2 == 1 {
			k = up
		}
		m.Update(k)
		_ = m.View()
	}
}

// BenchmarkScreens loads each screen's data on the big database (the
// commands Init starts, run to the end) and draws it.
func BenchmarkScreens(b *testing.B) {
	db := benchDB(b)
	names := []string{"Replies", "Conversations", "Inbox/Sent", "Outbox", "Templates", "Stats", "Reply types", "SIMs", "Networks"}
	for _, name := range names {
		b.Run(name, func(b *testing.B) {
			m := benchApp(b, db)
			for i := 0; i < b.N; i++ {
				_, cmd := m.Update(common.SwitchMsg{Title: name})
				drive(b, m, cmd)
				_ = m.View()
			}
		})
	}
}

// BenchmarkPageDown is a keystroke that crosses a page: the next page's
// query and the redraw.
func BenchmarkPageDown(b *testing.B) {
	db := benchDB(b)
	for _, name := range []string{"Replies", "Conversations", "Inbox/Sent"} {
		b.Run(name, func(b *testing.B) {
			m := benchApp(b, db)
			_, cmd := m.Update(common.SwitchMsg{Title: name})
			drive(b, m, cmd)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := "pgdown"
				if i%20 == 19 {
					k = "g"
				}
				_, cmd := m.Update(tuitest.Key(k))
				drive(b, m, cmd)
				_ = m.View()
			}
		})
	}
}

// BenchmarkConversationsFilter is the conversations list filtered to a part
// of a number (a walk of the covering index) and to a whole number (its own
// index).
func BenchmarkConversationsFilter(b *testing.B) {
	db := benchDB(b)
	for _, f := range []string{"0900", "+447400088608"} {
		b.Run(f, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := db.Conversations(context.Background(), store.PageFilter{Contains: f, Limit: 24}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRefresh is what a change another process made costs the screen
// on show: its page read again and the Replies tab's count (ctrl+r runs the
// same refresh the database watch starts), then the redraw. The change
// shows on screen within the watch's poll interval (500 ms) plus this.
func BenchmarkRefresh(b *testing.B) {
	db := benchDB(b)
	for _, name := range []string{"Replies", "Conversations", "Inbox/Sent", "Outbox", "Stats", "Modems"} {
		b.Run(name, func(b *testing.B) {
			m := benchApp(b, db)
			_, cmd := m.Update(common.SwitchMsg{Title: name})
			drive(b, m, cmd)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_, cmd := m.Update(tuitest.Key("ctrl+r"))
				drive(b, m, cmd)
				_ = m.View()
			}
		})
	}
}
