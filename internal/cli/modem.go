package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/modem/modemtest"
)

// newCmdModem builds `texting modem`.
func newCmdModem(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "modem",
		Short: "Find, inspect and emulate the USB dongles",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newCmdModemList(f, nil), newCmdModemStatus(f, nil), newCmdModemSimulate(f, nil))
	return cmd
}

// portsFromConfig is where the commands look for ports when no --port is
// given: $TEXTING_MODEM_PORTS, then the modem.ports setting of an existing
// database (a missing database is not created just to read a setting).
// Empty means discovery.
func portsFromConfig(ctx context.Context, f *Factory) ([]string, error) {
	if env := splitPortList(f.Getenv("TEXTING_MODEM_PORTS")); len(env) > 0 {
		return env, nil
	}
	path, _, err := f.DatabasePath()
	if err != nil {
		return nil, nil
	}
	if _, err := os.Stat(path); err != nil {
		return nil, nil
	}
	cfg, err := f.Config(ctx)
	if err != nil {
		return nil, err
	}
	return cfg.ModemPorts, nil
}

func splitPortList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// withPorts returns next preceded by what the flags leave open: the ports
// (--port, else the configuration, else discovery) and the engine options
// (the debug log, --trace-modem), which are known only once the root
// command has run.
func withPorts(f *Factory, next func(context.Context, *modemPortsOptions) error) func(context.Context, *modemPortsOptions) error {
	return func(ctx context.Context, opts *modemPortsOptions) error {
		if len(opts.Ports) == 0 {
			ports, err := portsFromConfig(ctx, f)
			if err != nil {
				return err
			}
			opts.Ports = ports
		}
		opts.Modem = modemOptions(f)
		return next(ctx, opts)
	}
}

// modemOptions are the engine options every modem command uses.
func modemOptions(f *Factory) []modem.Option {
	return []modem.Option{modem.WithLogger(f.Logger), modem.WithTrace(f.TraceModem)}
}

// modemPortsOptions holds what `texting modem list` and `texting modem
// status` need.
type modemPortsOptions struct {
	Out   io.Writer
	Ports []string // --port, else the configuration; empty: discovery
	JSON  bool
	Modem []modem.Option // set by withPorts
}

func newCmdModemList(f *Factory, runF func(context.Context, *modemPortsOptions) error) *cobra.Command {
	opts := &modemPortsOptions{Out: f.Out}
	cmd := &cobra.Command{
		Use:   "list [--port PATH]... [--json]",
		Short: "List the dongles found (or the ports given), their SIM (IMSI) and signal",
		Long: "Probe the Huawei USB serial ports (vendor 12d1), or the ports given with --port\n" +
			"or the setting modem.ports, and list one line per dongle: its AT port, IMSI, IMEI,\n" +
			"model and signal. A port that is busy, has no SIM or asks for a PIN says so; a\n" +
			"stick in CD-ROM or HiLink mode is listed with how to switch it to modem mode.\n" +
			"A port that does not answer AT within 4 s is listed as not answering. The exit\n" +
			"status is 1 when any port listed cannot be used (not answering, no SIM, PIN, no\n" +
			"AT port); a port another process holds is in use, not a failure.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), opts, runF, withPorts(f, modemList))
		},
	}
	cmd.Flags().StringArrayVar(&opts.Ports, "port", nil, "probe this port (repeatable) instead of modem.ports or discovery")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

// modemListJSON is the --json shape of `texting modem list`.
type modemListJSON struct {
	Modems []modem.Candidate `json:"modems"`
}

// modemList probes and prints the candidates.
func modemList(ctx context.Context, opts *modemPortsOptions) error {
	var cands []modem.Candidate
	if len(opts.Ports) > 0 {
		cands = modem.Probe(ctx, opts.Ports, opts.Modem...)
	} else {
		var err error
		if cands, err = modem.Discover(ctx, opts.Modem...); err != nil {
			return fmt.Errorf("modem list: %w", err)
		}
	}
	if cands == nil {
		cands = []modem.Candidate{}
	}
	if opts.JSON {
		if err := writeJSON(opts.Out, modemListJSON{Modems: cands}); err != nil {
			return err
		}
		return modemListStatus(cands)
	}
	rows := make([][]string, 0, len(cands))
	for _, c := range cands {
		port := c.Port
		if port == "" {
			port = "(USB " + c.USB + ")"
		}
		signal := "-"
		if c.Usable && c.SignalDBM != 0 {
			signal = fmt.Sprintf("%d dBm %s", c.SignalDBM, signalBars(c.Bars))
		}
		note := c.Note
		if len(c.OtherPorts) > 0 {
			note = strings.TrimSpace(note + " also " + strings.Join(c.OtherPorts, ", "))
		}
		rows = append(rows, []string{port, modemDash(c.IMSI), modemDash(c.IMEI), modemDash(c.Model), signal, modemDash(note)})
	}
	if err := printTable(opts.Out, []string{"PORT", "IMSI", "IMEI", "MODEL", "SIGNAL", "NOTE"}, rows); err != nil {
		return err
	}
	return modemListStatus(cands)
}

