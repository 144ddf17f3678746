package importer

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"sscgraph/internal/database"
	"sscgraph/internal/dataset"
	"sscgraph/internal/pgtest"
)

// backends are the databases the tests run on: a SQLite file always, and
// PostgreSQL when SSCGRAPH_TEST_POSTGRES names one.
func backends(t *testing.T, f func(t *testing.T, db *database.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { f(t, openSQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		db, err := database.Open(context.Background(), pgtest.Schema(t), database.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		seed(t, db)
		f(t, db)
	})
}

// openSQLite returns a new SQLite file with the schema and the demo
// dataset, as `sscgraph seed` makes it.
func openSQLite(tb testing.TB) *database.DB {
	tb.Helper()
	db, err := database.Open(context.Background(), filepath.Join(tb.TempDir(), "import.db"), database.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	seed(tb, db)
	return db
}

func seed(tb testing.TB, db *database.DB) {
	tb.Helper()
	if _, err := dataset.Load(context.Background(), db.Client, dataset.DemoSize(), dataset.DefaultSeed); err != nil {
		tb.Fatal(err)
	}
}

// writeFile writes content to a file named name in a temporary directory.
func writeFile(tb testing.TB, name, content string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// writeActivities writes a CSV of n South-South activities with every kind
// of column: per-country figures, providers, topics, a venue, a budget.
func writeActivities(tb testing.TB, n int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "activities.csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	countries := []string{"EG", "ECU", "Kenya", "PE", "SEN", "IN", "NAM", "MX"}
	topics := []string{"PATENTS", "COPYRIGHT", "Tourism", "HEALTH"}
	fmt.Fprintln(w, "ref,title,description,kind,type,status,start_date,end_date,venue_city,venue_country,language,participants,budget,beneficiaries,providers,topics")
	for i := range n {
		a, b := countries[i%len(countries)], countries[(i+3)%len(countries)]
		fmt.Fprintf(w, "BENCH-%d,Benchmark activity %d,\"Generated row %d, for timing\",SOUTH_SOUTH,WORKSHOP,COMPLETED,2024-01-%02d,2024-02-01,Geneva,CH,en,,%d,%s:%d; %s:7,BR,%s\n",
			i, i, i, 1+i%28, 1000+i, a, i%50, b, topics[i%len(topics)])
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}
