package stats

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
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
	for _, f := range graphql.CollectFields(opCtx, fc.Field.Selections, []string{statsType}) {
		switch f.Name {
		case "total":
			sel.total = true
			for _, m := range graphql.CollectFields(opCtx, f.Selections, nil) {
				sel.measures[m.Name] = true
			}
		case "buckets":
			sel.buckets = true
			for _, k := range graphql.CollectFields(opCtx, f.Selections, []string{bucketType}) {
				sel.keys[k.Name] = append(sel.keys[k.Name], k.Selections...)
				sel.measures[k.Name] = true
			}
		}
	}
	return sel
}

// sums reports, for each summed column, whether its measure field is
// asked for: a sum nobody reads is not computed, which spares the
// statement a column to carry through DISTINCT and GROUP BY.
func (s selection) sums(fields []string) []bool {
	out := make([]bool, len(fields))
	for i, f := range fields {
		out[i] = s.measures == nil || s.measures[f]
	}
	return out
}

// wants reports whether the buckets' key field is asked for.
func (s selection) wants(field string) bool {
	_, ok := s.keys[field]
	return ok
}

// fieldContext is ctx with a field context for the bucket key field name,
// of type typ, holding the merged selections: ent's CollectFields reads
// the current field's selections to eager-load nested edges.
func (s selection) fieldContext(ctx context.Context, name, typ string) context.Context {
	if !graphql.HasOperationContext(ctx) {
		return ctx
	}
	f := graphql.CollectedField{Field: &ast.Field{
		Name:         name,
		Alias:        name,
		SelectionSet: s.keys[name],
		Definition:   &ast.FieldDefinition{Name: name, Type: ast.NamedType(typ, nil)},
	}, Selections: s.keys[name]}
	return graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: f, Object: typ})
}

// collector is an ent query that eager-loads what a selection asks for.
type collector[Q any] interface {
	CollectFields(ctx context.Context, satisfies ...string) (Q, error)
}

// loadNodes loads the nodes with ids in one query, with the nested fields
// the bucket key field asks for, and returns them by ID.
func loadNodes[Q collector[Q], T any](ctx context.Context, s selection, field, typ string, ids []int,
	query func([]int) Q, all func(Q, context.Context) ([]T, error), id func(T) int) (map[int]T, error) {
	out := map[int]T{}
	if len(ids) == 0 {
		return out, nil
	}
	q, err := query(ids).CollectFields(s.fieldContext(ctx, field, typ), typ)
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
