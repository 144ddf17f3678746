package cli

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"sscgraph/ent"
	"sscgraph/internal/gid"
	"sscgraph/internal/pgtest"
	"sscgraph/internal/server"
)

func noEnv(string) string { return "" }

// TestSchemaFileIsCurrent is the drift test: schema.graphql, the file API
// users read, is what the code serves.
func TestSchemaFileIsCurrent(t *testing.T) {
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"schema"}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../../schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), committed) {
		t.Error("schema.graphql is stale: run go generate ./...")
	}
	if strings.Contains(out.String(), "@goModel") || strings.Contains(out.String(), "@goField") {
		t.Error("the public schema shows gqlgen's code-generation directives")
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "no command"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown flag", []string{"serve", "--nope"}, "unknown flag --nope"},
		{"stray argument", []string{"seed", "extra"}, "unexpected arguments"},
		{"scale out of range", []string{"seed", "--synthetic", "--scale", "0"}, "--scale must be between 1 and 100"},
		{"bad log format", []string{"serve", "--log-format", "xml"}, "--log-format"},
		{"negative limit", []string{"serve", "--max-cost", "-1"}, "--max-cost must not be negative"},
		{"tiny body limit", []string{"serve", "--max-body-bytes", "10"}, "--max-body-bytes must be at least 1024"},
		{"profiles beyond loopback", []string{"serve", "--pprof-addr", "0.0.0.0:6060"}, "not a loopback address; add --pprof-remote"},
		{"profiles on a bad address", []string{"serve", "--pprof-addr", "6060"}, `--pprof-addr "6060"`},
		{"metrics beyond loopback", []string{"serve", "--metrics-addr", "0.0.0.0:9464"}, `--metrics-addr "0.0.0.0:9464" is not a loopback address; add --metrics-remote`},
		{"metrics on every interface", []string{"serve", "--metrics-addr", ":9464"}, "not a loopback address; add --metrics-remote"},
		{"metrics on a private address", []string{"serve", "--metrics-addr", "10.1.2.3:9464"}, "add --metrics-remote"},
		{"metrics on a bad address", []string{"serve", "--metrics-addr", "9464"}, `--metrics-addr "9464"`},
		{"metrics address empty", []string{"serve", "--metrics-addr", ""}, "or off to serve no metrics"},
		{"negative database wait", []string{"serve", "--db-wait", "-1s"}, "--db-wait, --db-max-conns and --db-pool-wait must not be negative"},
		{"negative pool size", []string{"serve", "--db-max-conns", "-2"}, "must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Run(context.Background(), tt.args, noEnv, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
			if code := ExitCode(err); code != 2 {
				t.Errorf("exit code = %d, want 2", code)
			}
		})
	}
}

