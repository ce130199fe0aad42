package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/greeting"
)

// greetingOptions holds what `texting greeting` needs.
type greetingOptions struct {
	Out io.Writer
	// At is the --at flag: an RFC3339 time whose own offset is taken as local
	// time; empty means now.
	At string
	// Now is the clock when At is empty.
	Now func() time.Time
	// Greeter builds the greeter that {greeting} uses (with the
	// greeting.country setting's seasons); called only once --at is valid.
	Greeter func() (*greeting.Greeter, error)
}

// newCmdGreeting builds `texting greeting`; runF replaces greetingRun in tests.
func newCmdGreeting(f *Factory, runF func(*greetingOptions) error) *cobra.Command {
	opts := &greetingOptions{Now: time.Now}
	cmd := &cobra.Command{
		Use:   "greeting [--at RFC3339]",
		Short: "Print what {greeting} becomes now, or at a given time",
		Long: "Print what {greeting} becomes now (in local time), or at the time --at gives;\n" +
			"--at keeps its own offset's wall clock, so 2026-12-24T09:00:00+01:00 is 09:00.\n" +
			"The greeting.country setting adds that country's seasons.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Out = f.Out
			opts.Greeter = func() (*greeting.Greeter, error) { return configuredGreeter(cmd.Context(), f) }
			if runF != nil {
				return runF(opts)
			}
			return greetingRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.At, "at", "", "greet at this RFC3339 time instead of now, e.g. 2026-12-24T09:00:00+01:00")
	return cmd
}

// configuredGreeter is the greeter of the greeting.country setting.
func configuredGreeter(ctx context.Context, f *Factory) (*greeting.Greeter, error) {
	cfg, err := f.Config(ctx)
	if err != nil {
		return nil, err
	}
	g, err := greeting.NewForCountry(cfg.GreetingCountry)
	if err != nil {
		return nil, fmt.Errorf("setting greeting.country: %w", err)
	}
	return g, nil
}

// greetingRun prints the greeting for opts.At, or for now in local time.
func greetingRun(opts *greetingOptions) error {
	t := opts.Now()
	if opts.At != "" {
		var err error
		if t, err = time.Parse(time.RFC3339, opts.At); err != nil {
			return fmt.Errorf("greeting: --at %q is not an RFC3339 time such as 2026-12-24T09:00:00+01:00", opts.At)
		}
	}
	g, err := opts.Greeter()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(opts.Out, g.At(t))
	return err
}
