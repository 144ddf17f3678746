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
	"syscall"
	"time"

	"sscgraph/internal/auth"
	"sscgraph/internal/database"
	"sscgraph/internal/gid"
	"sscgraph/internal/reqctx"
	"sscgraph/internal/server"
	"sscgraph/internal/tracing"
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
	if c.oidc.Issuer != "" {
		// Before listening: a server that would refuse every token says
		// so at once, naming the discovery URL it could not read.
		if c.server.OIDC, err = auth.NewOIDC(ctx, c.oidc); err != nil {
			return err
		}
		logger.Info("accepting OpenID Connect tokens", "issuer", c.oidc.Issuer, "audience", c.oidc.Audience)
	}
	// Migrations that rewrite stored IDs read them with the secret the
	// API will serve.
	codec, err := server.NewCodec(c.server.IDSecret)
	if err != nil {
		return err
	}
	// Before any listener or the database: a missing directory or a
	// read-only one, said in plain words.
	if err := checkSQLitePath(c.dsn); err != nil {
		return err
	}
	tracer, stopTracing, err := tracing.Setup(ctx, tracing.Settings{Endpoint: c.otelEndpoint, Getenv: getenv, Logger: logger})
	if err != nil {
		return usageError{err.Error()}
	}
	// Last: the spans of the requests that shutdown waited for are sent.
	defer func() {
		flushCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := stopTracing(flushCtx); err != nil {
			logger.Warn("flushing traces", "err", err)
		}
	}()
	c.db.Tracer, c.server.Tracer = tracer, tracer
	// Every listener is bound before the database is touched: an address
	// already taken (a second sscgraph on the defaults) fails at once,
	// not after loading the data. The API answers with a placeholder
	// while the database is waited for: /healthz says the process lives,
	// /readyz why it is not ready, the API 503 with Retry-After.
	ln, err := listen(c.addr, "--addr")
	if err != nil {
		return err
	}
	// Profiles and metrics are served apart from the API, each on a
	// listener of its own, or on one when their addresses are the same.
	// Metrics answer 503 until the API that counts them is built.
	var status startStatus
	var metrics swapHandler
	metrics.set(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "starting: "+status.get(), http.StatusServiceUnavailable)
	}))
	var sides []sideListener
	if c.pprofAddr != "" {
		sides = mountSide(sides, c.pprofAddr, "--pprof-addr", "profiles", "/debug/pprof/", server.ProfilingHandler())
	}
	if c.metricsAddr != "off" {
		sides = mountSide(sides, c.metricsAddr, "--metrics-addr", "metrics", "GET /metrics", &metrics)
	}
	var sideLns []net.Listener
	closeAll := func() {
		for _, l := range sideLns {
			_ = l.Close()
		}
	}
	for _, side := range sides {
		sln, err := listen(side.addr, side.flags...)
		if err != nil {
			_ = ln.Close()
			closeAll()
			return err
		}
		sideLns = append(sideLns, sln)
	}
	var api swapHandler
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
	for i, side := range sides {
		hs := &http.Server{Handler: side.mux, ReadHeaderTimeout: 10 * time.Second}
		defer hs.Close()
		logger.Info("serving "+side.what, "addr", sideLns[i].Addr().String())
		go func() {
			if err := hs.Serve(sideLns[i]); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("%s: %w", side.what, err)
			}
		}()
	}
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
	metrics.set(h.Metrics())
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
	fmt.Fprintln(stdout, openLine(ln.Addr()))
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
// serves (for logs and errors), the flags that set its address, and its
// handlers.
type sideListener struct {
	addr, what string
	flags      []string
	mux        *http.ServeMux
}

// mountSide mounts h at pattern on the side listener for addr, adding one
// when no other handler is mounted on that address yet; flag is the flag
// that put it there.
func mountSide(sides []sideListener, addr, flag, what, pattern string, h http.Handler) []sideListener {
	for i := range sides {
		if sides[i].addr == addr {
			sides[i].mux.Handle(pattern, h)
			sides[i].what += " and " + what
			sides[i].flags = append(sides[i].flags, flag)
			return sides
		}
	}
	mux := http.NewServeMux()
	mux.Handle(pattern, h)
	return append(sides, sideListener{addr: addr, what: what, flags: []string{flag}, mux: mux})
}

// listen binds addr, which the first of flags set. When it cannot, the
// error names the address and the flags that move it: an address in use
// is most often a second sscgraph started on the defaults.
func listen(addr string, flags ...string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		return ln, nil
	}
	var moves []string
	for _, f := range flags {
		if f == "" {
			continue
		}
		m := "choose another with " + f
		if f == "--metrics-addr" {
			m += ", or " + f + " off"
		}
		moves = append(moves, m)
	}
	fix := strings.Join(moves, "; ")
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("%s %s is in use (another sscgraph?): %s", flags[0], addr, fix)
	}
	return nil, fmt.Errorf("%s %s: cannot listen: %w; %s", flags[0], addr, err, fix)
}

// openLine is the line serve prints for people after the listen line:
// the pages to open in a browser. An address on every interface ([::],
// 0.0.0.0) is reached as localhost on this machine.
func openLine(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "open http://" + addr.String() + "/"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	base := "http://" + net.JoinHostPort(host, port)
	return fmt.Sprintf("open %s/ (GraphiQL, to write queries), %s/dashboard/ (dashboard); the API is %s/graphql", base, base, base)
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
