// Package pgtest gives tests a migrated PostgreSQL schema of their own on
// the database SSCGRAPH_TEST_POSTGRES names, or skips them when it names
// none. It is imported by tests only.
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"sscgraph/internal/database"
)

// Env names the database tests may use.
const Env = "SSCGRAPH_TEST_POSTGRES"

// DSN returns the database tests may use, or "" when there is none.
func DSN() string { return os.Getenv(Env) }

var seq atomic.Int64

// EmptySchema creates an empty schema, dropped when the test ends, and
// returns the address of a connection to it (for tests of what sscgraph
// does to a new database). It skips the test when there is no PostgreSQL.
func EmptySchema(t testing.TB) string {
	t.Helper()
	dsn := DSN()
	if dsn == "" {
		t.Skip(Env + " is not set")
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	name := fmt.Sprintf("sscgraph_pgtest_%d_%d", os.Getpid(), seq.Add(1))
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("creating schema %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", name, err)
		}
	})
	return database.WithSearchPath(dsn, name)
}

// Schema creates a schema with sscgraph's tables and no data (see
// EmptySchema) and returns the address of a connection to it.
func Schema(t testing.TB) string {
	t.Helper()
	scoped := EmptySchema(t)
	db, err := database.Open(context.Background(), scoped, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return scoped
}

// Open returns a connection to a new migrated schema (see Schema), closed
// when the test ends.
func Open(t testing.TB) *database.DB {
	t.Helper()
	db, err := database.Open(context.Background(), Schema(t), database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
