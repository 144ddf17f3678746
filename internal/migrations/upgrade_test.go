package migrations_test

import (
	"context"
	"database/sql"
	"testing"

	"sscgraph/internal/database"
	"sscgraph/internal/migrations"
)

// lastBeforeIssue11 is the migration an sscgraph without per-country
// participants, sources, refs and translated names left databases at.
const lastBeforeIssue11 = 20261128100000

// TestUpgradeKeepsBeneficiaryLinks: a database with activities and their
// beneficiary links, upgraded to the current schema, keeps every link
// (with no per-country figure: null, not zero), every project (with an
// empty list of sources) and every country (with no translated names).
func TestUpgradeKeepsBeneficiaryLinks(t *testing.T) {
	for name, dsn := range fresh(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db, err := database.Open(ctx, dsn, database.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := migrations.UpTo(ctx, db.SQL, db.Dialect, lastBeforeIssue11); err != nil {
				t.Fatal(err)
			}
			exec := func(q string, args ...any) {
				t.Helper()
				if _, err := db.SQL.ExecContext(ctx, rebind(db.Dialect, q), args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			exec(`INSERT INTO regions (id, code, name) VALUES (1, 'AFRICA', 'Africa')`)
			exec(`INSERT INTO countries (id, code, iso3, name, latitude, longitude, region_id) VALUES (10, 'EG', 'EGY', 'Egypt', 26, 30, 1), (11, 'NA', 'NAM', 'Namibia', -22, 17, 1)`)
			exec(`INSERT INTO projects (id, code, title, status) VALUES (20, 'DA_1_10_12_40', 'IP, Tourism and Culture', 'COMPLETED')`)
			exec(`INSERT INTO activities (id, title, kind, type, status, start_date, end_date, participants, project_id)
				VALUES (30, 'Workshop', 'TECHNICAL_ASSISTANCE', 'WORKSHOP', 'COMPLETED', ?, ?, 25, 20),
				       (31, 'Seminar', 'TECHNICAL_ASSISTANCE', 'SEMINAR', 'COMPLETED', ?, ?, 40, 20)`,
				"2017-03-01 00:00:00", "2017-03-02 00:00:00", "2018-05-01 00:00:00", "2018-05-03 00:00:00")
			exec(`INSERT INTO activity_beneficiary_countries (activity_id, country_id) VALUES (30, 10), (30, 11), (31, 10)`)

			if _, err := db.Migrate(ctx); err != nil {
				t.Fatalf("upgrading: %v", err)
			}
			var links, nulls, figures int
			if err := db.SQL.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(*) - COUNT(participants), COALESCE(SUM(participants), 0) FROM activity_beneficiary_countries`).Scan(&links, &nulls, &figures); err != nil {
				t.Fatal(err)
			}
			if links != 3 || nulls != 3 || figures != 0 {
				t.Errorf("after the upgrade: %d links, %d without a figure, figures adding to %d; want 3, 3, 0", links, nulls, figures)
			}
			var sources string
			var ar sql.NullString
			if err := db.SQL.QueryRowContext(ctx, `SELECT p.sources, c.name_ar FROM projects p, countries c WHERE p.id = 20 AND c.id = 10`).Scan(&sources, &ar); err != nil {
				t.Fatal(err)
			}
			if sources != "[]" || ar.Valid {
				t.Errorf("after the upgrade: sources %q, Arabic name %v; want [] and null", sources, ar)
			}
			var total int
			if err := db.SQL.QueryRowContext(ctx, `SELECT SUM(participants) FROM activities`).Scan(&total); err != nil || total != 65 {
				t.Errorf("activities' totals after the upgrade: %d (%v), want 65", total, err)
			}
		})
	}
}

// rebind turns ? placeholders into PostgreSQL's $n.
func rebind(dialect, q string) string {
	if dialect != migrations.Postgres {
		return q
	}
	out, n := []byte{}, 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			out = append(out, []byte("$"+string(rune('0'+n)))...)
			continue
		}
		out = append(out, q[i])
	}
	return string(out)
}
