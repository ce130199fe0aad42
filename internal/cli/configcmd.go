package cli

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/store"
)

func newCmdConfig(f *Factory) *cobra.Command {
	cmd := adminGroup("config", "Show and change settings (flag > environment > settings > default)")
	cmd.AddCommand(newCmdConfigList(f, nil), newCmdConfigGet(f, nil), newCmdConfigSet(f, nil))
	return cmd
}

type configListOptions struct {
	readDeps
	JSON bool
}

func newCmdConfigList(f *Factory, runF func(context.Context, *configListOptions) error) *cobra.Command {
	opts := &configListOptions{readDeps: newReadDeps(f)}
	cmd := &cobra.Command{Use: "list", Short: "List every setting, its value and where it comes from", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return run(cmd.Context(), opts, runF, configList) }}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

func configList(ctx context.Context, opts *configListOptions) error {
	db, err := opts.Store(ctx)
	if err != nil {
		return err
	}
	vals, err := resolvedSettings(ctx, db, opts.Getenv)
	if err != nil {
		return err
	}
	version, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	show := func(v config.Value) string {
		if v.Key.Secret {
			return config.Mask(v.Value)
		}
		return v.Value
	}
	if opts.JSON {
		type item struct {
			Key    string `json:"key"`
			Value  string `json:"value"`
			Source string `json:"source"`
			Env    string `json:"env,omitempty"`
		}
		out := struct {
			Database      string `json:"database"`
			SchemaVersion int    `json:"schema_version"`
			Settings      []item `json:"settings"`
		}{Database: db.Path(), SchemaVersion: version, Settings: []item{}}
		for _, v := range vals {
			out.Settings = append(out.Settings, item{v.Key.Name, show(v), string(v.Source), v.Key.Env})
		}
		return writeJSON(opts.Out, out)
	}
	var rows [][]string
	for _, v := range vals {
		src := string(v.Source)
		if src == "" {
			src = "-"
		}
		rows = append(rows, []string{v.Key.Name, show(v), src, v.Key.Help})
	}
	fmt.Fprintf(opts.Out, "database: %s (schema version %d)\n", db.Path(), version)
	return printTable(opts.Out, []string{"KEY", "VALUE", "FROM", "MEANING"}, rows)
}

// resolvedSettings is every setting's value and where it comes from: the
// stored settings, the environment (getenv) and the defaults.
func resolvedSettings(ctx context.Context, db *store.DB, getenv func(string) string) ([]config.Value, error) {
	stored, err := db.Settings(ctx)
	if err != nil {
		return nil, err
	}
	return config.Resolve(stored, getenv)
}

type configGetOptions struct {
	readDeps
	Key config.Key
}

func newCmdConfigGet(f *Factory, runF func(context.Context, *configGetOptions) error) *cobra.Command {
	opts := &configGetOptions{readDeps: newReadDeps(f)}
	return &cobra.Command{Use: "get KEY", Short: "Print a setting's value (secrets in full: this is how you read serve.token)",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var ok bool
			if opts.Key, ok = config.Lookup(args[0]); !ok {
				_, err := config.Validate(args[0], "") // the unknown-setting error, before opening anything
				return err
			}
			return run(cmd.Context(), opts, runF, configGet)
		}}
}

func configGet(ctx context.Context, opts *configGetOptions) error {
	db, err := opts.Store(ctx)
	if err != nil {
		return err
	}
	if opts.Key.Name == "serve.token" {
		// The token is generated on first use so that the operator can
		// give the provider the callback URL before starting serve.
		tok, err := db.SetSettingIfAbsent(ctx, opts.Key.Name, config.NewToken())
		if err != nil {
			return err
		}
		fmt.Fprintln(opts.Out, tok)
		return nil
	}
	vals, err := resolvedSettings(ctx, db, opts.Getenv)
	if err != nil {
		return err
	}
	for _, v := range vals {
		if v.Key.Name == opts.Key.Name {
			fmt.Fprintln(opts.Out, v.Value)
		}
	}
	return nil
}

type configSetOptions struct {
	adminDeps
	Getenv func(string) string // to say when the environment overrides the setting
	Key    config.Key
	Value  string
}

func newCmdConfigSet(f *Factory, runF func(context.Context, *configSetOptions) error) *cobra.Command {
	opts := &configSetOptions{adminDeps: newAdminDeps(f), Getenv: f.Getenv}
	cmd := &cobra.Command{Use: "set KEY VALUE", Short: "Store a setting (\"\" removes it, so the default applies)",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var ok bool
			if opts.Key, ok = config.Lookup(args[0]); !ok {
				_, err := config.Validate(args[0], args[1]) // the unknown-setting error, before opening anything
				return err
			}
			opts.Value = args[1]
			return run(cmd.Context(), opts, runF, configSet)
		}}
	// A value may start with a dash ("-1"): it is an argument, not a flag.
	cmd.Flags().SetInterspersed(false)
	return cmd
}

func configSet(ctx context.Context, opts *configSetOptions) error {
	d, err := opts.Desk(ctx)
	if err != nil {
		return err
	}
	was, now, err := d.SetSetting(ctx, opts.Key.Name, opts.Value)
	if err != nil {
		return err
	}
	return printSettingChange(opts, was, now)
}

type versionOptions struct {
	readDeps
}

func newCmdVersion(f *Factory, runF func(context.Context, *versionOptions) error) *cobra.Command {
	opts := &versionOptions{readDeps: newReadDeps(f)}
	return &cobra.Command{Use: "version", Short: "Print the program's version and the database schema version", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return run(cmd.Context(), opts, runF, versionRun) }}
}

func versionRun(ctx context.Context, opts *versionOptions) error {
	v := Version
	if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	fmt.Fprintf(opts.Out, "texting %s\n", v)
	db, err := opts.Store(ctx)
	if err != nil {
		return err
	}
	n, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.Out, "database %s, schema version %d\n", db.Path(), n)
	return nil
}

// printSettingChange says what `config set` changed: the new value (or that
// the default now applies), what it was, and whether the environment
// overrides it. Secrets are masked.
func printSettingChange(opts *configSetOptions, was, now string) error {
	k := opts.Key
	show := func(v string) string {
		switch {
		case v == "" && k.Default != "":
			return k.Default + " (the default)"
		case v == "":
			return "unset"
		case k.Secret:
			return config.Mask(v)
		}
		return v
	}
	line := fmt.Sprintf("%s: %s (was %s)", k.Name, show(now), show(was))
	switch {
	case now == "" && was == "":
		line = fmt.Sprintf("%s: not set, nothing changed; %s applies", k.Name, show(""))
	case was == now:
		line = fmt.Sprintf("%s: %s (unchanged)", k.Name, show(now))
	}
	if _, err := fmt.Fprintln(opts.Out, line); err != nil {
		return err
	}
	if k.Env != "" && opts.Getenv(k.Env) != "" {
		fmt.Fprintf(opts.Err, "texting: note: %s is set in the environment and overrides this setting\n", k.Env)
	}
	return nil
}
