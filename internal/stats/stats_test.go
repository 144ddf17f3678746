package stats

import (
	"slices"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"

	"sscgraph/ent/migrate"
	"sscgraph/internal/apierr"
)

func TestCheckRequest(t *testing.T) {
	n := func(v int) *int { return &v }
	tests := []struct {
		name    string
		groupBy []ActivityDimension
		first   *int
		want    int
		says    string // "" when valid
	}{
		{"default page", []ActivityDimension{ActivityDimensionYear}, nil, DefaultFirst, ""},
		{"explicit first", []ActivityDimension{ActivityDimensionYear, ActivityDimensionRegion}, n(7), 7, ""},
		{"the largest first", []ActivityDimension{ActivityDimensionYear}, n(MaxFirst), MaxFirst, ""},
		{"no dimension", nil, nil, 0, "groupBy is empty"},
		{"a dimension twice", []ActivityDimension{ActivityDimensionKind, ActivityDimensionYear, ActivityDimensionKind}, nil, 0, "KIND twice"},
		{"first over the maximum", []ActivityDimension{ActivityDimensionYear}, n(MaxFirst + 1), 0, "between 0 and 1000"},
		{"negative first", []ActivityDimension{ActivityDimensionYear}, n(-1), 0, "between 0 and 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := checkRequest("activityStats", tt.groupBy, tt.first)
			if tt.says == "" {
				if err != nil || got != tt.want {
					t.Fatalf("got %d, %v; want %d", got, err, tt.want)
				}
				return
			}
			e, ok := apierr.As(err)
			if !ok || e.Code != apierr.BadUserInput || !strings.Contains(e.Message, tt.says) {
				t.Fatalf("error %v, want BAD_USER_INPUT saying %q", err, tt.says)
			}
		})
	}
}

// TestGroupStatement checks the statement the engine builds, on both
// dialects: DISTINCT only when a to-many join can repeat a counted row
// within a group (a join no key of its own tells apart), the where's
// arguments numbered after the keys' (PostgreSQL), NULL keys last.
func TestGroupStatement(t *testing.T) {
	where := func(s *sql.Selector) { s.Where(sql.EQ(s.C("kind"), "SOUTH_SOUTH")) }
	sp := &Spec{Table: "activities", Sums: []string{"participants"}, Dims: map[string]Dim{}}
	for name, k := range activityStatistic.keys {
		sp.Dims[name] = k.Dim
	}
	sp.Dims["OFFER_STATUS"] = Dim{Expr: offerStatusKey}
	tests := []struct {
		name     string
		dialect  string
		dims     []string
		order    Order
		contains []string
		lacks    []string
	}{
		{"to-one keys on SQLite", dialect.SQLite, []string{"YEAR", "KIND"}, Order{},
			[]string{"(CAST(strftime('%Y', `activities`.`start_date`) AS INTEGER)) AS `k0`", "`activities`.`kind` = ?", "GROUP BY `t`.`k0`, `t`.`k1`", "LIMIT 10"},
			[]string{"DISTINCT", "JOIN"}},
		{"a to-many key on PostgreSQL", dialect.Postgres, []string{"REGION", "YEAR"}, Order{ByCount: true, Desc: true},
			[]string{"SELECT DISTINCT", `LEFT JOIN "activity_beneficiary_countries" AS "bl"`, `LEFT JOIN "countries" AS "bc"`,
				`EXTRACT(YEAR FROM "activities"."start_date" AT TIME ZONE 'UTC')`, `"activities"."kind" = $1`,
				`ORDER BY COUNT(*) DESC, "t"."k0" IS NULL, "t"."k0" ASC`},
			nil},
		{"a month key knows its precision on SQLite", dialect.SQLite, []string{"MONTH"}, Order{},
			[]string{"CASE WHEN `activities`.`start_date_precision` = 'YEAR' THEN NULL ELSE CAST(strftime('%m', `activities`.`start_date`) AS INTEGER) END", "(COUNT(`t`.`m0`)) AS `c0`"},
			nil},
		{"a year key does not need it on PostgreSQL", dialect.Postgres, []string{"YEAR"}, Order{},
			[]string{`EXTRACT(YEAR FROM "activities"."start_date" AT TIME ZONE 'UTC')`},
			[]string{"CASE WHEN"}},
		{"a key with an argument on PostgreSQL", dialect.Postgres, []string{"OFFER_STATUS"}, Order{},
			[]string{`"activities"."expires_at" <= $1 THEN 'EXPIRED'`, `"activities"."kind" = $2`}, nil},
		// A to-many join keyed by its link's other primary-key column
		// needs no DISTINCT; one whose key lies beyond the link does.
		{"a link keyed by its primary key on SQLite", dialect.SQLite, []string{"COUNTRY"}, Order{},
			[]string{"LEFT JOIN `activity_beneficiary_countries` AS `bl`", "(`bl`.`country_id`) AS `k0`"},
			[]string{"DISTINCT", "`rid`"}},
		{"two keyed links on PostgreSQL", dialect.Postgres, []string{"PROVIDER_COUNTRY", "COUNTRY"}, Order{ByCount: true, Desc: true},
			[]string{`LEFT JOIN "activity_provider_countries" AS "pl"`, `LEFT JOIN "activity_beneficiary_countries" AS "bl"`},
			[]string{"DISTINCT"}},
		{"a keyed link and a to-one step beyond it", dialect.SQLite, []string{"COUNTRY", "REGION"}, Order{},
			[]string{"LEFT JOIN `countries` AS `bc`"}, []string{"DISTINCT"}},
		{"a keyed link and the counted table's keys", dialect.Postgres, []string{"TOPIC", "YEAR", "KIND"}, Order{},
			[]string{`LEFT JOIN "activity_topics" AS "tl"`}, []string{"DISTINCT"}},
		{"a region of the countries beyond the link", dialect.SQLite, []string{"REGION"}, Order{},
			[]string{"SELECT DISTINCT", "AS `rid`"}, nil},
		{"LDC beyond the link", dialect.Postgres, []string{"LDC"}, Order{}, []string{"SELECT DISTINCT"}, nil},
		{"every link keyed, a to-one step beyond one", dialect.SQLite, []string{"COUNTRY", "TOPIC", "REGION"}, Order{}, nil, []string{"DISTINCT"}},
		{"an unkeyed link with a keyed one", dialect.SQLite, []string{"TOPIC", "REGION"}, Order{}, []string{"SELECT DISTINCT"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mod, err := sp.group(tt.dims, tt.order, 10, where)
			if err != nil {
				t.Fatal(err)
			}
			s := sql.Dialect(tt.dialect).Select("*").From(sql.Table("activities"))
			mod(s)
			query, _ := s.Query()
			for _, want := range tt.contains {
				if !strings.Contains(query, want) {
					t.Errorf("statement lacks %q:\n%s", want, query)
				}
			}
			for _, not := range tt.lacks {
				if strings.Contains(query, not) {
					t.Errorf("statement has %q:\n%s", not, query)
				}
			}
		})
	}
	if _, err := sp.group([]string{"PLANET"}, Order{}, 10, nil); err == nil {
		t.Error("an unknown dimension was grouped by")
	}
}

