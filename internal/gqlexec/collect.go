package gqlexec

import (
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// CollectedFields keeps, for one operation, the fields collected for each
// selection set and object type. graphql.CollectFields caches them per
// operation too, but builds its cache key (a hash of the type names) on
// every call: 6% of the allocations of a 4-level query. This cache keys
// them by the addresses of the selection set's and the type names' first
// elements instead: the document and the generated lists of type names
// live as long as the operation (and the map's keys keep them alive, so
// an address is never reused for another list while it is a key).
// internal/gqlgenrun gives the generated executionContext one and makes
// the object marshallers collect through it.
//
// The cache pays, and unsafe does not (measured when it moved here from
// graph/generated, where its key was unsafe.SliceData; go test
// ./internal/server -bench 'Flat|Nested|Page', 6 runs each, interleaved,
// CPU time per op because a loaded 2-core box made wall time swing 2×):
// without the cache Nested4Level costs 11.16 ms of CPU and 33,363
// allocations per op, with it 10.54 ms (-5.6%) and 31,840; Page1000 28.92
// ms and 103,612 allocations, with it 27.66 ms (-4.4%) and 97,382;
// Nested4LevelParallel the same (12.99 and 12.98 ms). Keyed by &s[0] as
// here, it measured as keyed by unsafe.SliceData (the same addresses),
// within the runs' noise either way.
type CollectedFields struct {
	mu     sync.Mutex
	fields map[selectionKey][]graphql.CollectedField
}

type selectionKey struct {
	sel       *ast.Selection
	n         int
	satisfies *string
}

// first is the address of s's first element, nil for an empty s: the
// identity of a list that is never resliced.
func first[T any](s []T) *T {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}

// Collect returns graphql.CollectFields(oc, sel, satisfies), computing it
// once per operation.
func (c *CollectedFields) Collect(oc *graphql.OperationContext, sel ast.SelectionSet, satisfies []string) []graphql.CollectedField {
	key := selectionKey{first(sel), len(sel), first(satisfies)}
	c.mu.Lock()
	fields, ok := c.fields[key]
	c.mu.Unlock()
	if ok {
		return fields
	}
	fields = graphql.CollectFields(oc, sel, satisfies)
	c.mu.Lock()
	if c.fields == nil {
		c.fields = map[selectionKey][]graphql.CollectedField{}
	}
	c.fields[key] = fields
	c.mu.Unlock()
	return fields
}
