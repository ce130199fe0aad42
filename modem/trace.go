package modem

import (
	"context"
	"io"
	"log/slog"
)

// tracer logs every chunk read from and written to the port at debug level,
// as `msg=modem-trace port=... dir=rx|tx data="..."` (Go-quoted bytes). The
// lines are what modemtest.Replay reads back.
type tracer struct {
	rw   io.ReadWriter
	log  *slog.Logger
	port string
}

// TraceMessage is the log message of every trace record.
const TraceMessage = "modem-trace"

func (t *tracer) Read(p []byte) (int, error) {
	n, err := t.rw.Read(p)
	if n > 0 {
		t.log.LogAttrs(context.Background(), slog.LevelDebug, TraceMessage,
			slog.String("port", t.port), slog.String("dir", "rx"), slog.String("data", string(p[:n])))
	}
	return n, err
}

func (t *tracer) Write(p []byte) (int, error) {
	t.log.LogAttrs(context.Background(), slog.LevelDebug, TraceMessage,
		slog.String("port", t.port), slog.String("dir", "tx"), slog.String("data", string(p)))
	return t.rw.Write(p)
}

// Close closes the traced port when it can be closed.
func (t *tracer) Close() error {
	if c, ok := t.rw.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
