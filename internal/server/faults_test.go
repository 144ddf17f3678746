package server_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
	"sscgraph/internal/database"
	"sscgraph/internal/dataset"
	"sscgraph/internal/faultproxy"
	"sscgraph/internal/pgtest"
	"sscgraph/internal/server"
)

// The tests of database faults put a faultproxy between the server and
// PostgreSQL and break the connections there; the machine's PostgreSQL
// server itself is never touched. What was written is checked with SQL
// on a connection of the test's own, which does not go through the proxy.

// faultyPostgres returns a PostgreSQL schema holding the demo data, the
// proxy in front of it, and the DSN of the schema through the proxy. It
// skips the test without PostgreSQL.
func faultyPostgres(t *testing.T) (direct string, proxy *faultproxy.Proxy, proxied string) {
	t.Helper()
	if pgtest.DSN() == "" {
		t.Skip(pgtest.Env + " is not set")
	}
	direct = apitest.PostgresSchema(t, dataset.DemoSize())
	proxied, proxy = faultproxy.Front(t, direct)
	return direct, proxy, proxied
}

// directCount runs a count on dsn over a connection of its own.
func directCount(t *testing.T, dsn, query string, args ...any) int {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// answer is one HTTP answer of the API, for checks made off the test's
// goroutine.
type answer struct {
	status int
	header http.Header
	body   []byte
	resp   apitest.Response
}

// fetch sends a GraphQL request without failing the test, so that
// goroutines can use it.
func fetch(ctx context.Context, a *apitest.API, path, accept, authorization, query string) (answer, error) {
	body, _ := json.Marshal(map[string]any{"query": query})
	method := http.MethodPost
	var rd io.Reader = bytes.NewReader(body)
	if strings.HasPrefix(path, "/export/") {
		method, rd = http.MethodGet, nil
	}
	req, err := http.NewRequestWithContext(ctx, method, a.Srv.URL+path, rd)
	if err != nil {
		return answer{}, err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	res, err := a.Srv.Client().Do(req)
	if err != nil {
		return answer{}, err
	}
	defer res.Body.Close()
	ans := answer{status: res.StatusCode, header: res.Header}
	if ans.body, err = io.ReadAll(res.Body); err != nil {
		return ans, err
	}
	ans.resp.Status = res.StatusCode
	if strings.Contains(res.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal(ans.body, &ans.resp); err != nil {
			return ans, fmt.Errorf("status %d, body is not JSON: %v: %.200s", res.StatusCode, err, ans.body)
		}
	}
	return ans, nil
}

// waitFor polls check until it returns "" or the deadline passes, then
// fails the test with check's last complaint.
func waitFor(t *testing.T, within time.Duration, check func() string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		complaint := check()
		if complaint == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", within, complaint)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// faultReads are read queries whose answers must not change across
// connection failures.
var faultReads = []string{
	`{ countries(first: 20) { totalCount edges { node { id code name } } } }`,
	`{ regions { edges { node { code name countries { totalCount } } } } }`,
	`{ projects(first: 10) { totalCount edges { node { code title status } } } }`,
}

// TestReadsRideOutDroppedConnections: reads from several clients while the
// proxy drops every connection, or terminates them as a restarting
// server does, again and again, and refuses new ones for a moment: not
// one error, and every answer the same as before.
func TestReadsRideOutDroppedConnections(t *testing.T) {
	_, proxy, dsn := faultyPostgres(t)
	cfg := server.DefaultConfig()
	// The clients read as fast as they can: more than a client may spend
	// in an hour. The rate limit stays on, its bucket in the database is
	// charged on every read.
	cfg.Limits.PerHour = 1 << 40
	a := apitest.NewWith(t, dsn, cfg)
	want := make([]string, len(faultReads))
	for i, q := range faultReads {
		r := a.Query(t, q, nil)
		b, _ := json.Marshal(r.Data)
		want[i] = string(b)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	sent := make([]int, 4)
	for c := range sent {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				q := i % len(faultReads)
				ans, err := fetch(context.Background(), a, "/graphql", "", "", faultReads[q])
				sent[c]++
				got, _ := json.Marshal(ans.resp.Data)
				if err != nil || ans.status != http.StatusOK || len(ans.resp.Errors) > 0 || string(got) != want[q] {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("client %d, read %d: status %d, err %v, errors %+v", c, i, ans.status, err, ans.resp.Errors))
					mu.Unlock()
				}
			}
		}()
	}
	// Faults while the clients read: drops, terminations, and a refusal
	// of new connections for a moment, as during a restart.
	for round := range 12 {
		time.Sleep(60 * time.Millisecond)
		switch round % 3 {
		case 0:
			proxy.DropAll()
		case 1:
			proxy.TerminateAll()
		case 2:
			proxy.Refuse()
			proxy.TerminateAll()
			time.Sleep(300 * time.Millisecond)
			if err := proxy.Allow(); err != nil {
				t.Fatal(err)
			}
		}
	}
	time.Sleep(100 * time.Millisecond)
	close(stop)
	wg.Wait()
	total := 0
	for _, n := range sent {
		total += n
	}
	t.Logf("%d reads across 12 faults, %d failed", total, len(failures))
	if len(failures) > 0 {
		t.Errorf("%d of %d reads failed; first: %s", len(failures), total, failures[0])
	}
	if total < 4*len(faultReads) {
		t.Errorf("only %d reads were sent", total)
	}
	if a.DB.Health.Open() {
		t.Error("the breaker opened during short faults")
	}
}

// TestDatabaseUnreachable: with the database gone, the first request
// retries for its time and is answered 503; from then on every request is
// answered 503 at once with Retry-After and SERVICE_UNAVAILABLE, in both
// media types, on /graphql and /export/; and once the database is back
// the server serves again by itself.
func TestDatabaseUnreachable(t *testing.T) {
	_, proxy, dsn := faultyPostgres(t)
	cfg := server.DefaultConfig()
	// The first request retries for as long as it may: keep it short.
	cfg.Timeout = 2 * time.Second
	a := apitest.NewWith(t, dsn, cfg)
	const q = `{ countries(first: 3) { totalCount edges { node { code } } } }`
	before := a.Query(t, q, nil)

	proxy.Refuse()
	proxy.DropAll()
	ctx := context.Background()
	first, err := fetch(ctx, a, "/graphql", "", "", q)
	if err != nil {
		t.Fatal(err)
	}
	if first.status != http.StatusServiceUnavailable || len(first.resp.Errors) == 0 || first.resp.Errors[0].Extensions["code"] != "SERVICE_UNAVAILABLE" {
		t.Fatalf("first request with the database gone: status %d, %s", first.status, first.body)
	}
	if !a.DB.Health.Open() {
		t.Fatal("the breaker did not open after a request's retries ran out")
	}

	tests := []struct {
		name, path, accept, contentType string
	}{
		{"json", "/graphql", "application/json", "application/json"},
		{"graphql-response", "/graphql", "application/graphql-response+json", "application/graphql-response+json"},
		{"no accept", "/graphql", "", "application/json"},
		{"export", "/export/countries.csv", "", "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans, err := fetch(ctx, a, tt.path, tt.accept, "", q)
			if err != nil {
				t.Fatal(err)
			}
			if ans.status != http.StatusServiceUnavailable {
				t.Fatalf("status %d, want 503: %s", ans.status, ans.body)
			}
			if ra := ans.header.Get("Retry-After"); ra != "1" {
				t.Errorf("Retry-After %q, want 1", ra)
			}
			if ct := ans.header.Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) {
				t.Errorf("Content-Type %q, want %s", ct, tt.contentType)
			}
			if len(ans.resp.Errors) != 1 || ans.resp.HasData {
				t.Fatalf("want one error and no data: %s", ans.body)
			}
			e := ans.resp.Errors[0]
			if e.Extensions["code"] != "SERVICE_UNAVAILABLE" || e.Extensions["reason"] != "DATABASE_UNAVAILABLE" || e.Extensions["requestId"] != ans.header.Get("X-Request-ID") {
				t.Errorf("error %+v", e)
			}
		})
	}
	metrics := scrape(t, a)
	for _, want := range []string{`sscgraph_database_circuit_open 1`, `sscgraph_unavailable_total{reason="DATABASE_UNAVAILABLE"} 5`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q", want)
		}
	}

	if err := proxy.Allow(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, func() string {
		ans, err := fetch(ctx, a, "/graphql", "", "", q)
		if err != nil {
			return err.Error()
		}
		if ans.status != http.StatusOK || len(ans.resp.Errors) > 0 {
			return fmt.Sprintf("still status %d: %.200s", ans.status, ans.body)
		}
		if got, want := mustJSON(ans.resp.Data), mustJSON(before.Data); got != want {
			return fmt.Sprintf("answer %s, want %s", got, want)
		}
		return ""
	})
	if !strings.Contains(scrape(t, a), `sscgraph_database_circuit_open 0`) {
		t.Error("the circuit gauge did not go back to 0")
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// scrape returns the server's metrics.
func scrape(t *testing.T, a *apitest.API) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "/metrics", nil)
	rec := &bytesRecorder{header: http.Header{}}
	a.Handler.Metrics().ServeHTTP(rec, req)
	return rec.buf.String()
}

