// Nested connection pages: the first n rows of each parent, read through
// an index, in the page's order.
//
// ent's eager loaders fetch the children of many parents in one statement
// (`WHERE parent IN (...)`), and entgql pages them by numbering every child
// of those parents with ROW_NUMBER() and keeping the first n. That reads all
// children of every parent (10,525 rows to answer 121 at 100,000
// activities), and its outer SELECT has no ORDER BY, so the loaders handed
// rows to parents in whatever order the database produced them.
//
// Here each parent gets its own top-n query: a LATERAL subquery on
// PostgreSQL; on SQLite, which has no LATERAL, a correlated subquery whose
// keys json_each turns back into rows. Both are served by the (parent,
// child) index for the default order. The whole answer is sorted by the
// page's order, so that every parent's rows come out in order even when
// parents share children: ent's many-to-many loader hands a shared child to
// its parents in the order children first appear, and one total order is
// consistent with the order of every parent.
//
// The generated loaders build their `parent IN (...)` predicate with
// Parents (ent/entc.go wires the calls in); Limit replaces
// entgql.LimitPerRow.

package pagesql

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
)

// Names the rewritten statements use; prefixed so that they cannot clash
// with the model's tables and columns.
const (
	parentAlias  = "sscg_parent"
	parentColumn = "sscg_pid"
	rowsAlias    = "sscg_rows"
	pageAlias    = "sscg_page"
)

// parentKey is the column of the rewritten statements' parent keys.
var parentKey = sql.Table(parentAlias).C(parentColumn)

type parentsKey struct{}

// Model is what Limit needs to know of the model: the join tables' copies
// of their children's columns, and the columns that may hold NULL, whose
// NULLs the page's order places by NullsRule. ent/template/pagesql.tmpl
// writes it (the generated code's joinSortKeys).
type Model struct {
	SortKeys SortKeys
	Nullable Nullable
}

// SortKeys names, by join table, the columns of a child that the join
// table keeps a copy of (ent/schema/sortkeys.go).
type SortKeys map[string]SortKey

// SortKey says which of a join table's sides has columns copied into it,
// by the join table's column of that side's key, and which columns.
type SortKey struct {
	Child   string
	Columns []string
}

// copies returns the columns the join table of p keeps of the children p
// loads, if it keeps any.
func (k SortKeys) copies(p *parents) []string {
	if key, ok := k[p.name]; ok && key.Child == p.child {
		return key.Columns
	}
	return nil
}

// parents are what an eager loader knows when it builds its statement.
type parents struct {
	// table holds the parent's key: the join table of a many-to-many edge,
	// the child table of a one-to-many edge. Its columns are qualified
	// when the statement is rendered, after joins have given it an alias.
	table *sql.SelectTable
	// name is the join table's name, or "" for a one-to-many edge.
	name string
	// column holds the parent's key in table.
	column string
	// child holds the child's key in the join table of a many-to-many
	// edge; it is "" for a one-to-many edge.
	child string
	ids   []driver.Value
	// paged is set once Limit has put the statement under a per-parent
	// page: the predicate then names the one parent of each page.
	paged bool
}

// Parents is the predicate of an eager loader that loads the children of
// the parents ids, found in table's column. For a many-to-many edge, table
// is the join table, name its name and child its column of the child's
// key; name and child are "" otherwise. It is `column IN (ids)`, until
// Limit gives each parent a page of its own: then it is `column = <the
// page's parent>`.
func Parents(s *sql.Selector, table *sql.SelectTable, name, column, child string, ids []driver.Value) *sql.Predicate {
	p := &parents{table: table, name: name, column: column, child: child, ids: ids}
	s.WithContext(context.WithValue(s.Context(), parentsKey{}, p))
	return sql.P(func(b *sql.Builder) {
		if p.paged {
			b.Ident(p.table.C(p.column)).WriteString(" = ").Ident(parentKey)
			return
		}
		b.Join(sql.InValues(p.table.C(p.column), p.ids...))
	})
}

