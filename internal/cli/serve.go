package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"sscgraph/internal/database"
	"sscgraph/internal/gid"
	"sscgraph/internal/reqctx"
	"sscgraph/internal/server"
)

// serve runs the serve command: its flags (serve_flags.go), their checks
// (serve_validate.go), then the server's life (runServe).
func serve(ctx context.Context, args []string, getenv Getenv, stdout, stderr io.Writer) error {
	c, err := parseServeFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	if err := c.validate(); err != nil {
		return err
	}
	return runServe(ctx, c, getenv, stdout, stderr)
}

// runServe starts the API on checked flags and serves until ctx ends:
// listener first, then the database, the API and the side listeners, and
// a graceful shutdown.
func runServe(ctx context.Context, c *serveConfig, getenv Getenv, stdout, stderr io.Writer) error {
	if getenv("GOGC") == "" {
		// The live heap is small (tens of MB) and requests allocate fast,
		// so Go's default (collect when the heap doubles) ran the collector
		// about 20 times a second and spent a sixth of the CPU time in it
		// (pprof, 50-country pages). Collecting when it grows fivefold
		// gave 23% more requests per second; GOGC set in the environment
		// still decides.
		debug.SetGCPercent(DefaultGCPercent)
	}
	logger, err := newLogger(stderr, c.logFormat)
	if err != nil {
		return err
	}
	// Each stream holds a file: past the limit, accept fails for every
	// client, so the cap on streams stays below it.
	fileLimit := raiseFileLimit(logger)
	if fitted := fitStreams(c.server.Subscriptions.MaxStreams, fileLimit); fitted != c.server.Subscriptions.MaxStreams {
		logger.Warn("--max-streams set to stay below the open-file limit", "asked", c.server.Subscriptions.MaxStreams, "max_streams", fitted, "file_limit", fileLimit)
		c.server.Subscriptions.MaxStreams = fitted
	}
	// Before the database is touched: a deployment refused here has not
	// been migrated or loaded either.
	if err := database.CheckDSN(c.dsn); err != nil {
		return usageError{err.Error()}
	}
	if err := checkReplicas(c.dsn, c.db); err != nil {
		return err
	}
	if err := checkIDSecret(c.dsn, c.idSecret, c.insecureSecret, logger); err != nil {
		return err
	}
	if c.idSecret != "" {
		c.server.IDSecret = c.idSecret
	}
	// Migrations that rewrite stored IDs read them with the secret the
	// API will serve.
	codec, err := server.NewCodec(c.server.IDSecret)
	if err != nil {
		return err
	}
	// The listener comes first, answering with a placeholder while the
	// database is waited for: /healthz says the process lives, /readyz
	// why it is not ready, the API 503 with Retry-After.
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.addr, err)
	}
	var api swapHandler
	var status startStatus
	status.set("opening the database")
	api.set(server.Waiting(status.get))
	srv := &http.Server{
		Handler:           &api,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      c.server.Timeout + 30*time.Second,
		IdleTimeout:       120 * time.Second,
	}
	errc := make(chan error, 8)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("listening; opening the database", "addr", ln.Addr().String(), "db", database.Redact(c.dsn))

	c.db.Logger = logger
	c.db.OnStatement = func(ctx context.Context, _ string) { reqctx.CountStatement(ctx) }
	db, err := waitForDatabase(gid.NewContext(ctx, codec), c.dsn, c.db, c.dbWait, logger, &status)
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
	logger.Info("database opened", database.Describe(c.dsn)...)
	for _, r := range db.Replicas() {
		logger.Info("read replica", "replica", r.Name, "in_rotation", r.Healthy)
	}

	c.server.Introspection = c.introspection
	status.set("building the API")
	h, err := server.New(db, c.server, logger)
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
	if c.pprofAddr != "" {
		sides = mountSide(sides, c.pprofAddr, "profiles", "/debug/pprof/", server.ProfilingHandler())
	}
	if c.metricsAddr != "off" {
		sides = mountSide(sides, c.metricsAddr, "metrics", "GET /metrics", h.Metrics())
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
	// The webhook outbox is delivered by this process while it serves
	// (internal/webhooks); what is in flight when it stops is sent again.
	stopWebhooks, err := startWebhooks(ctx, db, c, codec, logger)
	if err != nil {
		_ = srv.Close()
		return err
	}
	defer stopWebhooks()
	api.set(h)
	// The first line on stdout says where the API listens, once it
	// serves; with --addr 127.0.0.1:0 scripts and tests read the port
	// from it.
	fmt.Fprintf(stdout, "sscgraph listening on http://%s/graphql\n", ln.Addr())
	logger.Info("serving", "addr", ln.Addr().String(), "db", database.Redact(c.dsn))

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

// replicaFlag is --db-replica: each use adds an address; the first
// replaces those of SSCGRAPH_DB_REPLICAS.
type replicaFlag struct {
	list *[]string
	set  bool
}

func (f *replicaFlag) String() string {
	if f == nil || f.list == nil {
		return ""
	}
	return strings.Join(*f.list, ",")
}

func (f *replicaFlag) Set(v string) error {
	if !f.set {
		*f.list = nil
		f.set = true
	}
	*f.list = append(*f.list, v)
	return nil
}

// envList reads a comma-separated environment variable; empty entries
// are dropped.
func envList(getenv Getenv, key string) []string {
	var out []string
	for _, v := range strings.Split(getenv(key), ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// checkReplicas refuses read replicas that cannot serve: a SQLite --db
// has none, and each must be a PostgreSQL address naming its database.
func checkReplicas(dsn string, opts database.Options) error {
	if len(opts.Replicas) == 0 {
		return nil
	}
	if !database.IsPostgres(dsn) {
		return usageError{"--db-replica needs a PostgreSQL --db: a SQLite file has no streaming standbys"}
	}
	if opts.ReplicaMaxLag <= 0 {
		return usageError{fmt.Sprintf("--replica-max-lag is %s: give a positive duration", opts.ReplicaMaxLag)}
	}
	for _, r := range opts.Replicas {
		if !database.IsPostgres(r) {
			return usageError{fmt.Sprintf("--db-replica %s is not a PostgreSQL address", database.Redact(r))}
		}
		if err := database.CheckDSN(r); err != nil {
			return usageError{"--db-replica: " + err.Error()}
		}
	}
	return nil
}