type bytesRecorder struct {
	header http.Header
	buf    bytes.Buffer
}

func (r *bytesRecorder) Header() http.Header         { return r.header }
func (r *bytesRecorder) Write(b []byte) (int, error) { return r.buf.Write(b) }
func (r *bytesRecorder) WriteHeader(int)             {}

// TestWritesNeverLeaveClientsGuessing: a mutation whose connection is cut
// before COMMIT is sent answers SERVICE_UNAVAILABLE saying nothing was
// written, and nothing was; one cut after COMMIT was sent (the server
// commits, its answer is lost) answers COMMIT_UNKNOWN with the request ID,
// and the change is there, with its audit event.
func TestWritesNeverLeaveClientsGuessing(t *testing.T) {
	direct, proxy, dsn := faultyPostgres(t)
	a := apitest.New(t, dsn)
	_, key, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	create := func(code string) string {
		return fmt.Sprintf(`mutation { createRegion(input: {code: %q, name: "Fault test"}) { id code } }`, code)
	}
	tests := []struct {
		name     string
		rule     faultproxy.Rule
		status   int
		code     string
		message  string
		written  int
		reason   string
		withData bool
	}{
		{"cut before the insert", faultproxy.OnceSQL(`INSERT INTO "regions"`, faultproxy.CutBefore), http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "nothing was written", 0, "CONNECTION_FAILED", false},
		{"cut after commit was sent", commitRule(faultproxy.CutAfter), http.StatusOK, "COMMIT_UNKNOWN", "audit trail", 1, "", false},
		{"commit lost on its way", commitRule(faultproxy.CutBefore), http.StatusOK, "COMMIT_UNKNOWN", "audit trail", 0, "", false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := fmt.Sprintf("FAULT_%d", i)
			proxy.SetRule(tt.rule)
			defer proxy.SetRule(nil)
			ans, err := fetch(context.Background(), a, "/graphql", "", "Bearer "+key, create(code))
			if err != nil {
				t.Fatal(err)
			}
			if ans.status != tt.status || len(ans.resp.Errors) != 1 {
				t.Fatalf("status %d, want %d with one error: %s", ans.status, tt.status, ans.body)
			}
			e := ans.resp.Errors[0]
			id := ans.header.Get("X-Request-ID")
			if e.Extensions["code"] != tt.code || e.Extensions["requestId"] != id || !strings.Contains(e.Message, tt.message) {
				t.Errorf("error %+v, want %s saying %q with request ID %s", e, tt.code, tt.message, id)
			}
			if tt.reason != "" && e.Extensions["reason"] != tt.reason {
				t.Errorf("reason %v, want %s", e.Extensions["reason"], tt.reason)
			}
			if ans.resp.Get("createRegion") != nil {
				t.Errorf("data for a change not known to be written: %s", ans.body)
			}
			// The proxy cut the client's connection, not the server's
			// work: a COMMIT it forwarded may still be finishing when
			// the client has its answer, so the count is given a few
			// seconds to reach what it must become.
			n := directCount(t, direct, `SELECT COUNT(*) FROM regions WHERE code = $1`, code)
			for deadline := time.Now().Add(5 * time.Second); n != tt.written && time.Now().Before(deadline); {
				time.Sleep(50 * time.Millisecond)
				n = directCount(t, direct, `SELECT COUNT(*) FROM regions WHERE code = $1`, code)
			}
			if n != tt.written {
				t.Errorf("%d regions %s written, want %d", n, code, tt.written)
			}
			events := directCount(t, direct, `SELECT COUNT(*) FROM audit_events e JOIN regions r ON r.id = e.node_id WHERE e.type = 'Region' AND e.operation = 'CREATE' AND r.code = $1`, code)
			if events != tt.written {
				t.Errorf("%d audit events of %s, want %d", events, code, tt.written)
			}
		})
	}
	// The server goes on serving writes.
	if ans, err := fetch(context.Background(), a, "/graphql", "", "Bearer "+key, create("FAULT_AFTER")); err != nil || ans.status != http.StatusOK || len(ans.resp.Errors) > 0 {
		t.Fatalf("a write after the faults: %v %s", err, ans.body)
	}
}

