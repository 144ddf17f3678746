package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
	"sscgraph/internal/server"
)

// opsAPI starts the real handler over a copy of the demo database, and its
// metrics handler on a server of its own, as serve mounts them.
func opsAPI(t *testing.T, cfg server.Config) (a *apitest.API, metrics *httptest.Server) {
	t.Helper()
	a = apitest.NewWith(t, apitest.SQLiteCopy(t), cfg)
	metrics = httptest.NewServer(a.Handler.Metrics())
	t.Cleanup(metrics.Close)
	return a, metrics
}

// do sends one request and returns its status, headers and body.
func do(t *testing.T, method, url string, header http.Header, body []byte) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, string(b)
}

// gqlBody is the JSON body of a GraphQL request.
func gqlBody(t *testing.T, query, operationName string, extensions map[string]any) []byte {
	t.Helper()
	req := map[string]any{"query": query}
	if query == "" {
		delete(req, "query")
	}
	if operationName != "" {
		req["operationName"] = operationName
	}
	if extensions != nil {
		req["extensions"] = extensions
	}
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func persistedExtension(query string) map[string]any {
	sum := sha256.Sum256([]byte(query))
	return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": fmt.Sprintf("%x", sum)}}
}

// TestMetricsOffTheAPI: the API's address does not serve /metrics (a
// client could read which operations others run); the handler of
// Server.Metrics serves them, with the requests counted.
func TestMetricsOffTheAPI(t *testing.T) {
	a, metrics := opsAPI(t, server.DefaultConfig())
	key := apitest.NewKey(t, a, auth.RoleEditor)
	header := http.Header{"Content-Type": {"application/json"}, "Authorization": {key}}
	const q = `query Regions_for_metrics { regions(first: 2) { totalCount } }`
	if status, _, body := do(t, http.MethodPost, a.Srv.URL+"/graphql", header, gqlBody(t, q, "Regions_for_metrics", nil)); status != http.StatusOK {
		t.Fatalf("query: status %d, %s", status, body)
	}

	for _, tt := range []struct {
		name       string
		url        string
		wantStatus int
		want       []string // substrings of the body
		wantNot    []string
	}{
		{"API address, GET /metrics", a.Srv.URL + "/metrics", http.StatusNotFound, nil, []string{"sscgraph_requests_total"}},
		{"API address, GET /metrics/", a.Srv.URL + "/metrics/", http.StatusNotFound, nil, []string{"sscgraph_requests_total"}},
		{"metrics handler", metrics.URL + "/metrics", http.StatusOK, []string{
			"# TYPE sscgraph_requests_total counter",
			`sscgraph_requests_total{operation="Regions_for_metrics",outcome="ok"} 1`,
			`sscgraph_request_duration_seconds_count{operation="Regions_for_metrics"} 1`,
			`sscgraph_query_cost_points_count 1`,
			`go_sql_max_open_connections{db_name="sscgraph"}`,
		}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, header, body := do(t, http.MethodGet, tt.url, nil, nil)
			if status != tt.wantStatus {
				t.Errorf("status %d, want %d", status, tt.wantStatus)
			}
			if tt.wantStatus == http.StatusOK && !strings.HasPrefix(header.Get("Content-Type"), "text/plain") {
				t.Errorf("Content-Type %q, want Prometheus text", header.Get("Content-Type"))
			}
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %s", s)
				}
			}
			for _, s := range tt.wantNot {
				if strings.Contains(body, s) {
					t.Errorf("body has %s", s)
				}
			}
		})
	}
}

