package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/desk"
	"github.com/texting-centre/texting/gateway"
	"github.com/texting-centre/texting/replies"
	"github.com/texting-centre/texting/store"
)

// serveOptions holds what `texting serve` needs.
type serveOptions struct {
	Err    io.Writer // where the address and callback URLs are shown
	DB     *store.DB
	Config config.Config
	Logger *slog.Logger

	Addr string
	// HTTP starts the callback listener: --addr was given, or --ssh was not.
	HTTP bool
	// Listening, when set, is called with the address actually listened
	// on (tests listen on port 0).
	Listening func(addr string)

	// SSH is the --ssh address: the desk over SSH ("" for none).
	SSH string
	// SSHListening, when set, is called with the SSH address listened on.
	SSHListening func(addr string)
	// KeysPath is the staff's authorized-keys file, HostKey the SSH host
	// key (beside the database).
	KeysPath, HostKey string
	// Trace is --trace-modem, for the SSH sessions' dongle actions.
	Trace bool
	// AutoReplyEvery is how often queued auto-replies go out through the
	// gateway (0: autoReplyEvery).
	AutoReplyEvery time.Duration
}

// newCmdServe builds `texting serve`; runF replaces serve in tests. Unlike
// the other commands, serve's options carry the opened database and the
// resolved configuration: the tests' runF adjust them (a listener on port
// 0, a shorter idle timeout) before serving.
func newCmdServe(f *Factory, runF func(context.Context, *serveOptions) error) *cobra.Command {
	opts := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080] [--ssh :2222]",
		Short: "Listen for an SMS gateway's callbacks, and/or serve the desk to staff over SSH",
		Long: "Answer the SMS gateway's callbacks (--addr; the default when --ssh is not given):\n" +
			"  GET|POST /api/inbound?token=T  (to, from, message, ref): store and sort a received text\n" +
			"  GET|POST /api/status?token=T   (to, ref, smsref, status): a delivery report\n" +
			"  GET /healthz\n" +
			"T is the setting serve.token (generated on first use; 'texting config get serve.token').\n" +
			"With --ssh ADDR, serve the terminal UI over SSH to the keys 'texting ssh add-key' listed\n" +
			"(setting ssh.authorized_keys), each session acting as its key's operator; the host key is kept\n" +
			"beside the database. Idle sessions close after ssh.idle_timeout.\n" +
			"Stops gracefully on SIGINT or SIGTERM.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, err := f.Store(ctx)
			if err != nil {
				return err
			}
			cfg, err := f.Config(ctx)
			if err != nil {
				return err
			}
			opts.Err, opts.DB, opts.Config, opts.Logger = f.Err, db, cfg, f.Logger
			opts.HTTP = cmd.Flags().Changed("addr") || opts.SSH == ""
			opts.KeysPath, opts.HostKey = authorizedKeysPath(cfg, db.Path()), hostKeyPath(db.Path())
			opts.Trace = f.TraceModem
			if f.Debug == "" {
				// Without a debug log, a log line per callback would be
				// formatted only to be thrown away.
				opts.Logger = slog.New(slog.DiscardHandler)
			}
			return run(ctx, opts, runF, serve)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", "127.0.0.1:8080", "address to listen on for the gateway's callbacks")
	cmd.Flags().StringVar(&opts.SSH, "ssh", "", "address to serve the desk over SSH on (e.g. :2222)")
	return cmd
}

