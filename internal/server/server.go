// Package server builds sscgraph's HTTP handler: the GraphQL endpoint,
// GraphiQL and the health check, from an ent client and a configuration,
// and the handler of its metrics, which is served apart. cmd/sscgraph and
// the tests build the server the same way.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/ent"
	"sscgraph/graph"
	"sscgraph/internal/apierr"
	"sscgraph/internal/apq"
	"sscgraph/internal/auth"
	"sscgraph/internal/dashboard"
	"sscgraph/internal/database"
	"sscgraph/internal/export"
	"sscgraph/internal/gid"
	"sscgraph/internal/graphiql"
	"sscgraph/internal/limits"
	"sscgraph/internal/migrations"
	"sscgraph/internal/pubsub"
	"sscgraph/internal/reqctx"
	"sscgraph/internal/tablesize"
	"sscgraph/internal/tracing"
	"sscgraph/internal/webhooks"
)

// Config is what the HTTP layer needs to know.
type Config struct {
	// IDSecret keys the global-ID codec (see package gid). With the
	// built-in gid.DefaultSecret anyone who reads the source can decode
	// IDs into row numbers and forge IDs, so deployments set their own
	// (`serve --id-secret`, which refuses to start on PostgreSQL without).
	//
	// Rotating it changes every ID the API hands out: IDs and cursors that
	// clients stored stop resolving, and must be fetched again (by the
	// natural keys, codes and the like). API keys do not depend on it;
	// they rotate by creating a new key, moving clients to it, then
	// revoking the old one.
	IDSecret string
	// WebhookAllowPrivate lets createWebhook register loopback, private
	// and link-local addresses (serve --webhook-allow-private; tests).
	WebhookAllowPrivate bool
	// OIDC, when set, accepts the identity provider's tokens beside API
	// keys (`serve --oidc-issuer`); auth.NewOIDC has read its discovery.
	OIDC *auth.OIDC
	// MaxBodyBytes bounds a request body.
	MaxBodyBytes int64
	// MaxResponseBytes bounds the text (the strings) of one response,
	// each event of a subscription included; past it the response stops
	// with LIMIT_EXCEEDED instead of growing. 0 turns the limit off.
	MaxResponseBytes int64
	// MaxVariablesBytes bounds the JSON text of a request's variables,
	// which the token limit does not see.
	MaxVariablesBytes int
	// QueryCacheSize is how many parsed and validated documents are kept.
	QueryCacheSize int
	// Introspection serves __schema and __type. When it is off, error
	// messages stop suggesting field names too, so that the schema cannot
	// be guessed from them.
	Introspection bool
	// Limits on each operation and the rate limit per client.
	Limits limits.Config
	// MaxTokens bounds the lexical tokens of a query document.
	MaxTokens int
	// Timeout bounds the execution of one request.
	Timeout time.Duration
	// CORSOrigins may call the API from a browser; none by default.
	CORSOrigins []string
	// CORSCredentials lets browsers send cookies and auth with CORS requests.
	CORSCredentials bool
	// APQCacheSize is how many automatic persisted queries are kept.
	APQCacheSize int
	// SharedLimits keeps the rate-limit buckets and the automatic
	// persisted queries in the database on PostgreSQL, so that replicas
	// share them: one upsert per request (BenchmarkRateLimit). Off, each
	// process keeps its own, which is right for a single replica.
	SharedLimits bool
	// PersistedOnly runs only the queries in PersistedQueries (by hash or
	// text); automatic persisted queries are then off.
	PersistedOnly    bool
	PersistedQueries map[string]string
	// Subscriptions bounds the subscriptions served over WebSocket and
	// server-sent events.
	Subscriptions SubscriptionLimits
	// PoolWait is how long a GraphQL request waits for its turn at the
	// database pool (whose size is the database's MaxConns) before it is
	// answered 503 POOL_EXHAUSTED; 0 lets it wait until its timeout.
	PoolWait time.Duration
	// MaxInFlightPerClient is how many GraphQL requests over HTTP one
	// client (API key, or address without a key) may have running at
	// once; more are answered 429 LIMIT_EXCEEDED at once, so that one
	// client cannot hold the database pool. 0 takes half the requests the
	// pool admits (at least one); negative turns the cap off.
	MaxInFlightPerClient int
	// TableSizes are the row counts by which filters, statistics and
	// searches are priced; nil counts the database's tables, refreshed
	// every minute (package tablesize).
	TableSizes graph.TableSizes
	// Answers sets the cache of public answers (package answercache).
	Answers AnswerCacheConfig
	// Tracer records a span per request and per resolver that runs SQL
	// (package tracing; give the database's Options the same one for
	// the statements); nil records none.
	Tracer *tracing.Tracer
}

