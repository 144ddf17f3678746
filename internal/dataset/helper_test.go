package dataset

import (
	"context"
	"database/sql"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/mattn/go-sqlite3"

	"sscgraph/ent"
	"sscgraph/internal/database"
	"sscgraph/internal/pgtest"

	"sscgraph/internal/importer"
)

// openTestDB creates an empty SQLite database with sscgraph's schema in a
// temporary directory and returns the ent client and the raw connection
// pool (for table-level checks). Both are closed when the test ends.
func openTestDB(tb testing.TB) (*ent.Client, *sql.DB) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "sscgraph.db")
	db, err := sql.Open("sqlite3", "file:"+path+"?_fk=1&_journal_mode=WAL&_busy_timeout=5000")
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	client := ent.NewClient(ent.Driver(entsql.OpenDB(dialect.SQLite, db)))
	tb.Cleanup(func() { _ = client.Close() })
	if err := client.Schema.Create(context.Background()); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	return client, db
}

// loadTestDB opens a fresh database and loads size into it with seed.
func loadTestDB(tb testing.TB, size Size, seed uint64) (*ent.Client, *sql.DB, Stats) {
	tb.Helper()
	client, db := openTestDB(tb)
	stats, err := LoadWith(context.Background(), client, size, seed, importer.Sheet)
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return client, db, stats
}

// csvRows counts the data rows of one of the real sheets, read from the
// source tree with encoding/csv rather than through the importer, so that
// the loader's counts are checked against the file itself.
func csvRows(tb testing.TB, name string) int {
	tb.Helper()
	rows := readCSV(tb, name)
	return len(rows) - 1
}

// readCSV reads a real sheet, header first.
func readCSV(tb testing.TB, name string) [][]string {
	tb.Helper()
	f, err := os.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	if len(rows) == 0 {
		tb.Fatalf("%s has no header", name)
	}
	return rows
}

// forEachDialect loads size into a fresh SQLite database and, when
// SSCGRAPH_TEST_POSTGRES names one, into a fresh PostgreSQL schema
// migrated as sscgraph migrates it, and runs fn on each.
func forEachDialect(t *testing.T, size Size, fn func(t *testing.T, client *ent.Client, stats Stats)) {
	t.Run("sqlite", func(t *testing.T) {
		client, _, stats := loadTestDB(t, size, DefaultSeed)
		fn(t, client, stats)
	})
	t.Run("postgres", func(t *testing.T) {
		ctx := context.Background()
		db, err := database.Open(ctx, pgtest.Schema(t), database.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		stats, err := LoadWith(ctx, db.Client, size, DefaultSeed, importer.Sheet)
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		fn(t, db.Client, stats)
	})
}
