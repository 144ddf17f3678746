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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"sscgraph/internal/database"
	"sscgraph/internal/dataset"
	"sscgraph/internal/gid"
	"sscgraph/internal/pgtest"
	"sscgraph/internal/reqctx"
	"sscgraph/internal/server"
)

// templateDB is a SQLite file holding the demo dataset, loaded once; every
// test works on its own copy.
var templateDB string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "sscgraph-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	templateDB = filepath.Join(dir, "template.db")
	ctx := context.Background()
	db, err := database.Open(ctx, templateDB, database.Options{})
	if err == nil {
		_, err = db.Migrate(ctx)
	}
	if err == nil {
		_, err = dataset.Load(ctx, db.Client, dataset.DemoSize(), dataset.DefaultSeed)
	}
	if err == nil {
		// Fold the WAL into the main file so that copying one file copies
		// the whole database.
		_, err = db.SQL.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	}
	if db != nil {
		db.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "preparing template database:", err)
		return 1
	}
	return m.Run()
}

// defaultCodec is the codec of servers with the default ID secret
// (server.DefaultConfig), for helpers that have no api at hand.
var defaultCodec = func() *gid.Codec {
	c, err := server.NewCodec(gid.DefaultSecret)
	if err != nil {
		panic(err)
	}
	return c
}()

// api is one running server over its own database file.
type api struct {
	srv        *httptest.Server
	handler    *server.Server
	codec      *gid.Codec // the server's: encodes and decodes its IDs
	db         *database.DB
	statements atomic.Int64
}

// backend is a database kind the suite runs on; fresh returns the DSN of a
// new database holding the demo data, sized one holding a data set of the
// given size; both are removed when the test ends.
type backend struct {
	name  string
	fresh func(t testing.TB) string
	sized func(t testing.TB, size dataset.Size) string
}

// backends are SQLite always, and PostgreSQL when SSCGRAPH_TEST_POSTGRES
// names a database (each test then gets a schema of its own in it).
func backends() []backend {
	bs := []backend{{"sqlite", sqliteCopy, sqliteSized}}
	if pgtest.DSN() != "" {
		bs = append(bs, backend{"postgres",
			func(t testing.TB) string { return postgresSchema(t, dataset.DemoSize()) },
			postgresSchema,
		})
	}
	return bs
}

// forEachBackend runs fn once per backend, each on a fresh database behind
// the real handler.
func forEachBackend(t *testing.T, fn func(t *testing.T, a *api)) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			fn(t, newAPI(t, b.fresh(t)))
		})
	}
}

// forEachBackendWith is forEachBackend with the server built from cfg.
func forEachBackendWith(t *testing.T, cfg server.Config, fn func(t *testing.T, a *api)) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			fn(t, newAPIWith(t, b.fresh(t), cfg))
		})
	}
}

// sqliteCopy copies the template database into the test's directory.
func sqliteCopy(t testing.TB) string {
	t.Helper()
	return copyFile(t, templateDB)
}

