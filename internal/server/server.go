// Package server builds sscgraph's HTTP handler: the GraphQL endpoint,
// GraphiQL and the health check, from an ent client and a configuration.
// cmd/sscgraph and the tests build the server the same way.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
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
	"sscgraph/internal/auth"
	"sscgraph/internal/database"
	"sscgraph/internal/gid"
	"sscgraph/internal/limits"
	"sscgraph/internal/migrations"
	"sscgraph/internal/reqctx"
	"sscgraph/internal/validate"
	"sscgraph/internal/viewer"
)

// Config is what the HTTP layer needs to know.
type Config struct {
	// IDSecret keys the global-ID codec (see package gid).
	IDSecret string
	// MaxBodyBytes bounds a request body.
	MaxBodyBytes int64
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
		IDSecret:       gid.DefaultSecret,
		MaxBodyBytes:   1 << 20,
		QueryCacheSize: 1000,
		Introspection:  true,
		Limits: limits.Config{
			// Measured (BenchmarkCostShapes, README "Limits"): requests of
			// this cost take 60-80 ms when they return as many nodes as
			// they may, and 0.4-0.75 s in the slowest shape, pages of each
			// parent's children ordered by a field without an index.
			MaxCost:     50_000,
			MaxDepth:    16,
			MaxAliases:  15,
			DefaultPage: graph.DefaultPageSize,
			PerHour:     500_000,
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
	gql.AddTransport(httpTransport{})
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
	gql.Use(&graph.Preflight{})
	// Each mutation runs in one transaction that resolvers reach through
	// ent.FromContext: a failure anywhere rolls all of it back.
	gql.Use(entgql.Transactioner{TxOpener: client})
	gql.Use(limits.New(cfg.Limits))
	if cfg.MaxTokens > 0 {
		gql.SetParserTokenLimit(cfg.MaxTokens)
	}
	gql.SetErrorPresenter(presentError(logger))
	gql.SetRecoverFunc(recoverPanic(logger))

	m := newMetrics(db.SQL)
	keys := auth.NewKeys(client)
	api := withRequestInfo(observe(logger, m, withAuth(keys, logger, withTimeout(cfg.Timeout, limitBody(cfg.MaxBodyBytes, gql)))))
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
			writeErrors(w, http.StatusMethodNotAllowed, gqlerror.List{codeError(graph.CodeBadRequest,
				fmt.Sprintf("method %s is not allowed: use GET or POST", r.Method))}, nil)
			return
		}
		if r.ContentLength > n {
			w.Header().Set("Content-Type", mediaJSON)
			writeErrors(w, http.StatusRequestEntityTooLarge, gqlerror.List{codeError(graph.CodeBadRequest,
				fmt.Sprintf("the request body is larger than %d bytes", n))}, nil)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next.ServeHTTP(w, r)
	})
}

// presentError decides what a client sees of an error. Errors written
// for clients (validation, bad arguments and IDs, page limits) pass through
// with a code; anything else is logged with the request ID and answered as
// an internal error that names the request, so that database and Go error
// texts never reach clients.
func presentError(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		presented := graphql.DefaultErrorPresenter(ctx, err)
		switch ce := clientError(err); {
		case ce != nil:
			presented.Message = ce.Message
			for k, v := range ce.Extensions {
				if presented.Extensions == nil {
					presented.Extensions = map[string]any{}
				}
				presented.Extensions[k] = v
			}
			return withCode(presented, graph.CodeBadUserInput)
		case errors.Is(err, gid.ErrInvalid):
			return withCode(presented, graph.CodeBadUserInput)
		case errors.Is(err, context.DeadlineExceeded):
			presented.Message = "the request ran out of time: ask for less (smaller pages, fewer levels)"
			presented.Extensions = map[string]any{"code": "TIMEOUT"}
			return presented
		case ent.IsNotFound(err):
			presented.Message = "not found"
			presented.Extensions = map[string]any{"code": "NOT_FOUND"}
			return presented
		case errors.Is(err, viewer.ErrUnauthenticated):
			presented.Message = viewer.ErrUnauthenticated.Error()
			presented.Extensions = map[string]any{"code": CodeUnauthenticated}
			return presented
		case errors.Is(err, viewer.ErrForbidden):
			presented.Message = viewer.ErrForbidden.Error()
			presented.Extensions = map[string]any{"code": CodeForbidden}
			return presented
		case ent.IsValidationError(err):
			var ve *ent.ValidationError
			errors.As(err, &ve)
			presented.Message = fmt.Sprintf("invalid value for %s: %v", ve.Name, errors.Unwrap(ve))
			presented.Extensions = map[string]any{"code": graph.CodeBadUserInput, "field": graph.FieldPath(err, ve.Name)}
			return presented
		case errors.As(err, new(*validate.FieldError)):
			var fe *validate.FieldError
			errors.As(err, &fe)
			presented.Message = fmt.Sprintf("%s: %s", graph.FieldPath(err, fe.Field), fe.Msg)
			presented.Extensions = map[string]any{"code": graph.CodeBadUserInput, "field": graph.FieldPath(err, fe.Field)}
			return presented
		case errors.As(err, new(*validate.DependentsError)):
			var de *validate.DependentsError
			errors.As(err, &de)
			presented.Message = de.Error()
			presented.Extensions = map[string]any{"code": graph.CodeBadUserInput, "dependents": de.Dependents}
			return presented
		case ent.IsConstraintError(err):
			presented.Message = "the change breaks a constraint: an ID it refers to does not exist, a unique value (such as a code) is taken, or something else depends on what it removes"
			presented.Extensions = map[string]any{"code": graph.CodeBadUserInput}
			return presented
		}
		id := requestID(ctx)
		logger.ErrorContext(ctx, "resolver failed", "request_id", id, "err", err, "path", presented.Path.String())
		presented.Message = "internal server error; quote request " + id + " when reporting it"
		presented.Extensions = map[string]any{"code": graph.CodeInternal, "requestId": id}
		return presented
	}
}

// clientError finds, in err's chain, a GraphQL error written for clients:
// one that wraps no other error. gqlgen wraps every resolver error in a
// GraphQL error carrying the path, so only the innermost one tells.
func clientError(err error) *gqlerror.Error {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if g, ok := e.(*gqlerror.Error); ok && g.Err == nil {
			return g
		}
	}
	return nil
}

func requestID(ctx context.Context) string {
	if info := reqctx.From(ctx); info != nil {
		return info.ID
	}
	return "unknown"
}

func withCode(e *gqlerror.Error, code string) *gqlerror.Error {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	if _, ok := e.Extensions["code"]; !ok {
		e.Extensions["code"] = code
	}
	return e
}

// recoverPanic turns a panic in a resolver into an internal error for the
// client and a log line with the stack for operators.
func recoverPanic(logger *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		id := requestID(ctx)
		logger.ErrorContext(ctx, "panic in resolver", "request_id", id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return &gqlerror.Error{
			Message:    "internal server error; quote request " + id + " when reporting it",
			Extensions: map[string]any{"code": graph.CodeInternal, "requestId": id},
		}
	}
}
