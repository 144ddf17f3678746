//go:build ignore

// Command gen writes a new versioned migration for each dialect from the
// difference between the ent model and the migrations already in the repo.
// Run it from the repository root after changing ent/schema:
//
//	go run ./internal/migrations/gen/main.go -name add_something
//
// It replays the existing migrations on a scratch database of each dialect
// (SQLite in memory; a throwaway schema on the PostgreSQL that
// SSCGRAPH_DEV_POSTGRES names, by default the local one), diffs the result
// against the model with Atlas, and writes the statements as a goose
// migration under internal/migrations/<dialect>/. A change that would drop a
// table, a column or an index with data is refused unless -allow-drop is
// given: dropping data is never silent.
//
// Atlas derives tables, columns and indexes from the model, not triggers:
// those migrations are written by hand, after which
//
//	go run ./internal/migrations/gen/main.go -sum
//
// updates the checksums that Atlas verifies.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"

	"ariga.io/atlas/sql/migrate"
	atlas "ariga.io/atlas/sql/schema"
	"ariga.io/atlas/sql/sqltool"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/mattn/go-sqlite3"

	"sscgraph/internal/database"
)

func main() {
	name := flag.String("name", "", "name of the migration (required)")
	allowDrop := flag.Bool("allow-drop", false, "allow changes that drop tables or columns")
	devPG := flag.String("dev-postgres", envOr("SSCGRAPH_DEV_POSTGRES", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "PostgreSQL database for a scratch schema")
	sumOnly := flag.Bool("sum", false, "only rewrite each directory's atlas.sum, after adding a hand-written migration (triggers and the like, which Atlas does not derive from the model)")
	flag.Parse()
	if *sumOnly {
		for _, path := range []string{"internal/migrations/sqlite", "internal/migrations/postgres"} {
			if err := writeSum(path); err != nil {
				slog.Error("rewriting atlas.sum", "dir", path, "err", err)
				os.Exit(1)
			}
		}
		return
	}
	if *name == "" {
		fmt.Fprintln(os.Stderr, "gen: -name is required")
		os.Exit(2)
	}
	ctx := context.Background()
	if err := run(ctx, *name, *allowDrop, *devPG); err != nil {
		slog.Error("generating migrations", "err", err)
		os.Exit(1)
	}
}

// writeSum rewrites the checksum file that Atlas checks before replaying a
// directory.
func writeSum(path string) error {
	dir, err := sqltool.NewGooseDir(path)
	if err != nil {
		return err
	}
	sum, err := dir.Checksum()
	if err != nil {
		return err
	}
	return migrate.WriteSumFile(dir, sum)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func run(ctx context.Context, name string, allowDrop bool, devPG string) error {
	// SQLite: an in-memory scratch database.
	sqliteDB, err := sql.Open("sqlite3", "file:dev?mode=memory&cache=shared&_fk=1")
	if err != nil {
		return err
	}
	defer sqliteDB.Close()
	if err := diff(ctx, entsql.OpenDB(dialect.SQLite, sqliteDB), "internal/migrations/sqlite", name, allowDrop); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}

	// PostgreSQL: a throwaway database, dropped afterwards (Atlas wants a
	// database with nothing else in it).
	pg, err := sql.Open("pgx", devPG)
	if err != nil {
		return err
	}
	defer pg.Close()
	scratch := fmt.Sprintf("sscgraph_dev_%d", rand.Uint32())
	if _, err := pg.ExecContext(ctx, "CREATE DATABASE "+scratch); err != nil {
		return fmt.Errorf("postgres scratch database: %w", err)
	}
	defer pg.ExecContext(context.Background(), "DROP DATABASE "+scratch+" WITH (FORCE)")
	u, err := url.Parse(devPG)
	if err != nil {
		return fmt.Errorf("dev postgres URL: %w", err)
	}
	u.Path = "/" + scratch
	pgDev, err := sql.Open("pgx", database.WithSearchPath(u.String(), "public"))
	if err != nil {
		return err
	}
	defer pgDev.Close()
	if err := diff(ctx, entsql.OpenDB(dialect.Postgres, pgDev), "internal/migrations/postgres", name, allowDrop); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

func diff(ctx context.Context, drv dialect.Driver, path, name string, allowDrop bool) error {
	dir, err := sqltool.NewGooseDir(path)
	if err != nil {
		return err
	}
	m, err := schema.NewMigrate(drv,
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithFormatter(sqltool.GooseFormatter),
		schema.WithDropColumn(true),
		schema.WithDropIndex(true),
		schema.WithDiffHook(refuseDrops(allowDrop)),
	)
	if err != nil {
		return err
	}
	before, _ := dir.Files()
	if err := m.NamedDiff(ctx, name, database.Tables()...); err != nil {
		return err
	}
	after, _ := dir.Files()
	if len(after) == len(before) {
		fmt.Printf("%s: no changes\n", path)
	} else {
		fmt.Printf("%s: wrote %s\n", path, after[len(after)-1].Name())
	}
	return nil
}

// refuseDrops stops the diff when it would drop a table or a column,
// unless allowed: such a migration loses data.
func refuseDrops(allow bool) schema.DiffHook {
	return func(next schema.Differ) schema.Differ {
		return schema.DiffFunc(func(current, desired *atlas.Schema) ([]atlas.Change, error) {
			changes, err := next.Diff(current, desired)
			changes = withoutHandWritten(changes)
			if err != nil || allow {
				return changes, err
			}
			for _, c := range changes {
				switch c := c.(type) {
				case *atlas.DropTable:
					return nil, fmt.Errorf("the change drops table %s; rerun with -allow-drop if that is meant", c.T.Name)
				case *atlas.ModifyTable:
					for _, tc := range c.Changes {
						if d, ok := tc.(*atlas.DropColumn); ok {
							return nil, fmt.Errorf("the change drops column %s.%s; rerun with -allow-drop if that is meant", c.T.Name, d.C.Name)
						}
					}
				}
			}
			return changes, nil
		})
	}
}

// handWritten prefixes the tables that hand-written migrations own and the
// ent model does not describe: the search index (search_fts and FTS4's
// shadow tables on SQLite, search_docs on PostgreSQL). Atlas sees them as
// tables the model lacks; they must stay.
const handWritten = "search_"

// withoutHandWritten drops the changes that would remove tables of
// hand-written migrations.
func withoutHandWritten(changes []atlas.Change) []atlas.Change {
	out := changes[:0:0]
	for _, c := range changes {
		if d, ok := c.(*atlas.DropTable); ok && strings.HasPrefix(d.T.Name, handWritten) {
			continue
		}
		out = append(out, c)
	}
	return out
}

var _ migrate.Dir = (*sqltool.GooseDir)(nil)
