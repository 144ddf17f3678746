// Package stats answers the grouped statistics of the API (activityStats,
// projectStats, offerStats, needStats, matchStats, consultantStats): counts
// and sums of the rows a where-input selects, grouped by dimensions, in one
// SQL GROUP BY statement per statistic. Rows are never loaded into Go: the
// database groups, and Go only turns the groups into buckets and loads the
// nodes that bucket keys name, in one query per dimension.
//
// NULLs (an activity's start date and participants may be unknown, issue
// 19) are never counted as a value: a NULL key, a date's part included,
// is its own bucket, whose key is null, ordered last; a month is NULL
// also for a date known only to the year (Dim.Precision); sums add the
// known values only, and each sum comes with the count of the values it
// adds (ActivityMeasures.ParticipantsKnown), so that a mean or the share
// of unknown rows can be told. Totals count every row.
package stats

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"sscgraph/ent/schema/schematype"
	"sscgraph/internal/apierr"
)

// Bucket limits, the same as a connection's pages: a statistic never
// answers an unbounded list.
const (
	DefaultFirst = 100
	MaxFirst     = 1000
)

// Step is one LEFT JOIN from the counted rows towards a key's column. Steps
// with the same alias are joined once, so that COUNTRY and REGION of the
// same edge describe the same country.
type Step struct {
	Alias      string // the joined table's alias in the statement
	Table      string
	From       string // alias joined from; "" for the counted table
	FromColumn string
	Column     string // the joined table's column equal to From.FromColumn
	// ToMany marks a join that can yield several rows per counted row;
	// the statement then removes duplicates before it aggregates, unless
	// every to-many join is told apart by a key (see Unique).
	ToMany bool
	// Unique, on a to-many step, names the joined table's column that
	// together with Column is its primary key (or a unique index): one
	// counted row meets each value of Unique at most once through this
	// join. A dimension grouping by that very column, on a path ending
	// at this step, therefore sends each of a counted row's joined rows
	// to a different group, and no group holds a counted row twice: the
	// DISTINCT would remove nothing, and the count and sums are exact
	// without it. Set it only where the migrations declare the key
	// (TestUniqueStepsAreKeys checks them), never on a View, whose rows
	// (the elements of a JSON array) nothing keeps unique.
	Unique string
	// View, when set, is joined instead of Table: a derived table, such
	// as the elements of a JSON array column.
	View func(b *sql.DialectBuilder) *sql.Selector
}

// Part is what a key takes of its column.
type Part int

// Parts of a column.
const (
	Value Part = iota // the value itself
	Year              // the calendar year of a time, in UTC
	Month             // the month (1–12) of a time, in UTC
)

// Dim is one dimension a statistic groups by.
type Dim struct {
	Path   []Step
	Column string // column of the last step's table, or of the counted table
	Part   Part
	// Precision, when set, is the column of the same table saying how
	// much of Column's date is known (schematype.DatePrecision). A Month
	// key is then NULL for a date known only to the year: such a date is
	// stored as 1 January, and counting it in January would invent a
	// month no source gave. Years are known at every precision. A NULL
	// date is a NULL key at every part, whatever the precision.
	Precision string
	// Expr, when set, computes the key instead of Part, from columns of
	// the dimension's table that c qualifies: the derived status of offers.
	Expr func(c func(column string) string) sql.Querier
}

// Spec describes one statistic: the counted table, its dimensions and the
// columns it sums.
type Spec struct {
	Table string
	Dims  map[string]Dim
	Sums  []string
	// Skip marks the sums not computed (by index into Sums); their
	// columns are left out of the statement.
	Skip []bool
}

// Order is how buckets are ordered.
type Order struct {
	ByCount bool
	Desc    bool
}

// StatsOrderField is what buckets are ordered by.
type StatsOrderField string

// The orders of buckets.
const (
	StatsOrderFieldCount StatsOrderField = "COUNT"
	StatsOrderFieldKey   StatsOrderField = "KEY"
)

// MarshalGQL writes the enum value.
func (f StatsOrderField) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(f))) }

// UnmarshalGQL reads the enum value.
func (f *StatsOrderField) UnmarshalGQL(v any) error {
	return unmarshalEnum(f, v, StatsOrderFieldCount, StatsOrderFieldKey)
}

