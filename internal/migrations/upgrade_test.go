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

// lastBeforeIssue19 is the migration an sscgraph whose activities always
// had dates and a participant count left databases at.
const lastBeforeIssue19 = 20261207150000

// TestUpgradeToNullableDatesKeepsLinks: SQLite rebuilds the activities
// table to drop its NOT NULLs, inside goose's transaction, where foreign
// keys stay on; the upgrade must keep every join row (which dropping the
// old table would cascade to), the triggers on activities (search index,
// start-date copies) and the ids, on both databases.
func TestUpgradeToNullableDatesKeepsLinks(t *testing.T) {
	for name, dsn := range fresh(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db, err := database.Open(ctx, dsn, database.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := migrations.UpTo(ctx, db.SQL, db.Dialect, lastBeforeIssue19); err != nil {
				t.Fatal(err)
			}
			exec := func(q string, args ...any) {
				t.Helper()
				if _, err := db.SQL.ExecContext(ctx, rebind(db.Dialect, q), args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			count := func(q string) int {
				t.Helper()
				var n int
				if err := db.SQL.QueryRowContext(ctx, q).Scan(&n); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				return n
			}
			exec(`INSERT INTO regions (id, code, name) VALUES (1, 'AFRICA', 'Africa')`)
			exec(`INSERT INTO countries (id, code, iso3, name, latitude, longitude, region_id) VALUES (10, 'EG', 'EGY', 'Egypt', 26, 30, 1), (11, 'NA', 'NAM', 'Namibia', -22, 17, 1)`)
			exec(`INSERT INTO topics (id, code, name, kind) VALUES (40, 'TOURISM', 'Tourism', 'SECTOR')`)
			exec(`INSERT INTO consultants (id, name) VALUES (50, 'Amara Placeholder')`)
			exec(`INSERT INTO organizations (id, name, kind) VALUES (60, 'Fictional Office', 'IP_OFFICE')`)
			exec(`INSERT INTO activities (id, title, kind, type, status, start_date, end_date, participants)
				VALUES (30, 'Gastronomic workshop', 'SOUTH_SOUTH', 'WORKSHOP', 'COMPLETED', ?, ?, 25),
				       (31, 'Seminar', 'TECHNICAL_ASSISTANCE', 'SEMINAR', 'COMPLETED', ?, ?, 40)`,
				"2017-03-01 00:00:00", "2017-03-02 00:00:00", "2018-05-01 00:00:00", "2018-05-03 00:00:00")
			exec(`INSERT INTO activity_beneficiary_countries (activity_id, country_id, participants) VALUES (30, 10, 20), (30, 11, 5), (31, 10, NULL)`)
			exec(`INSERT INTO activity_provider_countries (activity_id, country_id) VALUES (30, 11)`)
			exec(`INSERT INTO activity_topics (activity_id, topic_id) VALUES (30, 40), (31, 40)`)
			exec(`INSERT INTO activity_consultants (activity_id, consultant_id) VALUES (31, 50)`)
			exec(`INSERT INTO activity_partners (activity_id, organization_id) VALUES (30, 60)`)
			joins := []string{"activity_beneficiary_countries", "activity_provider_countries", "activity_topics", "activity_consultants", "activity_partners"}
			before := map[string]int{}
			for _, j := range joins {
				before[j] = count(`SELECT COUNT(*) FROM ` + j + ` WHERE start_date IS NOT NULL`)
			}

			if _, err := db.Migrate(ctx); err != nil {
				t.Fatalf("upgrading: %v", err)
			}
			for _, j := range joins {
				if n := count(`SELECT COUNT(*) FROM ` + j + ` WHERE start_date IS NOT NULL`); n != before[j] || n == 0 {
					t.Errorf("%s: %d rows with their start-date copy after the upgrade, %d before", j, n, before[j])
				}
			}
			if n := count(`SELECT COALESCE(SUM(participants), 0) FROM activity_beneficiary_countries`); n != 25 {
				t.Errorf("per-country figures add to %d after the upgrade, want 25", n)
			}
			// The triggers on activities work again: a new date reaches
			// every copy, a null date too, and a new organizer link
			// takes its copy.
			exec(`UPDATE activities SET start_date = NULL WHERE id = 30`)
			if n := count(`SELECT COUNT(*) FROM activity_topics WHERE activity_id = 30 AND start_date IS NOT NULL`); n != 0 {
				t.Errorf("activity 30's date is null, but %d topic links keep a copy", n)
			}
			exec(`UPDATE activities SET start_date = ? WHERE id = 30`, "2016-01-04 00:00:00")
			exec(`INSERT INTO activity_organizers (activity_id, organization_id) VALUES (30, 60)`)
			for _, j := range append(joins, "activity_organizers") {
				if n := count(`SELECT COUNT(*) FROM ` + j + ` l JOIN activities a ON a.id = l.activity_id WHERE l.start_date IS NULL OR l.start_date <> a.start_date`); n != 0 {
					t.Errorf("%s: %d rows whose copy differs from the activity's start date", j, n)
				}
			}
			exec(`INSERT INTO activities (id, title, kind, type, status) VALUES (32, 'Undated conference', 'OTHER', 'CONFERENCE', 'UNKNOWN')`)
			if n := count(`SELECT COUNT(*) FROM activities WHERE start_date IS NULL AND participants IS NULL AND start_date_precision = 'DAY'`); n != 1 {
				t.Errorf("%d undated activities without participants, want the one just written", n)
			}
			// The search index follows activities written after the upgrade.
			exec(`UPDATE activities SET title = 'Culinary heritage workshop' WHERE id = 31`)
			q := `SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH 'culinary'`
			if db.Dialect == migrations.Postgres {
				q = `SELECT COUNT(*) FROM search_docs WHERE title LIKE '%Culinary%'`
			}
			if n := count(q); n != 1 {
				t.Errorf("the search index finds %d rows for the retitled activity, want 1", n)
			}
		})
	}
}
