package search

import (
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
)

// Where returns the predicate of a where input's search field: the rows
// of the selector's table that the query matches, as a semi-join on the
// index, so that search combines with every other filter and ordering of
// a list.
func Where(text string) (func(*sql.Selector), error) {
	q, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return func(s *sql.Selector) {
		s.Where(sql.P(func(b *sql.Builder) {
			b.Ident(s.C("id"))
			if s.Dialect() == dialect.Postgres {
				b.WriteString(" IN (SELECT id FROM search_docs WHERE doc @@ to_tsquery('simple', ").Arg(q.TSQuery()).WriteString("))")
				return
			}
			b.WriteString(" IN (SELECT docid FROM search_fts WHERE search_fts MATCH ").Arg(q.FTS()).WriteString(")")
		}))
	}, nil
}