// commitRule acts on the COMMIT of a transaction (pgx sends it as a simple
// query).
func commitRule(action faultproxy.Action) faultproxy.Rule {
	done := false
	var mu sync.Mutex
	return func(m faultproxy.Message) faultproxy.Action {
		mu.Lock()
		defer mu.Unlock()
		if !done && m.Type == 'Q' && strings.EqualFold(strings.TrimSpace(m.SQL()), "commit") {
			done = true
			return action
		}
		return faultproxy.Forward
	}
}

// TestSQLiteStorageFaults: a read-only file or a full disk makes writes
// fail with SERVICE_UNAVAILABLE naming the problem, nothing half-written,
// while reads go on.
func TestSQLiteStorageFaults(t *testing.T) {
	const read = `{ regions { totalCount edges { node { code } } } }`
	// A change that needs new pages: a long summary and note (overflow
	// pages and their words in the search index), each within the
	// 20,000 characters a text may hold.
	long := strings.Repeat("words that fill pages ", 900)
	write := fmt.Sprintf(`mutation { createProject(input: {code: "STORAGE_FAULT", title: "Storage fault", status: PROPOSED, summary: %q, note: %q}) { id } }`,
		long, long)
	tests := []struct {
		name    string
		open    func(t *testing.T, path string) *apitest.API
		reason  string
		message string
	}{
		{"read-only file", func(t *testing.T, path string) *apitest.API {
			return apitest.NewWith(t, "file:"+path+"?mode=ro", server.DefaultConfig())
		}, "READ_ONLY", "read-only"},
		{"disk full", func(t *testing.T, path string) *apitest.API {
			pages := fillDisk(t, path)
			return apitest.NewOpts(t, path, server.DefaultConfig(), database.Options{SQLitePragmas: []string{fmt.Sprintf("PRAGMA max_page_count = %d", pages)}})
		}, "DISK_FULL", "disk is full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := apitest.SQLiteCopy(t)
			key := sqliteKey(t, path)
			a := tt.open(t, path)
			want := a.Query(t, read, nil)
			projects := a.Count(t, `SELECT COUNT(*) FROM projects`)
			events := a.Count(t, `SELECT COUNT(*) FROM audit_events`)

			ans, err := fetch(context.Background(), a, "/graphql", "", "Bearer "+key, write)
			if err != nil {
				t.Fatal(err)
			}
			if ans.status != http.StatusServiceUnavailable || len(ans.resp.Errors) != 1 {
				t.Fatalf("status %d, want 503 with one error: %.500s", ans.status, ans.body)
			}
			e := ans.resp.Errors[0]
			if e.Extensions["code"] != "SERVICE_UNAVAILABLE" || e.Extensions["reason"] != tt.reason ||
				!strings.Contains(e.Message, tt.message) || !strings.Contains(e.Message, "nothing was written") {
				t.Errorf("error %+v, want SERVICE_UNAVAILABLE %s saying %q and that nothing was written", e, tt.reason, tt.message)
			}
			if ra := ans.header.Get("Retry-After"); ra == "" {
				t.Error("no Retry-After")
			}
			if n := a.Count(t, `SELECT COUNT(*) FROM projects`); n != projects {
				t.Errorf("%d projects after the failed write, want %d", n, projects)
			}
			if n := a.Count(t, `SELECT COUNT(*) FROM audit_events`); n != events {
				t.Errorf("%d audit events after the failed write, want %d", n, events)
			}
			if got := a.Query(t, read, nil); mustJSON(got.Data) != mustJSON(want.Data) {
				t.Errorf("reads changed: %v, want %v", got.Data, want.Data)
			}
		})
	}
}

