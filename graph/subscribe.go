package graph

import (
	"context"

	"sscgraph/ent"
	"sscgraph/internal/matching"
)

func (r *Resolver) offerPosted(ctx context.Context, where *ent.MatchOfferWhereInput) (<-chan *ent.MatchOffer, error) {
	return nil, errNotYet
}

func (r *Resolver) matchChanged(ctx context.Context, need, offer *int) (<-chan *ent.Match, error) {
	return nil, errNotYet
}

func (r *Resolver) suggestionsChanged(ctx context.Context, need int, first *int) (<-chan []*matching.OfferSuggestion, error) {
	return nil, errNotYet
}
