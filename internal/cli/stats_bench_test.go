package cli

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"github.com/texting-centre/texting/store"
)

// benchDB opens the large benchmark database named by TEXTING_BENCH_DB
// (made with `go run ./bench/gendb`), or skips.
func benchDB(b *testing.B) *store.DB {
	path := os.Getenv("TEXTING_BENCH_DB")
	if path == "" {
		b.Skip("set TEXTING_BENCH_DB to a database made with bench/gendb")
	}
	db, err := store.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func BenchmarkStats30Days(b *testing.B) {
	db := benchDB(b)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		if err := runStats(ctx, db, statsOptions{readDeps: readDeps{Out: io.Discard}, Days: 30, JSON: true, Loc: time.Local}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMessagesByNumber(b *testing.B) {
	db := benchDB(b)
	ctx := context.Background()
	ms, err := db.Messages(ctx, store.MessageFilter{Limit: 1})
	if err != nil || len(ms) == 0 {
		b.Fatal("empty benchmark database", err)
	}
	flt := store.MessageFilter{Number: ms[0].Number}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := listMessages(ctx, db, flt, messagesOptions{JSON: true}, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