// TestOperationLabels: a request's operation name becomes a metric label
// only when the operators can vouch for it, with an API key or from the
// allow-list; anyone else's names are counted as "other", so that they
// can neither fill the labels nor show up in them.
func TestOperationLabels(t *testing.T) {
	const (
		probe    = `query Admin_leak_probe { regions(first: 1) { totalCount } }`
		keyed    = `query Keyed_dashboard { regions(first: 1) { totalCount } }`
		unnamed  = `{ regions(first: 1) { totalCount } }`
		apqProbe = `query Apq_leak_probe { regions(first: 1) { totalCount } }`
		listed   = `query Listed_export { regions(first: 1) { totalCount } }`
	)
	persisted := server.DefaultConfig()
	persisted.PersistedOnly = true
	persisted.PersistedQueries = map[string]string{}
	for _, q := range []string{listed} {
		sum := sha256.Sum256([]byte(q))
		persisted.PersistedQueries[fmt.Sprintf("%x", sum)] = q
	}

	for _, tt := range []struct {
		name          string
		cfg           server.Config
		withKey       bool   // send a valid API key
		authorization string // or this header
		body          []byte
		wantStatus    int
		wantSeries    string // a line of the metrics
		absent        string // a name no line may hold
	}{
		{"anonymous, named", server.DefaultConfig(), false, "", gqlBody(t, probe, "Admin_leak_probe", nil), http.StatusOK,
			`sscgraph_requests_total{operation="other",outcome="ok"} 1`, "Admin_leak_probe"},
		{"anonymous, unnamed", server.DefaultConfig(), false, "", gqlBody(t, unnamed, "", nil), http.StatusOK,
			`sscgraph_requests_total{operation="other",outcome="ok"} 1`, `operation="anonymous"`},
		{"anonymous, rejected", server.DefaultConfig(), false, "", gqlBody(t, `query Admin_leak_probe { nope }`, "Admin_leak_probe", nil), http.StatusOK,
			`sscgraph_requests_total{operation="other",outcome="rejected"} 1`, "Admin_leak_probe"},
		{"unknown key, named", server.DefaultConfig(), false, "Bearer sscg_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", gqlBody(t, probe, "Admin_leak_probe", nil), http.StatusUnauthorized,
			`sscgraph_requests_total{operation="other",outcome="unauthenticated"} 1`, "Admin_leak_probe"},
		{"anonymous, automatic persisted query", server.DefaultConfig(), false, "", gqlBody(t, apqProbe, "Apq_leak_probe", persistedExtension(apqProbe)), http.StatusOK,
			`sscgraph_requests_total{operation="other",outcome="ok"} 1`, "Apq_leak_probe"},
		{"API key, named", server.DefaultConfig(), true, "", gqlBody(t, keyed, "Keyed_dashboard", nil), http.StatusOK,
			`sscgraph_requests_total{operation="Keyed_dashboard",outcome="ok"} 1`, ""},
		{"API key, unnamed", server.DefaultConfig(), true, "", gqlBody(t, unnamed, "", nil), http.StatusOK,
			`sscgraph_requests_total{operation="anonymous",outcome="ok"} 1`, ""},
		{"anonymous, allow-listed by hash", persisted, false, "", gqlBody(t, "", "Listed_export", persistedExtension(listed)), http.StatusOK,
			`sscgraph_requests_total{operation="Listed_export",outcome="ok"} 1`, ""},
		{"anonymous, not on the allow-list", persisted, false, "", gqlBody(t, probe, "Admin_leak_probe", nil), http.StatusOK,
			`sscgraph_requests_total{operation="anonymous",outcome="rejected"} 1`, "Admin_leak_probe"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, metrics := opsAPI(t, tt.cfg)
			header := http.Header{"Content-Type": {"application/json"}}
			switch {
			case tt.withKey:
				header.Set("Authorization", apitest.NewKey(t, a, auth.RoleEditor))
			case tt.authorization != "":
				header.Set("Authorization", tt.authorization)
			}
			status, _, body := do(t, http.MethodPost, a.Srv.URL+"/graphql", header, tt.body)
			if status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", status, tt.wantStatus, body)
			}
			_, _, text := do(t, http.MethodGet, metrics.URL+"/metrics", nil, nil)
			if !strings.Contains(text, tt.wantSeries) {
				t.Errorf("metrics lack %s; sscgraph_requests_total has:\n%s", tt.wantSeries, seriesOf(text, "sscgraph_requests_total{"))
			}
			if tt.absent != "" && strings.Contains(text, tt.absent) {
				t.Errorf("metrics show %s:\n%s", tt.absent, seriesOf(text, tt.absent))
			}
		})
	}
}

