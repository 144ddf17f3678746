// Package entcollect tells ent's generated CollectFields what a client
// asked of rows that are not loaded by the field's own resolver: the key
// nodes of statistics buckets, the suggested rows of a ranking. Such rows
// sit under other fields (buckets.region, edges.node.offer), possibly
// under several aliases, so their selections are merged first, then
// handed to the query as if they were the current field's.
package entcollect

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Query is an ent query that eager-loads what a GraphQL selection asks
// for: every generated query has this CollectFields.
type Query[Q any] interface {
	CollectFields(ctx context.Context, satisfies ...string) (Q, error)
}

// Merge returns the selections of the field name in sel, a selection on
// a type satisfying satisfies, merged over every alias of it, so that what
// any alias asks for is loaded; false when no alias asks for it.
func Merge(oc *graphql.OperationContext, sel ast.SelectionSet, name string, satisfies ...string) (ast.SelectionSet, bool) {
	var merged ast.SelectionSet
	found := false
	for _, f := range graphql.CollectFields(oc, sel, satisfies) {
		if f.Name == name {
			merged = append(merged, f.Selections...)
			found = true
		}
	}
	return merged, found
}

// MergeAll returns the selections of every field in sel, a selection on a
// type satisfying satisfies, by field name, each merged over its aliases.
func MergeAll(oc *graphql.OperationContext, sel ast.SelectionSet, satisfies ...string) map[string]ast.SelectionSet {
	out := map[string]ast.SelectionSet{}
	for _, f := range graphql.CollectFields(oc, sel, satisfies) {
		out[f.Name] = append(out[f.Name], f.Selections...)
	}
	return out
}

// Collect has q eager-load the fields that sel (merged selections of the
// rows q loads) asks for, on rows satisfying satisfies. Without an
// operation (a caller outside GraphQL) q is returned as it is: it loads
// whole rows, without edges.
func Collect[Q Query[Q]](ctx context.Context, q Q, sel ast.SelectionSet, satisfies ...string) (Q, error) {
	if !graphql.HasOperationContext(ctx) {
		return q, nil
	}
	// ent reads only the current field's selections; the field itself is
	// a stand-in for the merged aliases.
	f := graphql.CollectedField{Field: &ast.Field{SelectionSet: sel}, Selections: sel}
	return q.CollectFields(graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: f}), satisfies...)
}
