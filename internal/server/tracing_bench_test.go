package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"sscgraph/internal/database"
	"sscgraph/internal/server"
	"sscgraph/internal/tracing"
)

// BenchmarkQ1Tracing and BenchmarkQ3Tracing are the price of tracing on
// the side-by-side q1 (a flat page) and q3 (four levels), one request at a
// time on SQLite at scale 1: off (no Tracer, as serve runs without an
// endpoint), and on with every request sampled and its spans batched to
// an exporter that drops them, so that what is measured is recording,
// not a collector. Compare with benchstat -col /tracing
// (docs/performance.md, "Tracing").
func BenchmarkQ1Tracing(b *testing.B) { benchTracing(b, sideBySide[0].query) }

func BenchmarkQ3Tracing(b *testing.B) { benchTracing(b, sideBySide[2].query) }

func benchTracing(b *testing.B, query string) {
	dsn := syntheticDB(b)
	body, _ := json.Marshal(map[string]string{"query": query})
	for _, mode := range []string{"off", "on"} {
		b.Run("tracing="+mode, func(b *testing.B) {
			var tr *tracing.Tracer
			if mode == "on" {
				tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()), sdktrace.WithBatcher(tracetest.NewNoopExporter()))
				b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
				tr = tracing.New(tp)
			}
			srv := tracedBenchServer(b, dsn, tr)
			client := srv.Client()
			postBench(b, client, srv.URL+"/graphql", body)
			timeRequests(b, client, srv.URL+"/graphql", [][]byte{body})
		})
	}
}

// tracedBenchServer is benchServerWith's server with tr on the database
// and the handler.
func tracedBenchServer(b *testing.B, dsn string, tr *tracing.Tracer) *httptest.Server {
	b.Helper()
	db, err := database.Open(context.Background(), dsn, database.Options{Tracer: tr})
	if err != nil {
		b.Fatal(err)
	}
	cfg := server.DefaultConfig()
	cfg.Limits.PerHour = 0
	cfg.Limits.MaxCost = 0
	cfg.Answers.MaxBytes = 0
	cfg.Tracer = tr
	h, err := server.New(db, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	b.Cleanup(func() { srv.Close(); _ = h.Close(); db.Close() })
	return srv
}