// seriesOf returns the lines of a metrics text that contain s.
func seriesOf(text, s string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// TestSecurityHeaders: every answer says nosniff; the GraphiQL page
// forbids framing and referrers and confines what it loads; its files may
// be cached for a year; every answer to a request with an Authorization
// header, success or error, is no-store.
func TestSecurityHeaders(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.MaxBodyBytes = 4096
	cfg.Limits.PerHour = 100 // a query of cost 150 is refused with 429
	a, _ := opsAPI(t, cfg)
	key := apitest.NewKey(t, a, auth.RoleEditor)
	small := gqlBody(t, `{ regions(first: 1) { edges { node { code } } } }`, "", nil)
	huge := gqlBody(t, `{ regions(first: 1) { edges { node { code } } } }`+strings.Repeat(" ", 5000), "", nil)
	costly := gqlBody(t, `{ countries(first: 150) { edges { node { code } } } }`, "", nil)
	jsonType := func(authorization string) http.Header {
		h := http.Header{"Content-Type": {"application/json"}}
		if authorization != "" {
			h.Set("Authorization", authorization)
		}
		return h
	}
	const (
		graphiQL  = 1 << iota // the page's own headers
		noStore               // Cache-Control: no-store
		immutable             // Cache-Control of a GraphiQL file, whose name holds its hash
	)
	_, _, page := do(t, http.MethodGet, a.Srv.URL+"/", nil, nil)
	script := regexp.MustCompile(`src="(/graphiql/graphiql\.min\.[0-9a-f]+\.js)"`).FindStringSubmatch(page)
	if script == nil {
		t.Fatalf("the GraphiQL page loads no /graphiql/graphiql.min.<hash>.js:\n%s", page)
	}

	for _, tt := range []struct {
		name       string
		method     string
		path       string
		header     http.Header
		body       []byte
		wantStatus int
		want       int // graphiQL, noStore, immutable
	}{
		{"GraphiQL page", http.MethodGet, "/", nil, nil, http.StatusOK, graphiQL},
		{"GraphiQL's script", http.MethodGet, script[1], nil, nil, http.StatusOK, immutable},
		{"GraphiQL's script with a key", http.MethodGet, script[1], http.Header{"Authorization": {key}}, nil, http.StatusOK, noStore},
		{"unknown GraphiQL file", http.MethodGet, "/graphiql/nope.js", nil, nil, http.StatusNotFound, 0},
		{"health", http.MethodGet, "/healthz", nil, nil, http.StatusOK, 0},
		{"readiness", http.MethodGet, "/readyz", nil, nil, http.StatusOK, 0},
		{"unknown path", http.MethodGet, "/nope", nil, nil, http.StatusNotFound, 0},
		{"metrics on the API", http.MethodGet, "/metrics", nil, nil, http.StatusNotFound, 0},
		{"query", http.MethodPost, "/graphql", jsonType(""), small, http.StatusOK, 0},
		{"query with a key", http.MethodPost, "/graphql", jsonType(key), small, http.StatusOK, noStore},
		{"GET query with a key", http.MethodGet, "/graphql?query=%7B__typename%7D", http.Header{"Authorization": {key}}, nil, http.StatusOK, noStore},
		{"unknown key", http.MethodPost, "/graphql", jsonType("Bearer sscg_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), small, http.StatusUnauthorized, noStore},
		{"body too large", http.MethodPost, "/graphql", jsonType(""), huge, http.StatusRequestEntityTooLarge, 0},
		{"body too large, with a key", http.MethodPost, "/graphql", jsonType(key), huge, http.StatusRequestEntityTooLarge, noStore},
		{"method not allowed", http.MethodPut, "/graphql", jsonType(""), small, http.StatusMethodNotAllowed, 0},
		{"not acceptable, with a key", http.MethodPost, "/graphql", http.Header{"Content-Type": {"application/json"}, "Accept": {"text/html"}, "Authorization": {key}}, small, http.StatusNotAcceptable, noStore},
		{"rate limited", http.MethodPost, "/graphql", jsonType(""), costly, http.StatusTooManyRequests, 0},
		{"rate limited, with a key", http.MethodPost, "/graphql", jsonType(key), costly, http.StatusTooManyRequests, noStore},
		{"GraphiQL page with a key", http.MethodGet, "/", http.Header{"Authorization": {key}}, nil, http.StatusOK, graphiQL | noStore},
		{"health with a key", http.MethodGet, "/healthz", http.Header{"Authorization": {key}}, nil, http.StatusOK, noStore},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, h, body := do(t, tt.method, a.Srv.URL+tt.path, tt.header, tt.body)
			if status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %.200s", status, tt.wantStatus, body)
			}
			if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
			wantCache := ""
			switch {
			case tt.want&noStore != 0:
				wantCache = "no-store"
			case tt.want&immutable != 0:
				wantCache = "public, max-age=31536000, immutable"
			}
			if got := h.Get("Cache-Control"); got != wantCache {
				t.Errorf("Cache-Control = %q, want %q", got, wantCache)
			}
			csp := h.Get("Content-Security-Policy")
			if tt.want&graphiQL == 0 {
				if csp != "" {
					t.Errorf("Content-Security-Policy %q on an answer that is not the page", csp)
				}
				return
			}
			for _, d := range []string{"default-src 'none'", "frame-ancestors 'none'", "connect-src 'self'", "base-uri 'none'"} {
				if !strings.Contains(csp, d) {
					t.Errorf("Content-Security-Policy %q lacks %s", csp, d)
				}
			}
			for header, want := range map[string]string{"Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
				if got := h.Get(header); got != want {
					t.Errorf("%s = %q, want %q", header, got, want)
				}
			}
		})
	}
}

