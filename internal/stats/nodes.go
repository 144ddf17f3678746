package stats

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"sscgraph/internal/entcollect"
)

// selection is what the client asked of a statistic: whether it wants the
// total, and the selections under each key field of its buckets (merged
// over aliases), so that key nodes are loaded with their nested fields in
// one query per dimension.
type selection struct {
	total   bool
	buckets bool
	keys    map[string]ast.SelectionSet // bucket field name → merged selections
	// measures are the measure fields asked for in total or buckets; nil
	// means all (a Go caller).
	measures map[string]bool
}

// selected reads the current field's selection. Without a GraphQL context
// (a Go caller) everything is computed and key nodes carry no edges.
func selected(ctx context.Context, statsType, bucketType string) selection {
	sel := selection{keys: map[string]ast.SelectionSet{}}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		sel.total, sel.buckets = true, true
		return sel
	}
	sel.measures = map[string]bool{}
	opCtx := graphql.GetOperationContext(ctx)
	if total, ok := entcollect.Merge(opCtx, fc.Field.Selections, "total", statsType); ok {
		sel.total = true
		for _, m := range graphql.CollectFields(opCtx, total, nil) {
			sel.measures[m.Name] = true
		}
	}
	if buckets, ok := entcollect.Merge(opCtx, fc.Field.Selections, "buckets", statsType); ok {
		sel.buckets = true
		sel.keys = entcollect.MergeAll(opCtx, buckets, bucketType)
		for name := range sel.keys {
			sel.measures[name] = true
		}
	}
	return sel
}

// sums reports, for each summed column, whether its measure field (or
// the count of the values it adds up, the field's name plus "Known") is
// asked for: a sum nobody reads is not computed, which spares the
// statement a column to carry through DISTINCT and GROUP BY.
func (s selection) sums(fields []string) []bool {
	out := make([]bool, len(fields))
	for i, f := range fields {
		out[i] = s.measures == nil || s.measures[f] || s.measures[f+"Known"]
	}
	return out
}

// wants reports whether the buckets' key field is asked for.
func (s selection) wants(field string) bool {
	_, ok := s.keys[field]
	return ok
}

// loadNodes loads the nodes with ids in one query, with the nested fields
// the bucket key field asks for, and returns them by ID.
func loadNodes[Q entcollect.Query[Q], T any](ctx context.Context, s selection, field, typ string, ids []int,
	query func([]int) Q, all func(Q, context.Context) ([]T, error), id func(T) int) (map[int]T, error) {
	out := map[int]T{}
	if len(ids) == 0 {
		return out, nil
	}
	q, err := entcollect.Collect(ctx, query(ids), s.keys[field], typ)
	if err != nil {
		return nil, fmt.Errorf("collecting the fields of %s keys: %w", field, err)
	}
	nodes, err := all(q, ctx)
	if err != nil {
		return nil, fmt.Errorf("loading %s keys: %w", field, err)
	}
	for _, n := range nodes {
		out[id(n)] = n
	}
	return out, nil
}
