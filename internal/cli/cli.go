// Package cli implements the sscgraph command: its subcommands, flags and
// environment variables. cmd/sscgraph only wires it to the process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/formatter"

	"sscgraph/graph"
	"sscgraph/internal/database"
	"sscgraph/internal/dataset"
	"sscgraph/internal/gid"
	"sscgraph/internal/importer"
	"sscgraph/internal/migrations"
	"sscgraph/internal/server"
)

// DefaultGCPercent is the garbage collector's target that serve sets when
// GOGC is not in the environment.
const DefaultGCPercent = 400

// Getenv reads an environment variable; tests pass their own.
type Getenv func(string) string

// usageError is a mistake on the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// ExitCode maps an error from Run to a process exit status.
func ExitCode(err error) int {
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		return 2
	default:
		return 1
	}
}

const usage = `usage: sscgraph <command> [flags]

commands:
  serve    serve the GraphQL API; creates the schema and loads the dataset
           into an empty database first
  seed     create the schema and load the dataset without serving
  migrate  apply pending schema migrations (--dry-run prints the plan)
  key      manage API keys: key create --role ROLE [--org ID] [--name NAME]
           [--expires DURATION], key list, key revoke ID
  import   import a spreadsheet, all or nothing: import [--dry-run] KIND FILE
           with KIND activities, consultants, organizations, offers or needs
           and FILE .csv or .xlsx (docs/import.md)
  schema   print the GraphQL schema (SDL)

Run 'sscgraph <command> -h' for the flags of a command.
`

// Run runs the command line args (without the program name).
func Run(ctx context.Context, args []string, getenv Getenv, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, getenv, stdout, stderr)
	case "seed":
		return seed(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, rest, getenv, stdout, stderr)
	case "key":
		return key(ctx, rest, getenv, stdout, stderr)
	case "import":
		return importCmd(ctx, rest, getenv, stdout, stderr)
	case "schema":
		return printSchema(stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
}

// envOr returns the environment variable's value, or def when unset.
func envOr(getenv Getenv, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// intFlag defines an int flag whose default comes from an environment
// variable, falling back to the value already in p.
func intFlag(fs *flag.FlagSet, getenv Getenv, p *int, name, env, usage string) {
	fs.IntVar(p, name, envInt(getenv, env, *p), fmt.Sprintf("%s (env %s)", usage, env))
}

func envInt(getenv Getenv, key string, def int) int {
	v, err := strconv.Atoi(getenv(key))
	if err != nil {
		return def
	}
	return v
}

func envDuration(getenv Getenv, key string, def time.Duration) time.Duration {
	v, err := time.ParseDuration(getenv(key))
	if err != nil {
		return def
	}
	return v
}

// envBool reads a boolean environment variable; unset or unparsable gives
// def (flag parsing reports a bad value given on the command line).
func envBool(getenv Getenv, key string, def bool) bool {
	v, err := strconv.ParseBool(getenv(key))
	if err != nil {
		return def
	}
	return v
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("sscgraph "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected arguments: %s", strings.Join(fs.Args(), " "))}
	}
	return nil
}

func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	default:
		return nil, usageError{fmt.Sprintf("--log-format must be text or json, got %q", format)}
	}
}

// checkIDSecret decides whether serve may run with the ID secret it was
// given. Without one the codec uses gid.DefaultSecret, which is in the
// source: anyone can decode IDs into row numbers and forge IDs of rows
// they were never shown. On PostgreSQL, which is what deployments run,
// that is refused unless the operator says --insecure-default-secret; on
// SQLite (a newcomer's first run, a laptop) it is allowed with a warning.
//
// Key rotation: changing --id-secret changes every ID and cursor the API
// hands out, so IDs clients stored stop resolving and must be looked up
// again; choose the secret once per deployment and keep it with the
// database's credentials. API keys do not depend on it: rotate one by
// creating a new key, moving its clients over, then revoking the old key.
func checkIDSecret(dsn, secret string, insecure bool, logger *slog.Logger) error {
	if secret != "" && secret != gid.DefaultSecret {
		return nil
	}
	const risk = "anyone who reads sscgraph's source can decode the global IDs into row numbers and forge IDs"
	switch {
	case !database.IsPostgres(dsn):
		logger.Warn("no --id-secret is set: the built-in secret keys the IDs, so " + risk + "; set --id-secret (SSCGRAPH_ID_SECRET) before this server is reachable by others")
		return nil
	case insecure:
		logger.Warn("serving PostgreSQL with the built-in ID secret (--insecure-default-secret): " + risk + "; set --id-secret (SSCGRAPH_ID_SECRET)")
		return nil
	default:
		return usageError{"refusing to serve PostgreSQL without --id-secret: with the built-in secret " + risk +
			"; set --id-secret (env SSCGRAPH_ID_SECRET) to a long random value, e.g. from `openssl rand -base64 32`, " +
			"or pass --insecure-default-secret (env SSCGRAPH_INSECURE_DEFAULT_SECRET) to run with it anyway"}
	}
}

