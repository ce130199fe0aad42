// Package cli is the texting command tree: flag, environment and settings
// wiring, and output formats. Commands are thin: each parses its flags into an
// options struct and calls the domain packages.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/adrg/xdg"
	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/desk"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/termsafe"
)

// Version is the program's version, set at build time with -ldflags.
var Version = "dev"

// Factory builds a command's dependencies lazily, so that a command only opens
// what it uses (`texting stats` never touches a serial port).
type Factory struct {
	// IO streams: data to Out, progress and status to Err.
	In  io.Reader
	Out io.Writer
	Err io.Writer

	// Getenv reads the environment (tests replace it).
	Getenv func(string) string

	// DBPath is the --db flag; empty means TEXTING_DB, then the default.
	DBPath string
	// Debug is the --debug log file path ("" = no debug log).
	Debug string
	// TraceModem logs every byte to and from modems in the debug log.
	TraceModem bool
	// As is the --as flag: the operator's name on the tags made ("" means
	// the operator setting, then the login name).
	As string

	// Logger is where log/slog output goes (never stdout).
	Logger *slog.Logger

	db      *store.DB
	desk    *desk.Desk
	closers []func() error
}

// NewFactory returns a Factory on the process's standard streams.
func NewFactory() *Factory {
	return &Factory{
		In:     os.Stdin,
		Out:    os.Stdout,
		Err:    os.Stderr,
		Getenv: os.Getenv,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

// DatabasePath resolves --db, then TEXTING_DB, then the user's data directory.
func (f *Factory) DatabasePath() (path string, isDefault bool, err error) {
	if f.DBPath != "" {
		return f.DBPath, false, nil
	}
	if p := f.Getenv("TEXTING_DB"); p != "" {
		return p, false, nil
	}
	p, err := xdg.DataFile(filepath.Join("texting", "texting.db")) // creates the directory
	if err != nil {
		return "", true, fmt.Errorf("default database location: %w", err)
	}
	return p, true, nil
}

// Store opens the database once and returns it on every later call.
func (f *Factory) Store(ctx context.Context) (*store.DB, error) {
	if f.db != nil {
		return f.db, nil
	}
	path, _, err := f.DatabasePath()
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	f.db = db
	f.closers = append(f.closers, db.Close)
	return db, nil
}

// OnClose registers fn to run when the command ends.
func (f *Factory) OnClose(fn func() error) { f.closers = append(f.closers, fn) }

// Close releases everything the factory opened, newest first.
func (f *Factory) Close() {
	for i := len(f.closers) - 1; i >= 0; i-- {
		f.closers[i]()
	}
	f.closers = nil
	f.db, f.desk = nil, nil
}

// exitError carries a specific exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// Main runs the program with os.Args and returns the exit status. It is the
// one place that prints errors.
func Main() int {
	f := NewFactory()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, f, os.Args[1:])
}

// Run executes the command line args with the factory's streams and returns
// the exit status; tests call it directly.
//
// Everything the commands write to f.Out and f.Err goes through the terminal
// sanitiser (package termsafe): text from outside is shown, never acted on
// by the terminal. JSON passes through it unchanged in meaning (what it
// rewrites inside a JSON string is JSON's own escape for the same
// character). Output made of our own terminal controls (a progress line, the
// TUI) takes the stream under it with termsafe.Raw.
func Run(ctx context.Context, f *Factory, args []string) int {
	out, errw := termsafe.NewWriter(f.Out), termsafe.NewWriter(f.Err)
	f.Out, f.Err = out, errw
	defer errw.Flush()
	defer out.Flush()
	root := NewRootCmd(f)
	root.SetArgs(args)
	root.SetIn(f.In)
	root.SetOut(f.Out)
	root.SetErr(f.Err)
	err := root.ExecuteContext(ctx)
	f.Close()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(f.Err, "texting: "+oneLine(ee.err.Error()))
		}
		return ee.code
	}
	fmt.Fprintln(f.Err, "texting: "+oneLine(err.Error()))
	return 1
}

// oneLine keeps an error message to one line for cron mail and scripts.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// NewRootCmd builds the whole command tree.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:           "texting",
		Short:         "Texting Centre: SMS campaigns, follow-ups and replies over GSM dongles",
		Version:       Version,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return f.setupLogging()
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTUI(cmd.Context(), f)
		},
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		msg := fmt.Sprintf("%s (see '%s --help')", plainFlagError(err), c.CommandPath())
		if sub := strings.TrimSpace(strings.TrimPrefix(c.CommandPath(), "texting")); sub != "" {
			msg = sub + ": " + msg
		}
		return errors.New(msg)
	})
	pf := root.PersistentFlags()
	pf.StringVar(&f.DBPath, "db", "", "database file (default $TEXTING_DB or the user's data directory)")
	pf.StringVar(&f.Debug, "debug", "", "write a debug log to this file")
	pf.BoolVar(&f.TraceModem, "trace-modem", false, "log every byte to and from the modems in the debug log")
	pf.StringVar(&f.As, "as", "", "act as this operator: the name on the tags you make (default: setting operator, else the login name)")

	root.AddCommand(
		newCmdTUI(f),
		newCmdDemo(f),
		newCmdCampaign(f),
		newCmdFollowup(f),
		newCmdReadIn(f, nil),
		newCmdSend(f, nil),
		newCmdOutbox(f, nil),
		newCmdStats(f, nil),
		newCmdMessages(f, nil),
		newCmdReplies(f),
		newCmdClassify(f),
		newCmdServe(f, nil),
		newCmdGateway(f),
		newCmdModem(f),
		newCmdPDU(f),
		newCmdGreeting(f, nil),
		newCmdConfig(f),
		newCmdVersion(f, nil),
		newCmdNetwork(f),
		newCmdSIM(f),
		newCmdCategory(f),
		newCmdTemplate(f),
		newCmdOptOut(f),
	)
	root.AddCommand(newCmdBackup(f, nil), newCmdRestore(f, nil))
	root.AddCommand(newCmdSSH(f))
	addExamples(root)
	return root
}

func (f *Factory) setupLogging() error {
	if f.Debug == "" {
		return nil
	}
	file, err := os.OpenFile(f.Debug, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("debug log: %w", err)
	}
	f.OnClose(file.Close)
	f.Logger = slog.New(slog.NewTextHandler(file, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return nil
}

// Config resolves the configuration (environment > settings table > defaults)
// from the opened database. Commands apply their own flags on top.
func (f *Factory) Config(ctx context.Context) (config.Config, error) {
	db, err := f.Store(ctx)
	if err != nil {
		return config.Config{}, err
	}
	return config.Load(ctx, db, f.Getenv)
}

// plainFlagError drops the Go parser's words from a flag error:
// `invalid argument "abc" for "--days" flag: strconv.ParseInt: parsing "abc":
// invalid syntax` becomes `invalid argument "abc" for "--days" flag: not a
// number`.
func plainFlagError(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ": strconv."); i >= 0 {
		return msg[:i] + ": not a number"
	}
	return msg
}
