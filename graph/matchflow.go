package graph

import (
	"context"
	"fmt"
	"time"

	"sscgraph/ent"
	"sscgraph/ent/match"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/predicate"
	"sscgraph/internal/apierr"
	"sscgraph/internal/lifecycle"
	"sscgraph/internal/matching"
	"sscgraph/internal/viewer"
)

// The Match mutations take one step of a match's life each. Who may take
// it and from which state is decided once, by the ent schema's match hook
// (package lifecycle's rules), for these and for the generic createMatch
// and updateMatch alike; the mutations mark their context with the action,
// which is how MEMBER keys are let through.

// offerStatus is the status an offer reads as: EXPIRED once its
// expiresAt has passed while OPEN (the filters agree, see package
// lifecycle).
func offerStatus(o *ent.MatchOffer) matchoffer.Status {
	return matchoffer.Status(lifecycle.Effective(string(o.Status), o.ExpiresAt, time.Now()))
}

// txClient is the mutation's transaction (graph.Transactions opens one per
// mutation).
func txClient(ctx context.Context) *ent.Client { return ent.FromContext(ctx) }

// notFoundAs answers a missing row as bad input naming the argument: an ID
// of another type, or of a row that does not exist.
func notFoundAs(err error, arg, typ string) error {
	if ent.IsNotFound(err) {
		return apierr.BadInput("%s: no %s has that ID", arg, typ).With("field", arg)
	}
	return err
}

func (r *Resolver) proposeMatch(ctx context.Context, needID, offerID int, message *string) (*ent.Match, error) {
	client := txClient(ctx)
	need, err := client.MatchNeed.Get(ctx, needID)
	if err != nil {
		return nil, notFoundAs(err, "need", "MatchNeed")
	}
	offer, err := client.MatchOffer.Get(ctx, offerID)
	if err != nil {
		return nil, notFoundAs(err, "offer", "MatchOffer")
	}
	score, _, err := matching.ScorePair(ctx, client, need, offer)
	if err != nil {
		return nil, fmt.Errorf("scoring the pair: %w", err)
	}
	c := client.Match.Create().
		SetStatus(match.StatusPROPOSED).SetScore(score).
		SetNeedID(needID).SetOfferID(offerID)
	if v := viewer.From(ctx); v.Role == viewer.RoleMember {
		c.SetProposedByID(v.OrganizationID)
	}
	if message != nil {
		c.SetMessage(*message)
	}
	return c.Save(lifecycle.WithAction(ctx, lifecycle.Propose))
}

func (r *Resolver) respondToMatch(ctx context.Context, id int, accept bool, message *string) (*ent.Match, error) {
	to, action := match.StatusDECLINED, lifecycle.Decline
	if accept {
		to, action = match.StatusACCEPTED, lifecycle.Accept
	}
	u := txClient(ctx).Match.UpdateOneID(id).SetStatus(to)
	if message != nil {
		u.SetResponse(*message)
	}
	m, err := u.Save(lifecycle.WithAction(ctx, action))
	return m, notFoundAs(err, "id", "Match")
}

func (r *Resolver) completeMatch(ctx context.Context, id int) (*ent.Match, error) {
	m, err := txClient(ctx).Match.UpdateOneID(id).SetStatus(match.StatusCOMPLETED).
		Save(lifecycle.WithAction(ctx, lifecycle.Complete))
	return m, notFoundAs(err, "id", "Match")
}

func (r *Resolver) withdrawMatch(ctx context.Context, id int) (*ent.Match, error) {
	m, err := txClient(ctx).Match.UpdateOneID(id).SetStatus(match.StatusWITHDRAWN).
		Save(lifecycle.WithAction(ctx, lifecycle.Withdraw))
	return m, notFoundAs(err, "id", "Match")
}

// matchMessage answers a match's message or response, personal fields
// that the parties' MEMBER keys read besides EDITOR and ADMIN keys
// (internal/personal); whether the key's organization is a party is
// asked of the database only when that decides.
func (r *Resolver) matchMessage(ctx context.Context, m *ent.Match, text string) (*string, error) {
	org := viewer.From(ctx).OrganizationID
	return personalString(ctx, text, func() (bool, error) {
		party, err := r.client.Match.Query().Where(match.ID(m.ID), match.Or(
			match.HasOfferWith(matchoffer.ProviderID(org)),
			match.HasNeedWith(matchneedSeeker(org)),
		)).Exist(ctx)
		if err != nil {
			return false, fmt.Errorf("checking the match's parties: %w", err)
		}
		return party, nil
	})
}

func matchneedSeeker(org int) predicate.MatchNeed { return matchneed.SeekerID(org) }
