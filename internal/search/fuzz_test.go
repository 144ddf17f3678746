package search_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"sscgraph/ent/predicate"
	"sscgraph/internal/database"
	"sscgraph/internal/pgtest"
	"sscgraph/internal/search"
	"sscgraph/internal/viewer"
)

// fuzzSeeds are queries at and near the documented limits (16 words or
// phrases, 256 characters) and the shapes that broke before: FTS4 refused
// 12 or more exclusions as a malformed MATCH expression.
var fuzzSeeds = []string{
	"touri",
	`"geographical indications" -brand`,
	"a" + strings.Repeat(" -x", 11),
	"a" + strings.Repeat(" -x", 12),
	"a" + strings.Repeat(" -xy", 15),
	strings.Repeat("ab ", 16),
	strings.Repeat(`"a b c" `, 8) + strings.Repeat(`-"d e" `, 8),
	`"` + strings.Repeat("a ", 127) + `"`,
	strings.Repeat("é", 256),
	`a OR b NEAR/2 c':* & !d) -AND -NOT -"OR NEAR"`,
	"c3po -x ß ǅ ١٢٣ 中文 𝟘 ⅷ ² e-mail -x-y",
}

// FuzzSearchQuery runs every query Parse accepts against a real index on
// SQLite, and on PostgreSQL when SSCGRAPH_TEST_POSTGRES is set, through
// both paths (search and the where input's search): no query within the
// limits may fail in the database.
func FuzzSearchQuery(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	ctx := viewer.WithSystem(context.Background(), viewer.System{Name: "fuzz"})
	dbs := map[string]*database.DB{"sqlite": openSQLite(f)}
	if pgtest.DSN() != "" {
		dbs["postgres"] = pgtest.Open(f)
	}
	for name, db := range dbs {
		// A region and a document under its key, so that neither
		// database can skip the match for want of rows.
		r, err := db.Client.Region.Create().SetCode("FUZZ").SetName("Fuzz").Save(ctx)
		if err != nil {
			f.Fatalf("%s: creating a region: %v", name, err)
		}
		doc := "INSERT INTO search_fts (docid, title, body) VALUES (?, 'ab touri a b c', 'd e xy')"
		if name == "postgres" {
			doc = "INSERT INTO search_docs (id, title, body, doc) VALUES ($1, 'ab touri a b c', 'd e xy', to_tsvector('simple', 'ab touri a b c d e xy'))"
		}
		if _, err := db.SQL.ExecContext(ctx, doc, r.ID); err != nil {
			f.Fatalf("%s: indexing a document: %v", name, err)
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		q, err := search.Parse(text)
		if err != nil {
			return // refused as the client's mistake: that is allowed
		}
		for name, db := range dbs {
			if _, err := search.Run(ctx, db.Client, search.Ask{Query: q, Limit: 3, Total: true}); err != nil {
				t.Errorf("%s: search %q (FTS %s, tsquery %s): got %v, want no error", name, text, q.FTS(), q.TSQuery(), err)
			}
			p, err := search.Where(text)
			if err != nil {
				t.Fatalf("Where(%q) refused what Parse accepted: %v", text, err)
			}
			if _, err := db.Client.Region.Query().Where(predicate.Region(p)).Count(ctx); err != nil {
				t.Errorf("%s: where search %q: got %v, want no error", name, text, err)
			}
		}
	})
}

// openSQLite returns a new migrated SQLite database in the test's
// directory, closed when the test ends.
func openSQLite(t testing.TB) *database.DB {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(t.TempDir(), "fuzz.db"), database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}
