package server_test

import (
	"encoding/json"
	"testing"
)

// searchBenchQueries are two-word queries a journalist might type, from
// common words of the synthetic text to rarer ones.
var searchBenchQueries = []string{"patent office", "copyright training", "tourism brand", "geographical indications", "technology transfer"}

// BenchmarkSearch measures search through HTTP on the synthetic data set
// at scale 1 (SQLite), one request at a time: a page of 20 hits with
// their scores, snippets, node IDs and the total.
func BenchmarkSearch(b *testing.B) {
	srv := benchServer(b)
	client := srv.Client()
	url := srv.URL + "/graphql"
	bodies := make([][]byte, len(searchBenchQueries))
	for i, q := range searchBenchQueries {
		bodies[i], _ = json.Marshal(map[string]any{
			"query":     `query($q: String!) { search(query: $q, first: 20) { totalCount edges { node { score snippet node { id } } } } }`,
			"variables": map[string]any{"q": q},
		})
		postBench(b, client, url, bodies[i]) // warm, and checks the answer
	}
	timeRequests(b, client, url, bodies)
}
