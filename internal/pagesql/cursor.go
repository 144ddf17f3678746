package pagesql

import (
	"fmt"
	"slices"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect/sql"

	"sscgraph/internal/apierr"
)

// Nullable names, per table, the columns that may hold NULL: a page puts
// their NULLs in the place NullsRule gives them, in its ORDER BY and in
// its cursor predicates.
type Nullable map[string]map[string]bool

// Cursors returns the predicates that keep the rows strictly after `after`
// and strictly before `before` in a page's order. It replaces
// entgql.MultiCursorsPredicate, which compares in the direction the query
// runs: right for first/after and last/before, but it turns `before` into
// `after` for a first page and `after` into `before` for a last page, and
// it loses every row whose order field is NULL (`x > NULL` is not true).
//
// opts are entgql's, with the directions the query runs in (reversed when
// reverse, that is for a last page). Ties are broken by the ID, as the
// page's ORDER BY does.
func Cursors[T any](after, before *entgql.Cursor[T], reverse bool, nullable Nullable, opts *entgql.MultiCursorsOptions) ([]func(*sql.Selector), error) {
	if len(opts.Directions) != len(opts.Fields) {
		return nil, fmt.Errorf("cursor: %d order directions for %d fields", len(opts.Directions), len(opts.Fields))
	}
	// The page's own order, whichever way the query runs.
	forward := make([]entgql.OrderDirection, len(opts.Directions))
	for i, d := range opts.Directions {
		forward[i] = turn(d, reverse)
	}
	idForward := turn(opts.DirectionID, reverse)
	var out []func(*sql.Selector)
	for _, c := range []struct {
		cursor *entgql.Cursor[T]
		after  bool
	}{{after, true}, {before, false}} {
		if c.cursor == nil {
			continue
		}
		var values []any
		switch v := c.cursor.Value.(type) {
		case nil:
		case []any:
			values = v
		default:
			// A client's mistake (the checks in package graph refuse it
			// first; this guards other callers).
			return nil, apierr.BadInput("invalid cursor: its order values are a %T, not a list", c.cursor.Value)
		}
		if len(values) != len(opts.Fields) {
			return nil, apierr.BadInput("invalid cursor: %d values for %d order fields; it belongs to a page in another order", len(values), len(opts.Fields))
		}
		fields := slices.Clone(opts.Fields)
		dirs := slices.Clone(forward)
		values = slices.Clone(values)
		if !slices.Contains(fields, opts.FieldID) {
			fields = append(fields, opts.FieldID)
			dirs = append(dirs, idForward)
			values = append(values, c.cursor.ID)
		}
		if !c.after {
			for i := range dirs {
				dirs[i] = dirs[i].Reverse()
			}
		}
		out = append(out, beyond(fields, dirs, values, nullable))
	}
	return out, nil
}

// turn is d, reversed when reverse is true.
func turn(d entgql.OrderDirection, reverse bool) entgql.OrderDirection {
	if reverse {
		return d.Reverse()
	}
	return d
}

// beyond keeps the rows that come after values in the order of fields and
// dirs: (f1 beyond v1) OR (f1 = v1 AND f2 beyond v2) OR …, where NULL is
// placed as NullsRule says, whatever the database.
func beyond(fields []string, dirs []entgql.OrderDirection, values []any, nullable Nullable) func(*sql.Selector) {
	return func(s *sql.Selector) {
		cols := nullable[s.TableName()]
		var or []*sql.Predicate
		for i := range fields {
			var and []*sql.Predicate
			for j := range i {
				and = append(and, equal(s.C(fields[j]), values[j]))
			}
			p := after(s.C(fields[i]), values[i], dirs[i] == entgql.OrderDirectionAsc, cols[fields[i]])
			if p == nil {
				continue // nothing comes after it in this field
			}
			or = append(or, sql.And(append(and, p)...))
		}
		if len(or) == 0 {
			s.Where(sql.ExprP("1 = 0"))
			return
		}
		s.Where(sql.Or(or...))
	}
}

func equal(column string, v any) *sql.Predicate {
	if v == nil {
		return sql.IsNull(column)
	}
	return sql.EQ(column, v)
}

// after keeps the rows whose column comes after v, or returns nil when no
// value does.
func after(column string, v any, asc, nullable bool) *sql.Predicate {
	// NULL is the largest value (NullsRule): last in an ascending order,
	// first in a descending one.
	nullsLast := asc
	if v == nil {
		if nullsLast {
			return nil
		}
		return sql.NotNull(column)
	}
	p := sql.GT(column, v)
	if !asc {
		p = sql.LT(column, v)
	}
	if nullable && nullsLast {
		return sql.Or(p, sql.IsNull(column))
	}
	return p
}

// NewCursor is the cursor of the row id whose order values are values. A
// page in the default order (by ID alone) has none: its cursor carries no
// value, rather than an empty list that costs an allocation per edge.
func NewCursor[T any](id T, values []any) entgql.Cursor[T] {
	if len(values) == 0 {
		return entgql.Cursor[T]{ID: id}
	}
	return entgql.Cursor[T]{ID: id, Value: values}
}
