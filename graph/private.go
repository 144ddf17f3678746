package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"sscgraph/internal/personal"
	"sscgraph/internal/viewer"
)

// personalString answers a personal field of internal/personal's table,
// the one rule for who reads them: the field is the one being resolved,
// so that every path to the row (top level, nested, node, nodes) answers
// alike. party reports whether the viewer's organization is party to the
// row (nil when no organization is); it is asked only of MEMBER keys, for
// fields that parties read. Without a field context it answers null:
// personal data is withheld when in doubt.
func personalString(ctx context.Context, value string, party func() (bool, error)) (*string, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return nil, nil
	}
	return personal.Value(viewer.From(ctx), fc.Object, fc.Field.Name, value, party)
}
