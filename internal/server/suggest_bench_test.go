package server_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"
)

// suggestQuery is what the Match frontend asks for a need: a page of ten
// suggested offers with their reasons, the count and the cursor.
const suggestQuery = `query Suggest($need: ID!) {
  suggestedOffers(need: $need, first: 10) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { score reasons
      offer { id title kind postedAt languages provider { name } }
    } }
  }
}`

// BenchmarkSuggestedOffers measures suggestedOffers(first: 10) through
// HTTP on the synthetic data set at scale 1 (20,000 offers, 5,000 needs),
// one request at a time, cycling over the OPEN needs so that no one need's
// pages stay in the caches. Besides ns/op it reports the median and the
// 99th percentile of the requests' durations (the target is a median under
// 20 ms on a 2-core machine). On PostgreSQL too when SSCGRAPH_BENCH_POSTGRES
// names a database seeded at scale 1.
func BenchmarkSuggestedOffers(b *testing.B) {
	forEachBenchDB(b, func(b *testing.B, dsn string) {
		benchSuggest(b, benchServerOn(b, dsn))
	})
}

func benchSuggest(b *testing.B, srv *httptest.Server) {
	client := srv.Client()
	url := srv.URL + "/graphql"
	needs := openNeeds(b, srv, 500)
	bodies := make([][]byte, len(needs))
	for i, id := range needs {
		bodies[i], _ = json.Marshal(map[string]any{"query": suggestQuery, "variables": map[string]any{"need": id}})
	}
	// One round over the needs first, so that every run measures the same
	// warm state whatever b.N is.
	for _, body := range bodies {
		postBench(b, client, url, body)
	}
	timeRequests(b, client, url, bodies)
}

// openNeeds returns the IDs of up to n OPEN needs, in key order.
func openNeeds(b *testing.B, srv *httptest.Server, n int) []string {
	body, _ := json.Marshal(map[string]any{
		"query":     `query($n: Int) { matchNeeds(first: $n, where: {status: OPEN}) { edges { node { id } } } }`,
		"variables": map[string]any{"n": n},
	})
	res, err := srv.Client().Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Data struct {
			MatchNeeds struct {
				Edges []struct {
					Node struct{ ID string } `json:"node"`
				} `json:"edges"`
			} `json:"matchNeeds"`
		} `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		b.Fatal(err)
	}
	ids := make([]string, 0, n)
	for _, e := range out.Data.MatchNeeds.Edges {
		ids = append(ids, e.Node.ID)
	}
	if len(ids) == 0 {
		b.Fatal("no OPEN needs to suggest offers for")
	}
	return ids
}