// SubscriptionLimits bound subscriptions; 0 turns a limit off.
type SubscriptionLimits struct {
	// PerConnection is the most subscriptions open at once on one
	// WebSocket connection (an event stream carries one).
	PerConnection int
	// PerClient is the most open at once, in one process, for one API
	// key, or for one address without a key.
	PerClient int
	// Lifetime is the longest one subscription lasts before the server
	// ends it (the client subscribes again). The key's rights are read
	// when a subscription starts, so it also bounds how long a revoked
	// key keeps receiving events.
	Lifetime time.Duration
	// IdleTimeout closes a WebSocket connection that has had no
	// subscription for that long.
	IdleTimeout time.Duration
	// Queue is how many events a subscriber may fall behind before it is
	// dropped.
	Queue int
	// MaxStreams is the most WebSocket connections and event streams
	// open at once in the process; one more is answered 503. Each holds
	// a file, so it must stay below the process's file limit (serve
	// lowers it to fit).
	MaxStreams int
	// MaxStreamsPerAddress is the most open at once from one client
	// address; one more is answered 429.
	MaxStreamsPerAddress int
	// InitTimeout closes a WebSocket that has not sent connection_init
	// within it; 0 keeps the built-in wsInitTimeout.
	InitTimeout time.Duration
}

// DefaultConfig returns the settings `serve` starts with.
func DefaultConfig() Config {
	return Config{
		IDSecret:     gid.DefaultSecret,
		MaxBodyBytes: 1 << 20,
		// A thousand IDs in idIn take about 40 KB.
		MaxVariablesBytes: 64 << 10,
		// Some 800 descriptions at their 20,000-character maximum; a
		// page of 100 nodes with every text field fits many times over.
		MaxResponseBytes: 16 << 20,
		QueryCacheSize:   1000,
		Introspection:    true,
		Limits: limits.Config{
			// Measured (BenchmarkCostShapes, README "Limits"): requests of
			// this cost take 60-80 ms when they return as many nodes as
			// they may, and 0.4-0.75 s in the slowest shape, pages of each
			// parent's children ordered by a field without an index.
			// Filters, statistics and searches also pay the rows they
			// read (graph/price.go): over 1,000 generated queries at
			// scale 1 the slowest accepted took 0.63 s on SQLite
			// (TestGeneratedQueriesBounded, docs/performance.md).
			MaxCost:    50_000,
			MaxDepth:   16,
			MaxAliases: 15,
			PerHour:    500_000,
			// A client with a mistyped key retries a few times; a
			// scanner guessing keys sends thousands.
			AuthFailuresPerHour: 500,
			// Far above what the dashboards, the journalists' exports
			// and the Match frontend send (a few dozen conditions, three
			// levels), far below what makes SQLite refuse a statement
			// ("Expression tree is too large" near 1,000 levels).
			MaxPredicates:  200,
			MaxFilterDepth: 8,
			MaxListLength:  graph.MaxPageSize,
		},
		MaxTokens:    1000,
		APQCacheSize: 1000,
		Answers: AnswerCacheConfig{
			// A dashboard's answers are a few KB to a few hundred: 64 MB
			// holds thousands of them.
			MaxBytes: 64 << 20,
			MaxAge:   time.Minute,
			// Browsers and proxies keep an answer a few seconds, and may
			// serve it as long again while they fetch a new one.
			HTTPMaxAge: 5 * time.Second,
		},
		SharedLimits: true,
		Timeout:      10 * time.Second,
		// Long enough for a burst to queue behind the pool, short enough
		// that the client hears "busy, retry" well before its timeout.
		PoolWait: 3 * time.Second,
		Subscriptions: SubscriptionLimits{
			// A page of the Match frontend follows a few things at once
			// (new offers, its matches, a need's suggestions); ten leaves
			// room, and bounds what one socket makes the server hold.
			PerConnection: 10,
			// A client with a few tabs or workers, each a connection.
			PerClient: 100,
			// Long enough that clients rarely resubscribe (a revoked or
			// expired key's subscriptions end within seconds anyway).
			Lifetime:    time.Hour,
			IdleTimeout: 5 * time.Minute,
			Queue:       pubsub.DefaultBuffer,
			// Below the 1,024 files a process is commonly allowed, with
			// room for the database pool, listeners and plain requests.
			MaxStreams: 800,
			// Several tabs and workers of an office behind one NAT
			// address, far from what exhausts the server.
			MaxStreamsPerAddress: 50,
			// A client sends connection_init as soon as it connects.
			InitTimeout: 5 * time.Second,
		},
	}
}

