package schema

import (
	"context"
	"fmt"

	"entgo.io/ent"
	"entgo.io/ent/entql"

	gen "sscgraph/ent"
	"sscgraph/ent/match"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/organization"
	"sscgraph/ent/privacy"
	"sscgraph/internal/apierr"
	"sscgraph/internal/viewer"
)

// The rules of who may change what, in one place: ent applies them to
// every mutation, whichever resolver or path leads to it. Reads are
// public (personal fields are guarded where they are served, in package
// graph); writes need a key whose role allows them.

// deny refuses a change with the reason the API reports.
func deny(reason error) error { return fmt.Errorf("%w: %w", privacy.Deny, reason) }

// allowSystem lets sscgraph's own code write (see viewer.System).
var allowSystem = privacy.MutationRuleFunc(func(ctx context.Context, _ gen.Mutation) error {
	if _, ok := viewer.SystemFrom(ctx); ok {
		return privacy.Allow
	}
	return privacy.Skip
})

// requireRole allows a change to viewers with one of roles, refuses it to
// anonymous callers and other roles, and skips (lets later rules decide)
// for MEMBER keys when members is true.
func requireRole(members bool, roles ...string) privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, _ gen.Mutation) error {
		v := viewer.From(ctx)
		if v.Anonymous() {
			return deny(viewer.ErrUnauthenticated)
		}
		for _, r := range roles {
			if v.Role == r {
				return privacy.Allow
			}
		}
		if members && v.Role == viewer.RoleMember {
			return privacy.Skip
		}
		return deny(viewer.ErrForbidden)
	})
}

// programmePolicy guards the programme's data: ADMIN and EDITOR keys write
// it; everyone reads it.
func programmePolicy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{allowSystem, requireRole(false, viewer.RoleAdmin, viewer.RoleEditor)},
		Query:    privacy.QueryPolicy{privacy.AlwaysAllowRule()},
	}
}

// adminPolicy guards credentials: only ADMIN keys read or change them.
// sscgraph's own code (key checks, the command line) acts as
// viewer.System.
func adminPolicy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{allowSystem, requireRole(false, viewer.RoleAdmin)},
		Query: privacy.QueryPolicy{privacy.QueryRuleFunc(func(ctx context.Context, q gen.Query) error {
			if _, ok := viewer.SystemFrom(ctx); ok || viewer.From(ctx).Role == viewer.RoleAdmin {
				return privacy.Allow
			}
			if viewer.IsLookup(ctx) {
				// node(id:) answers null, as for a row that does not
				// exist: a refusal would tell which keys exist.
				return privacy.FilterFunc(func(_ context.Context, f privacy.Filter) error {
					f.Where(entql.FieldLT("id", 0)) // no row: keys are positive
					return privacy.Allow
				}).EvalQuery(ctx, q)
			}
			return deny(viewer.ErrReadForbidden)
		})},
	}
}

// ownOrganization lets a MEMBER key change only its organization's rows:
// orgOf returns the organization a row belongs to, before and after the
// change.
func ownOrganization(orgOf func(ctx context.Context, m gen.Mutation) (before, after int, err error)) privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, m gen.Mutation) error {
		v := viewer.From(ctx)
		if v.Role != viewer.RoleMember || v.OrganizationID == 0 {
			return deny(viewer.ErrForbidden)
		}
		if !m.Op().Is(gen.OpCreate) && !m.Op().Is(gen.OpUpdateOne) && !m.Op().Is(gen.OpDeleteOne) {
			return deny(viewer.ErrForbidden) // no bulk changes for members
		}
		before, after, err := orgOf(privacy.DecisionContext(ctx, privacy.Allow), m)
		if err != nil {
			return err
		}
		if (before != 0 && before != v.OrganizationID) || (after != 0 && after != v.OrganizationID) {
			return deny(viewer.ErrForbidden)
		}
		return privacy.Allow
	})
}

// refsForImports refuses a change of ref (set or cleared) to the keys
// that reach it, MEMBER keys: a ref is the import's ID for a record, and a
// member who took the ref of a row of someone's sheet would have the next
// import of that sheet update the member's record instead of creating its
// own. ADMIN and EDITOR keys and the importer are allowed before it.
var refsForImports = privacy.MutationRuleFunc(func(_ context.Context, m gen.Mutation) error {
	const ref = "ref"
	_, set := m.Field(ref)
	field := "input.ref"
	if !set && m.FieldCleared(ref) {
		field = "input.clearRef"
	} else if !set {
		return privacy.Skip
	}
	return deny(apierr.New(apierr.Forbidden, "%s: only EDITOR and ADMIN keys may set or clear ref, the ID of a record in the imported spreadsheets", field).With("field", field))
})

