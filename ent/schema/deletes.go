package schema

import (
	"context"
	"fmt"

	"entgo.io/ent"

	gen "sscgraph/ent"
	"sscgraph/ent/apikey"
	"sscgraph/ent/country"
	"sscgraph/ent/hook"
	"sscgraph/ent/match"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/organization"
	"sscgraph/ent/privacy"
	"sscgraph/ent/region"
	"sscgraph/internal/validate"
)

// Deleting a row that other rows cannot do without (a region with
// countries, an organization with offers, ...) is refused, naming what
// depends on it. Rows that only refer to it optionally lose the reference
// (the foreign keys say ON DELETE SET NULL, join rows are removed).

// counter counts the rows depending on the row with key id.
type counter func(ctx context.Context, c *gen.Client, id int) (int, error)

// refuseDependents builds a delete hook from named counters.
func refuseDependents(typ string, deps map[string]counter) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			idm, ok := m.(interface{ ID() (int, bool) })
			if !ok {
				return next.Mutate(ctx, m)
			}
			id, ok := idm.ID()
			if !ok {
				return next.Mutate(ctx, m)
			}
			client := m.(interface{ Client() *gen.Client }).Client()
			// Counting is sscgraph's own business, whoever deletes.
			cctx := privacy.DecisionContext(ctx, privacy.Allow)
			found := map[string]int{}
			for name, count := range deps {
				n, err := count(cctx, client, id)
				if err != nil {
					return nil, fmt.Errorf("counting %s: %w", name, err)
				}
				if n > 0 {
					found[name] = n
				}
			}
			if len(found) > 0 {
				return nil, &validate.DependentsError{Type: typ, Dependents: found}
			}
			return next.Mutate(ctx, m)
		})
	}
}

func regionDeletes() ent.Hook {
	return hook.On(refuseDependents("Region", map[string]counter{
		"countries": func(ctx context.Context, c *gen.Client, id int) (int, error) {
			return c.Country.Query().Where(country.HasRegionWith(region.ID(id))).Count(ctx)
		},
	}), ent.OpDeleteOne)
}

func countryDeletes() ent.Hook {
	return hook.On(refuseDependents("Country", map[string]counter{
		"needs": func(ctx context.Context, c *gen.Client, id int) (int, error) {
			return c.MatchNeed.Query().Where(matchneed.HasCountryWith(country.ID(id))).Count(ctx)
		},
	}), ent.OpDeleteOne)
}

func organizationDeletes() ent.Hook {
	return hook.On(refuseDependents("Organization", map[string]counter{
		"offers": func(ctx context.Context, c *gen.Client, id int) (int, error) {
			return c.MatchOffer.Query().Where(matchoffer.HasProviderWith(organization.ID(id))).Count(ctx)
		},
		"needs": func(ctx context.Context, c *gen.Client, id int) (int, error) {
			return c.MatchNeed.Query().Where(matchneed.HasSeekerWith(organization.ID(id))).Count(ctx)
		},
		"API keys": func(ctx context.Context, c *gen.Client, id int) (int, error) {
			return c.APIKey.Query().Where(apikey.HasOrganizationWith(organization.ID(id)), apikey.RevokedAtIsNil()).Count(ctx)
		},
	}), ent.OpDeleteOne)
}

func matchOfferDeletes() ent.Hook {
	return hook.On(refuseDependents("MatchOffer", map[string]counter{
		"matches": func(ctx context.Context, c *gen.Client, id int) (int, error) {
			return c.Match.Query().Where(match.HasOfferWith(matchoffer.ID(id))).Count(ctx)
		},
	}), ent.OpDeleteOne)
}

func matchNeedDeletes() ent.Hook {
	return hook.On(refuseDependents("MatchNeed", map[string]counter{
		"matches": func(ctx context.Context, c *gen.Client, id int) (int, error) {
			return c.Match.Query().Where(match.HasNeedWith(matchneed.ID(id))).Count(ctx)
		},
	}), ent.OpDeleteOne)
}
