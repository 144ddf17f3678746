package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"sscgraph/internal/apierr"
	"sscgraph/internal/apitest"
	"sscgraph/internal/server"
)

// FuzzHandler sends arbitrary requests to the real handler: whatever the
// method, body, query string and headers, it must answer without a panic,
// without a 5xx, (on /graphql) with a JSON body, and with errors that each
// carry one of the API's codes, never INTERNAL_SERVER_ERROR (a client's
// input that fails inside the server is a bug, however odd the input).
// The seed corpus covers every error path the API has; the seeds that
// reach a check are sent once first and must meet it. CI runs it for a
// bounded time:
//
//	go test ./internal/server -run '^$' -fuzz FuzzHandler -fuzztime 30s
func FuzzHandler(f *testing.F) {
	cfg := server.DefaultConfig()
	cfg.Limits.PerHour = 0 // explore everything rather than meet the rate limit
	a := apitest.NewWith(f, apitest.SQLiteCopy(f), cfg)
	h := a.Srv.Config.Handler

	// Real IDs and a cursor, to mutate.
	type connection struct {
		Edges []struct {
			Cursor string
			Node   struct{ ID string }
		}
	}
	var probe struct {
		Data struct{ Countries, Activities connection }
	}
	// (Without a Content-Type the probe is refused, as it once was, silently:
	// the seeds then carried made-up IDs. It must succeed.)
	req := httptest.NewRequest("POST", "/graphql", strings.NewReader(`{"query":"{ countries(first: 1) { edges { cursor node { id } } } activities(first: 1) { edges { node { id } } } }"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if err := json.Unmarshal(rec.Body.Bytes(), &probe); err != nil || len(probe.Data.Countries.Edges) == 0 || len(probe.Data.Activities.Edges) == 0 {
		f.Fatalf("probe: %v: %s", err, rec.Body)
	}
	id, cursor := probe.Data.Countries.Edges[0].Node.ID, probe.Data.Countries.Edges[0].Cursor
	activityID := probe.Data.Activities.Edges[0].Node.ID

	// The bounds on hostile queries, each just over its limit in
	// server.DefaultConfig: 200 filter conditions, filters 8 deep, lists of
	// 1000, 64 KiB of variables. GraphQL text, to be quoted into JSON.
	wideOr := `{or: [` + strings.Repeat(`{titleContainsFold: "x"}, `, 201) + `]}`
	deepAnd := strings.Repeat(`{and: [`, 9) + `{titleContainsFold: "x"}` + strings.Repeat(`]}`, 9)
	longIDIn := `["` + strings.Repeat(activityID+`", "`, 1000) + activityID + `"]`
	hugeVars := `{"w": {"titleContainsFold": "` + strings.Repeat("x", 64<<10) + `"}}`
	activitiesWhere := `query($w: ActivityWhereInput) { activities(where: $w) { totalCount } }`

	seeds := []struct {
		method, contentType, accept, body, query string
		// want is, for a seed that reaches a check, the code of the first
		// error and, after a slash, the limit it names, or "ok" for an
		// answer without errors: a seed that stops reaching its path fails
		// here rather than silently fuzzing something else.
		want string
	}{
		{"POST", "application/json", "", `{"query": "{ regions { totalCount } }"}`, "", "ok"},
		{"POST", "application/json", "application/graphql-response+json", `{"query": "{ nope }"}`, "", "GRAPHQL_VALIDATION_FAILED"},
		{"POST", "application/json", "", `{"query": "{ regions { totalCount } "`, "", ""},
		{"POST", "application/json", "", `[1,2]`, "", ""},
		{"POST", "application/json", "", ``, "", ""},
		{"POST", "text/plain", "", `{ regions { totalCount } }`, "", ""},
		{"POST", "application/json", "text/html", `{"query": "{ __typename }"}`, "", ""},
		{"POST", "application/json", "", `{"query": 1, "variables": [], "operationName": {}, "extensions": 2}`, "", ""},
		{"POST", "application/json", "", `{"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": "` + id + `"}}`, "", ""},
		{"POST", "application/json", "", `{"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": "Region_` + strings.TrimPrefix(id, "Country_") + `"}}`, "", ""},
		{"POST", "application/json", "", `{"query": "query($c: Cursor) { countries(first: 2, after: $c) { edges { node { code } } } }", "variables": {"c": "` + cursor + `"}}`, "", ""},
		{"POST", "application/json", "", `{"query": "{ countries(first: 2, after: \"AAAA\") { totalCount } }"}`, "", ""},
		{"POST", "application/json", "", `{"query": "{ countries(first: 5000) { totalCount } }"}`, "", ""},
		{"POST", "application/json", "", `{"query": "query($n: Int) { countries(first: $n, last: $n) { totalCount } }", "variables": {"n": null}}`, "", ""},
		{"POST", "application/json", "", `{"query": "{ countries(where: {id: \"` + id + `\", hasRegionWith: {idIn: [\"` + id + `\"]}}) { totalCount } }"}`, "", ""},
		{"POST", "application/json", "", `{"query": "{ a: regions { totalCount } b: regions { totalCount } }"}`, "", ""},
		{"POST", "application/json", "", `{"query": "` + strings.Repeat("{ regions { edges { node { countries { edges { node ", 3) + `id` + strings.Repeat(" } } } } } }", 3) + `"}`, "", ""},
		{"POST", "application/json", "", `{"query": "fragment F on Query { ...F } { ...F }"}`, "", ""},
		{"POST", "application/json", "", `{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}`, "", ""},
		{"POST", "application/json", "", `{"query": "{ rateLimit { cost limit remaining resetAt } }"}`, "", ""},
		{"POST", "application/json", "", `{"query": "mutation { x }"}`, "", ""},
		{"GET", "", "", "", "query=%7B+regions+%7B+totalCount+%7D+%7D&variables=%7B%7D", ""},
		{"GET", "", "", "", "query=mutation%7Bx%7D", ""},
		{"GET", "", "", "", "variables=notjson", ""},
		{"DELETE", "", "", "", "", ""},
		{"OPTIONS", "", "", "", "", ""},

		// Filters over their bounds, in variables and literal. Literal, a
		// filter that wide or a list that long is over the parser's 1000
		// tokens before it is over its own bound: a limit like the others.
		{"POST", "application/json", "", graphqlBody(`{ activities(where: `+wideOr+`) { totalCount } }`, ""), "", "LIMIT_EXCEEDED/tokens"},
		{"POST", "application/json", "", graphqlBody(`{ activities(where: `+deepAnd+`) { totalCount } }`, ""), "", "LIMIT_EXCEEDED/filterDepth"},
		{"POST", "application/json", "", graphqlBody(activitiesWhere, `{"w": `+jsonFilter(deepAnd)+`}`), "", "LIMIT_EXCEEDED/filterDepth"},
		{"POST", "application/json", "", graphqlBody(activitiesWhere, `{"w": `+jsonFilter(wideOr)+`}`), "", "LIMIT_EXCEEDED/predicates"},
		{"POST", "application/json", "", graphqlBody(`query($ids: [ID!]) { activities(where: {idIn: $ids}) { totalCount } }`, `{"ids": `+longIDIn+`}`), "", "LIMIT_EXCEEDED/listLength"},
		{"POST", "application/json", "", graphqlBody(`{ activities(where: {idIn: `+longIDIn+`}) { totalCount } }`, ""), "", "LIMIT_EXCEEDED/tokens"},
		// One __schema per request, aliased or not; one alone is answered.
		{"POST", "application/json", "", graphqlBody(`{ a: __schema { queryType { name } } b: __schema { queryType { name } } }`, ""), "", "LIMIT_EXCEEDED/introspection"},
		{"POST", "application/json", "", graphqlBody(`{ __schema { queryType { name } } again: __schema { types { name } } }`, ""), "", "LIMIT_EXCEEDED/introspection"},
		{"POST", "application/json", "", graphqlBody(`{ __schema { queryType { name } } }`, ""), "", "ok"},
		// A literal null page is the default page, at the root and nested.
		{"POST", "application/json", "", graphqlBody(`{ countries(first: null) { totalCount edges { node { activities(first: null, last: null) { totalCount } } } } }`, ""), "", "ok"},
		// A cursor of another connection, literal and in a variable.
		{"POST", "application/json", "", graphqlBody(`{ activities(after: "`+cursor+`") { totalCount } }`, ""), "", "BAD_USER_INPUT"},
		{"POST", "application/json", "", graphqlBody(`query($c: Cursor) { activities(first: 2, after: $c) { totalCount } }`, `{"c": "`+cursor+`"}`), "", "BAD_USER_INPUT"},
		// Variables over 64 KiB, by POST and by GET: 413.
		{"POST", "application/json", "", graphqlBody(activitiesWhere, hugeVars), "", "LIMIT_EXCEEDED/variables"},
		{"GET", "", "", "", "query=" + url.QueryEscape(activitiesWhere) + "&variables=" + url.QueryEscape(hugeVars), "LIMIT_EXCEEDED/variables"},
	}
	for _, s := range seeds {
		f.Add(s.method, s.contentType, s.accept, s.body, s.query)
		if s.want == "" {
			continue
		}
		req := httptest.NewRequest(s.method, "/graphql?"+s.query, strings.NewReader(s.body))
		req.RemoteAddr = "192.0.2.1:1234"
		if s.contentType != "" {
			req.Header.Set("Content-Type", s.contentType)
		}
		if s.accept != "" {
			req.Header.Set("Accept", s.accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var r struct {
			Errors []struct{ Extensions map[string]any }
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &r)
		got := "ok"
		if len(r.Errors) > 0 {
			got, _ = r.Errors[0].Extensions["code"].(string)
			if limit, ok := r.Errors[0].Extensions["limit"].(string); ok {
				got += "/" + limit
			}
		}
		wantStatus := http.StatusOK
		switch {
		case s.want == "LIMIT_EXCEEDED/variables":
			wantStatus = http.StatusRequestEntityTooLarge
		case s.accept == "application/graphql-response+json":
			wantStatus = http.StatusBadRequest
		}
		if got != s.want || rec.Code != wantStatus {
			f.Errorf("seed %.100s%.100s: status %d, first error %q; want %d, %q: %.300s", s.body, s.query, rec.Code, got, wantStatus, s.want, rec.Body)
		}
	}

	codes := map[string]bool{}
	for _, c := range []apierr.Code{
		apierr.BadUserInput, apierr.ValidationFailed, apierr.ParseFailed, apierr.BadRequest,
		apierr.Unauthenticated, apierr.Forbidden, apierr.NotFound, apierr.LimitExceeded,
		apierr.RateLimited, apierr.Timeout, apierr.PersistedQueryNotFound, apierr.PersistedQueryRequired,
	} {
		codes[string(c)] = true
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
		// A subscription over SSE streams until its client leaves: this
		// client leaves after a second.
		ctx, cancel := context.WithTimeout(req.Context(), time.Second)
		defer cancel()
		req = req.WithContext(ctx)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q: status %d: %s", method, body, rec.Code, rec.Body.String())
		}
		if method == http.MethodOptions {
			return
		}
		var r struct {
			Errors []struct {
				Message    string
				Extensions map[string]any
			}
		}
		payloads := [][]byte{rec.Body.Bytes()}
		if strings.HasPrefix(rec.Header().Get("Content-Type"), "text/event-stream") {
			// An event stream: each event's data is a JSON object.
			payloads = nil
			for _, line := range strings.Split(rec.Body.String(), "\n") {
				if data, ok := strings.CutPrefix(line, "data: "); ok && data != "" {
					payloads = append(payloads, []byte(data))
				}
			}
		}
		for _, p := range payloads {
			if err := json.Unmarshal(p, &r); err != nil {
				t.Fatalf("%s %q: status %d, body is not a JSON object: %v: %q", method, body, rec.Code, err, rec.Body.String())
			}
		}
		for _, e := range r.Errors {
			code, _ := e.Extensions["code"].(string)
			if !codes[code] || e.Message == "" {
				t.Fatalf("%s %q: status %d, error %q has the code %q: %s", method, body, rec.Code, e.Message, code, rec.Body.String())
			}
		}
	})
}

// graphqlBody is the JSON body of a GraphQL request: query, and variables
// when not "" (JSON text).
func graphqlBody(query, variables string) string {
	q, _ := json.Marshal(query)
	if variables == "" {
		return `{"query": ` + string(q) + `}`
	}
	return `{"query": ` + string(q) + `, "variables": ` + variables + `}`
}

// jsonFilter turns a literal filter of the seeds (field names unquoted,
// strings "x") into JSON.
func jsonFilter(literal string) string {
	return strings.NewReplacer(`{or:`, `{"or":`, `{and:`, `{"and":`, `{titleContainsFold:`, `{"titleContainsFold":`, `}, ]`, `}]`).Replace(literal)
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