// serve runs the listeners asked for until ctx is cancelled or one of them
// fails, which stops the other.
func serve(ctx context.Context, opts *serveOptions) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var runs []func(context.Context) error
	if opts.SSH != "" {
		ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", opts.SSH)
		if err != nil {
			return fmt.Errorf("serve --ssh: %w", err)
		}
		keys, err := readStaffKeys(opts.KeysPath)
		if err != nil {
			ln.Close()
			return fmt.Errorf("serve --ssh: %w", err)
		}
		d := newSSHDesk(deskEnv{DB: opts.DB, Config: opts.Config, Logger: opts.Logger, Trace: opts.Trace},
			opts.KeysPath, opts.HostKey, opts.Config.SSHIdleTimeout, opts.Err)
		srv, err := d.server()
		if err != nil {
			ln.Close()
			return fmt.Errorf("serve --ssh: %w", err)
		}
		addr := ln.Addr().String()
		fmt.Fprintf(opts.Err, "texting serve: SSH desk listening on %s (%d staff %s in %s)\n", addr, len(keys),
			plural(len(keys), "key", "keys"), opts.KeysPath)
		if len(keys) == 0 {
			fmt.Fprintln(opts.Err, "  note: nobody can connect yet; add a key with 'texting ssh add-key NAME FILE'")
		}
		if opts.SSHListening != nil {
			opts.SSHListening(addr)
		}
		runs = append(runs, func(ctx context.Context) error { return d.serve(ctx, srv, ln) })
	}
	if opts.HTTP {
		runs = append(runs, func(ctx context.Context) error { return serveHTTP(ctx, opts) })
	}
	errs := make(chan error, len(runs))
	for _, run := range runs {
		go func() {
			err := run(ctx)
			cancel()
			errs <- err
		}()
	}
	var first error
	for range runs {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		return first
	}
	fmt.Fprintln(opts.Err, "texting serve: stopped")
	return nil
}

// serveHTTP runs the callback listener until ctx is cancelled.
func serveHTTP(ctx context.Context, opts *serveOptions) error {
	token := opts.Config.ServeToken
	if token == "" {
		var err error
		if token, err = opts.DB.SetSettingIfAbsent(ctx, "serve.token", config.NewToken()); err != nil {
			return fmt.Errorf("serve: %w", err)
		}
	}
	sims, err := opts.DB.GatewaySIMs(ctx)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	p := replies.New(opts.DB, replies.OptionsFrom(opts.Config, opts.Logger))
	cb, err := p.Callbacks(ctx)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer cb.Close()
	h := gateway.NewHandler(cb, token, opts.Logger)

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	addr := ln.Addr().String()
	base := "http://" + addr
	fmt.Fprintf(opts.Err, "texting serve: listening on %s\n", base)
	fmt.Fprintf(opts.Err, "  inbound callback: %s/api/inbound?token=…\n", base)
	fmt.Fprintf(opts.Err, "  status callback:  %s/api/status?token=…\n", base)
	fmt.Fprintf(opts.Err, "  (token: 'texting config get serve.token'; give the provider your public URL)\n")
	switch len(sims) {
	case 0:
		fmt.Fprintln(opts.Err, "  note: no gateway SIM is configured; received texts are stored without a SIM and get no auto-reply")
	case 1:
		fmt.Fprintf(opts.Err, "  received texts go to %s\n", sims[0].Label())
	}
	if opts.Listening != nil {
		opts.Listening(addr)
	}
	if len(sims) > 0 && opts.Config.Run {
		done := make(chan struct{})
		defer func() { <-done }()
		go func() {
			defer close(done)
			every := opts.AutoReplyEvery
			if every <= 0 {
				every = autoReplyEvery
			}
			sendGatewayAutoReplies(ctx, opts, every)
		}()
	}
	return gateway.ServeListener(ctx, ln, h, opts.Logger)
}

// autoReplyEvery is how often serve sends the auto-replies its callbacks queued.
const autoReplyEvery = 10 * time.Second

// sendGatewayAutoReplies sends, until ctx ends, the auto-replies queued for
// the gateway accounts by inbound callbacks. It never opens a dongle: serve
// must not hold serial ports that cron's read-in and campaign runs need.
func sendGatewayAutoReplies(ctx context.Context, opts *serveOptions, every time.Duration) {
	d := desk.New(opts.DB, opts.Config, opts.Logger)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		w, err := d.SendWaiting(ctx, desk.EnvOptions{NoModems: true}, store.KindAutoreply)
		if err != nil {
			opts.Logger.Warn("serve auto-replies", "err", err)
		}
		if w.Sent > 0 {
			opts.Logger.Info("serve auto-replies", "sent", w.Sent)
		}
	}
}
