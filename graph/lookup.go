package graph

import (
	"context"
	"fmt"

	"sscgraph/ent"
	"sscgraph/internal/entcollect"
	"sscgraph/internal/viewer"
)

// onlyQuery is the part of an ent query a natural-key look-up needs.
type onlyQuery[T any] interface {
	Only(ctx context.Context) (T, error)
}

// lookup runs a query expected to match at most one row (a unique natural
// key) with field collection, so that a look-up's nested connections cost
// one statement per level as the top-level connections do. It answers nil
// rather than an error when nothing matches: an unknown code is an
// ordinary answer, not a failure.
func lookup[Q interface {
	entcollect.Query[Q]
	onlyQuery[T]
}, T any](ctx context.Context, q Q) (T, error) {
	var zero T
	q, err := q.CollectFields(ctx)
	if err != nil {
		return zero, fmt.Errorf("collecting fields: %w", err)
	}
	v, err := q.Only(ctx)
	if ent.IsNotFound(err) {
		return zero, nil
	}
	if err != nil {
		return zero, fmt.Errorf("looking up: %w", err)
	}
	return v, nil
}

// node resolves one global ID. An ID that decoded but names no row is an
// ordinary null, as the Relay specification has it; so is the ID of a row
// the viewer may not read (an API key, an audit event), so that IDs cannot
// be probed for what exists (viewer.AsLookup).
func (r *Resolver) node(ctx context.Context, id int) (ent.Noder, error) {
	n, err := r.client.Noder(viewer.AsLookup(ctx), id)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return n, err
}

// nodes resolves several global IDs, keeping their order and answering
// null for the ones that name no row.
func (r *Resolver) nodes(ctx context.Context, ids []int) ([]ent.Noder, error) {
	return r.client.LookupNodes(viewer.AsLookup(ctx), ids)
}
