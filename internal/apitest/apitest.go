// Package apitest is the test harness of sscgraph's API: it starts the
// real handler (server.New) over a database of a test's own, SQLite always
// and PostgreSQL when SSCGRAPH_TEST_POSTGRES names one (ForEachBackend),
// and sends it GraphQL over HTTP (API.Post, API.Send, ...), so that the
// tests of a package's behaviour live beside its code, in an external test
// package (package stats_test) that imports apitest, while apitest
// imports server and, through it, the package under test. A test package
// that uses it calls Main from its TestMain. It is imported by tests only.
package apitest

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
	"sscgraph/internal/importer"
	"sscgraph/internal/pgtest"
	"sscgraph/internal/reqctx"
	"sscgraph/internal/server"
)

// templateDB is a SQLite file holding the demo dataset, loaded once; every
// test works on its own copy.
var templateDB string

// Main prepares the template database, runs the tests and exits; a test
// package that uses the harness calls it from its TestMain.
func Main(m *testing.M) {
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
		_, err = dataset.LoadWith(ctx, db.Client, dataset.DemoSize(), dataset.DefaultSeed, importer.Sheet)
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

// DefaultCodec is the codec of servers with the default ID secret
// (server.DefaultConfig), for helpers that have no API at hand.
var DefaultCodec = func() *gid.Codec {
	c, err := server.NewCodec(gid.DefaultSecret)
	if err != nil {
		panic(err)
	}
	return c
}()

// API is one running server over its own database file.
type API struct {
	Srv        *httptest.Server
	Handler    *server.Server
	Codec      *gid.Codec // the server's: encodes and decodes its IDs
	DB         *database.DB
	Statements atomic.Int64
}

// Backend is a database kind the suite runs on; fresh returns the DSN of a
// new database holding the demo data, sized one holding a data set of the
// given size; both are removed when the test ends.
type Backend struct {
	Name  string
	Fresh func(t testing.TB) string
	Sized func(t testing.TB, size dataset.Size) string
}

// Backends are SQLite always, and PostgreSQL when SSCGRAPH_TEST_POSTGRES
// names a database (each test then gets a schema of its own in it).
func Backends() []Backend {
	bs := []Backend{{"sqlite", SQLiteCopy, sqliteSized}}
	if pgtest.DSN() != "" {
		bs = append(bs, Backend{"postgres",
			func(t testing.TB) string { return PostgresSchema(t, dataset.DemoSize()) },
			PostgresSchema,
		})
	}
	return bs
}

// ForEachBackend runs fn once per backend, each on a fresh database behind
// the real handler.
func ForEachBackend(t *testing.T, fn func(t *testing.T, a *API)) {
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) {
			fn(t, New(t, b.Fresh(t)))
		})
	}
}

// ForEachBackendWith is ForEachBackend with the server built from cfg.
func ForEachBackendWith(t *testing.T, cfg server.Config, fn func(t *testing.T, a *API)) {
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) {
			fn(t, NewWith(t, b.Fresh(t), cfg))
		})
	}
}