// Server is the whole API over a database: as an http.Handler it serves
// GraphQL at /graphql, GraphiQL at /, /healthz and /readyz. Its metrics are
// served by Metrics, on another address.
type Server struct {
	codec   *gid.Codec
	api     http.Handler
	metrics http.Handler
	streams *streams
	events  pubsub.Broker
	// stopAnswers ends the answer cache's following of writes.
	stopAnswers context.CancelFunc
}

// Close ends every subscription and its stream (WebSocket connections,
// event streams) and stops listening for events. `serve` calls it when it
// begins to shut down: http.Server.Shutdown would otherwise wait for the
// event streams until its deadline, and not close WebSockets at all.
func (s *Server) Close() error {
	s.streams.stop()
	s.stopAnswers()
	if err := s.events.Close(); err != nil {
		return fmt.Errorf("closing the event broker: %w", err)
	}
	return nil
}

// Codec returns the codec of the server's IDs (its Config.IDSecret).
func (s *Server) Codec() *gid.Codec { return s.codec }

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.api.ServeHTTP(w, r)
}

// Metrics returns the handler of the Prometheus metrics (any path). It is
// not part of the API's handler: the series name the operations that
// keyed clients run and show the load, which is for the operators, so
// `serve` mounts it at /metrics on a listener of its own (--metrics-addr),
// by default on the loopback interface.
func (s *Server) Metrics() http.Handler { return s.metrics }

