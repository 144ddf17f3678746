package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// flatQueries are the side-by-side harness's queries (bench/queries) that
// return pages, read from the files the harness sends, without their
// totalCount: a page must cost what it returns whatever the table's size,
// while a count grows with what it counts (q4 is only a count, and is
// left out). Reading the files keeps this benchmark on the harness's
// queries as they change.
func flatQueries(b *testing.B) []struct{ name, query string } {
	b.Helper()
	totalCount := regexp.MustCompile(`\btotalCount\b`)
	var qs []struct{ name, query string }
	for _, n := range []string{"q1", "q2", "q3", "q5", "q6"} {
		text, err := os.ReadFile(filepath.Join("..", "..", "bench", "queries", "sscgraph-"+n+".graphql"))
		if err != nil {
			b.Fatalf("reading the harness's %s: %v", n, err)
		}
		q := totalCount.ReplaceAllString(string(text), "")
		qs = append(qs, struct{ name, query string }{n, strings.TrimSpace(q)})
	}
	return qs
}

// BenchmarkFlat times each page query of the harness without its
// totalCount, one request at a time, at scale 1 and 10 of the synthetic
// data set (100,000 and 1,000,000 activities) on SQLite, and on PostgreSQL
// when the environment names its databases (see scaledDB; a scale whose
// data is missing is skipped with a message). The target is within 1.3×
// from scale 1 to scale 10 for every query:
//
//	go test ./internal/server -run '^$' -bench 'Flat' -count 6 > flat.txt
//	benchstat -col /scale flat.txt
//
// Every answer is checked for errors and for a full first page before
// timing, so that a scale whose query failed cannot look fast.
func BenchmarkFlat(b *testing.B) {
	queries := flatQueries(b)
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, scale := range []int{1, 10} {
			b.Run(fmt.Sprintf("db=%s/scale=%d", backend, scale), func(b *testing.B) {
				dsn := scaledDB(b, backend, scale)
				if dsn == "" {
					b.Skipf("no %s database at scale %d: set %s", backend, scale, scaleEnv(backend, scale))
				}
				srv := benchServerOn(b, dsn)
				url := srv.URL + "/graphql"
				for _, q := range queries {
					body, _ := json.Marshal(map[string]string{"query": q.query})
					checkFullPage(b, postAnswer(b, srv.Client(), url, body), q.name)
					b.Run("q="+q.name, func(b *testing.B) {
						timeRequests(b, srv.Client(), url, [][]byte{body})
					})
				}
			})
		}
	}
}

// checkFullPage fails b unless answer has data, no errors, and a first
// level of as many edges as the query asked for (each synthetic scale has
// more than enough rows for every first page).
func checkFullPage(b *testing.B, answer []byte, name string) {
	b.Helper()
	var a struct {
		Data   map[string]struct{ Edges []json.RawMessage }
		Errors []json.RawMessage
	}
	if err := json.Unmarshal(answer, &a); err != nil {
		b.Fatalf("%s: decoding %s: %v", name, answer, err)
	}
	if len(a.Errors) > 0 || len(a.Data) != 1 {
		b.Fatalf("%s: want one root field and no errors, got %s", name, answer)
	}
	for field, conn := range a.Data {
		if len(conn.Edges) < 10 {
			b.Fatalf("%s: %s has %d edges, want a full page", name, field, len(conn.Edges))
		}
	}
}

// postAnswer posts body and returns the answer's bytes.
func postAnswer(b *testing.B, client *http.Client, url string, body []byte) []byte {
	b.Helper()
	res, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		b.Fatalf("status %d, err %v: %.300s", res.StatusCode, err, data)
	}
	return data
}
