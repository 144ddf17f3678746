package dataset

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/mattn/go-sqlite3"

	"sscgraph/ent"
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
	stats, err := Load(context.Background(), client, size, seed)
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return client, db, stats
}
