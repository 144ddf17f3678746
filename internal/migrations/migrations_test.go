package migrations_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sscgraph/internal/database"
	"sscgraph/internal/migrations"
)

// fresh returns empty databases of every dialect under test.
func fresh(t *testing.T) map[string]string {
	dsns := map[string]string{"sqlite": filepath.Join(t.TempDir(), "m.db")}
	if pg := os.Getenv("SSCGRAPH_TEST_POSTGRES"); pg != "" {
		admin, err := sql.Open("pgx", pg)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		name := fmt.Sprintf("sscgraph_mtest_%d", os.Getpid())
		if _, err := admin.Exec("DROP SCHEMA IF EXISTS " + name + " CASCADE; CREATE SCHEMA " + name); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			admin, _ := sql.Open("pgx", pg)
			defer admin.Close()
			_, _ = admin.Exec("DROP SCHEMA " + name + " CASCADE")
		})
		dsns["postgres"] = database.WithSearchPath(pg, name)
	}
	return dsns
}

// TestMigrationsBuildTheModel applies every migration to an empty database
// and checks that the result is exactly the ent model: ent finds nothing
// left to change. A schema change without its migration fails here.
func TestMigrationsBuildTheModel(t *testing.T) {
	for name, dsn := range fresh(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db, err := database.Open(ctx, dsn, database.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()

			plan, err := migrations.Plan(ctx, db.SQL, db.Dialect)
			if err != nil {
				t.Fatal(err)
			}
			if len(plan) == 0 || plan[0].Applied || !strings.Contains(plan[0].SQL, "CREATE TABLE") {
				t.Fatalf("plan of an empty database = %+v, want pending migrations with their SQL", plan)
			}
			applied, err := db.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(applied) != len(plan) {
				t.Errorf("applied %d migrations, plan had %d", len(applied), len(plan))
			}
			if again, err := db.Migrate(ctx); err != nil || len(again) != 0 {
				t.Errorf("second run applied %d (err %v), want none", len(again), err)
			}
			if pending, err := migrations.Pending(ctx, db.SQL, db.Dialect); err != nil || pending {
				t.Errorf("pending = %v (err %v) after migrating", pending, err)
			}

			database.Tables() // the extra indexes are part of the model
			var changes bytes.Buffer
			if err := db.Client.Schema.WriteTo(ctx, &changes); err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(changes.String(), "\n") {
				l := strings.ToUpper(strings.TrimSpace(line))
				if strings.HasPrefix(l, "CREATE") || strings.HasPrefix(l, "ALTER") || strings.HasPrefix(l, "DROP") {
					t.Errorf("the migrations do not build the model; ent would still run:\n%s", changes.String())
					break
				}
			}
		})
	}
}
