package tracing_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"sscgraph/internal/apitest"
	"sscgraph/internal/database"
	"sscgraph/internal/server"
	"sscgraph/internal/tracing"
)

func TestMain(m *testing.M) { apitest.Main(m) }

// nested runs two root fields: regions -> countries -> projects, which
// ent's field collection loads in one statement per level inside the
// regions resolver, and activities -> beneficiaries, whose beneficiaries
// resolver runs statements of its own (a batch loader, once for the
// page: the second activity's are read from memory).
const nested = `query Nested {
  regions(first: 2) { edges { node { code
    countries(first: 2) { edges { node { code
      projects(first: 2) { edges { node { title } } } } } } } } }
  activities(first: 2) { edges { node { title
    beneficiaries(first: 2) { edges { node { country { code } } } } } } }
}`

const (
	traceID      = "0af7651916cd43dd8448eb211c80319c"
	remoteSpanID = "b7ad6b7169203331"
	traceparent  = "00-" + traceID + "-" + remoteSpanID + "-01"
)

// tracedAPI starts the real handler over a database of backend, both
// recording into the returned recorder.
func tracedAPI(t *testing.T, dsn string) (*apitest.API, *tracetest.SpanRecorder) {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	tr := tracing.New(tp)
	cfg := server.DefaultConfig()
	cfg.Tracer = tr
	return apitest.NewOpts(t, dsn, cfg, database.Options{Tracer: tr}), rec
}

func attrs(s sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes() {
		m[kv.Key] = kv.Value
	}
	return m
}