// startServe runs `serve` with args and env until ctx ends, with its
// metrics off unless args say otherwise, so that tests never meet on the
// default metrics port. It returns
// the API's base URL, read from the first line serve prints, and a channel
// that receives serve's result. It does not fail the test itself, so that
// it can run on other goroutines.
func startServe(ctx context.Context, args []string, env map[string]string) (string, <-chan error, error) {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		prefix := []string{"serve", "--addr", "127.0.0.1:0"}
		if env["SSCGRAPH_METRICS_ADDR"] == "" {
			prefix = append(prefix, "--metrics-addr", "off")
		}
		done <- Run(ctx, append(prefix, args...), func(k string) string { return env[k] }, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		return "", done, fmt.Errorf("reading the listen line: %v (serve returned %v)", err, <-done)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	_, url, ok := strings.Cut(strings.TrimSpace(line), "listening on ")
	if !ok {
		return "", done, fmt.Errorf("first line %q does not say where sscgraph listens", line)
	}
	return strings.TrimSuffix(url, "/graphql"), done, nil
}

// counts asks a running API for the number of countries and demo
// activities.
func counts(t *testing.T, base string) (countries, activities int) {
	t.Helper()
	res, err := http.Post(base+"/graphql", "application/json", strings.NewReader(`{"query":"{ countries { totalCount } activities(where: {demo: true}) { totalCount } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Data struct {
			Countries, Activities struct{ TotalCount int }
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return body.Data.Countries.TotalCount, body.Data.Activities.TotalCount
}

func waitStopped(t *testing.T, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after its context ended, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop within 10 s of its context ending")
	}
}

// TestServe runs `serve` as a newcomer does, on a new database file and a
// free port: it creates the schema, loads the dataset, answers queries, and
// stops cleanly when its context ends.
func TestServe(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "new.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, done, err := startServe(ctx, nil, map[string]string{"SSCGRAPH_DB": dbPath})
	if err != nil {
		t.Fatal(err)
	}

	res, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("/healthz: status %d", res.StatusCode)
	}
	if c, a := counts(t, base); c != 249 || a != 400 {
		t.Errorf("got %d countries and %d demo activities, want 249 and 400", c, a)
	}
	// Without GOGC in its environment, serve sets the collector's target.
	if got := debug.SetGCPercent(100); got != DefaultGCPercent {
		t.Errorf("GC percent %d while serving, want %d", got, DefaultGCPercent)
	}
	if _, err := os.Stat(dbPath); err != nil {
		t.Errorf("database file: %v", err)
	}
	cancel()
	waitStopped(t, done)
}

// TestProfiles starts serve with --pprof-addr: Go's profiles answer there,
// and not on the API's address.
func TestProfiles(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, done, err := startServe(ctx, []string{"--pprof-addr", addr}, map[string]string{"SSCGRAPH_DB": filepath.Join(t.TempDir(), "new.db")})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		url  string
		want int
	}{
		{"http://" + addr + "/debug/pprof/goroutine?debug=1", http.StatusOK},
		{base + "/debug/pprof/goroutine?debug=1", http.StatusNotFound},
	} {
		res, err := http.Get(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("GET %s: status %d, want %d", tt.url, res.StatusCode, tt.want)
		}
		if tt.want == http.StatusOK && !strings.Contains(string(body), "goroutine profile") {
			t.Errorf("GET %s: %.100s is not a goroutine profile", tt.url, body)
		}
	}
	cancel()
	waitStopped(t, done)
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// httpGet returns the status and body of GET url.
func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(body)
}

// TestMetricsListener starts serve with metrics on an address of their
// own, on the profiles' address, and off: they answer only where they are
// put, never on the API's address.
func TestMetricsListener(t *testing.T) {
	addr := freeAddr(t)
	const counted = `sscgraph_requests_total{operation="other",outcome="ok"} 1` // counts' anonymous request
	for _, tt := range []struct {
		name string
		args []string
		env  map[string]string
		want map[string]string // URL path on addr -> a substring of its body
	}{
		{"own listener", []string{"--metrics-addr", addr}, nil, map[string]string{"/metrics": counted}},
		{"from the environment", nil, map[string]string{"SSCGRAPH_METRICS_ADDR": addr}, map[string]string{"/metrics": counted}},
		{"shared with profiles", []string{"--pprof-addr", addr, "--metrics-addr", addr}, nil, map[string]string{
			"/metrics":                       counted,
			"/debug/pprof/goroutine?debug=1": "goroutine profile",
		}},
		{"off", []string{"--metrics-addr", "off"}, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"SSCGRAPH_DB": filepath.Join(t.TempDir(), "m.db")}
			for k, v := range tt.env {
				env[k] = v
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			base, done, err := startServe(ctx, tt.args, env)
			if err != nil {
				t.Fatal(err)
			}
			if c, _ := counts(t, base); c != 249 {
				t.Fatalf("%d countries, want 249", c)
			}
			if status, body := httpGet(t, base+"/metrics"); status != http.StatusNotFound || strings.Contains(body, "sscgraph_") {
				t.Errorf("GET /metrics on the API's address: status %d, %.100s; want 404", status, body)
			}
			for path, want := range tt.want {
				status, body := httpGet(t, "http://"+addr+path)
				if status != http.StatusOK || !strings.Contains(body, want) {
					t.Errorf("GET %s on %s: status %d, want 200 with %s; got %.300s", path, addr, status, want, body)
				}
			}
			if tt.want == nil {
				if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
					t.Errorf("something listens on %s with metrics off", addr)
				}
			}
			cancel()
			waitStopped(t, done)
		})
	}
}

// TestIDSecret: serve refuses PostgreSQL without --id-secret (before it
// touches the database) unless --insecure-default-secret says so, and
// warns on SQLite. Runs that get past the check fail later on purpose: an
// address that cannot be listened on, or a PostgreSQL that is not there.
func TestIDSecret(t *testing.T) {
	const (
		refusal    = "refusing to serve PostgreSQL without --id-secret"
		badAddr    = "127.0.0.1:99999"
		listenFail = "--addr " + badAddr + ": cannot listen"
		noPostgres = "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"
	)
	pg := os.Getenv("SSCGRAPH_TEST_POSTGRES")
	// realPostgres returns a new, empty schema of the test PostgreSQL, and
	// a function that counts its tables.
	realPostgres := func(t *testing.T) (string, func() int) {
		t.Helper()
		dsn := pgtest.EmptySchema(t)
		conn, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return dsn, func() int {
			var n int
			if err := conn.QueryRow("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
	}

	for _, tt := range []struct {
		name     string
		postgres bool // on the test PostgreSQL (skipped without it); else db
		db       string
		args     []string
		env      map[string]string
		wantErr  string // a substring of serve's error: listenFail when serve got past the secret check (it listens before it opens the database)
		wantWarn string // a substring of a WARN log line; "" for none
	}{
		{"SQLite without a secret", false, "", nil, nil, listenFail, "no --id-secret is set"},
		{"SQLite with the built-in secret", false, "", []string{"--id-secret", "sscgraph-default-id-secret"}, nil, listenFail, "no --id-secret is set"},
		{"SQLite with a secret", false, "", []string{"--id-secret", "s3cret-for-tests"}, nil, listenFail, ""},
		{"PostgreSQL URL without a secret", false, noPostgres, nil, nil, refusal, ""},
		{"PostgreSQL URL with --insecure-default-secret", false, noPostgres, []string{"--insecure-default-secret"}, nil, listenFail, "--insecure-default-secret"},
		{"PostgreSQL URL with SSCGRAPH_INSECURE_DEFAULT_SECRET", false, noPostgres, nil, map[string]string{"SSCGRAPH_INSECURE_DEFAULT_SECRET": "true"}, listenFail, "--insecure-default-secret"},
		{"PostgreSQL URL with a secret from the environment", false, noPostgres, nil, map[string]string{"SSCGRAPH_ID_SECRET": "s3cret-for-tests"}, listenFail, ""},
		// libpq's keyword form is PostgreSQL too: it was opened as a
		// SQLite file of that name and served with the built-in secret.
		{"libpq keyword form without a secret", false, "host=127.0.0.1 port=1 dbname=none user=nobody connect_timeout=2", nil, nil, refusal, ""},
		{"libpq keyword form with a secret", false, "host=127.0.0.1 port=1 dbname=none user=nobody connect_timeout=2", []string{"--id-secret", "s3cret-for-tests"}, nil, listenFail, ""},
		// Without a database, libpq's defaults chose one to create tables in.
		{"PostgreSQL URL without a database", false, "postgres://nobody@127.0.0.1:1?sslmode=disable", []string{"--id-secret", "s3cret-for-tests"}, nil, "names no database", ""},
		{"PostgreSQL URL of nothing", false, "postgres://", []string{"--id-secret", "s3cret-for-tests"}, nil, "names no database", ""},
		{"PostgreSQL without a secret", true, "", nil, nil, refusal, ""},
		{"PostgreSQL with --insecure-default-secret", true, "", []string{"--insecure-default-secret"}, nil, listenFail, "--insecure-default-secret"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db, tables := tt.db, func() int { return 0 }
			switch {
			case tt.postgres && pg == "":
				t.Skip("SSCGRAPH_TEST_POSTGRES is not set")
			case tt.postgres:
				db, tables = realPostgres(t)
			case db == "":
				db = filepath.Join(t.TempDir(), "s.db")
			}
			env := map[string]string{"SSCGRAPH_DB": db}
			for k, v := range tt.env {
				env[k] = v
			}
			var stderr bytes.Buffer
			args := append([]string{"serve", "--addr", badAddr, "--metrics-addr", "off"}, tt.args...)
			err := Run(context.Background(), args, func(k string) string { return env[k] }, io.Discard, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.wantErr)
			}
			if tt.wantErr == refusal {
				if !strings.Contains(err.Error(), "set --id-secret") || !strings.Contains(err.Error(), "--insecure-default-secret") {
					t.Errorf("the refusal %q does not say how to proceed", err)
				}
				if code := ExitCode(err); code != 2 {
					t.Errorf("exit code %d, want 2", code)
				}
				if n := tables(); n != 0 {
					t.Errorf("the refused run created %d tables; it must not touch the database", n)
				}
			}
			var warns []string
			for _, line := range strings.Split(stderr.String(), "\n") {
				if strings.Contains(line, "level=WARN") {
					warns = append(warns, line)
				}
			}
			switch {
			case tt.wantWarn == "" && len(warns) > 0:
				t.Errorf("unexpected warnings:\n%s", strings.Join(warns, "\n"))
			case tt.wantWarn != "" && (len(warns) != 1 || !strings.Contains(warns[0], tt.wantWarn) || !strings.Contains(warns[0], "forge")):
				t.Errorf("warnings %q, want one mentioning %q and forgery", warns, tt.wantWarn)
			}
		})
	}
}

// TestTwoServersOnePostgres starts two serve processes together on one new
// PostgreSQL schema: one migrates and loads, the other waits for it, both
// serve the same data, loaded once, and a change made through one is read
// through the other.
func TestTwoServersOnePostgres(t *testing.T) {
	env := map[string]string{"SSCGRAPH_DB": pgtest.EmptySchema(t), "SSCGRAPH_ID_SECRET": "two-servers-one-secret"}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type started struct {
		base string
		done <-chan error
		err  error
	}
	results := make(chan started, 2)
	for range 2 {
		go func() {
			base, done, err := startServe(ctx, nil, env)
			results <- started{base, done, err}
		}()
	}
	a, b := <-results, <-results
	for _, s := range []started{a, b} {
		if s.err != nil {
			t.Fatal(s.err)
		}
	}
	for _, s := range []started{a, b} {
		if c, n := counts(t, s.base); c != 249 || n != 400 {
			t.Errorf("%s: %d countries and %d demo activities, want 249 and 400 (loaded once)", s.base, c, n)
		}
	}

	// A change through one server is read through the other.
	var out bytes.Buffer
	if err := Run(ctx, []string{"key", "create", "--role", "EDITOR", "--db", env["SSCGRAPH_DB"]}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	key := lines[len(lines)-1]
	gql := func(base, query string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(query))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		if body["errors"] != nil {
			t.Fatalf("%s: errors %v", base, body["errors"])
		}
		return body
	}
	body := gql(a.base, `{"query": "{ project(code: \"DA_4_10_02\") { id } }"}`)
	id := body["data"].(map[string]any)["project"].(map[string]any)["id"].(string)
	gql(a.base, `{"query": "mutation { updateProject(id: \"`+id+`\", input: {summary: \"changed through A\"}) { id } }"}`)
	body = gql(b.base, `{"query": "{ project(code: \"DA_4_10_02\") { summary } }"}`)
	if got := body["data"].(map[string]any)["project"].(map[string]any)["summary"]; got != "changed through A" {
		t.Errorf("server B reads summary %q after server A changed it", got)
	}
	cancel()
	waitStopped(t, a.done)
	waitStopped(t, b.done)
}

// TestSeedThenServeLoadsOnce seeds a file and checks a second load is
// refused rather than duplicating the dataset.
func TestSeedThenServeLoadsOnce(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "seeded.db")
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"seed", "--db", dbPath}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), " Activities:400 ") || !strings.Contains(out.String(), " RealActivities:") {
		t.Errorf("seed output %q does not report 400 demo activities and the real ones", out.String())
	}
	err := Run(context.Background(), []string{"seed", "--db", dbPath}, noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "already holds") {
		t.Errorf("second seed: err = %v, want a refusal to load twice", err)
	}
}

// TestGracefulShutdown stops serve while a request is in flight: new
// connections are refused at once, and the request in flight still gets
// its whole answer.
func TestGracefulShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, done, err := startServe(ctx, nil, map[string]string{"SSCGRAPH_DB": filepath.Join(t.TempDir(), "g.db")})
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(base, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"query": "{ countries { totalCount } }"}`
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", addr, len(body), body[:10])
	time.Sleep(200 * time.Millisecond) // the server has the headers: the request is in flight

	cancel() // what SIGTERM does in main
	refused := false
	for range 100 {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err != nil {
			refused = true
			break
		}
		c.Close()
		time.Sleep(20 * time.Millisecond)
	}
	if !refused {
		t.Error("new connections are still accepted during shutdown")
	}

	if _, err := conn.Write([]byte(body[10:])); err != nil {
		t.Fatalf("finishing the request in flight: %v", err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight was cut: %v", err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(got), `"totalCount":249`) {
		t.Errorf("in-flight answer: %d %s", res.StatusCode, got)
	}
	waitStopped(t, done)
}

func TestKeyCommands(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "keys.db")
	if err := Run(ctx, []string{"seed", "--db", dbPath}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := Run(ctx, append(args, "--db", dbPath), noEnv, &out, io.Discard)
		return out.String(), err
	}
	out, err := run("key", "create", "--role", "editor", "--name", "dashboards")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	key := lines[len(lines)-1]
	if !strings.HasPrefix(key, "sscg_") || len(key) < 40 || strings.Contains(key, " ") {
		t.Fatalf("last line %q is not the key alone", key)
	}
	id := strings.Fields(strings.TrimPrefix(lines[0], "created API key "))[0]

	list, err := run("key", "list")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(list, id) || !strings.Contains(list, "EDITOR") || !strings.Contains(list, "dashboards") || strings.Contains(list, key) {
		t.Errorf("key list:\n%s\nwant the key's ID, role and name, never the key", list)
	}
	if _, err := run("key", "revoke", id); err != nil {
		t.Fatal(err)
	}
	if _, err := run("key", "revoke", id); err == nil {
		t.Error("revoking a revoked key succeeded")
	}

	// An ID of another type is refused in the API's words (gid.TypeMismatch).
	codec, err := server.NewCodec(gid.DefaultSecret)
	if err != nil {
		t.Fatal(err)
	}
	starts, err := ent.NodeTypeStarts()
	if err != nil {
		t.Fatal(err)
	}
	org := codec.Encode(int(starts["Organization"]) + 1)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"key", "create", "--role", "MEMBER"}, "needs the organization"},
		{[]string{"key", "create", "--role", "EDITOR", "--org", id}, fmt.Sprintf("--org: %q is the ID of an APIKey, not of an Organization", id)},
		{[]string{"key", "revoke", org}, fmt.Sprintf("%q is the ID of an Organization, not of an APIKey", org)},
		{[]string{"key", "create", "--role", "OWNER"}, "role must be"},
		{[]string{"key", "create", "--role", "MEMBER", "--org", "garbage"}, "invalid ID"},
		{[]string{"key", "revoke", "Region_abc"}, "invalid ID"},
		{[]string{"key", "frobnicate"}, "unknown key subcommand"},
	} {
		if _, err := run(tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: err = %v, want it to mention %q", tt.args, err, tt.want)
		}
	}
}
