package importer

import (
	"context"
	"fmt"
	"testing"

	"sscgraph/ent/organization"
	"sscgraph/internal/database"
)

// TestExamplesAreDemoData: the example files are invented, and say so in
// their demo column, so that every record they make is marked demo and
// `where: {demo: false}` keeps to real data.
func TestExamplesAreDemoData(t *testing.T) {
	backends(t, func(t *testing.T, db *database.DB) {
		importExamples(t, db)
		for _, table := range []string{"organizations", "consultants", "activities", "match_offers", "match_needs"} {
			var real, demo int
			q := fmt.Sprintf(`SELECT COUNT(*) FROM %s WHERE ref LIKE 'DEMO-%%' AND demo = %s`, table, boolLiteral(db, false))
			if err := db.SQL.QueryRow(q).Scan(&real); err != nil {
				t.Fatal(err)
			}
			q = fmt.Sprintf(`SELECT COUNT(*) FROM %s WHERE ref LIKE 'DEMO-%%' AND demo = %s`, table, boolLiteral(db, true))
			if err := db.SQL.QueryRow(q).Scan(&demo); err != nil {
				t.Fatal(err)
			}
			if real != 0 || demo < 3 {
				t.Errorf("%s: %d example records marked real, %d demo; want 0 and all of them", table, real, demo)
			}
		}
	})
}

// TestDemoColumn: the demo column sets the mark on new records and
// changes it on existing ones; a sheet without it leaves the mark alone.
func TestDemoColumn(t *testing.T) {
	backends(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		mark := func() bool {
			t.Helper()
			o, err := db.Client.Organization.Query().Where(organization.Ref("D-1")).Only(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return o.Demo
		}
		steps := []struct {
			name, sheet string
			want        bool
			updated     int
		}{
			{"created as demo", "ref,demo,name,kind\nD-1,yes,Demo column test,NGO\n", true, 0},
			{"no demo column: left alone", "ref,name,kind\nD-1,Demo column test,NGO\n", true, 0},
			{"marked real", "ref,demo,name,kind\nD-1,false,Demo column test,NGO\n", false, 1},
			{"empty cell: left alone", "ref,demo,name,kind\nD-1,,Demo column test,NGO\n", false, 0},
		}
		for _, s := range steps {
			res := importFile(t, db, "organizations", writeFile(t, "orgs.csv", s.sheet), false)
			if len(res.Problems) > 0 {
				t.Fatalf("%s: %v", s.name, res.Problems)
			}
			if got := mark(); got != s.want || res.Updated != s.updated {
				t.Errorf("%s: demo %v and %d updated, want %v and %d", s.name, got, res.Updated, s.want, s.updated)
			}
		}
	})
}

// boolLiteral is a boolean as the dialect's SQL spells it.
func boolLiteral(db *database.DB, v bool) string {
	if db.Dialect == "postgres" {
		return fmt.Sprint(v)
	}
	if v {
		return "1"
	}
	return "0"
}