func copyFile(t testing.TB, from string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sscgraph.db")
	src, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, src, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// sizedTemplates are SQLite files holding data sets of other sizes than
// the demo, each loaded once and copied for every test that asks.
var sizedTemplates struct {
	sync.Mutex
	files map[dataset.Size]string
}

// sqliteSized returns a copy of a SQLite file holding a data set of size.
func sqliteSized(t testing.TB, size dataset.Size) string {
	t.Helper()
	sizedTemplates.Lock()
	defer sizedTemplates.Unlock()
	if path, ok := sizedTemplates.files[size]; ok {
		return copyFile(t, path)
	}
	path := filepath.Join(filepath.Dir(templateDB), fmt.Sprintf("sized-%d.db", len(sizedTemplates.files)))
	ctx := context.Background()
	db, err := database.Open(ctx, path, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.Load(ctx, db.Client, size, dataset.DefaultSeed); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	if sizedTemplates.files == nil {
		sizedTemplates.files = map[dataset.Size]string{}
	}
	sizedTemplates.files[size] = path
	return copyFile(t, path)
}

var schemaSeq atomic.Int64

// postgresSchema returns a migrated schema of the test's own (see
// package pgtest) holding a data set of size.
func postgresSchema(t testing.TB, size dataset.Size) string {
	t.Helper()
	ctx := context.Background()
	scoped := pgtest.Schema(t)
	db, err := database.Open(ctx, scoped, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := dataset.Load(ctx, db.Client, size, dataset.DefaultSeed); err != nil {
		t.Fatal(err)
	}
	return scoped
}

// newAPI starts the real handler with the default configuration over the
// database dsn names.
func newAPI(t testing.TB, dsn string) *api {
	t.Helper()
	return newAPIWith(t, dsn, server.DefaultConfig())
}

// newAPIWith starts the real handler with cfg.
func newAPIWith(t testing.TB, dsn string, cfg server.Config) *api {
	t.Helper()
	return newAPIOpts(t, dsn, cfg, database.Options{})
}

// newAPIOpts starts the real handler with cfg over a database opened with
// opts (whose statement hook it sets).
func newAPIOpts(t testing.TB, dsn string, cfg server.Config, opts database.Options) *api {
	t.Helper()
	a := &api{}
	opts.OnStatement = func(ctx context.Context, _ string) {
		a.statements.Add(1)
		reqctx.CountStatement(ctx)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if opts.Logger == nil {
		opts.Logger = logger
	}
	db, err := database.Open(context.Background(), dsn, opts)
	if err != nil {
		t.Fatal(err)
	}
	a.db = db
	h, err := server.New(db, cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	a.handler = h
	a.codec = h.Codec()
	a.srv = httptest.NewServer(h)
	t.Cleanup(func() {
		a.srv.Close()
		db.Close()
	})
	return a
}

// gqlError is one entry of a response's errors.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// response is a decoded GraphQL response plus its HTTP status.
type response struct {
	Status     int
	HasData    bool           // the body has a data entry (null or not)
	Data       map[string]any `json:"data"`
	Errors     []gqlError     `json:"errors"`
	Extensions map[string]any `json:"extensions"`
}

// get walks a dotted path ("countries.edges.0.node.id") through the data.
func (r response) get(path string) any {
	var cur any = r.Data
	for _, part := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	return cur
}

func (r response) str(path string) string {
	s, _ := r.get(path).(string)
	return s
}

func (r response) num(path string) int {
	f, ok := r.get(path).(float64)
	if !ok {
		return -1
	}
	return int(f)
}

func (r response) list(path string) []any {
	l, _ := r.get(path).([]any)
	return l
}

// ids returns the node IDs of a connection's edges.
func (r response) ids(path string) []string {
	var out []string
	for _, e := range r.list(path + ".edges") {
		out = append(out, e.(map[string]any)["node"].(map[string]any)["id"].(string))
	}
	return out
}

// post sends a GraphQL request as JSON and decodes the answer.
func (a *api) post(t testing.TB, query string, vars map[string]any) response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return a.raw(t, http.MethodPost, "/graphql", "application/json", body)
}

// send posts a GraphQL request, with an Authorization header when one is
// given, and returns the response's headers with the decoded answer.
func (a *api) send(t testing.TB, authorization, query string, vars map[string]any) (http.Header, response) {
	t.Helper()
	headers := map[string]string{}
	if authorization != "" {
		headers["Authorization"] = authorization
	}
	return sendWith(t, a, headers, query, vars)
}

// sendWith posts a GraphQL request with the given headers and returns the
// response's headers with the decoded answer.
func sendWith(t testing.TB, a *api, headers map[string]string, query string, vars map[string]any) (http.Header, response) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, a.srv.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := a.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	r := response{Status: res.StatusCode}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return res.Header, r
}

// query posts and fails the test on any GraphQL error.
func (a *api) query(t testing.TB, query string, vars map[string]any) response {
	t.Helper()
	r := a.post(t, query, vars)
	if len(r.Errors) > 0 || r.Status != http.StatusOK {
		t.Fatalf("query failed: status %d, errors %+v\nquery: %s", r.Status, r.Errors, query)
	}
	return r
}

// raw sends any request and decodes a GraphQL answer from it.
func (a *api) raw(t testing.TB, method, path, contentType string, body []byte) response {
	t.Helper()
	return a.rawAccept(t, method, path, contentType, "", body)
}

// rawAccept is raw with an Accept header.
func (a *api) rawAccept(t testing.TB, method, path, contentType, accept string, body []byte) response {
	t.Helper()
	req, err := http.NewRequest(method, a.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := a.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := response{Status: res.StatusCode}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err == nil {
		_, r.HasData = probe["data"]
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("%s %s: status %d, body is not a GraphQL response: %v\n%s", method, path, res.StatusCode, err, data)
	}
	return r
}

// count runs a SQL count on the test's database: the independent answer
// that API results are checked against.
func (a *api) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := a.db.SQL.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// column runs a SQL query returning one string column.
func (a *api) column(t testing.TB, query string, args ...any) []string {
	t.Helper()
	rows, err := a.db.SQL.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
