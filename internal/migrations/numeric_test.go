package migrations_test

import (
	"context"
	"database/sql"
	"testing"

	"sscgraph/internal/database"
	"sscgraph/internal/migrations"
)

// lastBeforeIssue20 is the migration an sscgraph whose countries had no
// ISO 3166-1 numeric code left databases at (the SQLite step is numbered
// 20261207173629, the PostgreSQL one a second later: both are at or below).
const lastBeforeIssue20 = 20261207173630

// TestUpgradeFillsNumericCodes: a database at the previous version, with a
// few countries, upgraded, gets each ISO country's numeric code as ISO
// writes it (leading zeros kept), while a country outside ISO 3166-1 keeps
// none; the new column is unique where set, on both databases.
func TestUpgradeFillsNumericCodes(t *testing.T) {
	for name, dsn := range fresh(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db, err := database.Open(ctx, dsn, database.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := migrations.UpTo(ctx, db.SQL, db.Dialect, lastBeforeIssue20); err != nil {
				t.Fatal(err)
			}
			exec := func(q string, args ...any) error {
				t.Helper()
				_, err := db.SQL.ExecContext(ctx, rebind(db.Dialect, q), args...)
				return err
			}
			must := func(q string, args ...any) {
				t.Helper()
				if err := exec(q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			must(`INSERT INTO regions (id, code, name) VALUES (1, 'AFRICA', 'Africa'), (2, 'DEVELOPED', 'Developed countries')`)
			// XK (Kosovo) is a user-assigned code, not in ISO 3166-1: no
			// numeric code to give it.
			must(`INSERT INTO countries (id, code, iso3, name, latitude, longitude, region_id) VALUES
				(10, 'EG', 'EGY', 'Egypt', 26, 30, 1),
				(11, 'NA', 'NAM', 'Namibia', -22, 17, 1),
				(12, 'AD', 'AND', 'Andorra', 42.5, 1.5, 2),
				(13, 'XK', 'XKX', 'Kosovo', 42.7, 21, 2)`)

			if _, err := db.Migrate(ctx); err != nil {
				t.Fatalf("upgrading: %v", err)
			}
			rows, err := db.SQL.QueryContext(ctx, `SELECT code, numeric_code FROM countries ORDER BY id`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			got := map[string]sql.NullString{}
			for rows.Next() {
				var code string
				var num sql.NullString
				if err := rows.Scan(&code, &num); err != nil {
					t.Fatal(err)
				}
				got[code] = num
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			want := map[string]sql.NullString{
				"EG": {String: "818", Valid: true},
				"NA": {String: "516", Valid: true},
				"AD": {String: "020", Valid: true},
				"XK": {},
			}
			if len(got) != len(want) {
				t.Errorf("%d countries after the upgrade, want %d: %v", len(got), len(want), got)
			}
			for code, w := range want {
				if got[code] != w {
					t.Errorf("%s: numeric code %v after the upgrade, want %v", code, got[code], w)
				}
			}

			// Unique where set: a second 818 is refused, a second NULL is not.
			if err := exec(`UPDATE countries SET numeric_code = '818' WHERE code = 'NA'`); err == nil {
				t.Error("two countries took the numeric code 818")
			}
			must(`INSERT INTO countries (id, code, iso3, name, latitude, longitude, region_id) VALUES (14, 'XA', 'XAA', 'Nowhere', 0, 0, 2)`)
			var nulls int
			if err := db.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM countries WHERE numeric_code IS NULL`).Scan(&nulls); err != nil || nulls != 2 {
				t.Errorf("%d countries without a numeric code (%v), want 2", nulls, err)
			}
		})
	}
}