// matchOfferPolicy: ADMIN and EDITOR keys change any offer, a MEMBER key
// its organization's offers, except their refs.
func matchOfferPolicy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			allowSystem,
			requireRole(true, viewer.RoleAdmin, viewer.RoleEditor),
			refsForImports,
			ownOrganization(func(ctx context.Context, m gen.Mutation) (int, int, error) {
				mm := m.(*gen.MatchOfferMutation)
				var before int
				if id, ok := mm.ID(); ok {
					o, err := mm.Client().MatchOffer.Query().Where(matchoffer.ID(id)).WithProvider().Only(ctx)
					if err != nil {
						return 0, 0, err
					}
					before = o.Edges.Provider.ID
				}
				after, _ := mm.ProviderID()
				return before, after, nil
			}),
		},
		Query: privacy.QueryPolicy{privacy.AlwaysAllowRule()},
	}
}

// matchNeedPolicy: ADMIN and EDITOR keys change any need, a MEMBER key its
// organization's needs, except their refs.
func matchNeedPolicy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			allowSystem,
			requireRole(true, viewer.RoleAdmin, viewer.RoleEditor),
			refsForImports,
			ownOrganization(func(ctx context.Context, m gen.Mutation) (int, int, error) {
				mm := m.(*gen.MatchNeedMutation)
				var before int
				if id, ok := mm.ID(); ok {
					n, err := mm.Client().MatchNeed.Query().Where(matchneed.ID(id)).WithSeeker().Only(ctx)
					if err != nil {
						return 0, 0, err
					}
					before = n.Edges.Seeker.ID
				}
				after, _ := mm.SeekerID()
				return before, after, nil
			}),
		},
		Query: privacy.QueryPolicy{privacy.AlwaysAllowRule()},
	}
}

// matchPolicy: ADMIN and EDITOR keys change any match; a MEMBER key only
// matches its organization is a party to (as the offer's provider or the
// need's seeker), before and after the change: its side of matches.
func matchPolicy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			allowSystem,
			requireRole(true, viewer.RoleAdmin, viewer.RoleEditor),
			privacy.MatchMutationRuleFunc(func(ctx context.Context, m *gen.MatchMutation) error {
				v := viewer.From(ctx)
				if v.Role != viewer.RoleMember || v.OrganizationID == 0 ||
					!(m.Op().Is(gen.OpCreate) || m.Op().Is(gen.OpUpdateOne) || m.Op().Is(gen.OpDeleteOne)) {
					return deny(viewer.ErrForbidden)
				}
				rctx := privacy.DecisionContext(ctx, privacy.Allow)
				offerID, offerSet := m.OfferID()
				needID, needSet := m.NeedID()
				if id, ok := m.ID(); ok {
					cur, err := m.Client().Match.Query().Where(match.ID(id)).WithOffer().WithNeed().Only(rctx)
					if err != nil {
						return err
					}
					in, err := isParty(rctx, m.Client(), cur.Edges.Offer.ID, cur.Edges.Need.ID, v.OrganizationID)
					if err != nil || !in {
						return orForbidden(err)
					}
					if !offerSet {
						offerID = cur.Edges.Offer.ID
					}
					if !needSet {
						needID = cur.Edges.Need.ID
					}
				}
				if m.Op().Is(gen.OpDeleteOne) {
					// A match is its parties' shared history: they
					// withdraw or decline it, and only a moderator
					// removes it.
					return deny(apierr.New(apierr.Forbidden, "deleting a match is for EDITOR and ADMIN keys: its parties withdraw or decline it"))
				}
				in, err := isParty(rctx, m.Client(), offerID, needID, v.OrganizationID)
				if err != nil || !in {
					return orForbidden(err)
				}
				return privacy.Allow
			}),
		},
		Query: privacy.QueryPolicy{privacy.AlwaysAllowRule()},
	}
}

// isParty reports whether org provides the offer or seeks the need.
func isParty(ctx context.Context, c *gen.Client, offerID, needID, org int) (bool, error) {
	provides, err := c.MatchOffer.Query().Where(matchoffer.ID(offerID), matchoffer.HasProviderWith(organization.ID(org))).Exist(ctx)
	if err != nil || provides {
		return provides, err
	}
	return c.MatchNeed.Query().Where(matchneed.ID(needID), matchneed.HasSeekerWith(organization.ID(org))).Exist(ctx)
}

func orForbidden(err error) error {
	if err != nil {
		return err
	}
	return deny(viewer.ErrForbidden)
}
