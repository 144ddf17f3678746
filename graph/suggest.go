package graph

import (
	"context"

	"entgo.io/contrib/entgql"

	"sscgraph/internal/matching"
)

func (r *Resolver) suggestedOffers(ctx context.Context, need int, first *int, after *entgql.Cursor[int]) (*matching.OfferSuggestionConnection, error) {
	return nil, errNotYet
}

func (r *Resolver) suggestedNeeds(ctx context.Context, offer int, first *int, after *entgql.Cursor[int]) (*matching.NeedSuggestionConnection, error) {
	return nil, errNotYet
}

func (r *Resolver) suggestedConsultants(ctx context.Context, activity *int, topics []int, country *int, language *string, first *int, after *entgql.Cursor[int]) (*matching.ConsultantSuggestionConnection, error) {
	return nil, errNotYet
}
