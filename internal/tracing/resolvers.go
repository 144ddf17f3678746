package tracing

import (
	"context"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Attribute keys of a resolver's span.
const (
	FieldNameKey = attribute.Key("graphql.field.name")
	FieldPathKey = attribute.Key("graphql.field.path")
)

// Extension returns the gqlgen extension that names the request's span
// after its operation and records a span per resolver that runs SQL;
// nil (tracing off) returns nil, which the server then leaves out.
func (t *Tracer) Extension() graphql.HandlerExtension {
	if t == nil {
		return nil
	}
	return extension{t}
}

type extension struct{ t *Tracer }

var (
	_ graphql.HandlerExtension        = extension{}
	_ graphql.OperationContextMutator = extension{}
	_ graphql.FieldInterceptor        = extension{}
)

func (extension) ExtensionName() string { return "Tracing" }

func (extension) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext tells the request's span which operation runs.
func (extension) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op, _ := ctx.Value(operationKey{}).(*operation)
	if op == nil || oc.Operation == nil {
		return nil
	}
	name := oc.OperationName
	if name == "" {
		name = oc.Operation.Name
	}
	op.set(string(oc.Operation.Operation), name)
	return nil
}

// InterceptField watches the fields whose values a resolver or a method
// computes; plain fields are read from their object and never reach field
// middleware here (internal/gqlgenrun). Most of those methods do no I/O:
// an edge that ent's field collection loaded with its parents in one
// statement is read from memory. So a field's span is started only when a
// statement runs under it (fieldSpan.parentSpan), back-dated to when the
// field started: the trace has a span per resolver that went to the
// database, each over its statements, and none for the rest.
func (e extension) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !(fc.IsResolver || fc.IsMethod) || !trace.SpanFromContext(ctx).IsRecording() {
		return next(ctx)
	}
	f := &fieldSpan{Context: ctx, t: e.t, parent: fieldSpanFrom(ctx), fc: fc, start: time.Now()}
	res, err := next(f)
	f.end(err)
	return res, err
}

type fieldSpanKey struct{}

// Value returns f for fieldSpanKey, else the field's context's value.
func (f *fieldSpan) Value(key any) any {
	if key == (fieldSpanKey{}) {
		return f
	}
	return f.Context.Value(key)
}

func fieldSpanFrom(ctx context.Context) *fieldSpan {
	f, _ := ctx.Value(fieldSpanKey{}).(*fieldSpan)
	return f
}

// fieldSpan is a resolver's span, started on its first statement. It is
// also the context the resolver runs in (one allocation per field
// instead of two with context.WithValue): the field's context with f as
// the value of fieldSpanKey.
type fieldSpan struct {
	context.Context
	t      *Tracer
	parent *fieldSpan // the enclosing field's, nil under the operation
	fc     *graphql.FieldContext
	start  time.Time

	mu   sync.Mutex
	span trace.Span // nil until a statement runs under the field
	done bool
}

// parentSpan returns the span a statement run under f records under: f's
// own, started now if it was not yet. A field that has returned (its
// children run after it) starts none: its children's statements record
// under the nearest ancestor that has a span, the request's at the top.
// Fields resolve in turn except at the root, where each field's chain is
// its own; the lock covers statements a resolver runs concurrently.
func (f *fieldSpan) parentSpan() trace.Span {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.span != nil {
		return f.span
	}
	var parent trace.Span
	if f.parent != nil {
		parent = f.parent.parentSpan()
	} else {
		parent = trace.SpanFromContext(f.Context)
	}
	if f.done {
		return parent
	}
	name := f.fc.Object + "." + f.fc.Field.Name
	_, f.span = f.t.tracer.Start(trace.ContextWithSpan(f.Context, parent), name,
		trace.WithTimestamp(f.start),
		trace.WithAttributes(FieldNameKey.String(f.fc.Field.Name), FieldPathKey.String(f.fc.Path().String())))
	return f.span
}

// end ends f's span, if a statement started one.
func (f *fieldSpan) end(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.done = true
	if f.span == nil {
		return
	}
	if err != nil {
		f.span.RecordError(err)
		f.span.SetStatus(codes.Error, err.Error())
	}
	f.span.End()
}
