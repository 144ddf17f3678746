package schema

import (
	"context"
	"errors"
	"fmt"
	"time"

	"entgo.io/ent"

	gen "sscgraph/ent"
	"sscgraph/ent/hook"
	"sscgraph/ent/match"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/privacy"
	"sscgraph/internal/apierr"
	"sscgraph/internal/lifecycle"
	"sscgraph/internal/validate"
	"sscgraph/internal/viewer"
)

// The Match platform's rules of state (package lifecycle), applied to every
// write of an offer, a need or a match, whichever mutation leads to it.
// sscgraph's own writes (the dataset) are trusted; they still keep
// live_pair.

// postingClock is when a write happens, for expiry; tests do not move it.
var postingClock = time.Now

// isModerator reports whether the caller's key may moderate Match: EDITOR
// and ADMIN keys.
func isModerator(ctx context.Context) bool {
	r := viewer.From(ctx).Role
	return r == viewer.RoleEditor || r == viewer.RoleAdmin
}

// refusal turns a lifecycle refusal into the API's error: FORBIDDEN for the
// wrong role or party, BAD_USER_INPUT naming field otherwise.
func refusal(err error, field string) error {
	var r *lifecycle.Refusal
	if !errors.As(err, &r) {
		return err
	}
	if r.Forbidden {
		return apierr.New(apierr.Forbidden, "%s", r.Message)
	}
	return validate.Errorf(field, "%s", r.Message)
}

// notFuture refuses a posting date in the future (a minute of clock skew
// aside): postings are published when they are written.
func notFuture(kind string, posted time.Time, set bool, now time.Time) error {
	if set && posted.After(now.Add(time.Minute)) {
		return validate.Errorf("postedAt", "an %s cannot be posted in the future (%s)", kind, posted.UTC().Format(time.RFC3339))
	}
	return nil
}

// offerLifecycle checks an offer's status change as it reads before and
// after the write, expiry included.
func offerLifecycle(ctx context.Context, m *gen.MatchOfferMutation) error {
	if _, ok := viewer.SystemFrom(ctx); ok {
		return nil
	}
	now := postingClock()
	posted, postedSet := m.PostedAt()
	if err := notFuture("offer", posted, postedSet, now); err != nil {
		return err
	}
	status, statusSet := m.Status()
	if m.Op().Is(ent.OpCreate) {
		return refusal(lifecycle.NewPosting("offer", string(status), isModerator(ctx)), "status")
	}
	id, _ := m.ID()
	cur, err := lockedOffer(ctx, m.Client(), id)
	if err != nil {
		return err
	}
	oldStatus, oldExpires := cur.Status, cur.ExpiresAt
	newStatus, newExpires := oldStatus, oldExpires
	if statusSet {
		newStatus = status
	}
	if e, ok := m.ExpiresAt(); ok {
		newExpires = &e
	} else if m.ExpiresAtCleared() {
		newExpires = nil
	}
	wrote := ""
	if statusSet {
		wrote = string(status)
	}
	from := lifecycle.Effective(string(oldStatus), oldExpires, now)
	to := lifecycle.Effective(string(newStatus), newExpires, now)
	return refusal(lifecycle.Posting("offer", from, to, wrote, isModerator(ctx)), "status")
}

// needLifecycle checks a need's status change (needs do not expire).
func needLifecycle(ctx context.Context, m *gen.MatchNeedMutation) error {
	if _, ok := viewer.SystemFrom(ctx); ok {
		return nil
	}
	posted, postedSet := m.PostedAt()
	if err := notFuture("need", posted, postedSet, postingClock()); err != nil {
		return err
	}
	status, statusSet := m.Status()
	if m.Op().Is(ent.OpCreate) {
		return refusal(lifecycle.NewPosting("need", string(status), isModerator(ctx)), "status")
	}
	if !statusSet {
		return nil
	}
	id, _ := m.ID()
	cur, err := lockedNeed(ctx, m.Client(), id)
	if err != nil {
		return err
	}
	return refusal(lifecycle.Posting("need", string(cur.Status), string(status), string(status), isModerator(ctx)), "status")
}