// TestTraceTree sends a nested query with a traceparent through the real
// handler and checks that its spans form one tree in the caller's trace:
// the request's span under the caller's, a span per resolver that ran
// SQL under the request's or its parent resolver's, every statement under
// the resolver that ran it, none orphaned.
func TestTraceTree(t *testing.T) {
	for _, b := range apitest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			a, rec := tracedAPI(t, b.Fresh(t))
			_, r := apitest.SendWith(t, a, map[string]string{"traceparent": traceparent, "X-Request-ID": "trace-tree-1"}, nested, nil)
			if r.Status != 200 || len(r.Errors) > 0 {
				t.Fatalf("status %d, errors %v", r.Status, r.Errors)
			}
			if n := len(r.List("activities.edges")); n != 2 {
				t.Fatalf("%d activities, want 2", n)
			}
			spans := rec.Ended()
			byID := map[trace.SpanID]sdktrace.ReadOnlySpan{}
			for _, s := range spans {
				if got := s.SpanContext().TraceID().String(); got != traceID {
					t.Errorf("span %s has trace ID %s, want the caller's %s", s.Name(), got, traceID)
				}
				byID[s.SpanContext().SpanID()] = s
			}

			// One request span, the only child of the caller's span.
			var request sdktrace.ReadOnlySpan
			for _, s := range spans {
				if _, ok := byID[s.Parent().SpanID()]; ok {
					continue
				}
				if request != nil || s.Parent().SpanID().String() != remoteSpanID || !s.Parent().IsRemote() {
					t.Fatalf("span %s has parent %s, which is neither a span of the trace nor the caller's", s.Name(), s.Parent().SpanID())
				}
				request = s
			}
			if request == nil {
				t.Fatal("no request span")
			}
			if request.Name() != "query Nested" || request.SpanKind() != trace.SpanKindServer {
				t.Errorf("request span %q of kind %s, want \"query Nested\" of kind server", request.Name(), request.SpanKind())
			}

			// Resolver spans: only those that ran SQL.
			resolvers := map[string]sdktrace.ReadOnlySpan{}
			var statements []sdktrace.ReadOnlySpan
			for _, s := range spans {
				switch s.SpanKind() {
				case trace.SpanKindInternal:
					resolvers[s.Name()] = s
				case trace.SpanKindClient:
					statements = append(statements, s)
				}
			}
			if names := slices.Sorted(maps.Keys(resolvers)); !slices.Equal(names, []string{"Activity.beneficiaries", "Query.activities", "Query.regions"}) {
				t.Fatalf("resolver spans %v, want Activity.beneficiaries, Query.activities and Query.regions", names)
			}
			parentOf := func(s sdktrace.ReadOnlySpan) sdktrace.ReadOnlySpan { return byID[s.Parent().SpanID()] }
			for name, want := range map[string]sdktrace.ReadOnlySpan{
				"Query.regions":          request,
				"Query.activities":       request,
				"Activity.beneficiaries": resolvers["Query.activities"],
			} {
				if got := parentOf(resolvers[name]); got != want {
					t.Errorf("%s is under %v, want %s", name, got.Name(), want.Name())
				}
			}
			if got := attrs(resolvers["Activity.beneficiaries"])[tracing.FieldPathKey].AsString(); got != "activities.edges[0].node.beneficiaries" {
				t.Errorf("beneficiaries' path %q", got)
			}

			// Statements, each under the resolver that ran it.
			system, placeholder := "sqlite", "?"
			if b.Name == "postgres" {
				system, placeholder = "postgresql", "$1"
			}
			tables := map[string][]string{}
			for _, s := range statements {
				parent := parentOf(s)
				if parent == nil || parent.SpanKind() != trace.SpanKindInternal {
					t.Errorf("statement %q is not under a resolver", s.Name())
					continue
				}
				at := attrs(s)
				if got := at["db.system.name"].AsString(); got != system {
					t.Errorf("db.system.name %q, want %q", got, system)
				}
				text := at["db.query.text"].AsString()
				if s.Name() != "SELECT" || !strings.HasPrefix(text, "SELECT ") {
					t.Errorf("statement span %q with text %.40q", s.Name(), text)
				}
				if _, ok := at["db.response.returned_rows"]; !ok {
					t.Errorf("statement %.60q has no row count", text)
				}
				tables[parent.Name()] = append(tables[parent.Name()], text)
			}
			// The regions resolver ran its three levels, the first of
			// which reads two regions and a third for hasNextPage.
			if got := len(tables["Query.regions"]); got != 3 {
				t.Errorf("Query.regions ran %d statements, want 3: %q", got, tables["Query.regions"])
			}
			var first sdktrace.ReadOnlySpan
			for _, s := range statements {
				if parentOf(s) == resolvers["Query.regions"] && (first == nil || s.StartTime().Before(first.StartTime())) {
					first = s
				}
			}
			if first != nil {
				if rows := attrs(first)["db.response.returned_rows"].AsInt64(); rows != 3 {
					t.Errorf("the regions' statement %q read %d rows, want 3", attrs(first)["db.query.text"].AsString(), rows)
				}
			}
			// The loader's statement carries placeholders, not the IDs.
			if got := tables["Activity.beneficiaries"]; len(got) == 0 || !strings.Contains(got[0], placeholder) {
				t.Errorf("beneficiaries' statements %q, want one with placeholder %s", got, placeholder)
			}

			at := attrs(request)
			cost := r.Extensions["cost"].(map[string]any)
			for key, want := range map[attribute.Key]attribute.Value{
				"graphql.operation.name":    attribute.StringValue("Nested"),
				"graphql.operation.type":    attribute.StringValue("query"),
				"sscgraph.request_id":       attribute.StringValue("trace-tree-1"),
				"sscgraph.cost":             attribute.Int64Value(int64(cost["requestedQueryCost"].(float64))),
				"sscgraph.cost.actual":      attribute.Int64Value(int64(cost["actualQueryCost"].(float64))),
				"sscgraph.statements":       attribute.Int64Value(int64(len(statements))),
				"sscgraph.outcome":          attribute.StringValue("ok"),
				"http.response.status_code": attribute.Int64Value(200),
				"http.request.method":       attribute.StringValue("POST"),
				"http.route":                attribute.StringValue("/graphql"),
			} {
				if got := at[key]; got != want {
					t.Errorf("request span's %s = %v, want %v", key, got.Emit(), want.Emit())
				}
			}
			if at["sscgraph.cost"].AsInt64() <= 0 {
				t.Errorf("sscgraph.cost %d", at["sscgraph.cost"].AsInt64())
			}
		})
	}
}