// sqliteKey creates an ADMIN key in the SQLite file at path.
func sqliteKey(t *testing.T, path string) string {
	t.Helper()
	db, err := database.Open(context.Background(), path, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, key, err := auth.Create(context.Background(), db.Client, auth.CreateOptions{Role: auth.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	return key
}

// fillDisk fills the free pages of the SQLite file at path up to its
// current size with a table of its own, and returns that size in pages:
// with max_page_count set to it, the database is as full as a full disk
// would make it.
func fillDisk(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var pages int
	if err := db.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	pages += 2 // room for the filler table itself
	for _, stmt := range []string{fmt.Sprintf(`PRAGMA max_page_count = %d`, pages), `CREATE TABLE filler (b BLOB)`} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	for size := 1 << 16; size >= 16; size /= 4 {
		for {
			if _, err := db.Exec(`INSERT INTO filler VALUES (zeroblob(?))`, size); err != nil {
				break // full at this size: try smaller rows
			}
		}
	}
	return pages
}

// TestPoolExhausted: when every connection stays busy (a slow network
// here) past the pool wait, a request is answered 503 POOL_EXHAUSTED with
// Retry-After instead of waiting for a connection deep in a resolver.
func TestPoolExhausted(t *testing.T) {
	_, proxy, dsn := faultyPostgres(t)
	cfg := server.DefaultConfig()
	cfg.PoolWait = 100 * time.Millisecond
	// One client sends the three requests: without its own cap
	// (TestInFlightPerClient), which would turn them away first.
	cfg.MaxInFlightPerClient = -1
	a := apitest.NewOpts(t, dsn, cfg, database.Options{MaxConns: 2})
	const q = `{ countries(first: 3) { totalCount } }`
	a.Query(t, q, nil)
	proxy.SetDelay(300 * time.Millisecond)
	defer proxy.SetDelay(0)

	// Three requests at once for one slot, each holding it for two
	// delayed round trips, far past the pool wait: one runs, the others
	// are turned away.
	answers := make(chan answer, 3)
	for range 3 {
		go func() {
			ans, err := fetch(context.Background(), a, "/graphql", "application/graphql-response+json", "", q)
			if err != nil {
				ans.status = -1
				ans.body = []byte(err.Error())
			}
			answers <- ans
		}()
	}
	ok, busy := 0, 0
	for range 3 {
		ans := <-answers
		switch ans.status {
		case http.StatusOK:
			ok++
		case http.StatusServiceUnavailable:
			busy++
			if len(ans.resp.Errors) != 1 || ans.resp.Errors[0].Extensions["code"] != "SERVICE_UNAVAILABLE" || ans.resp.Errors[0].Extensions["reason"] != "POOL_EXHAUSTED" {
				t.Errorf("answer %s, want SERVICE_UNAVAILABLE POOL_EXHAUSTED", ans.body)
			}
			if ans.header.Get("Retry-After") != "1" {
				t.Errorf("Retry-After %q, want 1", ans.header.Get("Retry-After"))
			}
		default:
			t.Errorf("status %d: %s", ans.status, ans.body)
		}
	}
	if ok != 1 || busy != 2 {
		t.Errorf("%d answered, %d turned away; want 1 and 2", ok, busy)
	}
	if m := scrape(t, a); !strings.Contains(m, `sscgraph_unavailable_total{reason="POOL_EXHAUSTED"}`) {
		t.Error("the metrics do not count POOL_EXHAUSTED")
	}
}
