package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
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
	// Country is --country: preview another country's greetings than the
	// greeting.country setting's ("" for the setting).
	Country string
	// Year is --year: list the seasons of that year instead of greeting
	// (0 for none).
	Year int
	// Now is the clock when At is empty.
	Now func() time.Time
	// Greeter builds the greeter that {greeting} uses (with the
	// greeting.country setting's seasons, or Country's); called only once
	// --at is valid.
	Greeter func(context.Context) (*greeting.Greeter, error)
}

// newCmdGreeting builds `texting greeting`; runF replaces greetingRun in tests.
func newCmdGreeting(f *Factory, runF func(context.Context, *greetingOptions) error) *cobra.Command {
	opts := &greetingOptions{Out: f.Out, Now: time.Now}
	opts.Greeter = func(ctx context.Context) (*greeting.Greeter, error) { return configuredGreeter(ctx, f, opts.Country) }
	cmd := &cobra.Command{
		Use:   "greeting [--at RFC3339] [--country XX] [--year YYYY]",
		Short: "Print what {greeting} becomes now, or at a given time, or a year's seasons",
		Long: "Print what {greeting} becomes now (in local time), or at the time --at gives;\n" +
			"--at keeps its own offset's wall clock, so 2026-12-24T09:00:00+01:00 is 09:00.\n" +
			"The greeting.country setting (or --country, to preview another) adds that\n" +
			"country's public holidays, as github.com/rickar/cal knows them, to Christmas,\n" +
			"New Year, Easter, Halloween and Valentine's Day. --year lists every season of a\n" +
			"year with its days, its greeting and its key.\n\n" +
			"Your own wording goes in a greetings file (setting greeting.file), one\n" +
			"KEY = WORDING a line; lines after [XX] are for country XX only; - turns a\n" +
			"season off; YYYY in a wording is the year:\n\n" +
			"  christmas = Season's greetings\n" +
			"  [FR]\n" +
			"  christmas = Joyeux Noël\n" +
			"  Fête Nationale = Bonne fête nationale\n" +
			"  holiday = Bon jour férié        (every holiday without its own)\n" +
			"  morning = Bonne matinée         (also day, night, weekend)\n" +
			"  halloween = -\n",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), opts, runF, greetingRun)
		},
	}
	cmd.Flags().StringVar(&opts.At, "at", "", "greet at this RFC3339 time instead of now, e.g. 2026-12-24T09:00:00+01:00")
	cmd.Flags().StringVar(&opts.Country, "country", "", "greet as in this country (ISO code, e.g. FR) instead of the setting greeting.country")
	cmd.Flags().IntVar(&opts.Year, "year", 0, "list the seasons of this year (their days, greeting and key)")
	return cmd
}

// configuredGreeter is the greeter of the greeting.country setting, or of
// country when it is given, with the greetings file's wording.
func configuredGreeter(ctx context.Context, f *Factory, country string) (*greeting.Greeter, error) {
	if country != "" {
		if err := greeting.Supported(country); err != nil {
			return nil, fmt.Errorf("greeting --country: %w", err)
		}
	}
	cfg, err := f.Config(ctx)
	if err != nil {
		return nil, err
	}
	what := "setting greeting.country"
	if country == "" {
		country = cfg.GreetingCountry
	} else {
		what = "--country"
	}
	if cfg.GreetingFile != "" {
		what += " with greeting.file"
	}
	g, err := greeting.ForSettings(country, cfg.GreetingFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return g, nil
}

// greetingRun prints the greeting for opts.At, or for now in local time, or
// the seasons of opts.Year.
func greetingRun(ctx context.Context, opts *greetingOptions) error {
	t := opts.Now()
	if opts.At != "" {
		var err error
		if t, err = time.Parse(time.RFC3339, opts.At); err != nil {
			return fmt.Errorf("greeting: --at %q is not an RFC3339 time such as 2026-12-24T09:00:00+01:00", opts.At)
		}
	}
	if opts.Year != 0 && (opts.Year < 1900 || opts.Year > 2999 || opts.At != "") {
		if opts.At != "" {
			return fmt.Errorf("greeting: --year and --at cannot be used together")
		}
		return fmt.Errorf("greeting: --year %d is not a year from 1900 to 2999", opts.Year)
	}
	g, err := opts.Greeter(ctx)
	if err != nil {
		return err
	}
	if opts.Year != 0 {
		var rows [][]string
		for _, d := range g.Calendar(opts.Year) {
			days := d.First.Format("Mon 2 Jan")
			if !d.Last.Equal(d.First) {
				days += " – " + d.Last.Format("Mon 2 Jan")
			}
			rows = append(rows, []string{days, d.Greeting, d.Key})
		}
		if err := printTable(opts.Out, []string{"DAYS " + strconv.Itoa(opts.Year), "GREETING", "KEY (for greeting.file)"}, rows); err != nil {
			return err
		}
		_, err = fmt.Fprintln(opts.Out, "Other days: Have a good morning / day / night / weekend (keys morning, day, night, weekend).")
		return err
	}
	_, err = fmt.Fprintln(opts.Out, g.At(t))
	return err
}
