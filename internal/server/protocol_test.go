package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/server"
)

func TestIntrospectionSwitch(t *testing.T) {
	const schemaQuery = `{ __schema { queryType { name } } }`
	const typo = `{ regions { totalCont } }`
	t.Run("on by default", func(t *testing.T) {
		a := apitest.New(t, apitest.SQLiteCopy(t))
		r := a.Query(t, schemaQuery, nil)
		if got := r.Str("__schema.queryType.name"); got != "Query" {
			t.Errorf("__schema.queryType.name = %q, want Query", got)
		}
		r = a.Post(t, typo, nil)
		if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, `Did you mean "totalCount"?`) {
			t.Errorf("errors = %+v, want a suggestion", r.Errors)
		}
	})
	t.Run("off", func(t *testing.T) {
		cfg := server.DefaultConfig()
		cfg.Introspection = false
		a := apitest.NewWith(t, apitest.SQLiteCopy(t), cfg)
		r := a.Post(t, schemaQuery, nil)
		if len(r.Errors) == 0 || r.Get("__schema") != nil {
			t.Errorf("introspection answered %v with errors %+v, want it refused", r.Data, r.Errors)
		}
		r = a.Post(t, typo, nil)
		if len(r.Errors) == 0 || strings.Contains(r.Errors[0].Message, "Did you mean") {
			t.Errorf("errors = %+v, want no suggestion", r.Errors)
		}
		// Ordinary queries still work, __typename included.
		r = a.Query(t, `{ regions(first: 1) { edges { node { __typename } } } }`, nil)
		if r.Str("regions.edges.0.node.__typename") != "Region" {
			t.Errorf("__typename = %v", r.Get("regions.edges.0.node.__typename"))
		}
	})
}

func TestContentNegotiation(t *testing.T) {
	a := apitest.New(t, apitest.SQLiteCopy(t))
	body := []byte(`{"query": "{ recommendations { totalCount } }"}`)
	tests := []struct {
		accept, wantType string
		wantStatus       int
	}{
		{"", "application/json", http.StatusOK},
		{"application/json", "application/json", http.StatusOK},
		{"application/graphql-response+json", "application/graphql-response+json", http.StatusOK},
		{"application/graphql-response+json, application/json;q=0.9", "application/graphql-response+json", http.StatusOK},
		{"application/json, application/graphql-response+json;q=0.5", "application/json", http.StatusOK},
		{"*/*", "application/json", http.StatusOK},
		{"text/html", "application/json", http.StatusNotAcceptable},
	}
	for _, tt := range tests {
		t.Run("Accept "+tt.accept, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, a.Srv.URL+"/graphql", strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			res, err := a.Srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.wantStatus)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.wantType) {
				t.Errorf("Content-Type = %q, want %s", ct, tt.wantType)
			}
			if res.StatusCode < 300 {
				if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
					t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
				}
			}
		})
	}
	t.Run("mutation over GET is refused", func(t *testing.T) {
		r := a.Raw(t, http.MethodGet, "/graphql?query=mutation%7Bx%7D", "", nil)
		// The schema has no mutations yet, so this fails validation first;
		// either way it must not execute.
		if len(r.Errors) == 0 || r.HasData {
			t.Errorf("GET mutation answered %+v", r)
		}
	})
}

func sha(q string) string {
	sum := sha256.Sum256([]byte(q))
	return hex.EncodeToString(sum[:])
}

// persistedBody is a request body using Apollo's persistedQuery extension.
func persistedBody(query, hash string) []byte {
	body := map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}}
	if query != "" {
		body["query"] = query
	}
	b, _ := json.Marshal(body)
	return b
}

func TestAutomaticPersistedQueries(t *testing.T) {
	a := apitest.New(t, apitest.SQLiteCopy(t))
	q := `{ recommendations { totalCount } }`
	steps := []struct {
		name, query, hash, wantCode string
	}{
		{"hash alone, unknown yet", "", sha(q), "PERSISTED_QUERY_NOT_FOUND"},
		{"query with its hash registers it", q, sha(q), ""},
		{"hash alone now runs it", "", sha(q), ""},
		{"query with a wrong hash", q, sha("other"), "BAD_USER_INPUT"},
	}
	for _, s := range steps {
		r := a.Raw(t, "POST", "/graphql", "application/json", persistedBody(s.query, s.hash))
		switch {
		case s.wantCode == "" && (len(r.Errors) > 0 || r.Num("recommendations.totalCount") != 45):
			t.Errorf("%s: %+v %+v", s.name, r.Data, r.Errors)
		case s.wantCode != "" && (len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != s.wantCode):
			t.Errorf("%s: errors %+v, want code %s", s.name, r.Errors, s.wantCode)
		}
	}
}

func TestPersistedOnly(t *testing.T) {
	allowed := `query Offers { matchOffers(first: 5, where: {status: OPEN}) { totalCount } }`
	cfg := server.DefaultConfig()
	cfg.PersistedOnly = true
	cfg.PersistedQueries = map[string]string{sha(allowed): allowed}
	a := apitest.NewWith(t, apitest.SQLiteCopy(t), cfg)
	tests := []struct {
		name     string
		body     []byte
		wantCode string
	}{
		{"allowed by hash", persistedBody("", sha(allowed)), ""},
		{"allowed by text", []byte(`{"query": ` + strconv.Quote(allowed) + `}`), ""},
		{"other text", []byte(`{"query": "{ consultants { totalCount } }"}`), "PERSISTED_QUERY_REQUIRED"},
		{"unknown hash", persistedBody("", sha("{ consultants { totalCount } }")), "PERSISTED_QUERY_NOT_FOUND"},
		{"registering is not possible", persistedBody("{ consultants { totalCount } }", sha("{ consultants { totalCount } }")), "PERSISTED_QUERY_REQUIRED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.Raw(t, "POST", "/graphql", "application/json", tt.body)
			if tt.wantCode == "" {
				if len(r.Errors) > 0 || r.Get("matchOffers.totalCount") == nil {
					t.Errorf("got %+v %+v", r.Data, r.Errors)
				}
				return
			}
			if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != tt.wantCode || r.HasData {
				t.Errorf("errors %+v, want code %s and no data", r.Errors, tt.wantCode)
			}
		})
	}
}