// matchLifecycle runs the match state machine on every create and update
// of a match: the move must be one of lifecycle's, taken by a caller who
// may take it; MEMBER keys move matches only through the Match mutations
// (proposeMatch, respondToMatch, completeMatch, withdrawMatch), which mark
// their context with the action. It keeps live_pair, the timestamps and,
// once a match is accepted, the postings' MATCHED status.
func matchLifecycle(next ent.Mutator) ent.Mutator {
	return hook.MatchFunc(func(ctx context.Context, m *gen.MatchMutation) (gen.Value, error) {
		v, err := matchWrite(ctx, m, next)
		if conflict := lockConflict(err); conflict != nil {
			return nil, conflict
		}
		return v, err
	})
}

// matchWrite is matchLifecycle's work on one write.
func matchWrite(ctx context.Context, m *gen.MatchMutation, next ent.Mutator) (gen.Value, error) {
	_, system := viewer.SystemFrom(ctx)
	rctx := privacy.DecisionContext(ctx, privacy.Allow)
	client := m.Client()
	now := postingClock()
	member := !system && viewer.From(ctx).Role == viewer.RoleMember
	if member && m.Op().Is(ent.OpUpdateOne) {
		if err := serverOwned(m); err != nil {
			return nil, err
		}
	}

	from, proposedBy := "", 0
	offerID, offerSet := m.OfferID()
	needID, needSet := m.NeedID()
	if id, ok := m.ID(); ok && m.Op().Is(ent.OpUpdateOne) {
		// Locked first: a concurrent move of the same match waits,
		// then reads the state this one leaves.
		q := client.Match.Query().Where(match.ID(id)).WithOffer().WithNeed().WithProposedBy()
		q.Modify(forUpdate)
		cur, err := q.Only(rctx)
		if err != nil {
			return nil, fmt.Errorf("reading the match: %w", err)
		}
		from = string(cur.Status)
		if member && lifecycle.Final(from) {
			return nil, validate.Errorf("id", "the match is %s, which is final: its parties cannot change it", from)
		}
		// The parties as they are, when the write keeps them.
		if !offerSet {
			offerID = cur.Edges.Offer.ID
		}
		if !needSet {
			needID = cur.Edges.Need.ID
		}
		if cur.Edges.ProposedBy != nil {
			proposedBy = cur.Edges.ProposedBy.ID
		}
	}
	if p, ok := m.ProposedByID(); ok {
		proposedBy = p
	}
	to := from
	if s, ok := m.Status(); ok {
		to = string(s)
	}

	fills := false // the write accepts the match that fills the offer
	if !system {
		// Locked after the match, the offer before the need: every
		// write of a match takes its locks in this order (locks.go).
		offer, need, err := lockPostings(rctx, client, offerID, needID)
		if err != nil {
			return nil, err
		}
		if fills, err = checkMatchMove(ctx, rctx, m, from, to, offer, need, proposedBy, offerSet || needSet, now); err != nil {
			return nil, err
		}
	}

	// One live match per pair: live_pair is unique.
	pair := fmt.Sprintf("%d:%d", offerID, needID)
	if lifecycle.Live(to) {
		q := client.Match.Query().Where(match.LivePair(pair))
		if id, ok := m.ID(); ok {
			q.Where(match.IDNEQ(id))
		}
		taken, err := q.Exist(rctx)
		if err != nil {
			return nil, fmt.Errorf("checking the pair's matches: %w", err)
		}
		if taken {
			return nil, validate.Errorf("offer", "the offer and the need already have a live match (PROPOSED or ACCEPTED)")
		}
		m.SetLivePair(pair)
	} else if m.Op().Is(ent.OpUpdateOne) {
		m.ClearLivePair()
	}

	v, err := next.Mutate(ctx, m)
	if err != nil {
		if gen.IsConstraintError(err) && lifecycle.Live(to) {
			// Another request made a live match of the pair meanwhile.
			return nil, validate.Errorf("offer", "the offer and the need already have a live match (PROPOSED or ACCEPTED)")
		}
		return nil, err
	}
	if !system && to == lifecycle.Accepted && from != lifecycle.Accepted {
		if err := markMatched(rctx, client, offerID, needID, fills); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// checkMatchMove applies the state machine and the parties' rules to one
// write of a match by a caller (not sscgraph itself), and sets the
// timestamps of the move. It reports whether the write accepts the match
// that uses the offer's last place.
func checkMatchMove(ctx, rctx context.Context, m *gen.MatchMutation, from, to string, offer *gen.MatchOffer, need *gen.MatchNeed, proposedBy int, repointed bool, now time.Time) (bool, error) {
	v := viewer.From(ctx)
	moderator := isModerator(ctx)
	fills := false
	action, marked := lifecycle.ActionFrom(ctx)
	if !marked && !moderator {
		switch {
		case m.Op().Is(ent.OpCreate):
			return false, apierr.New(apierr.Forbidden, "MEMBER keys propose matches with proposeMatch, not createMatch")
		case from != to || repointed:
			return false, apierr.New(apierr.Forbidden, "MEMBER keys change a match's state with respondToMatch, completeMatch or withdrawMatch; its offer and need do not change")
		}
	}
	if from == to && !m.Op().Is(ent.OpCreate) && !marked {
		return false, nil // no move: other fields change
	}
	move, err := lifecycle.MatchMove(from, to)
	if err != nil {
		return false, refusal(err, "status")
	}
	if marked && move != action {
		return false, fmt.Errorf("lifecycle: %s led to %s", action, move)
	}

	party := lifecycle.Party{Moderator: moderator, Provider: offer.ProviderID, Seeker: need.SeekerID, ProposedBy: proposedBy}
	if v.Role == viewer.RoleMember {
		party.Org = v.OrganizationID
	}
	if err := refusal(lifecycle.MayAct(party, move, from), "id"); err != nil {
		return false, err
	}

	switch move {
	case lifecycle.Propose, lifecycle.Accept:
		offerStatus := lifecycle.Effective(string(offer.Status), offer.ExpiresAt, now)
		if offerStatus != lifecycle.Open {
			return false, validate.Errorf("offer", "the offer is %s: only an OPEN offer can be matched", offerStatus)
		}
		if string(need.Status) != lifecycle.Open {
			return false, validate.Errorf("need", "the need is %s: only an OPEN need can be matched", need.Status)
		}
		if offer.ProviderID == need.SeekerID {
			return false, validate.Errorf("offer", "an organization's offer cannot serve its own need")
		}
		used, err := m.Client().Match.Query().Where(match.HasOfferWith(matchoffer.ID(offer.ID)),
			match.StatusIn(match.StatusACCEPTED, match.StatusCOMPLETED)).Count(rctx)
		if err != nil {
			return false, fmt.Errorf("counting the offer's matches: %w", err)
		}
		if used >= offer.Capacity {
			return false, validate.Errorf("offer", "the offer has no capacity left: %d of %d places are taken", used, offer.Capacity)
		}
		fills = move == lifecycle.Accept && used+1 >= offer.Capacity
	}
	switch move {
	case lifecycle.Accept, lifecycle.Decline, lifecycle.Withdraw:
		m.SetRespondedAt(now)
	case lifecycle.Complete:
		m.SetCompletedAt(now)
	}
	return fills, nil
}

// markMatched marks the need MATCHED, and the offer MATCHED when the
// accepted match fills its capacity. It runs in the match's transaction,
// as part of the caller's write (the postings' rules see OPEN → MATCHED).
func markMatched(ctx context.Context, client *gen.Client, offerID, needID int, fills bool) error {
	if err := client.MatchNeed.UpdateOneID(needID).
		Where(matchneed.StatusEQ(matchneed.StatusOPEN)).
		SetStatus(matchneed.StatusMATCHED).Exec(ctx); err != nil && !gen.IsNotFound(err) {
		return fmt.Errorf("marking the need MATCHED: %w", err)
	}
	if fills {
		if err := client.MatchOffer.UpdateOneID(offerID).SetStatus(matchoffer.StatusMATCHED).Exec(ctx); err != nil {
			return fmt.Errorf("marking the offer MATCHED: %w", err)
		}
	}
	return nil
}