// openAndLoad opens the database, creates the schema and loads the bundled
// dataset when the database holds no data yet.
func openAndLoad(ctx context.Context, dsn string, opts database.Options, logger *slog.Logger) (*database.DB, error) {
	db, err := database.Open(ctx, dsn, opts)
	if err != nil {
		return nil, err
	}
	steps, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	for _, st := range steps {
		logger.Info("applied migration", "version", st.Version, "name", st.Name)
	}
	err = db.Exclusive(ctx, "sscgraph-dataset-load", func(ctx context.Context) error {
		loaded, err := db.Client.Region.Query().Exist(ctx)
		if err != nil || loaded {
			return err
		}
		start := time.Now()
		stats, err := dataset.LoadWith(ctx, db.Client, dataset.DemoSize(), dataset.DefaultSeed, importer.Sheet)
		if err != nil {
			return err
		}
		logger.Info("loaded dataset", "took", time.Since(start).Round(time.Millisecond), "stats", fmt.Sprintf("%+v", stats))
		return db.Analyze(ctx)
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("loading dataset: %w", err)
	}
	return db, nil
}

func seed(ctx context.Context, args []string, getenv Getenv, stdout, stderr io.Writer) error {
	fs := newFlagSet("seed", stderr)
	dsn := fs.String("db", envOr(getenv, "SSCGRAPH_DB", "sscgraph.db"), dbUsage)
	synthetic := fs.Bool("synthetic", false, "load deterministic synthetic data at --scale instead of the demo data set")
	scale := fs.Int("scale", 1, "with --synthetic: 1 gives about 100,000 activities; N scales linearly")
	seedValue := fs.Uint64("seed", dataset.DefaultSeed, "seed of the generator")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *scale < 1 || *scale > 100 {
		return usageError{fmt.Sprintf("--scale must be between 1 and 100, got %d", *scale)}
	}
	size := dataset.DemoSize()
	if *synthetic {
		size = dataset.SyntheticSize(*scale)
	}
	db, err := openMigrated(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	stats, err := dataset.LoadWith(ctx, db.Client, size, *seedValue, importer.Sheet)
	if err != nil {
		return fmt.Errorf("seeding %s: %w", database.Redact(*dsn), err)
	}
	if err := db.Analyze(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %s in %s: %+v\n", database.Redact(*dsn), time.Since(start).Round(time.Millisecond), stats)
	return nil
}

// dbUsage describes the --db flag.
const dbUsage = "SQLite database file, or PostgreSQL as a postgres:// URL or libpq's \"host=… dbname=…\" form, naming its database (env SSCGRAPH_DB)"

func migrate(ctx context.Context, args []string, getenv Getenv, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", stderr)
	dsn := fs.String("db", envOr(getenv, "SSCGRAPH_DB", "sscgraph.db"), dbUsage)
	dryRun := fs.Bool("dry-run", false, "print the migrations that would be applied, with their SQL, and change nothing")
	idSecret := fs.String("id-secret", envOr(getenv, "SSCGRAPH_ID_SECRET", gid.DefaultSecret), "secret of the global IDs, as serve has it (env SSCGRAPH_ID_SECRET): a migration reads the IDs old audit events hold with it")
	if err := parse(fs, args); err != nil {
		return err
	}
	codec, err := server.NewCodec(*idSecret)
	if err != nil {
		return err
	}
	ctx = gid.NewContext(ctx, codec)
	db, err := database.Open(ctx, *dsn, database.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	if *dryRun {
		plan, err := migrations.Plan(ctx, db.SQL, db.Dialect)
		if err != nil {
			return err
		}
		pending := 0
		for _, st := range plan {
			if st.Applied {
				fmt.Fprintf(stdout, "applied  %s\n", st.Name)
				continue
			}
			pending++
			fmt.Fprintf(stdout, "pending  %s\n%s\n\n", st.Name, st.SQL)
		}
		fmt.Fprintf(stdout, "%d pending of %d migrations; nothing was changed (dry run)\n", pending, len(plan))
		return nil
	}
	steps, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	for _, st := range steps {
		fmt.Fprintf(stdout, "applied  %s\n", st.Name)
	}
	fmt.Fprintf(stdout, "%d migrations applied\n", len(steps))
	return nil
}

// printSchema prints the public schema, as schema.graphql holds it.
func printSchema(w io.Writer) error {
	formatter.NewFormatter(w, formatter.WithComments()).FormatSchema(graph.PublicSchema())
	return nil
}
