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
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/formatter"

	"sscgraph/graph"
	"sscgraph/internal/database"
	"sscgraph/internal/dataset"
	"sscgraph/internal/gid"
	"sscgraph/internal/migrations"
	"sscgraph/internal/reqctx"
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

func serve(ctx context.Context, args []string, getenv Getenv, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	addr := fs.String("addr", envOr(getenv, "SSCGRAPH_ADDR", ":8080"), "listen address (env SSCGRAPH_ADDR)")
	dsn := fs.String("db", envOr(getenv, "SSCGRAPH_DB", "sscgraph.db"), dbUsage)
	idSecret := fs.String("id-secret", envOr(getenv, "SSCGRAPH_ID_SECRET", ""), "secret that keys the opaque global IDs (env SSCGRAPH_ID_SECRET); required on PostgreSQL: the built-in default lets anyone who reads the source decode and forge IDs. Changing it changes every ID clients hold")
	insecureSecret := fs.Bool("insecure-default-secret", envBool(getenv, "SSCGRAPH_INSECURE_DEFAULT_SECRET", false), "serve on PostgreSQL without --id-secret, with the built-in secret that makes IDs decodable and forgeable (env SSCGRAPH_INSECURE_DEFAULT_SECRET)")
	logFormat := fs.String("log-format", envOr(getenv, "SSCGRAPH_LOG_FORMAT", "text"), "log format: text or json (env SSCGRAPH_LOG_FORMAT)")
	introspection := fs.Bool("introspection", envBool(getenv, "SSCGRAPH_INTROSPECTION", true), "serve schema introspection; off also hides field suggestions in errors (env SSCGRAPH_INTROSPECTION)")
	cfg := server.DefaultConfig()
	var dbOpts database.Options
	intFlag(fs, getenv, &cfg.Limits.MaxCost, "max-cost", "SSCGRAPH_MAX_COST", "most points (nodes a query can return) one request may cost; 0 turns the limit off")
	intFlag(fs, getenv, &cfg.Limits.MaxDepth, "max-depth", "SSCGRAPH_MAX_DEPTH", "most fields deep a query may go; 0 turns the limit off")
	intFlag(fs, getenv, &cfg.Limits.MaxAliases, "max-aliases", "SSCGRAPH_MAX_ALIASES", "most aliased fields in one operation; 0 turns the limit off")
	intFlag(fs, getenv, &cfg.Limits.MaxPredicates, "max-predicates", "SSCGRAPH_MAX_PREDICATES", "most filter conditions and order terms in one operation; 0 turns the limit off")
	intFlag(fs, getenv, &cfg.Limits.MaxFilterDepth, "max-filter-depth", "SSCGRAPH_MAX_FILTER_DEPTH", "most levels of and/or/not/has…With in one filter; 0 turns the limit off")
	intFlag(fs, getenv, &cfg.Limits.MaxListLength, "max-list-length", "SSCGRAPH_MAX_LIST_LENGTH", "most entries in one list argument (idIn, or, ids, …); 0 turns the limit off")
	maxResponse := fs.Int64("max-response-bytes", int64(envInt(getenv, "SSCGRAPH_MAX_RESPONSE_BYTES", int(cfg.MaxResponseBytes))), "most bytes of text (strings) one response may hold, each subscription event included; past it the response stops with LIMIT_EXCEEDED; 0 turns the limit off (env SSCGRAPH_MAX_RESPONSE_BYTES)")
	intFlag(fs, getenv, &cfg.MaxVariablesBytes, "max-variables-bytes", "SSCGRAPH_MAX_VARIABLES_BYTES", "largest JSON text of a request's variables, in bytes; 0 turns the limit off")
	intFlag(fs, getenv, &cfg.MaxTokens, "max-tokens", "SSCGRAPH_MAX_TOKENS", "most lexical tokens in a query document; 0 turns the limit off")
	intFlag(fs, getenv, &cfg.Limits.PerHour, "rate-limit", "SSCGRAPH_RATE_LIMIT", "cost points each client may spend per hour; 0 turns the rate limit off")
	intFlag(fs, getenv, &cfg.Limits.AuthFailuresPerHour, "auth-failures", "SSCGRAPH_AUTH_FAILURES", "requests with an unknown, expired or revoked API key one address may send per hour before it gets 429 (with --rate-limit on); 0 turns the limit off")
	corsOrigins := fs.String("cors-origins", getenv("SSCGRAPH_CORS_ORIGINS"), "comma-separated origins that browsers may call the API from, e.g. https://match.example.org; none by default (env SSCGRAPH_CORS_ORIGINS)")
	corsCredentials := fs.Bool("cors-credentials", envBool(getenv, "SSCGRAPH_CORS_CREDENTIALS", false), "let browsers send credentials with CORS requests (env SSCGRAPH_CORS_CREDENTIALS)")
	sharedLimits := fs.Bool("shared-limits", envBool(getenv, "SSCGRAPH_SHARED_LIMITS", cfg.SharedLimits), "on PostgreSQL, keep rate-limit buckets and persisted queries in the database so that replicas share one limit (one upsert per request); false keeps them per process, for a single replica (env SSCGRAPH_SHARED_LIMITS)")
	persistedOnly := fs.Bool("persisted-only", envBool(getenv, "SSCGRAPH_PERSISTED_ONLY", false), "run only the queries in --persisted-queries (env SSCGRAPH_PERSISTED_ONLY)")
	persistedFile := fs.String("persisted-queries", getenv("SSCGRAPH_PERSISTED_QUERIES"), "JSON file of allowed queries: an object from SHA-256 hash to query, or an array of queries (env SSCGRAPH_PERSISTED_QUERIES)")
	maxBody := fs.Int64("max-body-bytes", int64(envInt(getenv, "SSCGRAPH_MAX_BODY_BYTES", int(cfg.MaxBodyBytes))), "largest request body in bytes (env SSCGRAPH_MAX_BODY_BYTES)")
	timeout := fs.Duration("timeout", envDuration(getenv, "SSCGRAPH_TIMEOUT", cfg.Timeout), "longest time one request may run (env SSCGRAPH_TIMEOUT)")
	intFlag(fs, getenv, &cfg.Subscriptions.PerConnection, "max-subscriptions-per-connection", "SSCGRAPH_MAX_SUBSCRIPTIONS_PER_CONNECTION", "most subscriptions open at once on one WebSocket connection; 0 turns the limit off")
	intFlag(fs, getenv, &cfg.Subscriptions.PerClient, "max-subscriptions-per-client", "SSCGRAPH_MAX_SUBSCRIPTIONS_PER_CLIENT", "most subscriptions open at once, per process, for one API key or one address without a key; 0 turns the limit off")
	intFlag(fs, getenv, &cfg.Subscriptions.Queue, "subscription-queue", "SSCGRAPH_SUBSCRIPTION_QUEUE", "events a subscriber may fall behind before it is dropped")
	subLifetime := fs.Duration("subscription-lifetime", envDuration(getenv, "SSCGRAPH_SUBSCRIPTION_LIFETIME", cfg.Subscriptions.Lifetime), "longest one subscription lasts before the server ends it and the client subscribes again; 0 turns the limit off (env SSCGRAPH_SUBSCRIPTION_LIFETIME)")
	subIdle := fs.Duration("subscription-idle-timeout", envDuration(getenv, "SSCGRAPH_SUBSCRIPTION_IDLE_TIMEOUT", cfg.Subscriptions.IdleTimeout), "close a WebSocket connection that has had no subscription for this long; 0 never does (env SSCGRAPH_SUBSCRIPTION_IDLE_TIMEOUT)")
	intFlag(fs, getenv, &cfg.Subscriptions.MaxStreams, "max-streams", "SSCGRAPH_MAX_STREAMS", "most WebSocket connections and event streams open at once in the process, one more is answered 503; lowered at start to stay below the open-file limit; 0 takes all the limit allows")
	intFlag(fs, getenv, &cfg.Subscriptions.MaxStreamsPerAddress, "max-streams-per-address", "SSCGRAPH_MAX_STREAMS_PER_ADDRESS", "most WebSocket connections and event streams open at once from one client address, one more is answered 429; 0 turns the limit off")
	wsInitTimeout := fs.Duration("ws-init-timeout", envDuration(getenv, "SSCGRAPH_WS_INIT_TIMEOUT", cfg.Subscriptions.InitTimeout), "close a WebSocket that has not sent connection_init within this time (env SSCGRAPH_WS_INIT_TIMEOUT)")
	pprofAddr := fs.String("pprof-addr", getenv("SSCGRAPH_PPROF_ADDR"), "address to serve Go's runtime profiles on (/debug/pprof/), e.g. 127.0.0.1:6060; off by default, loopback only unless --pprof-remote (env SSCGRAPH_PPROF_ADDR)")
	pprofRemote := fs.Bool("pprof-remote", envBool(getenv, "SSCGRAPH_PPROF_REMOTE", false), "let --pprof-addr listen beyond the loopback interface (env SSCGRAPH_PPROF_REMOTE)")
	metricsAddr := fs.String("metrics-addr", envOr(getenv, "SSCGRAPH_METRICS_ADDR", defaultMetricsAddr), "address to serve Prometheus metrics on (/metrics), never the API's; off serves none; loopback only unless --metrics-remote; the same address as --pprof-addr serves profiles and metrics on one listener (env SSCGRAPH_METRICS_ADDR)")
	metricsRemote := fs.Bool("metrics-remote", envBool(getenv, "SSCGRAPH_METRICS_REMOTE", false), "let --metrics-addr listen beyond the loopback interface (env SSCGRAPH_METRICS_REMOTE)")
	dbWait := fs.Duration("db-wait", envDuration(getenv, "SSCGRAPH_DB_WAIT", defaultDBWait), "how long to wait for the database at start, trying again with backoff while it refuses or drops connections; meanwhile /healthz answers, /readyz says why it is not ready and the API answers 503; 0 tries once (env SSCGRAPH_DB_WAIT)")
	intFlag(fs, getenv, &dbOpts.MaxConns, "db-max-conns", "SSCGRAPH_DB_MAX_CONNS", fmt.Sprintf("size of the database connection pool; 0 takes the default, %d on PostgreSQL and %d (twice the CPUs) on SQLite", database.DefaultMaxConns("postgres"), database.DefaultMaxConns("sqlite3")))
	poolWait := fs.Duration("db-pool-wait", envDuration(getenv, "SSCGRAPH_DB_POOL_WAIT", cfg.PoolWait), "how long a GraphQL request waits for its turn at the connection pool before it is answered 503 POOL_EXHAUSTED with Retry-After; 0 lets it wait until --timeout (env SSCGRAPH_DB_POOL_WAIT)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dbWait < 0 || dbOpts.MaxConns < 0 || *poolWait < 0 {
		return usageError{"--db-wait, --db-max-conns and --db-pool-wait must not be negative"}
	}
	cfg.PoolWait = *poolWait
	if *pprofAddr != "" {
		if err := server.CheckProfilingAddr(*pprofAddr, *pprofRemote); err != nil {
			return usageError{err.Error()}
		}
	}
	switch *metricsAddr {
	case "off":
	case "":
		return usageError{"--metrics-addr is empty: give an address such as " + defaultMetricsAddr + ", or off to serve no metrics"}
	default:
		if err := server.CheckMetricsAddr(*metricsAddr, *metricsRemote); err != nil {
			return usageError{err.Error()}
		}
	}
	if getenv("GOGC") == "" {
		// The live heap is small (tens of MB) and requests allocate fast,
		// so Go's default (collect when the heap doubles) ran the collector
		// about 20 times a second and spent a sixth of the CPU time in it
		// (pprof, 50-country pages). Collecting when it grows fivefold
		// gave 23% more requests per second; GOGC set in the environment
		// still decides.
		debug.SetGCPercent(DefaultGCPercent)
	}
	cfg.MaxBodyBytes, cfg.Timeout = *maxBody, *timeout
	if *maxResponse < 0 {
		return usageError{"--max-response-bytes must not be negative"}
	}
	cfg.MaxResponseBytes = *maxResponse
	cfg.Subscriptions.Lifetime, cfg.Subscriptions.IdleTimeout = *subLifetime, *subIdle
	cfg.Subscriptions.InitTimeout = *wsInitTimeout
	cfg.CORSCredentials = *corsCredentials
	cfg.SharedLimits = *sharedLimits
	if *persistedOnly {
		if *persistedFile == "" {
			return usageError{"--persisted-only needs --persisted-queries FILE"}
		}
		qs, err := server.LoadPersistedQueries(*persistedFile)
		if err != nil {
			return err
		}
		cfg.PersistedOnly, cfg.PersistedQueries = true, qs
	}
	for _, o := range strings.Split(*corsOrigins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			cfg.CORSOrigins = append(cfg.CORSOrigins, o)
		}
	}
	for name, v := range map[string]int{"--max-cost": cfg.Limits.MaxCost, "--max-depth": cfg.Limits.MaxDepth, "--max-aliases": cfg.Limits.MaxAliases, "--max-predicates": cfg.Limits.MaxPredicates, "--max-filter-depth": cfg.Limits.MaxFilterDepth, "--max-list-length": cfg.Limits.MaxListLength, "--max-tokens": cfg.MaxTokens, "--max-variables-bytes": cfg.MaxVariablesBytes, "--rate-limit": cfg.Limits.PerHour, "--auth-failures": cfg.Limits.AuthFailuresPerHour, "--max-subscriptions-per-connection": cfg.Subscriptions.PerConnection, "--max-subscriptions-per-client": cfg.Subscriptions.PerClient, "--max-streams": cfg.Subscriptions.MaxStreams, "--max-streams-per-address": cfg.Subscriptions.MaxStreamsPerAddress} {
		if v < 0 {
			return usageError{fmt.Sprintf("%s must not be negative, got %d", name, v)}
		}
	}
	if cfg.MaxBodyBytes < 1024 || cfg.Timeout <= 0 {
		return usageError{"--max-body-bytes must be at least 1024 and --timeout positive"}
	}
	if cfg.Subscriptions.Queue < 1 || cfg.Subscriptions.Lifetime < 0 || cfg.Subscriptions.IdleTimeout < 0 {
		return usageError{"--subscription-queue must be at least 1, --subscription-lifetime and --subscription-idle-timeout not negative"}
	}
	if cfg.Subscriptions.InitTimeout <= 0 {
		return usageError{"--ws-init-timeout must be positive: without it a socket that never sends connection_init is held open"}
	}
	logger, err := newLogger(stderr, *logFormat)
	if err != nil {
		return err
	}
	// Each stream holds a file: past the limit, accept fails for every
	// client, so the cap on streams stays below it.
	fileLimit := raiseFileLimit(logger)
	if fitted := fitStreams(cfg.Subscriptions.MaxStreams, fileLimit); fitted != cfg.Subscriptions.MaxStreams {
		logger.Warn("--max-streams set to stay below the open-file limit", "asked", cfg.Subscriptions.MaxStreams, "max_streams", fitted, "file_limit", fileLimit)
		cfg.Subscriptions.MaxStreams = fitted
	}
	// Before the database is touched: a deployment refused here has not
	// been migrated or loaded either.
	if err := database.CheckDSN(*dsn); err != nil {
		return usageError{err.Error()}
	}
	if err := checkIDSecret(*dsn, *idSecret, *insecureSecret, logger); err != nil {
		return err
	}
	// The listener comes first, answering with a placeholder while the
	// database is waited for: /healthz says the process lives, /readyz
	// why it is not ready, the API 503 with Retry-After.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	var api swapHandler
	var status startStatus
	status.set("opening the database")
	api.set(server.Waiting(status.get))
	srv := &http.Server{
		Handler:           &api,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      cfg.Timeout + 30*time.Second,
		IdleTimeout:       120 * time.Second,
	}
	errc := make(chan error, 8)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("listening; opening the database", "addr", ln.Addr().String(), "db", database.Redact(*dsn))

	dbOpts.Logger = logger
	dbOpts.OnStatement = func(ctx context.Context, _ string) { reqctx.CountStatement(ctx) }
	db, err := waitForDatabase(ctx, *dsn, dbOpts, *dbWait, logger, &status)
	if err != nil {
		_ = srv.Close()
		if ctx.Err() != nil {
			logger.Info("shutting down while waiting for the database")
			return nil
		}
		return err
	}
	defer db.Close()
	// What the address resolved to, defaults and PG* variables included:
	// the database written to is never a guess.
	logger.Info("database opened", database.Describe(*dsn)...)

	cfg.Introspection = *introspection
	if *idSecret != "" {
		cfg.IDSecret = *idSecret
	}
	status.set("building the API")
	h, err := server.New(db, cfg, logger)
	if err != nil {
		_ = srv.Close()
		return err
	}
	// Shutdown waits for requests in flight, but a subscription's stream
	// never finishes by itself: end them all as shutdown begins.
	srv.RegisterOnShutdown(func() {
		if err := h.Close(); err != nil {
			logger.Warn("ending subscriptions", "err", err)
		}
	})
	// Profiles and metrics are served apart from the API, each on a
	// listener of its own, or on one when their addresses are the same.
	var sides []sideListener
	if *pprofAddr != "" {
		sides = mountSide(sides, *pprofAddr, "profiles", "/debug/pprof/", server.ProfilingHandler())
	}
	if *metricsAddr != "off" {
		sides = mountSide(sides, *metricsAddr, "metrics", "GET /metrics", h.Metrics())
	}
	for _, side := range sides {
		// Listening before the API announces itself: whoever reads that
		// line finds the profiles and metrics there too.
		sln, err := net.Listen("tcp", side.addr)
		if err != nil {
			_ = srv.Close()
			return fmt.Errorf("listen on %s for %s: %w", side.addr, side.what, err)
		}
		hs := &http.Server{Handler: side.mux, ReadHeaderTimeout: 10 * time.Second}
		defer hs.Close()
		logger.Info("serving "+side.what, "addr", sln.Addr().String())
		go func() {
			if err := hs.Serve(sln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("%s: %w", side.what, err)
			}
		}()
	}
	api.set(h)
	// The first line on stdout says where the API listens, once it
	// serves; with --addr 127.0.0.1:0 scripts and tests read the port
	// from it.
	fmt.Fprintf(stdout, "sscgraph listening on http://%s/graphql\n", ln.Addr())
	logger.Info("serving", "addr", ln.Addr().String(), "db", database.Redact(*dsn))

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// defaultMetricsAddr is where serve exposes its metrics unless told
// otherwise: on this machine only, on Prometheus's customary port range.
const defaultMetricsAddr = "127.0.0.1:9464"

// sideListener is a listener of serve's apart from the API's: what it
// serves (for logs and errors) and its handlers.
type sideListener struct {
	addr, what string
	mux        *http.ServeMux
}

// mountSide mounts h at pattern on the side listener for addr, adding one
// when no other handler is mounted on that address yet.
func mountSide(sides []sideListener, addr, what, pattern string, h http.Handler) []sideListener {
	for i := range sides {
		if sides[i].addr == addr {
			sides[i].mux.Handle(pattern, h)
			sides[i].what += " and " + what
			return sides
		}
	}
	mux := http.NewServeMux()
	mux.Handle(pattern, h)
	return append(sides, sideListener{addr: addr, what: what, mux: mux})
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
		stats, err := dataset.Load(ctx, db.Client, dataset.DemoSize(), dataset.DefaultSeed)
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
	stats, err := dataset.Load(ctx, db.Client, size, *seedValue)
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
	if err := parse(fs, args); err != nil {
		return err
	}
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