// Limit returns a modifier that keeps the first limit rows of each parent,
// ordered by orderBy (whose columns are unqualified, as entgql writes them;
// they must be unique among the selected columns), and sorts the whole
// answer by orderBy. partitionBy is the unqualified parent column; it
// names the page in the error that a statement built without Parents gets.
// Where the join table keeps a copy of a child's column (m.SortKeys), the
// page reads the copy, so that the join table's index serves the order.
// The NULLs of the child's nullable columns (m.Nullable) are placed by
// NullsRule.
func Limit(m Model, partitionBy string, limit int, orderBy sql.Querier) func(*sql.Selector) {
	return func(s *sql.Selector) {
		p, ok := s.Context().Value(parentsKey{}).(*parents)
		if !ok {
			s.AddError(fmt.Errorf("pagesql: the page of %s by %s has no parents; its loader does not use pagesql.Parents", s.TableName(), partitionBy))
			return
		}
		p.paged = true
		orderBy, err := placeNulls(s.Dialect(), orderBy, m.Nullable[s.TableName()])
		if err != nil {
			s.AddError(err)
			return
		}
		if s.Dialect() == dialect.Postgres {
			lateral(s, p, m.SortKeys.copies(p), limit, orderBy)
		} else {
			correlated(s, p, m.SortKeys.copies(p), limit, orderBy)
		}
	}
}

// orderTerm is one term of the ORDER BY that entgql's orderExpr writes:
// a quoted column and its direction.
var orderTerm = regexp.MustCompile("^([`\"]?)(\\w+)([`\"]?) (ASC|DESC)$")

// placeNulls is orderBy with the NULLs of the nullable columns placed by
// NullsRule: `col ASC NULLS LAST`, `col DESC NULLS FIRST`. entgql writes
// the ORDER BY of a nested page as one expression (orderExpr) with no
// hook for it, so its terms are read back from the text it renders in
// the page's dialect; a term of another shape is an error, rather than a
// page ordered by the database's own NULL placement.
func placeNulls(dialectName string, orderBy sql.Querier, nullable map[string]bool) (sql.Querier, error) {
	if len(nullable) == 0 {
		return orderBy, nil
	}
	var r sql.Builder
	r.SetDialect(dialectName)
	r.Join(orderBy)
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("pagesql: writing a nested page's order: %w", err)
	}
	text, args := r.Query()
	if len(args) > 0 {
		return nil, fmt.Errorf("pagesql: the nested page's order %q has arguments; it is not entgql's list of columns", text)
	}
	terms := strings.Split(text, ", ")
	for i, t := range terms {
		m := orderTerm.FindStringSubmatch(t)
		if m == nil || m[1] != m[3] {
			return nil, fmt.Errorf("pagesql: cannot place NULLs in the term %q of a nested page's order %q", t, text)
		}
		if !nullable[m[2]] {
			continue
		}
		if m[4] == "ASC" {
			terms[i] += " NULLS LAST"
		} else {
			terms[i] += " NULLS FIRST"
		}
	}
	return sql.Expr(strings.Join(terms, ", ")), nil
}

// fromJoinTable rewrites the selection of a many-to-many page so that the
// child's key, and the columns the join table keeps a copy of, are read
// from the join table under the child's column names: equal values, but
// the join table's index orders them. The parent's column becomes
// parentCol (nil drops it). A one-to-many page is left as it is.
func fromJoinTable(s *sql.Selector, p *parents, copies []string, parentCol func(string) (string, bool)) []string {
	id, column := s.C("id"), p.table.C(p.column)
	var cols []string
	for _, c := range s.SelectedColumns() {
		switch {
		case p.child == "":
			cols = append(cols, c)
		case c == column:
			if pc, keep := parentCol(c); keep {
				cols = append(cols, pc)
			}
		case c == id:
			cols = append(cols, sql.As(p.table.C(p.child), "id"))
		default:
			copied := false
			for _, k := range copies {
				if c == s.C(k) {
					cols = append(cols, sql.As(p.table.C(k), k))
					copied = true
					break
				}
			}
			if !copied {
				cols = append(cols, c)
			}
		}
	}
	return cols
}