// StatsOrder is the GraphQL input ordering buckets.
type StatsOrder struct {
	Field     StatsOrderField
	Direction entgql.OrderDirection
}

// order is o as the engine reads it; nil orders by keys, ascending.
func (o *StatsOrder) order() Order {
	if o == nil {
		return Order{}
	}
	return Order{ByCount: o.Field == StatsOrderFieldCount, Desc: o.Direction == entgql.OrderDirectionDesc}
}

// unmarshalEnum sets *dst to v when v is one of the allowed values.
func unmarshalEnum[T ~string](dst *T, v any, allowed ...T) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("enums must be strings, got %T", v)
	}
	for _, a := range allowed {
		if string(a) == s {
			*dst = a
			return nil
		}
	}
	return fmt.Errorf("%q is not a valid value", s)
}

// checkRequest validates groupBy and first as a client gave them and
// returns the bucket limit. Its errors are BAD_USER_INPUT: an empty or
// repeated dimension is a mistake of the client, not a question with an
// empty answer.
func checkRequest[T ~string](field string, groupBy []T, first *int) (int, error) {
	if len(groupBy) == 0 {
		return 0, apierr.BadInput("%s: groupBy is empty; name at least one dimension", field).With("field", "groupBy")
	}
	seen := map[T]bool{}
	for _, d := range groupBy {
		if seen[d] {
			return 0, apierr.BadInput("%s: groupBy names %s twice", field, d).With("field", "groupBy")
		}
		seen[d] = true
	}
	n := DefaultFirst
	if first != nil {
		n = *first
	}
	if n < 0 || n > MaxFirst {
		return 0, apierr.BadInput("%s: first must be between 0 and %d, got %d", field, MaxFirst, n).With("field", "first")
	}
	return n, nil
}

// Counts are the measures of the statistics that only count: projects,
// Match postings and matches, consultants.
type Counts struct {
	Count int
}

// filter is the predicate of a where-input, nil when it is empty.
func filter[P ~func(*sql.Selector)](field string, pred func() (P, error), empty error) (func(*sql.Selector), error) {
	p, err := pred()
	switch {
	case errors.Is(err, empty):
		return nil, nil
	case err != nil:
		return nil, apierr.BadInput("%s: where: %v", field, err).With("field", "where")
	}
	return p, nil
}

// row is one group as the statement answers it: up to maxDims keys, the
// count and the sums.
type row struct {
	K0  Key             `sql:"k0"`
	K1  Key             `sql:"k1"`
	K2  Key             `sql:"k2"`
	K3  Key             `sql:"k3"`
	K4  Key             `sql:"k4"`
	K5  Key             `sql:"k5"`
	K6  Key             `sql:"k6"`
	K7  Key             `sql:"k7"`
	K8  Key             `sql:"k8"`
	K9  Key             `sql:"k9"`
	K10 Key             `sql:"k10"`
	N   int64           `sql:"n"`
	S0  sql.NullFloat64 `sql:"s0"`
	S1  sql.NullFloat64 `sql:"s1"`
	// C0 and C1 count the rows whose summed column is not NULL: how many
	// values S0 and S1 add up (SUM ignores NULL, COUNT(column) too).
	C0 int64 `sql:"c0"`
	C1 int64 `sql:"c1"`
}

const maxDims = 11

func (r *row) key(i int) Key {
	return [maxDims]Key{r.K0, r.K1, r.K2, r.K3, r.K4, r.K5, r.K6, r.K7, r.K8, r.K9, r.K10}[i]
}

// Key is one key value of a group, as the driver returned it: drivers
// differ in the Go types of the same SQL value (SQLite answers booleans
// as integers), so a key is read by what its dimension expects.
type Key struct{ v any }

// Scan implements sql.Scanner.
func (k *Key) Scan(v any) error {
	if b, ok := v.([]byte); ok {
		v = string(b) // the driver reuses the buffer
	}
	k.v = v
	return nil
}

// Null reports whether the key is NULL: the group of rows that have no
// value (an activity without a project, without beneficiary countries).
func (k Key) Null() bool { return k.v == nil }

// Int is the key as an integer.
func (k Key) Int() (int, error) {
	switch v := k.v.(type) {
	case int64:
		return int(v), nil
	case float64:
		return int(v), nil
	case string:
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("key %q is not an integer: %w", v, err)
		}
		return n, nil
	}
	return 0, fmt.Errorf("key of type %T is not an integer", k.v)
}

