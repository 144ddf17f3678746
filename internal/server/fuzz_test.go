package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"sscgraph/internal/server"
)

// FuzzHandler sends arbitrary requests to the real handler: whatever the
// method, body, query string and headers, it must answer without a panic,
// without a 5xx, and (on /graphql) with a JSON body. The seed corpus
// covers every error path the API has. CI runs it for a bounded time:
//
//	go test ./internal/server -run '^$' -fuzz FuzzHandler -fuzztime 30s
func FuzzHandler(f *testing.F) {
	cfg := server.DefaultConfig()
	cfg.Limits.PerHour = 0 // explore everything rather than meet the rate limit
	a := newAPIWith(f, sqliteCopy(f), cfg)
	h := a.srv.Config.Handler

	// A real ID and cursor, to mutate.
	var probe struct {
		Data struct {
			Countries struct {
				Edges []struct {
					Cursor string
					Node   struct{ ID string }
				}
			}
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/graphql", strings.NewReader(`{"query":"{ countries(first: 1) { edges { cursor node { id } } } }"}`)))
	_ = json.Unmarshal(rec.Body.Bytes(), &probe)
	id, cursor := "Country_x", "x"
	if e := probe.Data.Countries.Edges; len(e) > 0 {
		id, cursor = e[0].Node.ID, e[0].Cursor
	}

	seeds := []struct {
		method, contentType, accept, body, query string
	}{
		{"POST", "application/json", "", `{"query": "{ regions { totalCount } }"}`, ""},
		{"POST", "application/json", "application/graphql-response+json", `{"query": "{ nope }"}`, ""},
		{"POST", "application/json", "", `{"query": "{ regions { totalCount } "`, ""},
		{"POST", "application/json", "", `[1,2]`, ""},
		{"POST", "application/json", "", ``, ""},
		{"POST", "text/plain", "", `{ regions { totalCount } }`, ""},
		{"POST", "application/json", "text/html", `{"query": "{ __typename }"}`, ""},
		{"POST", "application/json", "", `{"query": 1, "variables": [], "operationName": {}, "extensions": 2}`, ""},
		{"POST", "application/json", "", `{"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": "` + id + `"}}`, ""},
		{"POST", "application/json", "", `{"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": "Region_` + strings.TrimPrefix(id, "Country_") + `"}}`, ""},
		{"POST", "application/json", "", `{"query": "query($c: Cursor) { countries(first: 2, after: $c) { edges { node { code } } } }", "variables": {"c": "` + cursor + `"}}`, ""},
		{"POST", "application/json", "", `{"query": "{ countries(first: 2, after: \"AAAA\") { totalCount } }"}`, ""},
		{"POST", "application/json", "", `{"query": "{ countries(first: 5000) { totalCount } }"}`, ""},
		{"POST", "application/json", "", `{"query": "query($n: Int) { countries(first: $n, last: $n) { totalCount } }", "variables": {"n": null}}`, ""},
		{"POST", "application/json", "", `{"query": "{ countries(where: {id: \"` + id + `\", hasRegionWith: {idIn: [\"` + id + `\"]}}) { totalCount } }"}`, ""},
		{"POST", "application/json", "", `{"query": "{ a: regions { totalCount } b: regions { totalCount } }"}`, ""},
		{"POST", "application/json", "", `{"query": "` + strings.Repeat("{ regions { edges { node { countries { edges { node ", 3) + `id` + strings.Repeat(" } } } } } }", 3) + `"}`, ""},
		{"POST", "application/json", "", `{"query": "fragment F on Query { ...F } { ...F }"}`, ""},
		{"POST", "application/json", "", `{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}`, ""},
		{"POST", "application/json", "", `{"query": "{ rateLimit { cost limit remaining resetAt } }"}`, ""},
		{"POST", "application/json", "", `{"query": "mutation { x }"}`, ""},
		{"GET", "", "", "", "query=%7B+regions+%7B+totalCount+%7D+%7D&variables=%7B%7D"},
		{"GET", "", "", "", "query=mutation%7Bx%7D"},
		{"GET", "", "", "", "variables=notjson"},
		{"DELETE", "", "", "", ""},
		{"OPTIONS", "", "", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.contentType, s.accept, s.body, s.query)
	}
	f.Fuzz(func(t *testing.T, method, contentType, accept, body, query string) {
		if !validMethod(method) {
			return
		}
		req, err := http.NewRequest(method, "/graphql?"+query, strings.NewReader(body))
		if err != nil {
			return // not a request a client could send
		}
		if _, err := url.ParseQuery(query); err != nil {
			req.URL.RawQuery = url.QueryEscape(query)
		}
		req.RemoteAddr = "192.0.2.1:1234"
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q: status %d: %s", method, body, rec.Code, rec.Body.String())
		}
		if method != http.MethodOptions && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %q: status %d, body is not JSON: %q", method, body, rec.Code, rec.Body.String())
		}
	})
}

func validMethod(m string) bool {
	if m == "" || len(m) > 16 {
		return false
	}
	for _, c := range m {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}
