package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// ShutdownGrace is how long ServeListener waits, once its context is
// cancelled, for requests in flight to finish before it closes their
// connections.
const ShutdownGrace = 15 * time.Second

// ServeListener serves h on ln, a listener the caller opened (`texting
// serve` on its --addr, tests on 127.0.0.1:0), until ctx is cancelled
// (SIGTERM in `texting serve`), then shuts down gracefully: it stops
// accepting, lets requests in flight finish within ShutdownGrace, and returns
// nil. It returns an error if the server fails. It closes ln.
func ServeListener(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
	return serve(ctx, ln, h, logger, ShutdownGrace)
}

// serve runs the server with a given grace period.
func serve(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger, grace time.Duration) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    MaxQueryBytes + 16<<10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		// Requests must outlive the cancellation that starts a graceful
		// shutdown, or the ones in flight would be cut short.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("serving", slog.String("addr", ln.Addr().String()))

	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}

	logger.Info("shutting down", slog.Duration("grace", grace))
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("serve %s: %w", ln.Addr(), serr)
	}
	if err != nil {
		closeErr := srv.Close()
		return fmt.Errorf("serve %s: requests still running after %s: %w", ln.Addr(), grace, errors.Join(err, closeErr))
	}
	logger.Info("stopped")
	return nil
}