// New returns the whole API over db.
func New(db *database.DB, cfg Config, logger *slog.Logger) (*Server, error) {
	registerErrorKinds()
	// Failures that follow from a client's leaving are logged at INFO.
	logger = slog.New(reqctx.ClientGoneLogs(logger.Handler()))
	client := db.Client
	codec, err := NewCodec(cfg.IDSecret)
	if err != nil {
		return nil, err
	}

	events, err := newBroker(db, cfg, logger)
	if err != nil {
		return nil, err
	}
	// Events carry this process's name, so that it can tell its own from
	// other processes' when they come back through NOTIFY.
	origin, err := newOrigin()
	if err != nil {
		return nil, err
	}
	events = pubsub.WithOrigin(events, origin)
	// Writes publish their events once they commit (see pubsub.Register).
	pubsub.Register(client, events, logger)
	lim := limits.New(cfg.Limits, bucketStore(db, cfg), logger)
	// Keys are read on the primary: one just created works at once.
	keys := auth.NewKeys(db.PrimaryClient())
	if cfg.OIDC != nil {
		keys.UseOIDC(cfg.OIDC)
	}

	// Webhook signing secrets are stored sealed under the ID secret.
	sealer, err := webhooks.NewSealer(cfg.IDSecret)
	if err != nil {
		return nil, err
	}
	gql := handler.New(graph.NewSchemaWithWebhooks(client, graph.WebhookOptions{AllowPrivate: cfg.WebhookAllowPrivate, Sealer: sealer}))
	gql.AddTransport(transport.Options{})
	// The streams first: httpTransport takes every GET and POST.
	// WebSockets opened with a key are closed when it is revoked or
	// expires (watchEndedKeys).
	keyed := newKeyedConns()
	ws := newWSTransport(cfg.CORSOrigins, cfg.MaxBodyBytes, trackKeyed(keyed, wsInit(keys, lim, logger)))
	if cfg.Subscriptions.InitTimeout > 0 {
		ws.InitTimeout = cfg.Subscriptions.InitTimeout
	}
	gql.AddTransport(ws)
	gql.AddTransport(newSSETransport(cfg.MaxVariablesBytes))
	gql.AddTransport(httpTransport{maxVariablesBytes: cfg.MaxVariablesBytes, httpMaxAge: cfg.Answers.HTTPMaxAge})
	gql.SetQueryCache(lru.New[*ast.QueryDocument](cfg.QueryCacheSize))
	gql.SetValidationRulesFn(graph.ValidationRules(codec))
	if cfg.Introspection {
		gql.Use(extension.Introspection{})
	} else {
		gql.SetDisableSuggestion(true)
	}
	switch {
	case cfg.PersistedOnly:
		gql.Use(allowList{queries: cfg.PersistedQueries})
	case cfg.APQCacheSize > 0:
		apqCache, err := persistedQueryCache(db, cfg, logger)
		if err != nil {
			return nil, err
		}
		gql.Use(extension.AutomaticPersistedQuery{Cache: apqCache})
	}
	if ext := cfg.Tracer.Extension(); ext != nil {
		gql.Use(ext)
	}
	// NUL in any string and Ints past 32 bits are refused before the
	// checks and the database see them.
	gql.Use(&graph.InputValues{})
	sizes := cfg.TableSizes
	if sizes == nil {
		sizes = tablesize.New(context.Background(), db.SQL, db.Dialect, tablesize.DefaultRefresh, logger)
	}
	// Before the checks, which charge a cached answer less than its price.
	ansCtx, stopAnswers := context.WithCancel(context.Background())
	writes := newWriteAnnouncer(ansCtx, client, events, logger)
	var ans *answers
	if cfg.Answers.MaxBytes > 0 {
		ans = newAnswers(ansCtx, cfg.Answers, db, events, writes, origin, logger)
		gql.Use(ans)
	}
	gql.Use(&graph.Checks{Limits: lim, Sizes: sizes})
	// Outside the transaction, so that a mutation whose answer is too
	// large is rolled back like any failed one.
	gql.Use(responseBudget{max: cfg.MaxResponseBytes})
	// Outside the transaction, so that it sees the mutation committed:
	// a client's reads after its write see it (readyourwrites.go).
	gql.Use(newReadYourWrites(db, logger))
	// Each mutation runs in one transaction that resolvers reach through
	// ent.FromContext: a failure anywhere rolls all of it back.
	gql.Use(graph.Transactions{Opener: client, Client: client, Logger: logger})
	// Batch loaders per root field of a query or mutation (an activity
	// page's beneficiaries in one statement); subscriptions read afresh.
	gql.Use(graph.Loaders{Client: client})
	// The GeoJSON export reads its filter as the API coerced it.
	gql.Use(export.WhereCapture{})
	// Subscriptions are admitted against their limits, then served.
	gql.Use(&subscriptionGate{limits: cfg.Subscriptions, timeout: cfg.Timeout, maxVariablesBytes: cfg.MaxVariablesBytes, clients: map[string]int{}})
	gql.Use(&graph.Subscriptions{Events: events, Logger: logger, Lifetime: cfg.Subscriptions.Lifetime, EventTimeout: cfg.Timeout})
	if cfg.MaxTokens > 0 {
		gql.SetParserTokenLimit(cfg.MaxTokens)
	}
	gql.SetErrorPresenter(graph.PresentError(logger))
	gql.SetRecoverFunc(graph.Recover(logger))

	m := newMetrics(db.SQL, cfg.PersistedOnly)
	m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "sscgraph_subscriptions",
		Help: "Subscriptions open in this process and listening for events.",
	}, func() float64 { return float64(events.Subscribers() - ans.following()) }), prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "sscgraph_database_circuit_open",
		Help: "1 while the database is taken to be gone (requests are answered 503 until a probe finds it back), else 0.",
	}, func() float64 {
		if db.Health.Open() {
			return 1
		}
		return 0
	}))
	if ans != nil {
		registerAnswerMetrics(m.registry, ans)
	}
	registerReplicaMetrics(m.registry, db)
	st := newStreams(cfg.Subscriptions)
	go watchEndedKeys(st.shutdown, keys, events, keyed, logger)
	// A client's requests beyond its cap wait for its own to end before
	// they queue for the pool: they hold none of its room meanwhile.
	clientWait := cfg.PoolWait
	if clientWait <= 0 {
		clientWait = cfg.Timeout
	}
	// The middlewares, innermost first. A request is turned away with 503
	// while the database is gone, or when the pool stays busy past
	// cfg.PoolWait; a client is known (withAuth) before its cap applies.
	var api http.Handler = limitBody(cfg.MaxBodyBytes, gql)
	api = withTimeout(cfg.Timeout, api)
	api = withIdempotencyKey(api)
	api = st.handler(api)
	api = newAdmission(db.MaxConns, cfg.PoolWait).handler(api)
	api = newInFlight(inFlightCap(cfg, db.MaxConns), clientWait).handler(api)
	api = withAuth(keys, lim, logger, api)
	api = whenDatabaseUp(db.Health, api)
	api = observe(logger, m, api)
	api = cfg.Tracer.Handler(api)
	api = withRequestInfo(api)
	if len(cfg.CORSOrigins) > 0 {
		api = cors.New(cors.Options{
			AllowedOrigins:   cfg.CORSOrigins,
			AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodOptions},
			AllowedHeaders:   []string{"Content-Type", "Accept", "Authorization", "X-Request-ID", idempotencyHeader},
			ExposedHeaders:   []string{"X-Request-ID", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Used", "Retry-After"},
			AllowCredentials: cfg.CORSCredentials,
			MaxAge:           600,
		}).Handler(api)
	}

	mux := http.NewServeMux()
	if err := graphiQL(mux, "sscgraph", "/graphql"); err != nil {
		stopAnswers()
		return nil, err
	}
	mux.Handle("GET "+dashboard.Prefix, dashboard.Handler())
	mux.Handle("/graphql", api)
	// Exports are series of GraphQL page queries through gql, behind the
	// same request info, logging, authentication and rate limit as /graphql;
	// each page has the request timeout, the whole export a longer one.
	exports := export.New(gql, db, export.Options{MaxCost: cfg.Limits.MaxCost, PageTimeout: cfg.Timeout}, logger)
	mux.Handle("/export/", withRequestInfo(cfg.Tracer.Handler(observe(logger, m, whenDatabaseUp(db.Health, withAuth(keys, lim, logger, exports))))))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /readyz", readiness(func(ctx context.Context) error {
		if err := db.SQL.PingContext(ctx); err != nil {
			return fmt.Errorf("database does not answer")
		}
		pending, err := migrations.Pending(ctx, db.SQL, db.Dialect)
		if err != nil {
			return fmt.Errorf("cannot read migration state")
		}
		if pending {
			return fmt.Errorf("migrations are pending")
		}
		return nil
	}))
	// Every request (GraphQL over each transport, exports) carries the
	// codec: IDs are written and read with this server's secret, whatever
	// other servers run in the process.
	return &Server{codec: codec, api: withCodec(codec, withSecurityHeaders(mux)), metrics: withSecurityHeaders(m.handler()), streams: st, events: events, stopAnswers: stopAnswers}, nil
}

