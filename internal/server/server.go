// Package server builds sscgraph's HTTP handler: the GraphQL endpoint,
// GraphiQL and the health check, from an ent client and a configuration.
// cmd/sscgraph and the tests build the server the same way.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/ent"
	"sscgraph/graph"
	"sscgraph/internal/apierr"
	"sscgraph/internal/auth"
	"sscgraph/internal/database"
	"sscgraph/internal/gid"
	"sscgraph/internal/limits"
	"sscgraph/internal/migrations"
)

// Config is what the HTTP layer needs to know.
type Config struct {
	// IDSecret keys the global-ID codec (see package gid).
	IDSecret string
	// MaxBodyBytes bounds a request body.
	MaxBodyBytes int64
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
	// PersistedOnly runs only the queries in PersistedQueries (by hash or
	// text); automatic persisted queries are then off.
	PersistedOnly    bool
	PersistedQueries map[string]string
}

// DefaultConfig returns the settings `serve` starts with.
func DefaultConfig() Config {
	return Config{
		IDSecret:     gid.DefaultSecret,
		MaxBodyBytes: 1 << 20,
		// A thousand IDs in idIn take about 40 KB.
		MaxVariablesBytes: 64 << 10,
		QueryCacheSize:    1000,
		Introspection:     true,
		Limits: limits.Config{
			// Measured (BenchmarkCostShapes, README "Limits"): requests of
			// this cost take 60-80 ms when they return as many nodes as
			// they may, and 0.4-0.75 s in the slowest shape, pages of each
			// parent's children ordered by a field without an index.
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
		Timeout:      10 * time.Second,
	}
}

// New returns the HTTP handler of the whole API over db.
func New(db *database.DB, cfg Config, logger *slog.Logger) (http.Handler, error) {
	client := db.Client
	codec, err := NewCodec(cfg.IDSecret)
	if err != nil {
		return nil, err
	}
	gid.Use(codec)

	gql := handler.New(graph.NewSchema(client))
	gql.AddTransport(transport.Options{})
	gql.AddTransport(httpTransport{maxVariablesBytes: cfg.MaxVariablesBytes})
	gql.SetQueryCache(lru.New[*ast.QueryDocument](cfg.QueryCacheSize))
	gql.SetValidationRulesFn(graph.ValidationRules)
	if cfg.Introspection {
		gql.Use(extension.Introspection{})
	} else {
		gql.SetDisableSuggestion(true)
	}
	switch {
	case cfg.PersistedOnly:
		gql.Use(allowList{queries: cfg.PersistedQueries})
	case cfg.APQCacheSize > 0:
		gql.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](cfg.APQCacheSize)})
	}
	lim := limits.New(cfg.Limits, nil, logger)
	gql.Use(&graph.Checks{Limits: lim})
	// Each mutation runs in one transaction that resolvers reach through
	// ent.FromContext: a failure anywhere rolls all of it back.
	gql.Use(graph.Transactions{Opener: client, Logger: logger})
	if cfg.MaxTokens > 0 {
		gql.SetParserTokenLimit(cfg.MaxTokens)
	}
	gql.SetErrorPresenter(graph.PresentError(logger))
	gql.SetRecoverFunc(graph.Recover(logger))

	m := newMetrics(db.SQL)
	keys := auth.NewKeys(client)
	api := withRequestInfo(observe(logger, m, withAuth(keys, lim, logger, withTimeout(cfg.Timeout, limitBody(cfg.MaxBodyBytes, gql)))))
	if len(cfg.CORSOrigins) > 0 {
		api = cors.New(cors.Options{
			AllowedOrigins:   cfg.CORSOrigins,
			AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodOptions},
			AllowedHeaders:   []string{"Content-Type", "Accept", "Authorization", "X-Request-ID"},
			ExposedHeaders:   []string{"X-Request-ID", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Used", "Retry-After"},
			AllowCredentials: cfg.CORSCredentials,
			MaxAge:           600,
		}).Handler(api)
	}

	mux := http.NewServeMux()
	mux.Handle("GET /{$}", playground.Handler("sscgraph", "/graphql"))
	mux.Handle("/graphql", api)
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
	mux.Handle("GET /metrics", m.handler())
	return mux, nil
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