// SQLiteCopy copies the template database into the test's directory.
func SQLiteCopy(t testing.TB) string {
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
	if _, err := dataset.LoadWith(ctx, db.Client, size, dataset.DefaultSeed, importer.Sheet); err != nil {
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

// PostgresSchema returns a migrated schema of the test's own (see
// package pgtest) holding a data set of size.
func PostgresSchema(t testing.TB, size dataset.Size) string {
	t.Helper()
	ctx := context.Background()
	scoped := pgtest.Schema(t)
	db, err := database.Open(ctx, scoped, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := dataset.LoadWith(ctx, db.Client, size, dataset.DefaultSeed, importer.Sheet); err != nil {
		t.Fatal(err)
	}
	return scoped
}

// New starts the real handler with the default configuration over the
// database dsn names.
func New(t testing.TB, dsn string) *API {
	t.Helper()
	return NewWith(t, dsn, server.DefaultConfig())
}

// NewWith starts the real handler with cfg.
func NewWith(t testing.TB, dsn string, cfg server.Config) *API {
	t.Helper()
	return NewOpts(t, dsn, cfg, database.Options{})
}

// NewOpts starts the real handler with cfg over a database opened with
// opts (whose statement hook it sets).
func NewOpts(t testing.TB, dsn string, cfg server.Config, opts database.Options) *API {
	t.Helper()
	a := &API{}
	opts.OnStatement = func(ctx context.Context, _ string) {
		a.Statements.Add(1)
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
	a.DB = db
	h, err := server.New(db, cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	a.Handler = h
	a.Codec = h.Codec()
	a.Srv = httptest.NewServer(h)
	t.Cleanup(func() {
		a.Srv.Close()
		// The server's own goroutines (the answer cache's, the event
		// listener) end before the database they read closes.
		_ = h.Close()
		db.Close()
	})
	return a
}

// GQLError is one entry of a response's errors.
type GQLError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Response is a decoded GraphQL response plus its HTTP status.
type Response struct {
	Status     int
	HasData    bool           // the body has a data entry (null or not)
	Data       map[string]any `json:"data"`
	Errors     []GQLError     `json:"errors"`
	Extensions map[string]any `json:"extensions"`
}

// Get walks a dotted path ("countries.edges.0.node.id") through the data.
func (r Response) Get(path string) any {
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

func (r Response) Str(path string) string {
	s, _ := r.Get(path).(string)
	return s
}

func (r Response) Num(path string) int {
	f, ok := r.Get(path).(float64)
	if !ok {
		return -1
	}
	return int(f)
}

func (r Response) List(path string) []any {
	l, _ := r.Get(path).([]any)
	return l
}

// IDs returns the node IDs of a connection's edges.
func (r Response) IDs(path string) []string {
	var out []string
	for _, e := range r.List(path + ".edges") {
		out = append(out, e.(map[string]any)["node"].(map[string]any)["id"].(string))
	}
	return out
}

// Post sends a GraphQL request as JSON and decodes the answer.
func (a *API) Post(t testing.TB, query string, vars map[string]any) Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return a.Raw(t, http.MethodPost, "/graphql", "application/json", body)
}

// Send posts a GraphQL request, with an Authorization header when one is
// given, and returns the response's headers with the decoded answer.
func (a *API) Send(t testing.TB, authorization, query string, vars map[string]any) (http.Header, Response) {
	t.Helper()
	headers := map[string]string{}
	if authorization != "" {
		headers["Authorization"] = authorization
	}
	return SendWith(t, a, headers, query, vars)
}

// SendWith posts a GraphQL request with the given headers and returns the
// response's headers with the decoded answer.
func SendWith(t testing.TB, a *API, headers map[string]string, query string, vars map[string]any) (http.Header, Response) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, a.Srv.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := a.Srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	r := Response{Status: res.StatusCode}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return res.Header, r
}

// Query posts and fails the test on any GraphQL error.
func (a *API) Query(t testing.TB, query string, vars map[string]any) Response {
	t.Helper()
	r := a.Post(t, query, vars)
	if len(r.Errors) > 0 || r.Status != http.StatusOK {
		t.Fatalf("query failed: status %d, errors %+v\nquery: %s", r.Status, r.Errors, query)
	}
	return r
}

// Raw sends any request and decodes a GraphQL answer from it.
func (a *API) Raw(t testing.TB, method, path, contentType string, body []byte) Response {
	t.Helper()
	return a.RawAccept(t, method, path, contentType, "", body)
}

// RawAccept is raw with an Accept header.
func (a *API) RawAccept(t testing.TB, method, path, contentType, accept string, body []byte) Response {
	t.Helper()
	req, err := http.NewRequest(method, a.Srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := a.Srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := Response{Status: res.StatusCode}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err == nil {
		_, r.HasData = probe["data"]
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("%s %s: status %d, body is not a GraphQL response: %v\n%s", method, path, res.StatusCode, err, data)
	}
	return r
}

// Count runs a SQL count on the test's database: the independent answer
// that API results are checked against.
func (a *API) Count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := a.DB.SQL.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// Column runs a SQL query returning one string column.
func (a *API) Column(t testing.TB, query string, args ...any) []string {
	t.Helper()
	rows, err := a.DB.SQL.Query(query, args...)
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