// modemListStatus fails `modem list` (exit status 1) when a port listed
// cannot be used: it does not answer, has no SIM, asks for a PIN, or is a
// stick without an AT port. A port another process holds is in use, not
// broken.
func modemListStatus(cands []modem.Candidate) error {
	bad, first := 0, ""
	for _, c := range cands {
		if c.Usable || errors.Is(c.Err, modem.ErrPortBusy) {
			continue
		}
		bad++
		if first == "" {
			first = c.Port
			if first == "" {
				first = "USB " + c.USB
			}
			first += ": " + c.Note
		}
	}
	if bad == 0 {
		return nil
	}
	return &exitError{code: 1, err: fmt.Errorf("modem list: %d of %d %s not usable (%s)", bad, len(cands),
		plural(len(cands), "port", "ports"), first)}
}

func modemDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// signalBars draws 0–5 signal bars.
func signalBars(n int) string {
	n = max(0, min(n, 5))
	return strings.Repeat("▮", n) + strings.Repeat("▯", 5-n)
}

func newCmdModemStatus(f *Factory, runF func(context.Context, *modemPortsOptions) error) *cobra.Command {
	opts := &modemPortsOptions{Out: f.Out}
	cmd := &cobra.Command{
		Use:   "status [--port PATH]... [--json]",
		Short: "Show each dongle's IMEI, IMSI, operator, signal and SIM storage",
		Long: "Open each dongle (the ports given with --port, else the setting modem.ports, else\n" +
			"the dongles discovery finds), initialise it and show what it tells about itself\n" +
			"and its SIM. All dongles are asked in parallel. The exit status is 1 when any\n" +
			"port failed (busy, no SIM, PIN, not answering); the others are still shown.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), opts, runF, withPorts(f, modemStatus))
		},
	}
	cmd.Flags().StringArrayVar(&opts.Ports, "port", nil, "show this port (repeatable) instead of modem.ports or discovery")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

// modemStatusJSON is one port in the --json output of `texting modem status`.
type modemStatusJSON struct {
	modem.Info
	// Storages is what waits in each memory the stick uses (SM, ME, SR):
	// read-in drains them all.
	Storages []modem.StorageUse `json:"storages"`
	Health   *modem.Health      `json:"health"`
	Error    string             `json:"error,omitempty"`
}

// modemStatus opens every port in parallel and prints what each tells.
func modemStatus(ctx context.Context, opts *modemPortsOptions) error {
	ports := opts.Ports
	if len(ports) == 0 {
		cands, err := modem.Discover(ctx, opts.Modem...)
		if err != nil {
			return fmt.Errorf("modem status: %w", err)
		}
		for _, c := range cands {
			if c.Port != "" {
				ports = append(ports, c.Port)
			}
		}
		if len(ports) == 0 {
			return fmt.Errorf("modem status: no dongle with an AT port: %s", cands[0].Note)
		}
	}
	out := make([]modemStatusJSON, len(ports))
	var wg sync.WaitGroup
	for i, port := range ports {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = modemStatusOf(ctx, port, opts.Modem)
		}()
	}
	wg.Wait()
	failed := 0
	for _, s := range out {
		if s.Error != "" {
			failed++
		}
	}
	var err error
	if opts.JSON {
		err = writeJSON(opts.Out, struct {
			Modems []modemStatusJSON `json:"modems"`
		}{out})
	} else {
		err = printModemStatus(opts.Out, out)
	}
	if err != nil {
		return err
	}
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("modem status: %d of %d ports failed", failed, len(out))}
	}
	return nil
}

func modemStatusOf(ctx context.Context, port string, opts []modem.Option) modemStatusJSON {
	s := modemStatusJSON{Info: modem.Info{Port: port}, Storages: []modem.StorageUse{}}
	d, err := modem.Open(ctx, port, opts...)
	if err != nil {
		s.Error = err.Error()
		return s
	}
	defer d.Close()
	info, err := d.Info(ctx)
	if err != nil {
		s.Error = err.Error()
	}
	info.Port = port
	s.Info = info
	if s.Error == "" {
		use, err := d.Storages(ctx)
		if err != nil {
			s.Error = err.Error()
		}
		s.Storages = use
	}
	h := d.Health()
	s.Health = &h
	return s
}

// memName says what a message memory is, for people.
func memName(mem string) string {
	switch mem {
	case "SM":
		return "SIM (SM)"
	case "ME":
		return "stick (ME)"
	case "SR":
		return "reports (SR)"
	}
	return mem
}