// TestTraceWithoutTraceparent: a request without a traceparent starts a
// trace of its own, rooted at its request span.
func TestTraceWithoutTraceparent(t *testing.T) {
	a, rec := tracedAPI(t, apitest.SQLiteCopy(t))
	r := a.Post(t, `{ regions(first: 1) { edges { node { code } } } }`, nil)
	if r.Status != 200 || len(r.Errors) > 0 {
		t.Fatalf("status %d, errors %v", r.Status, r.Errors)
	}
	spans := rec.Ended()
	var roots []string
	for _, s := range spans {
		if !s.Parent().IsValid() {
			roots = append(roots, s.Name())
		}
		if s.SpanContext().TraceID() != spans[0].SpanContext().TraceID() {
			t.Errorf("span %s in another trace", s.Name())
		}
	}
	if !slices.Equal(roots, []string{"query"}) {
		t.Errorf("root spans %q, want the request's alone (an anonymous query)", roots)
	}
	if len(spans) != 3 {
		t.Errorf("%d spans, want 3: the request, Query.regions and its statement", len(spans))
	}
}

// TestTracingOff: with no Tracer the handler answers as usual and
// records nothing, not even through the global tracer provider; a
// caller's unsampled traceparent records nothing either when on.
func TestTracingOff(t *testing.T) {
	if tracing.New(nil) != nil {
		t.Fatal("tracing.New(nil) is not nil")
	}
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	t.Cleanup(func() { otel.SetTracerProvider(prev) })

	off := apitest.New(t, apitest.SQLiteCopy(t))
	on, onRec := tracedAPI(t, apitest.SQLiteCopy(t))
	for _, c := range []struct {
		name        string
		a           *apitest.API
		traceparent string
		rec         *tracetest.SpanRecorder
	}{
		{"off", off, traceparent, rec},
		{"on, unsampled caller", on, "00-" + traceID + "-" + remoteSpanID + "-00", onRec},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, r := apitest.SendWith(t, c.a, map[string]string{"traceparent": c.traceparent}, nested, nil)
			if r.Status != 200 || len(r.Errors) > 0 {
				t.Fatalf("status %d, errors %v", r.Status, r.Errors)
			}
			if got := r.Str("regions.edges.0.node.code"); got == "" {
				t.Error("no region in the answer")
			}
			if h.Get("X-Request-ID") == "" {
				t.Error("no X-Request-ID")
			}
			if n := len(c.rec.Ended()) + len(c.rec.Started()); n != 0 {
				t.Errorf("%d spans recorded", n)
			}
		})
	}
}

// TestTraceMutation: a mutation's writes record under its resolver and
// its COMMIT under the request, which opened the transaction.
func TestTraceMutation(t *testing.T) {
	a, rec := tracedAPI(t, apitest.SQLiteCopy(t))
	key := apitest.NewKey(t, a, "EDITOR")
	_, r := a.Send(t, key, `mutation Create { createProject(input: {code: "TRACED_1", title: "Traced", status: PROPOSED}) { code } }`, nil)
	if r.Status != 200 || len(r.Errors) > 0 || r.Str("createProject.code") != "TRACED_1" {
		t.Fatalf("status %d, errors %v, data %v", r.Status, r.Errors, r.Data)
	}
	spans := rec.Ended()
	byID := map[trace.SpanID]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byID[s.SpanContext().SpanID()] = s
	}
	var request, resolver sdktrace.ReadOnlySpan
	parents := map[string][]string{} // statement name -> parents' names
	for _, s := range spans {
		parent, ok := byID[s.Parent().SpanID()]
		switch {
		case !s.Parent().IsValid():
			request = s
		case !ok:
			t.Errorf("span %s is orphaned", s.Name())
		case s.SpanKind() == trace.SpanKindInternal:
			resolver = s
		case s.SpanKind() == trace.SpanKindClient:
			parents[s.Name()] = append(parents[s.Name()], parent.Name())
		}
	}
	if request == nil || request.Name() != "mutation Create" {
		t.Fatalf("request span %v", request)
	}
	if resolver == nil || resolver.Name() != "Mutation.createProject" || byID[resolver.Parent().SpanID()] != request {
		t.Fatalf("resolver span %v", resolver)
	}
	if got := parents["INSERT"]; len(got) == 0 || slices.ContainsFunc(got, func(p string) bool { return p != "Mutation.createProject" }) {
		t.Errorf("INSERT statements under %q, want under Mutation.createProject", got)
	}
	if got := parents["COMMIT"]; !slices.Equal(got, []string{"mutation Create"}) {
		t.Errorf("COMMIT under %q, want once under the request", got)
	}
}
