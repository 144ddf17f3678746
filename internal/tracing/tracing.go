// Package tracing gives sscgraph OpenTelemetry traces: a span per HTTP
// request (from the caller's W3C traceparent), per GraphQL resolver that
// runs SQL, and per SQL statement, exported over OTLP (setup.go).
//
// A nil *Tracer is tracing off: each of its methods then returns what it
// was given (the handler, the driver) or nothing, so that the server and
// the database pay nothing for it, not even a no-op span per request.
package tracing

import (
	"context"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// scopeName names the instrumentation in every span it records.
const scopeName = "sscgraph"

// Tracer starts sscgraph's spans with one tracer provider. It is safe for
// concurrent use.
type Tracer struct {
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
}

// New returns a Tracer recording through tp; nil tp returns nil
// (tracing off).
func New(tp trace.TracerProvider) *Tracer {
	if tp == nil {
		return nil
	}
	return &Tracer{
		tracer: tp.Tracer(scopeName),
		// W3C Trace Context only: traceparent and tracestate, what
		// proxies and clients of every vendor send.
		propagator: propagation.TraceContext{},
	}
}

// Inject writes the trace context of ctx into h (a traceparent header),
// for a request that sscgraph sends, and for tests.
func (t *Tracer) Inject(ctx context.Context, h propagation.TextMapCarrier) {
	if t == nil {
		return
	}
	t.propagator.Inject(ctx, h)
}
