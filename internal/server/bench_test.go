package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"sscgraph/internal/apitest"
	"sscgraph/internal/database"
	"sscgraph/internal/dataset"
	"sscgraph/internal/server"
)

// nested4 is the benchmark's 4-level traversal: countries -> activities ->
// consultants -> expertise, with a sibling topics connection, about 600
// nodes at scale 1.
const nested4 = `query Nested4 {
  countries(first: 10, where: {hasActivities: true}, orderBy: [{field: NAME}]) {
    totalCount
    edges { node { code name
      activities(first: 10, orderBy: [{field: START_DATE, direction: DESC}]) {
        totalCount
        edges { node { id title kind startDate
          topics(first: 2) { edges { node { code } } }
          consultants(first: 3) { edges { node { id name
            expertise(first: 2) { edges { node { code name } } }
          } } }
        } }
      }
    } }
  }
}`

// syntheticDB returns a SQLite file holding the synthetic data set at scale
// 1, seeding it on first use. SSCGRAPH_BENCH_DB names a file to reuse
// between runs (it is created when missing).
func syntheticDB(b testing.TB) string {
	b.Helper()
	path := os.Getenv("SSCGRAPH_BENCH_DB")
	if path == "" {
		path = filepath.Join(os.TempDir(), fmt.Sprintf("sscgraph-bench-scale1-seed%d.db", dataset.DefaultSeed))
	}
	ctx := context.Background()
	if _, err := os.Stat(path); err == nil {
		// A file left by an older checkout gets the schema's new
		// migrations (its data stays as it was generated).
		db, err := database.Open(ctx, path, database.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		return path
	}
	seedSQLite(b, path, 1)
	return path
}

func benchServer(b *testing.B) *httptest.Server {
	b.Helper()
	return benchServerOn(b, syntheticDB(b))
}

// benchServerOn serves the database dsn names, with the rate limit off,
// after applying any migration it lacks (a file seeded by an older
// version).
func benchServerOn(b *testing.B, dsn string) *httptest.Server {
	b.Helper()
	return benchServerWith(b, dsn, func(*server.Config) {})
}

// benchServerWith is benchServerOn with a change to the configuration.
// The answer cache is off unless change turns it on: the benchmarks send
// the same requests over and over and measure computing them, not
// reading them back (BenchmarkAnswerCache measures that).
func benchServerWith(b *testing.B, dsn string, change func(*server.Config)) *httptest.Server {
	b.Helper()
	db, err := database.Open(context.Background(), dsn, database.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	cfg := server.DefaultConfig()
	cfg.Limits.PerHour = 0
	cfg.Limits.MaxCost = 0 // as bench/side-by-side.sh runs it
	cfg.Answers.MaxBytes = 0
	change(&cfg)
	h, err := server.New(db, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	b.Cleanup(func() { srv.Close(); db.Close() })
	return srv
}

// forEachBenchDB runs fn on the synthetic data set at scale 1 on SQLite,
// and on PostgreSQL when SSCGRAPH_BENCH_POSTGRES names a database seeded
// at scale 1.
func forEachBenchDB(b *testing.B, fn func(b *testing.B, dsn string)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, syntheticDB(b)) })
	if pg := os.Getenv("SSCGRAPH_BENCH_POSTGRES"); pg != "" {
		b.Run("postgres", func(b *testing.B) { fn(b, pg) })
	}
}