// newBroker carries events between the writes and the subscriptions of
// every process serving db: through PostgreSQL's NOTIFY, which several
// replicas share, or in this process on SQLite, which one process serves.
func newBroker(db *database.DB, cfg Config, logger *slog.Logger) (pubsub.Broker, error) {
	if db.Dialect != "postgres" {
		return pubsub.NewLocal(cfg.Subscriptions.Queue), nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := pubsub.NewPostgres(ctx, db.SQL, cfg.Subscriptions.Queue, logger)
	if err != nil {
		return nil, fmt.Errorf("event broker: %w", err)
	}
	return b, nil
}

// graphiQL serves GraphiQL from the binary (package graphiql): its page
// at /, confined by a Content-Security-Policy, and the scripts and style
// sheets it loads at graphiql.Prefix. Nothing comes from a CDN, so the
// page works on an intranet or offline.
func graphiQL(mux *http.ServeMux, title, endpoint string) error {
	page, err := graphiql.New(title, endpoint)
	if err != nil {
		return fmt.Errorf("building the GraphiQL page: %w", err)
	}
	mux.Handle("GET /{$}", page)
	mux.Handle("GET "+graphiql.Prefix, page.Assets())
	return nil
}

// withCodec puts codec in the context of every request.
func withCodec(codec *gid.Codec, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(gid.NewContext(r.Context(), codec)))
	})
}