// lateral rewrites s, on PostgreSQL, into
//
//	SELECT sscg_rows.* FROM unnest($1::bigint[]) AS sscg_parent(sscg_pid)
//	CROSS JOIN LATERAL (SELECT * FROM (s, for the parent sscg_pid) AS sscg_rows
//	                    ORDER BY … LIMIT n) AS sscg_rows
//	ORDER BY …
func lateral(s *sql.Selector, p *parents, copies []string, limit int, orderBy sql.Querier) {
	d := sql.Dialect(s.Dialect())
	inner := s.Clone()
	inner.Select(fromJoinTable(s, p, copies, func(c string) (string, bool) { return c, true })...)
	page := d.Select("*").From(inner.As(rowsAlias)).OrderExpr(orderBy).Limit(limit)
	keys, err := int64s(p.ids)
	if err != nil {
		s.AddError(err)
		return
	}
	from := sql.ExprFunc(func(b *sql.Builder) {
		b.WriteString("unnest(").Arg(keys).WriteString("::bigint[]) AS ").
			Ident(parentAlias).WriteString("(").Ident(parentColumn).WriteString(") CROSS JOIN LATERAL (").
			Join(page).WriteString(") AS ").Ident(rowsAlias)
	})
	*s = *d.Select(rowsAlias + ".*").FromExpr(from).OrderExpr(orderBy).WithContext(s.Context())
}

// correlated rewrites s, on SQLite, which has no LATERAL, into
//
//	SELECT cols FROM (SELECT value AS sscg_pid FROM json_each(?)) AS sscg_parent
//	CROSS JOIN json_each((SELECT json_group_array(id) FROM
//	    (SELECT id FROM (s', for the parent sscg_pid) AS sscg_rows ORDER BY … LIMIT n))) AS sscg_page
//	CROSS JOIN target WHERE target.id = sscg_page.value
//
// sorted by the page's order.
//
// A table-valued function is the one place SQLite lets a subquery see the
// row beside it, so the page's keys go through a JSON array: the
// subquery runs once per parent, and the target is read by key. CROSS JOIN
// fixes that order (SQLite's planner never reorders it; with a small target
// such as the 16 topics outside, it would run the subquery once per target
// row and parent). In s' the child's key is read from the join table
// rather than the target (they are equal), because SQLite only serves the
// default order from the (parent, child) index when the ORDER BY names the
// index's column.
func correlated(s *sql.Selector, p *parents, copies []string, limit int, orderBy sql.Querier) {
	d := sql.Dialect(s.Dialect())
	id, column := s.C("id"), p.table.C(p.column)
	inner := s.Clone()
	innerCols := fromJoinTable(s, p, copies, func(string) (string, bool) { return "", false })
	var outerCols []string
	for _, c := range s.SelectedColumns() {
		if c == column && p.child != "" {
			// The join table's column: not in the outer FROM.
			c = parentKey
		}
		outerCols = append(outerCols, c)
	}
	inner.Select(innerCols...)
	page := d.Select(sql.Table(rowsAlias).C("id")).From(inner.As(rowsAlias)).OrderExpr(orderBy).Limit(limit)
	keys, err := json.Marshal(p.ids)
	if err != nil {
		s.AddError(fmt.Errorf("pagesql: encoding parent keys: %w", err))
		return
	}
	// The target keeps the name its columns are qualified with.
	table, qualifier := s.TableName(), id
	if q, _, ok := strings.Cut(id, "."); ok {
		qualifier = q
	}
	from := sql.ExprFunc(func(b *sql.Builder) {
		b.WriteString("(SELECT ").Ident("value").WriteString(" AS ").Ident(parentColumn).
			WriteString(" FROM json_each(").Arg(string(keys)).WriteString(")) AS ").Ident(parentAlias).
			WriteString(" CROSS JOIN json_each((SELECT json_group_array(").Ident("id").WriteString(") FROM (").
			Join(page).WriteString("))) AS ").Ident(pageAlias).
			WriteString(" CROSS JOIN ").Ident(table).WriteString(" AS ").WriteString(qualifier)
	})
	rows := d.Select(outerCols...).FromExpr(from).
		Where(sql.ColumnsEQ(id, sql.Table(pageAlias).C("value")))
	// Sorted outside, where the order's unqualified names are the
	// answer's columns (json_each has an id column of its own).
	*s = *d.Select("*").From(rows.As(rowsAlias)).OrderExpr(orderBy).WithContext(s.Context())
}

// int64s converts the loaders' keys for PostgreSQL's bigint[].
func int64s(ids []driver.Value) ([]int64, error) {
	out := make([]int64, len(ids))
	for i, v := range ids {
		switch k := v.(type) {
		case int:
			out[i] = int64(k)
		case int64:
			out[i] = k
		default:
			return nil, fmt.Errorf("pagesql: parent key %v is a %T, not an integer", v, v)
		}
	}
	return out, nil
}
