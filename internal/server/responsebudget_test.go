package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
	"sscgraph/internal/server"
)

// TestResponseBudget: a response whose strings go past MaxResponseBytes
// stops with LIMIT_EXCEEDED naming the limit and no data, and its body
// stays near the limit however much was asked for; a response within the
// limit is whole; a mutation whose answer is too large is rolled back.
func TestResponseBudget(t *testing.T) {
	for _, b := range apitest.Backends() {
		t.Run(b.Name, func(t *testing.T) { testResponseBudget(t, b.Fresh(t)) })
	}
}

func testResponseBudget(t *testing.T, dsn string) {
	const limit = 1 << 20
	cfg := server.DefaultConfig()
	cfg.MaxResponseBytes = limit
	a := apitest.NewWith(t, dsn, cfg)
	long := strings.Repeat("d", 20000) // the maximum a description may hold
	ids := a.Column(t, `SELECT id FROM match_offers ORDER BY id LIMIT 1`)
	if _, err := a.DB.SQL.ExecContext(context.Background(), `UPDATE match_offers SET description = '`+long+`'`); err != nil {
		t.Fatal(err)
	}
	aliases := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, " d%d: description", i)
		}
		return b.String()
	}
	page := func(n int) string {
		return `{ matchOffers(first: 20) { edges { node {` + aliases(n) + ` } } } }`
	}
	for _, tt := range []struct {
		name    string
		aliases int
		over    bool
	}{
		{"one description per offer, 400 KB", 1, false},
		{"fifteen per offer, 6 MB", 15, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := postBody(t, a, page(tt.aliases))
			var r apitest.Response
			if err := json.Unmarshal(body, &r); err != nil {
				t.Fatalf("got a body that is not JSON (%v): %.200s", err, body)
			}
			if !tt.over {
				if len(r.Errors) > 0 || len(r.List("matchOffers.edges")) != 20 {
					t.Fatalf("got errors %+v and %d offers, want 20 offers", r.Errors, len(r.List("matchOffers.edges")))
				}
				return
			}
			if got := apitest.ErrCode(r); got != "LIMIT_EXCEEDED" || len(r.Errors) != 1 || r.Errors[0].Extensions["limit"] != "responseBytes" || r.Errors[0].Extensions["maximum"] != float64(limit) {
				t.Errorf("got %s %+v, want one LIMIT_EXCEEDED naming responseBytes and its maximum", got, r.Errors)
			}
			if r.Data != nil {
				t.Errorf("got data %v, want null", r.Data)
			}
			if len(body) > 4096 {
				t.Errorf("got a body of %d bytes, want only the error", len(body))
			}
		})
	}
	t.Run("a mutation answered too large is rolled back", func(t *testing.T) {
		_, key, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
		if err != nil {
			t.Fatal(err)
		}
		var id int
		fmt.Sscan(ids[0], &id)
		before := a.Column(t, `SELECT title FROM match_offers WHERE id = `+ids[0])[0]
		// Fourteen times 20,000 bytes answered by one write.
		q := `mutation($id: ID!) { updateMatchOffer(id: $id, input: {title: "Renamed"}) {` + aliases(14) + ` } }`
		r := (apitest.Caller{A: a, Key: key}).Do(t, strings.Replace(q, "d0: description", "d0: description t: title", 1), map[string]any{"id": a.Codec.Encode(id)})
		// 280 KB fits in 1 MiB: the write stands.
		if len(r.Errors) > 0 {
			t.Fatalf("got %+v, want the write", r.Errors)
		}
		small := cfg
		small.MaxResponseBytes = 100 << 10
		b := apitest.NewWith(t, dsn, small)
		_, bkey, err := auth.Create(context.Background(), b.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
		if err != nil {
			t.Fatal(err)
		}
		r = (apitest.Caller{A: b, Key: bkey}).Do(t, strings.Replace(q, "Renamed", "Renamed again", 1), map[string]any{"id": a.Codec.Encode(id)})
		if got := apitest.ErrCode(r); got != "LIMIT_EXCEEDED" {
			t.Errorf("got %s %+v, want LIMIT_EXCEEDED", got, r.Errors)
		}
		if got := b.Column(t, `SELECT title FROM match_offers WHERE id = `+ids[0])[0]; got != "Renamed" {
			t.Errorf("got title %q, want %q (the refused write rolled back; it was %q)", got, "Renamed", before)
		}
	})
}

// postBody posts an anonymous query and returns the body as sent.
func postBody(t *testing.T, a *apitest.API, query string) []byte {
	t.Helper()
	req, err := json.Marshal(map[string]any{"query": query})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Srv.Client().Post(a.Srv.URL+"/graphql", "application/json", bytes.NewReader(req))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Logf("status %d", res.StatusCode)
	}
	return body
}

// TestResponseBudgetMemory: with the default limit, a query asking for
// fifteen copies of a hundred maximal descriptions (30 MB) allocates about
// the limit, not what it asked for. Allocation does not depend on the
// database: SQLite only.
func TestResponseBudgetMemory(t *testing.T) {
	dsn := apitest.SQLiteCopy(t)
	long := strings.Repeat("d", 20000)
	var q strings.Builder
	q.WriteString(`{ matchOffers(first: 100) { edges { node {`)
	for i := range 15 {
		fmt.Fprintf(&q, " d%d: description", i)
	}
	q.WriteString(` } } } }`)
	measure := func(max int64) (uint64, int) {
		cfg := server.DefaultConfig()
		cfg.MaxResponseBytes = max
		a := apitest.NewWith(t, dsn, cfg)
		if _, err := a.DB.SQL.ExecContext(context.Background(), `UPDATE match_offers SET description = '`+long+`'`); err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		body := postBody(t, a, q.String())
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc, len(body)
	}
	unbounded, unboundedBody := measure(0)
	bounded, boundedBody := measure(server.DefaultConfig().MaxResponseBytes)
	t.Logf("no limit: %d MB allocated, %d MB answered; 16 MiB limit: %d MB allocated, %d bytes answered",
		unbounded>>20, unboundedBody>>20, bounded>>20, boundedBody)
	if unboundedBody < 20<<20 {
		t.Fatalf("got %d bytes without a limit, want the test to ask for more than 20 MB", unboundedBody)
	}
	if boundedBody > 4096 {
		t.Errorf("got %d bytes answered, want only the error", boundedBody)
	}
	if bounded >= unbounded/2 {
		t.Errorf("got %d MB allocated with the limit, want well under the %d MB without", bounded>>20, unbounded>>20)
	}
}
