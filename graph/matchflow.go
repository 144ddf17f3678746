package graph

import (
	"context"
	"errors"

	"sscgraph/ent"
)

// errNotYet answers what is not built yet.
var errNotYet = errors.New("not implemented yet")

func (r *Resolver) matchMessage(ctx context.Context, m *ent.Match, text string) (*string, error) {
	return nil, errNotYet
}

func (r *Resolver) proposeMatch(ctx context.Context, need, offer int, message *string) (*ent.Match, error) {
	return nil, errNotYet
}

func (r *Resolver) respondToMatch(ctx context.Context, id int, accept bool, message *string) (*ent.Match, error) {
	return nil, errNotYet
}

func (r *Resolver) completeMatch(ctx context.Context, id int) (*ent.Match, error) {
	return nil, errNotYet
}

func (r *Resolver) withdrawMatch(ctx context.Context, id int) (*ent.Match, error) {
	return nil, errNotYet
}
