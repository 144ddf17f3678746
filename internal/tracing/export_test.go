package tracing_test

import (
	"context"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	collectorpb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"sscgraph/internal/apitest"
	"sscgraph/internal/database"
	"sscgraph/internal/server"
	"sscgraph/internal/tracing"
)

// collector keeps what an OTLP endpoint received.
type collector struct {
	mu       sync.Mutex
	paths    []string
	types    []string
	requests []*collectorpb.ExportTraceServiceRequest
}

func (c *collector) add(path, contentType string, req *collectorpb.ExportTraceServiceRequest) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.paths = append(c.paths, path)
	c.types = append(c.types, contentType)
	c.requests = append(c.requests, req)
}

// ServeHTTP is an OTLP/HTTP endpoint that decodes protobuf.
func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil || r.Method != http.MethodPost {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	req := &collectorpb.ExportTraceServiceRequest{}
	if err := proto.Unmarshal(body, req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.add(r.URL.Path, r.Header.Get("Content-Type"), req)
	out, _ := proto.Marshal(&collectorpb.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

// grpcCollector is an OTLP/gRPC endpoint.
type grpcCollector struct {
	collectorpb.UnimplementedTraceServiceServer
	c *collector
}

func (g grpcCollector) Export(_ context.Context, req *collectorpb.ExportTraceServiceRequest) (*collectorpb.ExportTraceServiceResponse, error) {
	g.c.add("grpc", "", req)
	return &collectorpb.ExportTraceServiceResponse{}, nil
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func str(attrs []*commonpb.KeyValue, key string) (string, bool) {
	for _, kv := range attrs {
		if kv.Key == key {
			return kv.Value.GetStringValue(), true
		}
	}
	return "", false
}

func intAttr(attrs []*commonpb.KeyValue, key string) int64 {
	for _, kv := range attrs {
		if kv.Key == key {
			return kv.Value.GetIntValue()
		}
	}
	return -1
}

// TestOTLPExport sets tracing up as serve does, for each protocol and
// way of naming the endpoint, serves a traced query, shuts tracing down
// (which flushes) and checks what the collector received: a request to
// the traces path, as protobuf, from service sscgraph, holding the
// request's span with its attributes and its statements.
func TestOTLPExport(t *testing.T) {
	for _, c := range []struct {
		name     string
		grpc     bool
		endpoint string // --otel-endpoint, with BASE for the collector's URL
		env      map[string]string
		path     string
	}{
		{name: "flag, http/protobuf by default", endpoint: "BASE", path: "/v1/traces"},
		{name: "flag with a path", endpoint: "BASE/otlp/", path: "/otlp/v1/traces"},
		{name: "OTEL_EXPORTER_OTLP_ENDPOINT", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "BASE"}, path: "/v1/traces"},
		{name: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is the full URL", env: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "BASE/custom", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1"}, path: "/custom"},
		{name: "grpc", grpc: true, endpoint: "BASE", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, path: "grpc"},
		{name: "grpc for traces only", grpc: true, endpoint: "BASE", env: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"}, path: "grpc"},
	} {
		t.Run(c.name, func(t *testing.T) {
			col := &collector{}
			var base string
			if c.grpc {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				gs := grpc.NewServer()
				collectorpb.RegisterTraceServiceServer(gs, grpcCollector{c: col})
				go func() { _ = gs.Serve(ln) }()
				t.Cleanup(gs.Stop)
				base = "http://" + ln.Addr().String()
			} else {
				srv := httptest.NewServer(col)
				t.Cleanup(srv.Close)
				base = srv.URL
			}
			vars := map[string]string{}
			for k, v := range c.env {
				vars[k] = strings.ReplaceAll(v, "BASE", base)
			}
			tr, shutdown, err := tracing.Setup(t.Context(), tracing.Settings{Endpoint: strings.ReplaceAll(c.endpoint, "BASE", base), Getenv: env(vars)})
			if err != nil {
				t.Fatal(err)
			}
			if tr == nil {
				t.Fatal("tracing is off")
			}
			cfg := server.DefaultConfig()
			cfg.Tracer = tr
			a := apitest.NewOpts(t, apitest.SQLiteCopy(t), cfg, database.Options{Tracer: tr})
			_, r := apitest.SendWith(t, a, map[string]string{"traceparent": traceparent, "X-Request-ID": "export-1"}, nested, nil)
			if r.Status != 200 || len(r.Errors) > 0 {
				t.Fatalf("status %d, errors %v", r.Status, r.Errors)
			}
			if err := shutdown(t.Context()); err != nil {
				t.Fatal(err)
			}

			col.mu.Lock()
			defer col.mu.Unlock()
			if len(col.requests) == 0 {
				t.Fatal("the collector received nothing")
			}
			var spans []*tracepb.Span
			for i, req := range col.requests {
				if col.paths[i] != c.path {
					t.Errorf("export to %s, want %s", col.paths[i], c.path)
				}
				if !c.grpc && col.types[i] != "application/x-protobuf" {
					t.Errorf("Content-Type %q, want application/x-protobuf", col.types[i])
				}
				for _, rs := range req.ResourceSpans {
					if name, _ := str(rs.Resource.Attributes, "service.name"); name != "sscgraph" {
						t.Errorf("service.name %q, want sscgraph", name)
					}
					for _, ss := range rs.ScopeSpans {
						if ss.Scope.Name != "sscgraph" {
							t.Errorf("scope %q, want sscgraph", ss.Scope.Name)
						}
						spans = append(spans, ss.Spans...)
					}
				}
			}
			var request *tracepb.Span
			statements := 0
			for _, s := range spans {
				switch s.Kind {
				case tracepb.Span_SPAN_KIND_SERVER:
					request = s
				case tracepb.Span_SPAN_KIND_CLIENT:
					statements++
				}
			}
			if request == nil {
				t.Fatalf("no request span among %d", len(spans))
			}
			if got := string(request.TraceId); got != string(mustHex(t, traceID)) {
				t.Errorf("trace ID %x, want %s", request.TraceId, traceID)
			}
			if request.Name != "query Nested" {
				t.Errorf("request span %q", request.Name)
			}
			if id, _ := str(request.Attributes, "sscgraph.request_id"); id != "export-1" {
				t.Errorf("sscgraph.request_id %q", id)
			}
			if op, _ := str(request.Attributes, "graphql.operation.name"); op != "Nested" {
				t.Errorf("graphql.operation.name %q", op)
			}
			if got := intAttr(request.Attributes, "sscgraph.statements"); got != int64(statements) || statements < 4 {
				t.Errorf("sscgraph.statements %d, %d statement spans", got, statements)
			}
		})
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSetupSettings: which settings turn tracing on, and the errors that
// name a setting it cannot use.
func TestSetupSettings(t *testing.T) {
	for _, c := range []struct {
		name     string
		endpoint string
		env      map[string]string
		on       bool
		err      string
	}{
		{name: "nothing set", on: false},
		{name: "SDK disabled", endpoint: "http://localhost:4318", env: map[string]string{"OTEL_SDK_DISABLED": "true"}, on: false},
		{name: "exporter none", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://localhost:4318", "OTEL_TRACES_EXPORTER": "none"}, on: false},
		{name: "flag", endpoint: "http://localhost:4318", on: true},
		{name: "http/json", endpoint: "http://localhost:4318", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}, on: true},
		{name: "no scheme", endpoint: "localhost:4318", err: `--otel-endpoint "localhost:4318": give the collector's URL, such as http://localhost:4318`},
		{name: "bad env URL", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "ftp://collector"}, err: `OTEL_EXPORTER_OTLP_ENDPOINT "ftp://collector": give the collector's URL`},
		{name: "unknown protocol", endpoint: "http://localhost:4318", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "thrift"}, err: `OTEL_EXPORTER_OTLP_PROTOCOL is "thrift": give http/protobuf (the default), http/json or grpc`},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr, shutdown, err := tracing.Setup(t.Context(), tracing.Settings{Endpoint: c.endpoint, Getenv: env(c.env)})
			if c.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), c.err) {
					t.Fatalf("error %v, want one starting %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (tr != nil) != c.on {
				t.Errorf("tracing on: %v, want %v", tr != nil, c.on)
			}
			if err := shutdown(context.Background()); err != nil {
				t.Errorf("shutdown: %v", err)
			}
		})
	}
}
