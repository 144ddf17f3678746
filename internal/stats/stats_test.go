package stats

import (
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

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
// dialects: DISTINCT only when a to-many join takes part, the where's
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
