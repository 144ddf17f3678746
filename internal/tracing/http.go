package tracing

import (
	"context"
	"net/http"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"sscgraph/internal/reqctx"
)

// Attribute keys of sscgraph's own (semconv has none for them).
const (
	RequestIDKey  = attribute.Key("sscgraph.request_id")
	CostKey       = attribute.Key("sscgraph.cost")
	ActualCostKey = attribute.Key("sscgraph.cost.actual")
	OutcomeKey    = attribute.Key("sscgraph.outcome")
	StatementsKey = attribute.Key("sscgraph.statements")
)

// operation is what the GraphQL extension learns of the request's
// operation for the request's span, which is named after it once the
// request is answered. A WebSocket runs its operations concurrently,
// hence the lock; its span is named after the last.
type operation struct {
	mu         sync.Mutex
	kind, name string
}

func (o *operation) set(kind, name string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.kind, o.name = kind, name
}

func (o *operation) get() (kind, name string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.kind, o.name
}

type operationKey struct{}

// Handler wraps next, an API handler inside the request-info middleware
// (reqctx): each request gets a server span, a child of the caller's
// traceparent when it sent one, which carries the request ID, the GraphQL
// operation, its priced cost and the HTTP status. Resolvers and SQL
// statements record under it. A WebSocket or event stream is one request:
// its span lasts as long as the stream.
func (t *Tracer) Handler(next http.Handler) http.Handler {
	if t == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := t.propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		route := r.Pattern
		if route == "" {
			route = r.URL.Path
		}
		attrs := []attribute.KeyValue{
			semconv.HTTPRequestMethodKey.String(r.Method),
			semconv.HTTPRoute(route),
		}
		info := reqctx.From(ctx)
		if info != nil {
			attrs = append(attrs, RequestIDKey.String(info.ID))
		}
		ctx, span := t.tracer.Start(ctx, r.Method+" "+route, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attrs...))
		defer span.End()
		op := &operation{}
		ctx = context.WithValue(ctx, operationKey{}, op)
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(ctx))

		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		span.SetAttributes(semconv.HTTPResponseStatusCode(status))
		if status >= 500 {
			span.SetStatus(codes.Error, http.StatusText(status))
		}
		if kind, opName := op.get(); kind != "" {
			span.SetAttributes(semconv.GraphQLOperationTypeKey.String(kind))
			name := kind
			if opName != "" {
				span.SetAttributes(semconv.GraphQLOperationName(opName))
				name += " " + opName
			}
			// GraphQL's span name ("query Regions") on the API's
			// endpoint; an export runs many operations and keeps its
			// route.
			if route == "/graphql" {
				span.SetName(name)
			}
		}
		if info != nil {
			span.SetAttributes(
				CostKey.Int(info.Cost.Points),
				ActualCostKey.Int(info.Cost.Actual),
				StatementsKey.Int64(info.Statements.Load()),
			)
			if info.Outcome != "" {
				span.SetAttributes(OutcomeKey.String(info.Outcome))
			}
		}
	})
}

// statusRecorder remembers the status the handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController and the WebSocket library reach
// the connection (flush, hijack) through the recorder.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
