package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/config"
)

func newCmdConfig(f *Factory) *cobra.Command {
	cmd := adminGroup("config", "Show and change settings (flag > environment > settings > default)")
	var asJSON bool
	list := &cobra.Command{Use: "list", Short: "List every setting, its value and where it comes from", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, err := f.Store(ctx)
			if err != nil {
				return err
			}
			stored, err := db.Settings(ctx)
			if err != nil {
				return err
			}
			vals, err := config.Resolve(stored, f.Getenv)
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
			if asJSON {
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
				return writeJSON(f.Out, out)
			}
			var rows [][]string
			for _, v := range vals {
				src := string(v.Source)
				if src == "" {
					src = "-"
				}
				rows = append(rows, []string{v.Key.Name, show(v), src, v.Key.Help})
			}
			fmt.Fprintf(f.Out, "database: %s (schema version %d)\n", db.Path(), version)
			return printTable(f.Out, []string{"KEY", "VALUE", "FROM", "MEANING"}, rows)
		}}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	get := &cobra.Command{Use: "get KEY", Short: "Print a setting's value (secrets in full: this is how you read serve.token)",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			k, ok := config.Lookup(args[0])
			if !ok {
				_, err := config.Validate(args[0], "")
				return err
			}
			db, err := f.Store(ctx)
			if err != nil {
				return err
			}
			if k.Name == "serve.token" {
				// The token is generated on first use so that the operator can
				// give the provider the callback URL before starting serve.
				tok, err := db.SetSettingIfAbsent(ctx, k.Name, config.NewToken())
				if err != nil {
					return err
				}
				fmt.Fprintln(f.Out, tok)
				return nil
			}
			stored, err := db.Settings(ctx)
			if err != nil {
				return err
			}
			vals, err := config.Resolve(stored, f.Getenv)
			if err != nil {
				return err
			}
			for _, v := range vals {
				if v.Key.Name == k.Name {
					fmt.Fprintln(f.Out, v.Value)
				}
			}
			return nil
		}}

	set := &cobra.Command{Use: "set KEY VALUE", Short: "Store a setting (\"\" removes it, so the default applies)",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			k, ok := config.Lookup(args[0])
			if !ok {
				_, err := config.Validate(args[0], args[1]) // the unknown-setting error, before opening anything
				return err
			}
			d, err := f.Desk(ctx)
			if err != nil {
				return err
			}
			was, now, err := d.SetSetting(ctx, args[0], args[1])
			if err != nil {
				return err
			}
			return printSettingChange(f, k, was, now)
		}}
	// A value may start with a dash ("-1"): it is an argument, not a flag.
	set.Flags().SetInterspersed(false)
	cmd.AddCommand(list, get, set)
	return cmd
}

func newCmdVersion(f *Factory) *cobra.Command {
	return &cobra.Command{Use: "version", Short: "Print the program's version and the database schema version", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := Version
			if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
				v = bi.Main.Version
			}
			fmt.Fprintf(f.Out, "texting %s\n", v)
			db, err := f.Store(cmd.Context())
			if err != nil {
				return err
			}
			n, err := db.SchemaVersion(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(f.Out, "database %s, schema version %d\n", db.Path(), n)
			return nil
		}}
}

// printSettingChange says what `config set` changed: the new value (or that
// the default now applies), what it was, and whether the environment
// overrides it. Secrets are masked.
func printSettingChange(f *Factory, k config.Key, was, now string) error {
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
	if _, err := fmt.Fprintln(f.Out, line); err != nil {
		return err
	}
	if k.Env != "" && f.Getenv(k.Env) != "" {
		fmt.Fprintf(f.Err, "texting: note: %s is set in the environment and overrides this setting\n", k.Env)
	}
	return nil
}
