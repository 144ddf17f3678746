package importer

import (
	"context"
	"os"
	"strconv"
	"testing"

	"sscgraph/internal/database"
	"sscgraph/internal/pgtest"
)

// BenchmarkImportActivities imports 100,000 activity rows (set
// SSCGRAPH_BENCH_ROWS for another number) into a seeded SQLite file, and
// into PostgreSQL when SSCGRAPH_TEST_POSTGRES is set:
//
//	go test ./internal/importer -run '^$' -bench ImportActivities -benchtime 1x
func BenchmarkImportActivities(b *testing.B) {
	n := 100_000
	if s := os.Getenv("SSCGRAPH_BENCH_ROWS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	path := writeActivities(b, n)
	run := func(b *testing.B, open func(testing.TB) *database.DB) {
		for range b.N {
			b.StopTimer()
			db := open(b)
			b.StartTimer()
			res, err := Run(context.Background(), db.Client, Options{Kind: "activities", Path: path})
			if err != nil {
				b.Fatal(err)
			}
			if len(res.Problems) > 0 || res.Created != n {
				b.Fatalf("created %d of %d rows; problems %v", res.Created, n, res.Problems[:min(5, len(res.Problems))])
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	}
	b.Run("sqlite", func(b *testing.B) { run(b, openSQLite) })
	b.Run("postgres", func(b *testing.B) {
		run(b, func(tb testing.TB) *database.DB {
			db, err := database.Open(context.Background(), pgtest.Schema(tb), database.Options{})
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { db.Close() })
			seed(tb, db)
			return db
		})
	})
}
