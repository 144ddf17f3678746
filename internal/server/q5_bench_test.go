package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"sscgraph/internal/database"
	"sscgraph/internal/dataset"
)

// The Match page (q5 of bench/, the side-by-side harness) without its totalCount, and the
// count alone: the page should cost what it returns, 25 offers, at any
// size of the table; the count reads every open offer (in an index).
const (
	matchPage = `{ matchOffers(first: 25, where: {status: OPEN}, orderBy: [{field: POSTED_AT, direction: DESC}]) { edges { node { title postedAt
    provider { name country { code } }
    topics(first: 5) { edges { node { code } } } } } } }`
	matchOpenCount = `{ matchOffers(where: {status: OPEN}) { totalCount } }`
)

// scaledDB returns the data source of the synthetic data set at scale, or
// "" when there is none to use. Scale 1 on SQLite is syntheticDB's file
// (seeded on first use). Otherwise the environment names it:
// SSCGRAPH_BENCH_DB10 a SQLite file at scale 10 (seeded when missing,
// some minutes), SSCGRAPH_BENCH_POSTGRES and SSCGRAPH_BENCH_POSTGRES10
// PostgreSQL databases already seeded at scale 1 and 10 (sscgraph seed
// --synthetic --scale N --db URL).
func scaledDB(b *testing.B, backend string, scale int) string {
	b.Helper()
	switch {
	case backend == "sqlite" && scale == 1:
		return syntheticDB(b)
	case backend == "sqlite":
		path := os.Getenv(fmt.Sprintf("SSCGRAPH_BENCH_DB%d", scale))
		if path == "" {
			return ""
		}
		if _, err := os.Stat(path); err != nil {
			b.Logf("seeding %s at scale %d: some minutes", path, scale)
			seedSQLite(b, path, scale)
		}
		return path
	case scale == 1:
		return os.Getenv("SSCGRAPH_BENCH_POSTGRES")
	default:
		return os.Getenv(fmt.Sprintf("SSCGRAPH_BENCH_POSTGRES%d", scale))
	}
}

// seedSQLite writes the synthetic data set at scale into a new SQLite file
// at path, through a partial file so that an interrupted run leaves none.
func seedSQLite(b testing.TB, path string, scale int) {
	b.Helper()
	ctx := context.Background()
	tmp := path + ".partial"
	_ = os.Remove(tmp)
	db, err := database.Open(ctx, tmp, database.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := dataset.Load(ctx, db.Client, dataset.SyntheticSize(scale), dataset.DefaultSeed); err != nil {
		b.Fatal(err)
	}
	if err := db.Analyze(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := db.SQL.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		b.Fatal(err)
	}
	db.Close()
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkMatchPage times the Match page without its totalCount, and the
// count of open offers, one request at a time, at scale 1 and 10 of the
// synthetic data set (100,000 and 1,000,000 activities; 20,000 and
// 200,000 offers) on SQLite, and on PostgreSQL when the environment names
// its databases (see scaledDB). A scale whose data is missing is skipped
// with a message. Put the scales side by side with
//
//	benchstat -col /scale out.txt
//
// whose second column's delta is the scale-10/scale-1 ratio.
//
// Before timing, each page and count is checked against SQL written here:
// the open offers are those stored OPEN whose expires_at is unset or to
// come, newest first, ties by id.
func BenchmarkMatchPage(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, scale := range []int{1, 10} {
			b.Run(fmt.Sprintf("db=%s/scale=%d", backend, scale), func(b *testing.B) {
				dsn := scaledDB(b, backend, scale)
				if dsn == "" {
					b.Skipf("no %s database at scale %d: set %s", backend, scale, scaleEnv(backend, scale))
				}
				srv := benchServerOn(b, dsn)
				url := srv.URL + "/graphql"
				checkMatchPage(b, srv.Client(), url, dsn)
				for _, q := range []struct{ name, query string }{{"page", matchPage}, {"count", matchOpenCount}} {
					b.Run("q="+q.name, func(b *testing.B) {
						body, _ := json.Marshal(map[string]string{"query": q.query})
						timeRequests(b, srv.Client(), url, [][]byte{body})
					})
				}
			})
		}
	}
}

func scaleEnv(backend string, scale int) string {
	if backend == "sqlite" {
		return fmt.Sprintf("SSCGRAPH_BENCH_DB%d", scale)
	}
	if scale == 1 {
		return "SSCGRAPH_BENCH_POSTGRES"
	}
	return fmt.Sprintf("SSCGRAPH_BENCH_POSTGRES%d", scale)
}

// checkMatchPage holds the page's offers (title and postedAt, in order)
// and the count to what SQL finds on the same database.
func checkMatchPage(b *testing.B, client *http.Client, url, dsn string) {
	b.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, dsn, database.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	now := time.Now().UTC()
	// The bound of each dialect's placeholders; expires_at is compared
	// as a time value on both.
	ph := "?"
	if db.Dialect == "postgres" {
		ph = "$1"
	}
	open := `status = 'OPEN' AND (expires_at IS NULL OR expires_at > ` + ph + `)`
	var want struct {
		count  int
		titles []string
		posted []time.Time
	}
	if err := db.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM match_offers WHERE `+open, now).Scan(&want.count); err != nil {
		b.Fatalf("counting open offers: %v", err)
	}
	rows, err := db.SQL.QueryContext(ctx, `SELECT title, posted_at FROM match_offers WHERE `+open+` ORDER BY posted_at DESC, id ASC LIMIT 25`, now)
	if err != nil {
		b.Fatalf("reading the page: %v", err)
	}
	for rows.Next() {
		var title string
		var posted time.Time
		if err := rows.Scan(&title, &posted); err != nil {
			b.Fatalf("reading the page: %v", err)
		}
		want.titles = append(want.titles, title)
		want.posted = append(want.posted, posted)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		b.Fatalf("reading the page: %v", err)
	}

	type answer struct {
		Data struct {
			MatchOffers struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Title    string
						PostedAt time.Time
					}
				}
			}
		}
	}
	ask := func(query string) answer {
		var a answer
		body, _ := json.Marshal(map[string]string{"query": query})
		res, err := client.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		if err := json.NewDecoder(res.Body).Decode(&a); err != nil {
			b.Fatalf("decoding the answer: %v", err)
		}
		return a
	}
	got := ask(matchPage).Data.MatchOffers
	got.TotalCount = ask(matchOpenCount).Data.MatchOffers.TotalCount
	if got.TotalCount != want.count {
		b.Fatalf("totalCount %d, SQL counts %d open offers", got.TotalCount, want.count)
	}
	if len(got.Edges) != len(want.titles) {
		b.Fatalf("%d offers on the page, SQL finds %d", len(got.Edges), len(want.titles))
	}
	for i, e := range got.Edges {
		if e.Node.Title != want.titles[i] || !e.Node.PostedAt.Equal(want.posted[i]) {
			b.Fatalf("offer %d is %q of %v, SQL has %q of %v", i, e.Node.Title, e.Node.PostedAt, want.titles[i], want.posted[i])
		}
	}
}