func TestKey(t *testing.T) {
	tests := []struct {
		name  string
		raw   any
		int   int
		bool  bool
		isErr bool
	}{
		{"SQLite integer", int64(2020), 2020, true, false},
		{"SQLite boolean", int64(0), 0, false, false},
		{"PostgreSQL boolean as text", []byte("true"), 0, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var k Key
			if err := k.Scan(tt.raw); err != nil {
				t.Fatal(err)
			}
			b, err := k.Bool()
			if err != nil || b != tt.bool {
				t.Errorf("Bool() = %v, %v; want %v", b, err, tt.bool)
			}
			n, err := k.Int()
			if (err != nil) != tt.isErr || (!tt.isErr && n != tt.int) {
				t.Errorf("Int() = %d, %v; want %d (error: %v)", n, err, tt.int, tt.isErr)
			}
		})
	}
	var null Key
	if err := null.Scan(nil); err != nil || !null.Null() {
		t.Error("a NULL key is not null")
	}
	if _, err := null.Int(); err == nil {
		t.Error("a NULL key read as an integer")
	}
}

// steps are the join steps of a statistic's dimensions.
func steps[B any](st *statistic[B]) []Step {
	var out []Step
	for _, k := range st.keys {
		out = append(out, k.Path...)
	}
	return out
}

// TestUniqueStepsAreKeys checks every step marked Unique against the
// schema the migrations create: its Column and Unique must be the joined
// table's primary key or a unique index, or dropping the DISTINCT would
// count a row twice.
func TestUniqueStepsAreKeys(t *testing.T) {
	var all []Step
	all = append(all, steps(activityStatistic)...)
	all = append(all, steps(projectStatistic)...)
	all = append(all, steps(offerStatistic)...)
	all = append(all, steps(needStatistic)...)
	all = append(all, steps(matchStatistic)...)
	all = append(all, steps(consultantStatistic)...)
	marked := map[string]bool{}
	for _, st := range all {
		if st.Unique == "" {
			continue
		}
		marked[st.Table] = true
		if !st.ToMany || st.View != nil {
			t.Errorf("step %s (%s): Unique on a step that is not a to-many table join", st.Alias, st.Table)
			continue
		}
		var table *schema.Table
		for _, tb := range migrate.Tables {
			if tb.Name == st.Table {
				table = tb
			}
		}
		if table == nil {
			t.Errorf("step %s: no table %s in the schema", st.Alias, st.Table)
			continue
		}
		want := []string{st.Column, st.Unique}
		keys := [][]*schema.Column{table.PrimaryKey}
		for _, ix := range table.Indexes {
			if ix.Unique {
				keys = append(keys, ix.Columns)
			}
		}
		found := false
		for _, k := range keys {
			var names []string
			for _, c := range k {
				names = append(names, c.Name)
			}
			slices.Sort(names)
			found = found || slices.Equal(names, sorted(want))
		}
		if !found {
			t.Errorf("step %s: (%s) is neither the primary key nor a unique index of %s", st.Alias, strings.Join(want, ", "), st.Table)
		}
	}
	// The activities' three links, the projects' three, the offers' and
	// needs' topics, the consultants' expertise.
	if len(marked) != 9 {
		t.Errorf("link tables marked Unique: %v, want 9", marked)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