// String is the key as a string (enum values).
func (k Key) String() string { return fmt.Sprint(k.v) }

// Bool is the key as a boolean.
func (k Key) Bool() (bool, error) {
	switch v := k.v.(type) {
	case bool:
		return v, nil
	case int64:
		return v != 0, nil
	case string:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return false, fmt.Errorf("key %q is not a boolean: %w", v, err)
		}
		return b, nil
	}
	return false, fmt.Errorf("key of type %T is not a boolean", k.v)
}

// group returns the modifier that turns an ent query of spec's table into
// the grouped statement: the rows where selects, grouped by dims, ordered
// and limited. With no dims it answers one row, the totals of the rows.
//
// The statement reads
//
//	SELECT k0, …, COUNT(*) AS n, SUM(m0) AS s0, …
//	FROM (SELECT [DISTINCT] <key exprs> AS k0, …, [id AS rid,] <summed> AS m0, …
//	      FROM <table> LEFT JOIN <steps> WHERE <where>) AS t
//	GROUP BY k0, … ORDER BY … LIMIT first
//
// The inner DISTINCT keeps one row per counted row and group, so that an
// activity with two African beneficiary countries counts once in AFRICA
// and its participants are summed once, as the connection's totalCount
// counts it. It is written only when a to-many join could put a counted
// row twice into one group (needsDistinct): grouped by COUNTRY, an
// activity's beneficiary links differ in country_id, the key, so each
// lands in its own group already, and the DISTINCT would change nothing
// but the time: PostgreSQL hashes or sorts every joined row for it (at
// 100,000 activities the statement takes 0.3 to 0.7 of its time without),
// SQLite, which sees from the link's primary key that the rows are
// distinct already, still keeps the subquery from being flattened.
// Without DISTINCT both flatten the subquery into a plain GROUP BY.
// The where predicate is applied here rather than with Query().Where,
// because ent applies a query's modifiers before its predicates.
func (sp *Spec) group(dims []string, order Order, first int, where func(*sql.Selector)) (func(*sql.Selector), error) {
	if len(dims) > maxDims {
		return nil, fmt.Errorf("%d dimensions, at most %d", len(dims), maxDims)
	}
	resolved := make([]Dim, len(dims))
	for i, name := range dims {
		d, ok := sp.Dims[name]
		if !ok {
			return nil, apierr.BadInput("%s is not a dimension of this statistic", name)
		}
		resolved[i] = d
	}
	return func(s *sql.Selector) {
		b := sql.Dialect(s.Dialect())
		inner := b.Select().From(b.Table(sp.Table))
		if where != nil {
			where(inner)
		}
		joined := map[string]interface{ C(string) string }{}
		toMany := false
		qualify := func(alias, column string) string {
			if alias == "" {
				return inner.C(column)
			}
			return joined[alias].C(column)
		}
		for i, d := range resolved {
			for _, st := range d.Path {
				if joined[st.Alias] != nil {
					continue
				}
				var t interface {
					sql.TableView
					C(string) string
				} = b.Table(st.Table).As(st.Alias)
				if st.View != nil {
					t = st.View(b).As(st.Alias)
				}
				inner.LeftJoin(t).On(qualify(st.From, st.FromColumn), t.C(st.Column))
				joined[st.Alias] = t
				toMany = toMany || st.ToMany
			}
			last := ""
			if len(d.Path) > 0 {
				last = d.Path[len(d.Path)-1].Alias
			}
			expr := keyExpr(s.Dialect(), d, func(c string) string { return qualify(last, c) })
			inner.AppendSelectExprAs(expr, fmt.Sprintf("k%d", i))
		}
		if toMany && needsDistinct(resolved) {
			inner.AppendSelectAs(inner.C("id"), "rid")
			inner.Distinct()
		}
		sums := 0
		for j, col := range sp.Sums {
			if sp.skip(j) {
				continue
			}
			inner.AppendSelectAs(inner.C(col), fmt.Sprintf("m%d", j))
			sums++
		}
		if len(resolved) == 0 && sums == 0 {
			inner.AppendSelectAs(inner.C("id"), "rid")
		}
		t := inner.As("t")
		s.From(t).Select()
		s.SetP(nil)
		var keys []string
		for i := range resolved {
			k := t.C(fmt.Sprintf("k%d", i))
			keys = append(keys, k)
			s.AppendSelectAs(k, fmt.Sprintf("k%d", i))
		}
		s.AppendSelectExprAs(sql.Expr("COUNT(*)"), "n")
		for j := range sp.Sums {
			if sp.skip(j) {
				continue
			}
			s.AppendSelectExprAs(sql.Expr("SUM("+t.C(fmt.Sprintf("m%d", j))+")"), fmt.Sprintf("s%d", j))
			s.AppendSelectExprAs(sql.Expr("COUNT("+t.C(fmt.Sprintf("m%d", j))+")"), fmt.Sprintf("c%d", j))
		}
		if len(keys) == 0 {
			return
		}
		s.GroupBy(keys...)
		dir := " ASC"
		if order.Desc {
			dir = " DESC"
		}
		var by []string
		if order.ByCount {
			by = append(by, "COUNT(*)"+dir)
			dir = " ASC" // ties: by keys, ascending
		}
		// NULL keys last in both directions and on both databases, which
		// disagree on where NULL sorts by default.
		for _, k := range keys {
			by = append(by, k+" IS NULL", k+dir)
		}
		s.OrderBy(by...)
		s.Limit(first)
	}, nil
}