// timeRequests sends bodies in turn, b.N in all, and reports the median
// and 99th percentile of their durations besides ns/op.
func timeRequests(b *testing.B, client *http.Client, url string, bodies [][]byte) {
	durations := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		start := time.Now()
		postBench(b, client, url, bodies[i%len(bodies)])
		durations = append(durations, time.Since(start))
		i++
	}
	b.StopTimer()
	slices.Sort(durations)
	ms := func(q float64) float64 {
		return float64(durations[int(q*float64(len(durations)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(ms(0.5), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

// postBench sends one query and checks the answer has no errors.
func postBench(b *testing.B, client *http.Client, url string, body []byte) int {
	res, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	data, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK || bytes.Contains(data, []byte(`"errors"`)) {
		b.Fatalf("status %d, err %v: %.300s", res.StatusCode, err, data)
	}
	return len(data)
}

// BenchmarkNested4Level measures the 4-level traversal through HTTP on the
// synthetic data set at scale 1, one request at a time.
func BenchmarkNested4Level(b *testing.B) {
	srv := benchServer(b)
	body, _ := json.Marshal(map[string]string{"query": nested4})
	client := srv.Client()
	size := postBench(b, client, srv.URL+"/graphql", body)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		postBench(b, client, srv.URL+"/graphql", body)
	}
}

// BenchmarkNested4LevelParallel is the same query from concurrent clients:
// its ns/op is the inverse of throughput.
func BenchmarkNested4LevelParallel(b *testing.B) {
	benchParallel(b, benchServer(b), nested4)
}

// benchParallel sends query to srv from GOMAXPROCS clients.
func benchParallel(b *testing.B, srv *httptest.Server, query string) {
	body, _ := json.Marshal(map[string]string{"query": query})
	client := srv.Client()
	postBench(b, client, srv.URL+"/graphql", body)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			postBench(b, client, srv.URL+"/graphql", body)
		}
	})
}

// BenchmarkNested4LevelPostgres is the same traversal on PostgreSQL, on a
// database that SSCGRAPH_BENCH_POSTGRES names and that holds the synthetic
// data at scale 1 (sscgraph seed --synthetic --scale 1 --db <that URL>).
func BenchmarkNested4LevelPostgres(b *testing.B) {
	dsn := os.Getenv("SSCGRAPH_BENCH_POSTGRES")
	if dsn == "" {
		b.Skip("SSCGRAPH_BENCH_POSTGRES is not set")
	}
	benchParallel(b, benchServerOn(b, dsn), nested4)
}

// sideBySide are the queries of bench/ (bench/queries), which sets sscgraph beside
// PostGraphile on the same data; here they run through the handler alone,
// so that a regression shows without the peer.
var sideBySide = []struct{ name, query string }{
	{"q1-flat", `{ countries(first: 50) { edges { node { id code name } } } }`},
	{"q2-nested", `{ countries(first: 10) { edges { node { code
    activities(first: 10) { edges { node { title startDate
      topics(first: 2) { edges { node { code name } } } } } } } } } }`},
	{"q3-4levels", `{ countries(first: 10, where: {hasActivities: true}) { edges { node { code
    activities(first: 10) { edges { node { title
      topics(first: 2) { edges { node { code } } }
      consultants(first: 3) { edges { node { name
        expertise(first: 2) { edges { node { code } } } } } } } } } } } } }`},
	{"q4-count", `{ activities(where: {kind: SOUTH_SOUTH, hasBeneficiaryCountriesWith: {hasRegionWith: {code: "AFRICA"}}}) { totalCount } }`},
	{"q5-match", `{ matchOffers(first: 25, where: {status: OPEN}, orderBy: [{field: POSTED_AT, direction: DESC}]) { totalCount edges { node { title postedAt
    provider { name country { code } }
    topics(first: 5) { edges { node { code } } } } } } }`},
}

// BenchmarkSideBySide runs the side-by-side queries from concurrent
// clients on SQLite at scale 1, and on PostgreSQL when
// SSCGRAPH_BENCH_POSTGRES names a database seeded at scale 1. Compare runs
// with benchstat.
func BenchmarkSideBySide(b *testing.B) {
	forEachBenchDB(b, func(b *testing.B, dsn string) {
		srv := benchServerOn(b, dsn)
		for _, q := range sideBySide {
			b.Run(q.name, func(b *testing.B) { benchParallel(b, srv, q.query) })
		}
	})
}

// BenchmarkPage1000 is a wide, shallow page: 1,000 activities with two
// topics each. It is bound by Go (marshalling) rather than SQL, so it shows
// regressions in the GraphQL layer that the nested benchmark hides.
func BenchmarkPage1000(b *testing.B) {
	benchParallel(b, benchServer(b), `{ activities(first: 1000) { edges { node { id title kind startDate topics(first: 2) { edges { node { code } } } } } } }`)
}

// costShapes are requests near the cost limit, of the shapes that cost the
// most time per point: the measurement behind the default
// limits.Config.MaxCost of server.DefaultConfig (README, "Limits"). Each gives its cost in points.
var costShapes = []struct {
	name  string
	cost  int
	query string
}{
	{"journalist", 12_610, `{ regions(first: 10) { edges { node { code countries(first: 60) { edges { node { code
    activities(first: 5) { edges { node { title consultants(first: 3) { edges { node { name } } } } } } } } } } } } }`},
	{"wide", 21_000, `{ activities(first: 1000) { edges { node { title
    topics(first: 10) { edges { node { code } } } consultants(first: 10) { edges { node { name } } } } } } }`},
	{"deep", 49_616, `{ topics(first: 16) { edges { node { code activities(first: 100) { edges { node { title
    beneficiaryCountries(first: 5) { edges { node { code activities(first: 5) { edges { node { title } } } } } } } } } } } } }`},
	{"ordered", 20_200, `{ countries(first: 200) { edges { node { code
    activities(first: 100, orderBy: [{field: TITLE}]) { edges { node { title } } } } } } }`},
	{"ordered-topics", 1_616, `{ topics(first: 16) { edges { node { code
    activities(first: 100, orderBy: [{field: TITLE}]) { edges { node { title } } } } } } }`},
	{"counts", 1_249, `{ countries(first: 1000) { edges { node { code
    activities { totalCount } providedActivities { totalCount } consultants { totalCount } } } } }`},
}

// BenchmarkCostShapes runs each cost shape from one client, on SQLite at
// scale 1 and on PostgreSQL when SSCGRAPH_BENCH_POSTGRES is set; ns/point
// is the time per point of cost.
func BenchmarkCostShapes(b *testing.B) {
	forEachBenchDB(b, func(b *testing.B, dsn string) {
		srv := benchServerOn(b, dsn)
		for _, q := range costShapes {
			b.Run(q.name, func(b *testing.B) {
				body, _ := json.Marshal(map[string]string{"query": q.query})
				client := srv.Client()
				postBench(b, client, srv.URL+"/graphql", body)
				b.ResetTimer()
				for b.Loop() {
					postBench(b, client, srv.URL+"/graphql", body)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(q.cost), "ns/point")
			})
		}
	})
}

// BenchmarkRateLimit is the price of the rate limit on a small flat page,
// from 16 concurrent clients of one address on the demo data of each
// backend: off, on in memory, and (PostgreSQL) on in the database, one
// upsert per request.
func BenchmarkRateLimit(b *testing.B) {
	query := `{ countries(first: 50) { edges { node { code name } } } }`
	for _, be := range apitest.Backends() {
		dsn := be.Fresh(b)
		for _, mode := range []struct {
			name    string
			perHour int
			shared  bool
		}{{"off", 0, false}, {"memory", 1 << 40, false}, {"shared", 1 << 40, true}} {
			if mode.shared && be.Name != "postgres" {
				continue
			}
			b.Run(be.Name+"/"+mode.name, func(b *testing.B) {
				db, err := database.Open(context.Background(), dsn, database.Options{})
				if err != nil {
					b.Fatal(err)
				}
				cfg := server.DefaultConfig()
				cfg.Answers.MaxBytes = 0 // the bucket's cost, not the cache's
				cfg.Limits.PerHour = mode.perHour
				cfg.SharedLimits = mode.shared
				h, err := server.New(db, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
				if err != nil {
					b.Fatal(err)
				}
				srv := httptest.NewServer(h)
				b.Cleanup(func() { srv.Close(); db.Close() })
				b.SetParallelism(8)
				benchParallel(b, srv, query)
			})
		}
	}
}

// BenchmarkAnswerCache is the dashboard count q4 (bench/queries) and the
// dashboard's map statistic answered by a server without the answer cache
// and by one with it (every request after the first a hit): the ratio of
// the two is what the cache buys a published dashboard's readers.
func BenchmarkAnswerCache(b *testing.B) {
	queries := []struct{ name, query string }{
		{"q4", `{ activities(where: {kind: SOUTH_SOUTH, hasBeneficiaryCountriesWith: {hasRegionWith: {code: "AFRICA"}}}) { totalCount } }`},
		{"dashboard_map", `{ activityStats(where: {demo: false}, groupBy: [COUNTRY], first: 300) { total { count participants participantsKnown } buckets { country { code } count participants participantsKnown } } }`},
	}
	forEachBenchDB(b, func(b *testing.B, dsn string) {
		for _, mode := range []struct {
			name  string
			bytes int64
		}{{"off", 0}, {"on", server.DefaultConfig().Answers.MaxBytes}} {
			srv := benchServerWith(b, dsn, func(c *server.Config) { c.Answers.MaxBytes = mode.bytes })
			for _, q := range queries {
				body, err := json.Marshal(map[string]any{"query": q.query})
				if err != nil {
					b.Fatal(err)
				}
				b.Run(q.name+"/cache="+mode.name, func(b *testing.B) {
					client := srv.Client()
					for b.Loop() {
						postBench(b, client, srv.URL+"/graphql", body)
					}
				})
			}
		}
	})
}
