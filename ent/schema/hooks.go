package schema

import (
	"context"
	"fmt"

	"entgo.io/ent"

	gen "sscgraph/ent"
	"sscgraph/ent/hook"
	"sscgraph/ent/match"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/privacy"
	"sscgraph/internal/cooperation"
)

// developedRegion is the pseudo-bureau of developed countries.
const developedRegion = "DEVELOPED"

// deriveCooperation sets a match's cooperation from its parties' countries
// whenever the match is created or its offer or need changes, unless the
// writer set it (the dataset loader computes it itself).
func deriveCooperation(next ent.Mutator) ent.Mutator {
	return hook.MatchFunc(func(ctx context.Context, m *gen.MatchMutation) (gen.Value, error) {
		if _, set := m.Cooperation(); set {
			return next.Mutate(ctx, m)
		}
		offerID, offerSet := m.OfferID()
		needID, needSet := m.NeedID()
		if !offerSet && !needSet && !m.Op().Is(ent.OpCreate) {
			return next.Mutate(ctx, m) // the parties did not change
		}
		// Reading the parties is sscgraph's own business, whoever writes.
		rctx := privacy.DecisionContext(ctx, privacy.Allow)
		if id, ok := m.ID(); ok && (!offerSet || !needSet) {
			cur, err := m.Client().Match.Query().Where(match.ID(id)).WithOffer().WithNeed().Only(rctx)
			if err != nil {
				return nil, fmt.Errorf("reading match: %w", err)
			}
			if !offerSet {
				offerID = cur.Edges.Offer.ID
			}
			if !needSet {
				needID = cur.Edges.Need.ID
			}
		}
		offer, err := m.Client().MatchOffer.Query().Where(matchoffer.ID(offerID)).
			WithProvider(func(q *gen.OrganizationQuery) { q.WithCountry(func(q *gen.CountryQuery) { q.WithRegion() }) }).
			Only(rctx)
		if err != nil {
			return nil, fmt.Errorf("reading the match's offer: %w", err)
		}
		need, err := m.Client().MatchNeed.Query().Where(matchneed.ID(needID)).
			WithSeeker(func(q *gen.OrganizationQuery) { q.WithCountry(func(q *gen.CountryQuery) { q.WithRegion() }) }).
			WithCountry(func(q *gen.CountryQuery) { q.WithRegion() }).
			Only(rctx)
		if err != nil {
			return nil, fmt.Errorf("reading the match's need: %w", err)
		}
		m.SetCooperation(cooperation.Of(
			party(offer.Edges.Provider.Edges.Country),
			party(need.Edges.Seeker.Edges.Country),
			party(need.Edges.Country),
		))
		return next.Mutate(ctx, m)
	})
}

func party(c *gen.Country) cooperation.Party {
	if c == nil {
		return cooperation.Party{}
	}
	return cooperation.Party{Country: c.Code, Developing: c.Edges.Region == nil || c.Edges.Region.Code != developedRegion}
}