// TestGraphiQLPolicyCoversThePage reads the page as a browser does: it
// loads nothing from another host; every script and style sheet it names
// is served by this server (200, its content type) and allowed by the
// Content-Security-Policy; nothing else runs (no inline script, no
// eval).
func TestGraphiQLPolicyCoversThePage(t *testing.T) {
	a, _ := opsAPI(t, server.DefaultConfig())
	status, h, page := do(t, http.MethodGet, a.Srv.URL+"/", nil, nil)
	if status != http.StatusOK || !strings.Contains(page, "GraphiQL") {
		t.Fatalf("GET /: status %d, %.200s", status, page)
	}
	if m := regexp.MustCompile(`(?i)https?:|//`).FindString(page); m != "" {
		t.Errorf("the page names a URL with a host (%q): it must work offline", m)
	}
	directives := map[string][]string{}
	for _, d := range strings.Split(h.Get("Content-Security-Policy"), ";") {
		fields := strings.Fields(d)
		if len(fields) > 0 {
			directives[fields[0]] = fields[1:]
		}
	}
	has := func(directive, source string) bool {
		for _, s := range directives[directive] {
			if s == source {
				return true
			}
		}
		return false
	}
	// allows reads a URL as CSP does: a path of this origin is 'self', a
	// data: URL needs data:.
	allows := func(directive, url string) bool {
		switch {
		case strings.HasPrefix(url, "/") && !strings.HasPrefix(url, "//"):
			return has(directive, "'self'")
		case strings.HasPrefix(url, "data:"):
			return has(directive, "data:")
		}
		return has(directive, url)
	}
	// served fetches a file the page loads: it must be this server's,
	// with the type the browser needs to run it (nosniff is on).
	served := func(url, wantType string) {
		t.Helper()
		status, h, body := do(t, http.MethodGet, a.Srv.URL+url, nil, nil)
		if status != http.StatusOK || len(body) == 0 {
			t.Errorf("GET %s: status %d, %d bytes", url, status, len(body))
		}
		if got := h.Get("Content-Type"); got != wantType {
			t.Errorf("GET %s: Content-Type %q, want %q", url, got, wantType)
		}
	}

	scripts := regexp.MustCompile(`(?s)<script([^>]*)>(.*?)</script>`).FindAllStringSubmatch(page, -1)
	if len(scripts) < 4 { // React, ReactDOM, GraphiQL, the start-up
		t.Fatalf("the page has %d scripts, want at least 4", len(scripts))
	}
	src := regexp.MustCompile(`\bsrc="([^"]*)"`)
	for _, s := range scripts {
		if m := src.FindStringSubmatch(s[1]); m != nil {
			if !allows("script-src", m[1]) {
				t.Errorf("script-src %v does not allow %s", directives["script-src"], m[1])
			}
			served(m[1], "text/javascript; charset=utf-8")
			continue
		}
		// The policy names no hash: an inline script would be blocked.
		t.Errorf("the page has an inline script, which script-src %v blocks: %.100s", directives["script-src"], s[2])
	}
	links := regexp.MustCompile(`<link\s[^>]*?\brel="([^"]*)"[^>]*?\bhref="([^"]*)"`).FindAllStringSubmatch(page, -1)
	sheets := 0
	for _, m := range links {
		switch m[1] {
		case "stylesheet":
			sheets++
			if !allows("style-src", m[2]) {
				t.Errorf("style-src %v does not allow %s", directives["style-src"], m[2])
			}
			served(m[2], "text/css; charset=utf-8")
		case "icon":
			if !allows("img-src", m[2]) {
				t.Errorf("img-src %v does not allow the icon %s", directives["img-src"], m[2])
			}
		default:
			t.Errorf("the page links %s as %q", m[2], m[1])
		}
	}
	if sheets < 1 {
		t.Errorf("the page loads no style sheet: GraphiQL's is missing")
	}
	for _, unsafe := range []string{"'unsafe-inline'", "'unsafe-eval'", "*", "https:", "http:", "data:"} {
		if has("script-src", unsafe) {
			t.Errorf("script-src allows %s", unsafe)
		}
	}
	host := strings.TrimPrefix(a.Srv.URL, "http://")
	for directive, want := range map[string]string{
		"default-src":     "'none'",
		"script-src":      "'self'", // no inline script, so no hash
		"connect-src":     "'self' ws://" + host + " wss://" + host,
		"font-src":        "'self' data:", // GraphiQL's fonts are data: URLs in its style sheet
		"frame-ancestors": "'none'",
		"base-uri":        "'none'",
		"form-action":     "'none'",
	} {
		if got := strings.Join(directives[directive], " "); got != want {
			t.Errorf("%s %q, want %q", directive, got, want)
		}
	}
}
