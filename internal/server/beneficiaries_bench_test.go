package server_test

import (
	"encoding/json"
	"testing"
)

// BenchmarkBeneficiaries sets a page of 100 activities with their
// beneficiaries (per-country figures, read by package participants) beside
// the same page with beneficiaryCountries (ent's nested page through
// package pagesql), in one run: the ratio of the two is what the figures
// cost. Both read a page of links per activity in a fixed number of
// statements.
func BenchmarkBeneficiaries(b *testing.B) {
	queries := map[string]string{
		"beneficiaries":        `{ activities(first: 100, orderBy: [{field: START_DATE, direction: DESC}]) { edges { node { title beneficiaries(first: 5) { totalCount edges { node { participants country { code name } } } } } } } }`,
		"beneficiaryCountries": `{ activities(first: 100, orderBy: [{field: START_DATE, direction: DESC}]) { edges { node { title beneficiaryCountries(first: 5) { totalCount edges { node { code name } } } } } } }`,
	}
	forEachBenchDB(b, func(b *testing.B, dsn string) {
		srv := benchServerOn(b, dsn)
		for _, name := range []string{"beneficiaries", "beneficiaryCountries"} {
			b.Run(name, func(b *testing.B) {
				body, _ := json.Marshal(map[string]string{"query": queries[name]})
				timeRequests(b, srv.Client(), srv.URL+"/graphql", [][]byte{body})
			})
		}
	})
}
