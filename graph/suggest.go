package graph

import (
	"context"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"sscgraph/ent"
	"sscgraph/internal/entcollect"
	"sscgraph/internal/matching"
)

// The suggestion connections rank in package matching; the resolvers turn
// their arguments into a page, and tell the ranking what the client asked
// for: whether it counts (totalCount costs a count over every candidate),
// and which fields of the suggested rows to load, so that nested fields
// cost one statement per level as in every other connection.

func (r *Resolver) suggestedOffers(ctx context.Context, need int, first *int, after *entgql.Cursor[int]) (*matching.OfferSuggestionConnection, error) {
	page, err := matching.NewPage(ctx, "suggestedOffers", first, after, "MatchOffer", selectsTotal(ctx))
	if err != nil {
		return nil, err
	}
	return matching.Offers(ctx, r.client, need, page, matching.Options{
		Now: requestTime(ctx),
		OfferQuery: func(q *ent.MatchOfferQuery) (*ent.MatchOfferQuery, error) {
			return collectSuggested(ctx, q, "offer", "MatchOffer")
		},
	})
}

func (r *Resolver) suggestedNeeds(ctx context.Context, offer int, first *int, after *entgql.Cursor[int]) (*matching.NeedSuggestionConnection, error) {
	page, err := matching.NewPage(ctx, "suggestedNeeds", first, after, "MatchNeed", selectsTotal(ctx))
	if err != nil {
		return nil, err
	}
	return matching.Needs(ctx, r.client, offer, page, matching.Options{
		Now: requestTime(ctx),
		NeedQuery: func(q *ent.MatchNeedQuery) (*ent.MatchNeedQuery, error) {
			return collectSuggested(ctx, q, "need", "MatchNeed")
		},
	})
}

func (r *Resolver) suggestedConsultants(ctx context.Context, activity *int, topics []int, country *int, language *string, first *int, after *entgql.Cursor[int]) (*matching.ConsultantSuggestionConnection, error) {
	page, err := matching.NewPage(ctx, "suggestedConsultants", first, after, "Consultant", selectsTotal(ctx))
	if err != nil {
		return nil, err
	}
	ask := matching.ConsultantAsk{Activity: activity, Topics: topics, Country: country, Language: language}
	return matching.Consultants(ctx, r.client, ask, page, matching.Options{
		Now: requestTime(ctx),
		ConsultantQuery: func(q *ent.ConsultantQuery) (*ent.ConsultantQuery, error) {
			return collectSuggested(ctx, q, "consultant", "Consultant")
		},
	})
}

// requestTime is the time the operation started, so that every field of
// a request ranks as of one instant; a subscription ranks again at each
// event, as of then.
func requestTime(ctx context.Context) time.Time {
	if graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		if oc.Operation != nil && oc.Operation.Operation != ast.Subscription && !oc.Stats.OperationStart.IsZero() {
			return oc.Stats.OperationStart
		}
	}
	return time.Now()
}

// selectsTotal reports whether the resolver's connection is asked for its
// totalCount.
func selectsTotal(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) || fc.Field.Definition == nil {
		return false
	}
	typ := fc.Field.Definition.Type.Name()
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, []string{typ}) {
		if f.Name == "totalCount" {
			return true
		}
	}
	return false
}

// collectSuggested applies the client's selection of the suggested rows
// (edges.node.<field> of a connection, <field> of a list of suggestions)
// to the query that loads them. Without a selection (a caller outside
// GraphQL), the query loads whole rows.
func collectSuggested[Q entcollect.Query[Q]](ctx context.Context, q Q, field, typ string) (Q, error) {
	sel, ok := suggestedSelections(ctx, field)
	if !ok {
		return q, nil
	}
	return entcollect.Collect(ctx, q, sel, typ, "Node")
}

// suggestedSelections finds, under the resolver's field, the selections
// of the suggested rows, merged over every alias of their field and of the
// fields on the way, so that what any alias asks for is loaded.
func suggestedSelections(ctx context.Context, field string) (ast.SelectionSet, bool) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) || fc.Field.Definition == nil {
		return nil, false
	}
	oc := graphql.GetOperationContext(ctx)
	// The types along the path: OfferSuggestionConnection → edges
	// (OfferSuggestionEdge) → node (OfferSuggestion) → offer; a
	// subscription answers a list of OfferSuggestion.
	suggestion := strings.TrimSuffix(fc.Field.Definition.Type.Name(), "Connection")
	path := []struct{ field, in string }{{field, suggestion}}
	if suggestion != fc.Field.Definition.Type.Name() {
		path = []struct{ field, in string }{
			{"edges", suggestion + "Connection"}, {"node", suggestion + "Edge"}, {field, suggestion},
		}
	}
	sel := fc.Field.Selections
	for _, step := range path {
		merged, ok := entcollect.Merge(oc, sel, step.field, step.in)
		if !ok {
			return nil, false
		}
		sel = merged
	}
	return sel, true
}
