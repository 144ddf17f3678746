// Package cli implements the sscgraph command: its subcommands, flags and
// environment variables. cmd/sscgraph only wires it to the process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"regexp"
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

// inCommand names the command whose usage explains a mistake ("serve",
// "key create"), so that the message can point to its help.
type inCommand struct {
	cmd string
	err error
}

func (e inCommand) Error() string { return e.err.Error() }
func (e inCommand) Unwrap() error { return e.err }

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

// Main runs the command line as the process does: it prints a failure as
// one line on stderr, a usage mistake with a pointer to the command's
// help, and returns the exit status.
func Main(ctx context.Context, args []string, getenv Getenv, stdout, stderr io.Writer) int {
	err := Run(ctx, args, getenv, stdout, stderr)
	code := ExitCode(err)
	if code == 0 {
		return 0
	}
	if errors.As(err, new(usageError)) {
		help := "sscgraph -h"
		var in inCommand
		if errors.As(err, &in) {
			help = "sscgraph " + in.cmd + " -h"
		}
		fmt.Fprintf(stderr, "sscgraph: %s (see '%s')\n", oneLine(err.Error()), help)
		return code
	}
	fmt.Fprintln(stderr, "sscgraph:", oneLine(err.Error()))
	return code
}

// oneLine keeps a message on one line: a line break inside a wrapped
// driver error would read as a second message.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
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
  version  print the version, the commit it was built from and Go's version

Run 'sscgraph <command> -h' for the flags of a command.
`

// Run runs the command line args (without the program name). A request
// for help prints the usage on stdout and returns nil.
func Run(ctx context.Context, args []string, getenv Getenv, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, rest, getenv, stdout, stderr)
	case "seed":
		err = seed(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		err = migrate(ctx, rest, getenv, stdout, stderr)
	case "key":
		err = key(ctx, rest, getenv, stdout, stderr)
	case "import":
		err = importCmd(ctx, rest, getenv, stdout, stderr)
	case "schema":
		err = printSchema(rest, stdout)
	case "version", "--version", "-version":
		if cmd != "version" {
			cmd = "version"
		}
		err = printVersion(rest, stdout)
	case "help", "-h", "--help", "-help":
		// `sscgraph help serve` is `sscgraph serve -h`.
		if len(rest) == 1 && rest[0] != "help" && !strings.HasPrefix(rest[0], "-") {
			return Run(ctx, []string{rest[0], "-h"}, getenv, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
	var help helpRequest
	if errors.As(err, &help) {
		help.print(stdout)
		return nil
	}
	if errors.As(err, new(usageError)) && !errors.As(err, new(inCommand)) {
		return inCommand{cmd, err}
	}
	return err
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

// newFlagSet returns the flag set of a command ("serve", "key create"),
// whose usage is commandUsage's text and the flags. The flag package's
// own messages are not printed: parse turns them into one-line errors and
// a request for help into a helpRequest, printed on stdout.
func newFlagSet(name string, _ io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("sscgraph "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), commandUsage[name])
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintln(fs.Output(), "\nflags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parse parses a command's flags and refuses arguments besides them.
func parse(fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return inCommand{cmdName(fs), usageError{fmt.Sprintf("unexpected arguments: %s", strings.Join(fs.Args(), " "))}}
	}
	return nil
}

// parseFlags runs fs.Parse, returning a helpRequest for -h or --help and
// a usageError naming the problem in the words a user typed.
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		return helpRequest{fs}
	default:
		return inCommand{cmdName(fs), usageError{flagMessage(err.Error())}}
	}
}

// flagMessage rewords the flag package's errors with the two dashes the
// documentation uses.
func flagMessage(msg string) string {
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return "unknown flag --" + name
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return "flag --" + name + " needs a value"
	}
	return strings.Replace(msg, " for flag -", " for flag --", 1)
}

// cmdName is the command a flag set belongs to, as `sscgraph X -h` takes it.
func cmdName(fs *flag.FlagSet) string { return strings.TrimPrefix(fs.Name(), "sscgraph ") }

// helpRequest is -h or --help given to a command: Run prints the usage
// of its flag set on stdout and succeeds.
type helpRequest struct{ fs *flag.FlagSet }

func (h helpRequest) Error() string { return flag.ErrHelp.Error() }
func (h helpRequest) Unwrap() error { return flag.ErrHelp }

func (h helpRequest) print(w io.Writer) {
	hideSecrets(h.fs)
	h.fs.SetOutput(w)
	h.fs.Usage()
}

// secretFlag matches the names of flags whose values are secrets.
var secretFlag = regexp.MustCompile(`(?i)secret|password|passwd|token|credential|(^|-)key$`)

// hideSecrets keeps secrets out of usage text: a default taken from the
// environment or built in is not shown for a flag named like a secret,
// and the password in a URL given as a default (a PostgreSQL --db from
// SSCGRAPH_DB) is masked.
func hideSecrets(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); f.DefValue == "" || ok && b.IsBoolFlag() {
			return
		}
		switch {
		case secretFlag.MatchString(f.Name):
			f.DefValue = ""
		case database.IsPostgres(f.DefValue):
			f.DefValue = database.Redact(f.DefValue)
		default:
			if u, err := url.Parse(f.DefValue); err == nil && u.User != nil {
				f.DefValue = u.Redacted()
			}
		}
	})
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
	idSecret := fs.String("id-secret", envOr(getenv, "SSCGRAPH_ID_SECRET", gid.DefaultSecret), idSecretUsage+": a migration reads the IDs old audit events hold with it")
	if err := parse(fs, args); err != nil {
		return err
	}
	codec, err := server.NewCodec(*idSecret)
	if err != nil {
		return err
	}
	ctx = gid.NewContext(ctx, codec)
	if *dryRun {
		return migratePlan(ctx, *dsn, stdout)
	}
	db, err := openDB(ctx, *dsn, database.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
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

// migratePlan prints what migrate would apply to dsn. A SQLite file that
// does not exist yet is not created: its plan is that of an empty
// database, read from one in memory.
func migratePlan(ctx context.Context, dsn string, stdout io.Writer) error {
	if err := checkSQLitePath(dsn); err != nil {
		return err
	}
	open := dsn
	path, _ := sqlitePath(dsn)
	absent := false
	if path != "" {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			absent = true
			// Shared cache: every connection of the pool sees the one
			// in-memory database.
			open = "file:sscgraph-dry-run?mode=memory&cache=shared"
		}
	}
	db, err := database.Open(ctx, open, database.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
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
	if absent {
		fmt.Fprintf(stdout, "%s does not exist: a new database would get all %d migrations; nothing was created (dry run)\n", path, len(plan))
		return nil
	}
	fmt.Fprintf(stdout, "%d pending of %d migrations; nothing was changed (dry run)\n", pending, len(plan))
	return nil
}

// printSchema prints the public schema, as schema.graphql holds it.
func printSchema(args []string, w io.Writer) error {
	if err := parse(newFlagSet("schema", nil), args); err != nil {
		return err
	}
	formatter.NewFormatter(w, formatter.WithComments()).FormatSchema(graph.PublicSchema())
	return nil
}
