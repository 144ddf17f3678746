package schema

import (
	"context"
	"fmt"

	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	gen "sscgraph/ent"
	"sscgraph/ent/activity"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/privacy"
	"sscgraph/internal/dbhealth"
	"sscgraph/internal/validate"
)

// The Match rules read, then write: an offer's capacity counts its
// accepted matches, a need is matched while OPEN, a pair has one live
// match. On PostgreSQL two transactions could both read the room that
// only one of them may take, so a write of a match first locks the rows
// it depends on, in one order everywhere (the match, then its offer, then
// its need) so that two writes cannot wait on each other. Under READ
// COMMITTED each statement after the lock sees what the previous holder
// committed. SQLite needs no lock: its transactions begin IMMEDIATE
// (internal/database), so writers already run one at a time, and it has
// no FOR UPDATE.

// forUpdate makes a query lock the rows it reads until the transaction
// ends, on PostgreSQL.
func forUpdate(s *sql.Selector) {
	if s.Dialect() == dialect.Postgres {
		s.ForUpdate()
	}
}

// lockPostings reads the offer and then the need of a match, locked.
func lockPostings(ctx context.Context, client *gen.Client, offerID, needID int) (*gen.MatchOffer, *gen.MatchNeed, error) {
	offer, err := lockedOffer(ctx, client, offerID)
	if err != nil {
		return nil, nil, err
	}
	need, err := lockedNeed(ctx, client, needID)
	if err != nil {
		return nil, nil, err
	}
	return offer, need, nil
}

// lockedOffer reads an offer, locked. A write of the offer's status
// judges its move from what this reads, not from ent's old value (which
// an earlier hook may have read before a concurrent acceptance made the
// offer MATCHED).
func lockedOffer(ctx context.Context, client *gen.Client, id int) (*gen.MatchOffer, error) {
	q := client.MatchOffer.Query().Where(matchoffer.ID(id))
	q.Modify(forUpdate)
	offer, err := q.Only(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return nil, fmt.Errorf("reading the offer: %w", err)
	}
	return offer, nil
}

// lockedNeed reads a need, locked (see lockedOffer).
func lockedNeed(ctx context.Context, client *gen.Client, id int) (*gen.MatchNeed, error) {
	q := client.MatchNeed.Query().Where(matchneed.ID(id))
	q.Modify(forUpdate)
	need, err := q.Only(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return nil, fmt.Errorf("reading the need: %w", err)
	}
	return need, nil
}

// lockConflict turns a deadlock or a serialization failure (which the
// lock order should prevent, but a mutation operation of several fields
// can still meet) into bad input the client may send again; nil when err
// is neither.
func lockConflict(err error) error {
	if !dbhealth.IsConflict(err) {
		return nil
	}
	return validate.Errorf("id", "another request changed the same offer or need at the same moment: nothing was written; send the request again")
}

// lockActivity locks an activity's row before a write of its total or its
// beneficiary countries, so that the write and the participants rule's
// check after it (package participants) see no other such write between
// them. setActivityBeneficiaries writes through this too: its first
// statement is the activity's update.
func lockActivity(ctx context.Context, client *gen.Client, id int) error {
	q := client.Activity.Query().Where(activity.ID(id))
	q.Modify(forUpdate)
	if _, err := q.IDs(privacy.DecisionContext(ctx, privacy.Allow)); err != nil {
		return fmt.Errorf("locking the activity: %w", err)
	}
	return nil
}

// answeringConflicts makes a hook whose writes lock rows (a posting's
// status, an activity's participants) answer a lost transaction as
// lockConflict does, whichever of its statements PostgreSQL aborted.
func answeringConflicts(h ent.Hook) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		inner := h(next)
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			v, err := inner.Mutate(ctx, m)
			if conflict := lockConflict(err); conflict != nil {
				return nil, conflict
			}
			return v, err
		})
	}
}
