package export

import (
	"context"
	"errors"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"

	"sscgraph/ent"
)

// WhereCapture is the gqlgen extension through which the GeoJSON export
// reads its activity filter as the API coerced it: the same input
// coercion, IDs, messages and search field as /graphql. Decoding the
// JSON into ent's Go structs instead ignored search (a computed field)
// and answered a list given as one object with Go's type names.
//
// It does nothing unless the export asked for it in the context.
type WhereCapture struct{}

var (
	_ graphql.HandlerExtension = WhereCapture{}
	_ graphql.FieldInterceptor = WhereCapture{}
)

// ExtensionName names the extension in gqlgen's registry.
func (WhereCapture) ExtensionName() string { return "ExportWhereCapture" }

// Validate has nothing to check.
func (WhereCapture) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptField keeps the where argument of the root activities field,
// once gqlgen has coerced it, when the context asks for it.
func (WhereCapture) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	if c, ok := ctx.Value(whereCaptureKey{}).(*capturedWhere); ok {
		if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Object == "Query" && fc.Field.Name == "activities" {
			if w, ok := fc.Args["where"].(*ent.ActivityWhereInput); ok {
				c.where = w
			}
		}
	}
	return next(ctx)
}

type whereCaptureKey struct{}

// capturedWhere is the filter the API coerced, nil when none was given.
type capturedWhere struct{ where *ent.ActivityWhereInput }

// withWhereCapture returns ctx asking WhereCapture for the activities
// filter, and where it will be kept.
func withWhereCapture(ctx context.Context) (context.Context, *capturedWhere) {
	c := &capturedWhere{}
	return context.WithValue(ctx, whereCaptureKey{}, c), c
}

// predicate is the captured filter as ent's predicate, nil when it
// filters nothing.
func (c *capturedWhere) predicate() (func(*entsql.Selector), error) {
	if c.where == nil {
		return nil, nil
	}
	p, err := c.where.P()
	if errors.Is(err, ent.ErrEmptyActivityWhereInput) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}