// needsDistinct reports whether the joins of dims can put one counted row
// twice into the same group: whether a to-many step is joined whose
// Unique column is not itself a key. A to-one step (joined on the
// other table's primary key) adds no rows; a to-many step keyed by its
// Unique column yields, per counted row, rows that differ in a key and
// so fall into different groups; with every to-many step keyed, the
// groups hold each counted row at most once, whatever else is grouped.
// REGION and LDC group by a column of the countries beyond the link:
// two African countries of one activity are two rows of AFRICA.
func needsDistinct(dims []Dim) bool {
	keyed := map[string]bool{} // aliases of the to-many steps told apart by a key
	for _, d := range dims {
		if len(d.Path) == 0 || d.Expr != nil || d.Part != Value {
			continue
		}
		last := d.Path[len(d.Path)-1]
		if last.ToMany && last.View == nil && last.Unique != "" && d.Column == last.Unique {
			keyed[last.Alias] = true
		}
	}
	for _, d := range dims {
		for _, st := range d.Path {
			if st.ToMany && !keyed[st.Alias] {
				return true
			}
		}
	}
	return false
}

func (sp *Spec) skip(j int) bool { return j < len(sp.Skip) && sp.Skip[j] }

// partExpr is the SQL of d's key over its qualified column, whatever
// the precision.
func partExpr(d string, dim Dim, c func(string) string) sql.Querier {
	if dim.Expr != nil {
		return dim.Expr(c)
	}
	column := c(dim.Column)
	switch dim.Part {
	case Year, Month:
		if d == dialect.Postgres {
			field := "YEAR"
			if dim.Part == Month {
				field = "MONTH"
			}
			return sql.Expr(fmt.Sprintf("CAST(EXTRACT(%s FROM %s AT TIME ZONE 'UTC') AS INTEGER)", field, column))
		}
		format := "%Y"
		if dim.Part == Month {
			format = "%m"
		}
		return sql.Expr(fmt.Sprintf("CAST(strftime('%s', %s) AS INTEGER)", format, column))
	}
	return sql.Expr(column)
}

// keyExpr is the SQL of d's key over its qualified column, NULL where
// its precision does not know the part (see Dim.Precision).
func keyExpr(d string, dim Dim, c func(string) string) sql.Querier {
	expr := partExpr(d, dim, c)
	if dim.Precision == "" || dim.Part != Month {
		return expr
	}
	q, args := expr.Query()
	return sql.Expr(fmt.Sprintf("CASE WHEN %s = '%s' THEN NULL ELSE %s END",
		c(dim.Precision), schematype.DatePrecisionYear, q), args...)
}

// dimNames converts enum values to the names of a Spec's dimensions.
func dimNames[T ~string](groupBy []T) []string {
	out := make([]string, len(groupBy))
	for i, d := range groupBy {
		out[i] = strings.ToUpper(string(d))
	}
	return out
}