func printModemStatus(w io.Writer, all []modemStatusJSON) error {
	for i, s := range all {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, s.Port)
		if s.Error != "" && s.IMEI == "" {
			fmt.Fprintf(w, "  error:      %s\n", s.Error)
			continue
		}
		line := func(k, v string) { fmt.Fprintf(w, "  %-11s %s\n", k+":", modemDash(v)) }
		line("model", strings.TrimSpace(s.Manufacturer+" "+s.Model+" "+s.Revision))
		line("IMEI", s.IMEI)
		line("IMSI", s.IMSI)
		line("ICCID", s.ICCID)
		line("number", s.OwnNumber)
		line("operator", s.Operator)
		line("service", s.Service)
		sig := "-"
		if s.SignalDBM != 0 {
			sig = fmt.Sprintf("%d dBm %s", s.SignalDBM, signalBars(s.Bars))
		}
		line("signal", sig)
		line("SMSC", s.SMSC)
		storage := "-"
		if s.StorageTotal > 0 {
			storage = fmt.Sprintf("%s %d of %d used", s.Storage, s.StorageUsed, s.StorageTotal)
		}
		line("storage", storage)
		if len(s.Storages) > 0 {
			waiting := make([]string, 0, len(s.Storages))
			for _, u := range s.Storages {
				waiting = append(waiting, fmt.Sprintf("%s %d of %d", memName(u.Mem), u.Used, u.Total))
			}
			line("waiting", strings.Join(waiting, ", "))
		}
		if s.Health != nil {
			line("health", string(s.Health.State))
		}
		if s.Error != "" {
			line("error", s.Error)
		}
	}
	return nil
}

// modemSimulateOptions holds what `texting modem simulate` needs.
type modemSimulateOptions struct {
	Out, Err  io.Writer
	Logger    *slog.Logger
	Inbox     string
	IMSI      string
	IMEI      string
	Operator  string
	SendDelay time.Duration
	// Ready, when set, is called with the emulator once its port is printed.
	Ready func(*modemtest.Modem)
}

func newCmdModemSimulate(f *Factory, runF func(context.Context, *modemSimulateOptions) error) *cobra.Command {
	opts := &modemSimulateOptions{Out: f.Out, Err: f.Err}
	cmd := &cobra.Command{
		Use:   "simulate [--inbox FILE]",
		Short: "Run an emulated Huawei dongle on a pseudo-terminal; prints its port path",
		Long: "Start an emulated Huawei dongle on a pseudo-terminal and print the port path\n" +
			"on stdout; it answers like a real dongle until interrupted (Ctrl-C or SIGTERM).\n" +
			"--inbox preloads its SIM with PDUs from a file (hex, one per line, # comments).\n" +
			"Point other commands at it with --port PATH.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Logger = f.Logger // the debug log, opened by the root command
			return run(cmd.Context(), opts, runF, modemSimulate)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Inbox, "inbox", "", "preload the SIM with the PDUs in this file")
	fl.StringVar(&opts.IMSI, "imsi", "", "the SIM's IMSI (default: one made from the process id, so each emulator differs)")
	fl.StringVar(&opts.IMEI, "imei", "", "the dongle's IMEI (default: one made from the process id)")
	fl.StringVar(&opts.Operator, "operator", "", "the network name (default \"O2 - UK\")")
	fl.DurationVar(&opts.SendDelay, "send-delay", 1500*time.Millisecond, "how long the network takes to accept a text")
	return cmd
}

// modemSimulate runs the emulator until ctx ends.
func modemSimulate(ctx context.Context, opts *modemSimulateOptions) error {
	// Two emulators started without flags must not look like one SIM moved
	// between dongles: give each its own identity.
	if opts.IMSI == "" {
		opts.IMSI = fmt.Sprintf("23410%010d", os.Getpid())
	}
	if opts.IMEI == "" {
		opts.IMEI = fmt.Sprintf("86753%010d", os.Getpid())
	}
	mopts := []modemtest.Option{
		modemtest.WithSendDelay(opts.SendDelay),
		modemtest.WithSIM(modemtest.SIM{IMSI: opts.IMSI, Operator: opts.Operator}),
	}
	if opts.IMEI != "" {
		mopts = append(mopts, modemtest.WithIMEI(opts.IMEI))
	}
	if opts.Inbox != "" {
		pdus, err := modemtest.LoadInbox(opts.Inbox)
		if err != nil {
			return fmt.Errorf("modem simulate: %w", err)
		}
		mopts = append(mopts, modemtest.WithCapacity(max(30, len(pdus))), modemtest.WithInbox(pdus...))
	}
	m, err := modemtest.New(mopts...)
	if err != nil {
		return fmt.Errorf("modem simulate: %w", err)
	}
	defer m.Close()
	if _, err := fmt.Fprintln(opts.Out, m.Path()); err != nil {
		return err
	}
	fmt.Fprintf(opts.Err, "emulated Huawei dongle on %s (%d texts on its SIM); interrupt to stop\n", m.Path(), len(m.Inbox()))
	opts.Logger.Info("modem simulate: started", "port", m.Path())
	if opts.Ready != nil {
		opts.Ready(m)
	}
	<-ctx.Done()
	sent := m.Sent()
	fmt.Fprintf(opts.Err, "stopped; %d texts sent, %d left on the SIM\n", len(sent), len(m.Inbox()))
	return nil
}
