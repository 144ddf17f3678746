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

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/ent"
	"sscgraph/graph"
	"sscgraph/internal/gid"
	"sscgraph/internal/limits"
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
}

// DefaultConfig returns the settings `serve` starts with.
func DefaultConfig() Config {
	return Config{
		IDSecret:       gid.DefaultSecret,
		MaxBodyBytes:   1 << 20,
		QueryCacheSize: 1000,
		Introspection:  true,
		Limits: limits.Config{
			MaxCost:     10_000,
			MaxDepth:    16,
			MaxAliases:  15,
			DefaultPage: graph.DefaultPageSize,
			PerHour:     500_000,
		},
		MaxTokens: 1000,
		Timeout:   10 * time.Second,
	}
}

// New returns the HTTP handler of the whole API over client.
func New(client *ent.Client, cfg Config, logger *slog.Logger) (http.Handler, error) {
	starts, err := ent.NodeTypeStarts()
	if err != nil {
		return nil, fmt.Errorf("reading node types: %w", err)
	}
	codec, err := gid.NewCodec(cfg.IDSecret, starts)
	if err != nil {
		return nil, fmt.Errorf("building ID codec: %w", err)
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
	gql.Use(&graph.Preflight{})
	gql.Use(limits.New(cfg.Limits))
	if cfg.MaxTokens > 0 {
		gql.SetParserTokenLimit(cfg.MaxTokens)
	}
	gql.SetErrorPresenter(presentError(logger))
	gql.SetRecoverFunc(recoverPanic(logger))

	mux := http.NewServeMux()
	mux.Handle("GET /{$}", playground.Handler("sscgraph", "/graphql"))
	mux.Handle("/graphql", withRequestInfo(withTimeout(cfg.Timeout, limitBody(cfg.MaxBodyBytes, gql))))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	return mux, nil
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

// presentError decides what a client sees of an error: GraphQL errors
// (validation, bad arguments, bad IDs) pass through with a code; anything
// else is logged and answered as an internal error, so that database and Go
// error texts never reach clients.
func presentError(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			// Built by gqlgen or by us: the message is meant for the client.
			return withCode(gqlErr, graph.CodeValidationFailed)
		}
		presented := graphql.DefaultErrorPresenter(ctx, err)
		switch {
		case errors.Is(err, gid.ErrInvalid):
			return withCode(presented, graph.CodeBadUserInput)
		case errors.Is(err, context.DeadlineExceeded):
			presented.Message = "the request ran out of time: ask for less (smaller pages, fewer levels)"
			presented.Extensions = map[string]any{"code": "TIMEOUT"}
			return presented
		case ent.IsNotFound(err):
			presented.Message = "not found"
			return withCode(presented, "NOT_FOUND")
		case isUserInput(err):
			return withCode(presented, graph.CodeBadUserInput)
		}
		logger.ErrorContext(ctx, "resolver failed", "err", err, "path", presented.Path.String())
		presented.Message = "internal server error"
		presented.Extensions = map[string]any{"code": graph.CodeInternal}
		return presented
	}
}

// isUserInput reports errors that come from a client's arguments rather
// than from the server: gqlgen's input unmarshalling and ent's validators.
func isUserInput(err error) bool {
	var gqlErr *gqlerror.Error
	if errors.As(err, &gqlErr) {
		return true
	}
	return ent.IsValidationError(err)
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
		logger.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return &gqlerror.Error{
			Message:    "internal server error",
			Extensions: map[string]any{"code": graph.CodeInternal},
		}
	}
}