// NewCodec returns the global-ID codec for secret over the model's types.
func NewCodec(secret string) (*gid.Codec, error) {
	starts, err := ent.NodeTypeStarts()
	if err != nil {
		return nil, fmt.Errorf("reading node types: %w", err)
	}
	codec, err := gid.NewCodec(secret, starts)
	if err != nil {
		return nil, fmt.Errorf("building ID codec: %w", err)
	}
	return codec, nil
}

// limitBody refuses methods the endpoint does not serve and bodies larger
// than n bytes, before gqlgen reads them.
func limitBody(n int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodPost, http.MethodOptions:
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			w.Header().Set("Content-Type", mediaJSON)
			writeErrors(w, http.StatusMethodNotAllowed, gqlerror.List{codeError(apierr.BadRequest,
				fmt.Sprintf("method %s is not allowed: use GET or POST", r.Method))}, nil)
			return
		}
		if r.ContentLength > n {
			w.Header().Set("Content-Type", mediaJSON)
			writeErrors(w, http.StatusRequestEntityTooLarge, gqlerror.List{codeError(apierr.BadRequest,
				fmt.Sprintf("the request body is larger than %d bytes", n))}, nil)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next.ServeHTTP(w, r)
	})
}

// bucketStore keeps the rate-limit buckets where every process serving db
// finds them: in PostgreSQL, which several replicas share, so that the
// published limit holds whichever replica answers; in memory on SQLite,
// which one process serves (nil: limits.New's default).
func bucketStore(db *database.DB, cfg Config) limits.Store {
	if db.Dialect == "postgres" && cfg.SharedLimits && cfg.Limits.PerHour > 0 {
		store := limits.NewPostgres(db.SQL, cfg.Limits.PerHour)
		store.Retry = db.Retry
		return store
	}
	return nil
}

// persistedQueryCache keeps automatic persisted queries in PostgreSQL for
// the same reason (a query registered with one replica runs on all), and
// in memory on SQLite.
func persistedQueryCache(db *database.DB, cfg Config, logger *slog.Logger) (graphql.Cache[string], error) {
	size := cfg.APQCacheSize
	if db.Dialect == "postgres" && cfg.SharedLimits {
		c, err := apq.NewPostgres(db.SQL, size, logger)
		if err != nil {
			return nil, fmt.Errorf("persisted query cache: %w", err)
		}
		return c, nil
	}
	return lru.New[string](size), nil
}
