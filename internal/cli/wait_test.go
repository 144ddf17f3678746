package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sscgraph/internal/faultproxy"
	"sscgraph/internal/pgtest"
)

// proxiedSchema returns an empty PostgreSQL schema's DSN through a fault
// proxy, and the proxy; it skips the test without PostgreSQL.
func proxiedSchema(t *testing.T) (string, *faultproxy.Proxy) {
	t.Helper()
	return faultproxy.Front(t, pgtest.EmptySchema(t))
}

// poll calls check until it returns "" or within passes.
func poll(t *testing.T, within time.Duration, check func() string) {
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
		time.Sleep(100 * time.Millisecond)
	}
}

// TestServeWaitsForTheDatabase starts serve while the database refuses
// connections: the listener answers at once, /healthz 200, /readyz 503
// saying what it waits for, the API 503 SERVICE_UNAVAILABLE with
// Retry-After; once the database lets connections in, serve migrates,
// loads and serves, without a restart.
func TestServeWaitsForTheDatabase(t *testing.T) {
	dsn, proxy := proxiedSchema(t)
	proxy.Refuse()
	addr, metricsAddr := freeAddr(t), freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type started struct {
		base string
		done <-chan error
		err  error
	}
	ready := make(chan started, 1)
	go func() {
		base, done, err := startServe(ctx, []string{"--addr", addr, "--metrics-addr", metricsAddr}, map[string]string{"SSCGRAPH_DB": dsn, "SSCGRAPH_ID_SECRET": "waiting-secret"})
		ready <- started{base, done, err}
	}()
	base := "http://" + addr

	get := func(path string, header ...string) (int, http.Header, string, error) {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil, "", err
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, string(body), err
	}
	// The listener is up while the database refuses.
	poll(t, 10*time.Second, func() string {
		status, _, body, err := get("/readyz")
		if err != nil {
			return err.Error()
		}
		if status != http.StatusServiceUnavailable || !strings.Contains(body, "waiting for the database") ||
			!strings.Contains(body, "connection refused") || !strings.Contains(body, "(attempt ") {
			return fmt.Sprintf("/readyz: %d %q", status, body)
		}
		return ""
	})
	tests := []struct {
		name, path, accept string
		status             int
		contentType, body  string
	}{
		{"healthz", "/healthz", "", http.StatusOK, "text/plain", "ok"},
		{"graphql json", "/graphql?query={countries{totalCount}}", "application/json", http.StatusServiceUnavailable, "application/json", `"code":"SERVICE_UNAVAILABLE"`},
		{"graphql response", "/graphql?query={countries{totalCount}}", "application/graphql-response+json", http.StatusServiceUnavailable, "application/graphql-response+json", `"reason":"STARTING"`},
		{"export", "/export/countries.csv", "", http.StatusServiceUnavailable, "application/json", `"code":"SERVICE_UNAVAILABLE"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, header, body, err := get(tt.path, "Accept", tt.accept)
			if err != nil {
				t.Fatal(err)
			}
			if status != tt.status || !strings.HasPrefix(header.Get("Content-Type"), tt.contentType) || !strings.Contains(body, tt.body) {
				t.Errorf("%s: %d %s %q, want %d %s with %s", tt.path, status, header.Get("Content-Type"), body, tt.status, tt.contentType, tt.body)
			}
			if status == http.StatusServiceUnavailable && header.Get("Retry-After") == "" {
				t.Error("no Retry-After")
			}
		})
	}
	// The metrics listener is bound before the database is waited for,
	// and says why it has nothing to count yet.
	if status, body := httpGet(t, "http://"+metricsAddr+"/metrics"); status != http.StatusServiceUnavailable || !strings.Contains(body, "starting: waiting for the database") {
		t.Errorf("GET /metrics while waiting: %d %q, want 503 saying it waits for the database", status, body)
	}
	select {
	case s := <-ready:
		t.Fatalf("serve announced itself while the database refused: %+v", s)
	default:
	}

	if err := proxy.Allow(); err != nil {
		t.Fatal(err)
	}
	var s started
	select {
	case s = <-ready:
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not serve within 60 s of the database letting connections in")
	}
	if s.err != nil {
		t.Fatal(s.err)
	}
	if status, _, body, err := get("/readyz"); err != nil || status != http.StatusOK {
		t.Errorf("/readyz once serving: %d %q %v", status, body, err)
	}
	if c, a := counts(t, s.base); c != 249 || a != 400 {
		t.Errorf("%d countries and %d demo activities, want 249 and 400", c, a)
	}
	if status, body := httpGet(t, "http://"+metricsAddr+"/metrics"); status != http.StatusOK || !strings.Contains(body, "sscgraph_requests_total") {
		t.Errorf("GET /metrics once serving: %d %.200q, want 200 with sscgraph_requests_total", status, body)
	}
	cancel()
	waitStopped(t, s.done)
}

// TestServeGivesUpWaiting: past --db-wait serve exits with an error saying
// so; a failure that waiting cannot mend (no such database) ends it at
// once.
func TestServeGivesUpWaiting(t *testing.T) {
	dsn, proxy := proxiedSchema(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/no_such_database_" + fmt.Sprint(time.Now().UnixNano())
	missing := u.String()
	tests := []struct {
		name, dsn string
		refuse    bool
		want      string
	}{
		{"refused past --db-wait", dsn, true, "did not answer within --db-wait 1s"},
		{"no such database", missing, false, "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.refuse {
				proxy.Refuse()
				defer proxy.Allow()
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			args := []string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", "off", "--db-wait", "1s", "--db", tt.dsn, "--id-secret", "s"}
			err := Run(ctx, args, noEnv, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("serve returned %v, want an error saying %q", err, tt.want)
			}
		})
	}
}
