package gqlexec

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalSliceInTurn marshals a list's elements one after the other.
// gqlgen's own MarshalSliceConcurrently starts a goroutine per element,
// which pays off when elements resolve with I/O of their own; here field
// collection has loaded every element's data before marshalling starts,
// so the goroutines only cost scheduling and stacks (pprof on the nested
// benchmark). internal/gqlgenrun rewrites the generated calls to this;
// its parameters are MarshalSliceConcurrently's.
func MarshalSliceInTurn(
	ctx context.Context,
	length int,
	_ int64,
	omitPanicHandler bool,
	marshalElement func(ctx context.Context, i int) graphql.Marshaler,
) graphql.Array {
	ret := make(graphql.Array, length)
	// One allocation for all the elements' field contexts and indexes,
	// instead of two per element.
	fcs := make([]graphql.FieldContext, length)
	idx := make([]int, length)
	for i := range length {
		idx[i] = i
		fcs[i].Index = &idx[i]
		childCtx := graphql.WithFieldContext(ctx, &fcs[i])
		if omitPanicHandler {
			ret[i] = marshalElement(childCtx, i)
			continue
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					graphql.AddError(childCtx, graphql.Recover(childCtx, r))
					ret[i] = graphql.Null
				}
			}()
			ret[i] = marshalElement(childCtx, i)
		}()
	}
	return ret
}
