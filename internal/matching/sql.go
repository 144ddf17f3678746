package matching

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"sscgraph/ent"
)

// query is SQL text written for one dialect, with its arguments. The
// ranking queries aggregate over join tables and rank in the database,
// which ent's builders do not express; they are written here once for
// SQLite and PostgreSQL, differing only where the dialects do (placeholders
// and date arithmetic).
type query struct {
	pg   bool
	b    strings.Builder
	args []any
}

// w writes SQL text.
func (q *query) w(parts ...string) *query {
	for _, p := range parts {
		q.b.WriteString(p)
	}
	return q
}

// arg returns the placeholder of a new argument. Placeholders are
// numbered on both databases ($n, ?n), so that a part of a query may be
// written before the text that comes ahead of it.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	if q.pg {
		return "$" + strconv.Itoa(len(q.args))
	}
	return "?" + strconv.Itoa(len(q.args))
}

// list returns a parenthesized list of placeholders for vs, for IN; an
// empty list is written as (NULL), which matches nothing on either
// database (IN () is a syntax error on PostgreSQL).
func (q *query) list(vs []int) string {
	if len(vs) == 0 {
		return "(NULL)"
	}
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = q.arg(v)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// strings returns a parenthesized list of placeholders for vs, for IN.
func (q *query) strings(vs []string) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = q.arg(v)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// num writes a constant as a double on both databases: PostgreSQL would
// otherwise compute in numeric, SQLite in integers where both operands are.
func num(x float64) string {
	return "CAST(" + strconv.FormatFloat(x, 'g', -1, 64) + " AS DOUBLE PRECISION)"
}

// double casts an expression to a double.
func double(expr string) string { return "CAST(" + expr + " AS DOUBLE PRECISION)" }

// daysSince is the age in days, as a double, of the timestamp column col at
// the instant of the placeholder at.
func (q *query) daysSince(at, col string) string {
	if q.pg {
		return double("EXTRACT(EPOCH FROM (CAST(" + at + " AS TIMESTAMPTZ) - " + col + ")) / 86400")
	}
	// julianday reads the offsets ent writes ("+00:00"), so ages are right
	// whatever zone a time was written in.
	return double("julianday(" + at + ") - julianday(" + col + ")")
}

// languageCode is what a language code must look like to be searched for
// in a JSON list by text: the codes are validated ISO 639-1 codes (two
// lower-case letters), which JSON writes as they are, quoted.
var languageCode = regexp.MustCompile(`^[a-z]{2,3}$`)

// languageMatch returns an expression that is the first of langs found in
// the JSON list column col, or NULL. It compares text (`"es"` within the
// list) so that one expression serves both databases' JSON types; codes
// that could not be in a list are skipped.
func (q *query) languageMatch(col string, langs []string) string {
	var b strings.Builder
	for _, l := range langs {
		if !languageCode.MatchString(l) {
			continue
		}
		if b.Len() == 0 {
			b.WriteString("CASE")
		}
		b.WriteString(" WHEN CAST(" + col + " AS TEXT) LIKE " + q.arg(`%"`+l+`"%`) + " THEN " + q.arg(l))
	}
	if b.Len() == 0 {
		return "CAST(NULL AS TEXT)"
	}
	b.WriteString(" ELSE NULL END")
	return b.String()
}

// String is the query's text.
func (q *query) String() string { return q.b.String() }

// run builds a query for the client's dialect and scans its rows into dst,
// a pointer to a slice of structs whose fields are tagged with the column
// names (`sql:"name"`).
//
// It runs through the ent client, so that the query takes part in the
// client's transaction and statement hooks (tests count statements; a
// mutation's transaction sees its own writes). ent offers raw SQL only
// through the selector of a query of some type; the type does not matter,
// the query replaces the whole selection.
func run(ctx context.Context, client *ent.Client, build func(q *query), dst any) error {
	err := client.Region.Query().Modify(func(s *sql.Selector) {
		q := &query{pg: s.Dialect() == dialect.Postgres}
		build(q)
		s.Select("*").FromExpr(sql.Expr("("+q.String()+") AS q", q.args...))
	}).Scan(ctx, dst)
	if err != nil {
		return fmt.Errorf("ranking query: %w", err)
	}
	return nil
}
