package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sscgraph/internal/apitest"
	"sscgraph/internal/database"
	"sscgraph/internal/reqctx"
	"sscgraph/internal/server"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// observedAPI starts the handler with a JSON logger writing to logs.
func observedAPI(t *testing.T, dsn string, cfg server.Config) (*httptest.Server, *database.DB, *syncBuffer) {
	t.Helper()
	srv, _, db, logs := observedAPIWithMetrics(t, dsn, cfg)
	return srv, db, logs
}

// observedAPIWithMetrics is observedAPI that also serves the metrics
// handler, apart as serve does.
func observedAPIWithMetrics(t *testing.T, dsn string, cfg server.Config) (*httptest.Server, *httptest.Server, *database.DB, *syncBuffer) {
	t.Helper()
	db, err := database.Open(context.Background(), dsn, database.Options{
		OnStatement: func(ctx context.Context, _ string) { reqctx.CountStatement(ctx) },
	})
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	h, err := server.New(db, cfg, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv, metrics := httptest.NewServer(h), httptest.NewServer(h.Metrics())
	t.Cleanup(func() { srv.Close(); metrics.Close(); db.Close() })
	return srv, metrics, db, logs
}

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestRequestLogAndMetrics(t *testing.T) {
	srv, metricsSrv, _, logs := observedAPIWithMetrics(t, apitest.SQLiteCopy(t), server.DefaultConfig())
	body := `{"query": "query Regions { regions(first: 3) { edges { node { code countries(first: 2) { totalCount } } } } }", "operationName": "Regions"}`
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-ID", "test-req-1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("X-Request-ID"); got != "test-req-1" {
		t.Errorf("X-Request-ID echoed as %q", got)
	}

	lastEntry := func() map[string]any {
		var entry map[string]any
		for _, line := range strings.Split(logs.String(), "\n") {
			if strings.Contains(line, `"msg":"request"`) {
				if err := json.Unmarshal([]byte(line), &entry); err != nil {
					t.Fatal(err)
				}
			}
		}
		if entry == nil {
			t.Fatalf("no request log line in:\n%s", logs.String())
		}
		return entry
	}
	entry := lastEntry()
	// The bucket paid the price (and possibly a charge for time).
	if c, ok := entry["charged_cost"].(float64); !ok || c < 303 {
		t.Errorf("charged_cost = %v, want at least the price 303", entry["charged_cost"])
	}
	want := map[string]any{"request_id": "test-req-1", "operation": "Regions", "outcome": "ok", "status": 200.0, "cost": 303.0, "statements": 2.0} // the page of regions (3), three counts (3*100); two statements: the page, then one grouped count
	for k, v := range want {
		if entry[k] != v {
			t.Errorf("log %s = %v, want %v (line %v)", k, entry[k], v, entry)
		}
	}
	if d, ok := entry["duration_ms"].(float64); !ok || d <= 0 {
		t.Errorf("duration_ms = %v", entry["duration_ms"])
	}

	// A bad request is counted too.
	_, _ = http.Post(srv.URL+"/graphql", "application/json", strings.NewReader(`{"query": "{ nope }"}`))

	// Both requests are anonymous: their operations are counted as
	// "other" (TestOperationLabels has the labels of keyed requests).
	_, metrics := get(t, metricsSrv.URL+"/metrics")
	for _, series := range []string{
		`sscgraph_requests_total{operation="other",outcome="ok"} 1`,
		`sscgraph_requests_total{operation="other",outcome="rejected"} 1`,
		`sscgraph_request_duration_seconds_count{operation="other"} 2`,
		`sscgraph_query_cost_points_count 1`,
		`sscgraph_sql_statements_per_request_sum 2`,
		`go_sql_max_open_connections{db_name="sscgraph"}`,
		`go_goroutines`,
	} {
		if !strings.Contains(metrics, series) {
			t.Errorf("/metrics lacks %s", series)
		}
	}

	// The same question again is answered from the answer cache: the log
	// says the price it would have had and the few points it was charged.
	for attempt := 0; ; attempt++ {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		hit := lastEntry()
		if hit["cost"] != 303.0 {
			t.Errorf("a cached answer's log cost = %v, want its price 303", hit["cost"])
		}
		if c, _ := hit["charged_cost"].(float64); c > 0 && c < 50 {
			break
		}
		if attempt == 20 {
			t.Fatalf("no request was answered from the cache: last log line %v", hit)
		}
	}
}

func TestErrorMasking(t *testing.T) {
	srv, db, logs := observedAPI(t, apitest.SQLiteCopy(t), server.DefaultConfig())
	db.SQL.Close() // every statement now fails inside the server
	res, err := http.Post(srv.URL+"/graphql", "application/json", strings.NewReader(`{"query": "{ regions(first: 1) { edges { node { code } } } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 500 {
		t.Errorf("status %d", res.StatusCode)
	}
	var r apitest.Response
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	id := res.Header.Get("X-Request-ID")
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "INTERNAL_SERVER_ERROR" || r.Errors[0].Extensions["requestId"] != id {
		t.Fatalf("errors = %+v, want an internal error carrying request %s", r.Errors, id)
	}
	for _, leak := range []string{"sql", "closed", "database", "sqlite"} {
		if strings.Contains(strings.ToLower(string(b)), leak) {
			t.Errorf("the answer leaks %q: %s", leak, b)
		}
	}
	if !strings.Contains(logs.String(), id) || !strings.Contains(logs.String(), "database is closed") {
		t.Errorf("the log lacks the request ID and the cause:\n%s", logs.String())
	}
}

func TestReadiness(t *testing.T) {
	srv, _, _ := observedAPI(t, apitest.SQLiteCopy(t), server.DefaultConfig())
	if res, body := get(t, srv.URL+"/readyz"); res.StatusCode != http.StatusOK || body != "ready\n" {
		t.Errorf("/readyz on a migrated database: %d %q", res.StatusCode, body)
	}
	empty, _, _ := observedAPI(t, filepath.Join(t.TempDir(), "empty.db"), server.DefaultConfig())
	if res, body := get(t, empty.URL+"/readyz"); res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "migrations are pending") {
		t.Errorf("/readyz before migrations: %d %q", res.StatusCode, body)
	}
	if res, _ := get(t, empty.URL+"/healthz"); res.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %d", res.StatusCode)
	}
}

func TestCORS(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.CORSOrigins = []string{"https://match.example.org"}
	srv, _, _ := observedAPI(t, apitest.SQLiteCopy(t), cfg)
	preflight := func(origin string) *http.Response {
		req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	res := preflight("https://match.example.org")
	if got := res.Header.Get("Access-Control-Allow-Origin"); got != "https://match.example.org" {
		t.Errorf("allowed origin: Access-Control-Allow-Origin = %q", got)
	}
	if got := res.Header.Get("Access-Control-Allow-Credentials"); got != "" {
		t.Errorf("credentials allowed by default: %q", got)
	}
	if got := preflight("https://evil.example.com").Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("other origin allowed: %q", got)
	}
	res, _ = get(t, srv.URL+"/graphql?query=%7B__typename%7D", "Origin", "https://match.example.org")
	if !strings.Contains(res.Header.Get("Access-Control-Expose-Headers"), "X-Ratelimit-Remaining") &&
		!strings.Contains(res.Header.Get("Access-Control-Expose-Headers"), "X-RateLimit-Remaining") {
		t.Errorf("rate-limit headers not exposed: %q", res.Header.Get("Access-Control-Expose-Headers"))
	}
}

// TestClientGoneLoggedAtInfo: a client that leaves before its answer
// (here: the database is slow, and the client gives up) is no fault of the
// server's. Its request is logged at INFO with the outcome client_gone,
// and nothing about it at ERROR, for a query and for an export.
func TestClientGoneLoggedAtInfo(t *testing.T) {
	_, proxy, proxied := faultyPostgres(t)
	cfg := server.DefaultConfig()
	cfg.Answers.MaxBytes = 0
	srv, metricsSrv, _, logs := observedAPIWithMetrics(t, proxied, cfg)
	proxy.SetDelay(1500 * time.Millisecond)
	for _, tc := range []struct{ name, method, path, body string }{
		{"query", http.MethodPost, "/graphql", `{"query": "{ regions(first: 2) { edges { node { code } } } }"}`},
		{"export", http.MethodGet, "/export/regions.csv", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := "gone-" + tc.name
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, _ := http.NewRequestWithContext(ctx, tc.method, srv.URL+tc.path, body)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Request-ID", id)
			if res, err := http.DefaultClient.Do(req); err == nil {
				res.Body.Close()
				t.Fatalf("the request was answered (%d) before the client gave up", res.StatusCode)
			}
			// The server finds out when its statement returns.
			var lines []map[string]any
			deadline := time.Now().Add(10 * time.Second)
			for {
				lines = lines[:0]
				done := false
				for _, line := range strings.Split(logs.String(), "\n") {
					if !strings.Contains(line, id) {
						continue
					}
					var entry map[string]any
					if err := json.Unmarshal([]byte(line), &entry); err != nil {
						t.Fatal(err)
					}
					lines = append(lines, entry)
					done = done || entry["msg"] == "request"
				}
				if done {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no request line for %s in 10 s:\n%s", id, logs.String())
				}
				time.Sleep(50 * time.Millisecond)
			}
			for _, entry := range lines {
				if entry["level"] != "INFO" {
					t.Errorf("logged at %v: %v", entry["level"], entry)
				}
				if entry["msg"] == "request" && entry["outcome"] != "client_gone" {
					t.Errorf("outcome %v, want client_gone: %v", entry["outcome"], entry)
				}
			}
		})
	}
	_, metrics := get(t, metricsSrv.URL+"/metrics")
	if !strings.Contains(metrics, `outcome="client_gone"} 2`) {
		t.Errorf("/metrics does not count the two requests as client_gone:\n%s", metrics)
	}
}
