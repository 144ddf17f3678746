package pubsub

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"entgo.io/ent"

	gen "sscgraph/ent"
	"sscgraph/ent/hook"
	"sscgraph/ent/match"
	"sscgraph/ent/privacy"
)

// publishLimit bounds how long publishing the events of one commit may
// take: the write is committed already, and its answer waits.
const publishLimit = 5 * time.Second

// Register adds to client the hooks that publish the Match platform's
// committed writes to p: offers created or changed, needs changed, and
// matches created or their status changed.
//
// The hooks are ent mutation hooks, so they see every write whichever
// resolver or path makes it (the generic mutations, the match flow, the
// command line). A write in a transaction publishes once the transaction
// commits (ent's OnCommit), never when it rolls back; a write outside one
// has committed when it returns, and publishes then. They are outermost,
// around the schema's own hooks and privacy rules, and publish only
// writes those let through.
//
// Register is called once per client: a second call would publish every
// event twice.
func Register(client *gen.Client, p Publisher, logger *slog.Logger) {
	writes := ent.OpCreate | ent.OpUpdate | ent.OpUpdateOne
	client.MatchOffer.Use(hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.MatchOfferFunc(func(ctx context.Context, m *gen.MatchOfferMutation) (ent.Value, error) {
			return mutate(ctx, p, logger, Offer, m, m.Op(), m.ID, m.IDs, m.Tx, func(ctx context.Context) (ent.Value, error) { return next.Mutate(ctx, m) }, nil)
		})
	}, writes))
	client.MatchNeed.Use(hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.MatchNeedFunc(func(ctx context.Context, m *gen.MatchNeedMutation) (ent.Value, error) {
			if m.Op().Is(ent.OpCreate) {
				// A new need has no subscribers yet: suggestions follow
				// needs that exist.
				return next.Mutate(ctx, m)
			}
			return mutate(ctx, p, logger, Need, m, m.Op(), m.ID, m.IDs, m.Tx, func(ctx context.Context) (ent.Value, error) { return next.Mutate(ctx, m) }, nil)
		})
	}, ent.OpUpdate|ent.OpUpdateOne))
	client.Match.Use(hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.MatchFunc(func(ctx context.Context, m *gen.MatchMutation) (ent.Value, error) {
			if _, changed := m.Status(); !changed && !m.Op().Is(ent.OpCreate) {
				return next.Mutate(ctx, m) // not a change of state
			}
			return mutate(ctx, p, logger, Match, m, m.Op(), m.ID, m.IDs, m.Tx, func(ctx context.Context) (ent.Value, error) { return next.Mutate(ctx, m) }, matchParties(m))
		})
	}, writes))
}

// OnWrite adds to client a hook that calls f after every write of any
// type commits (at its transaction's commit, or when it returns outside
// one), never for a write that fails or rolls back, with the write's
// context. f runs on the writer's goroutine, after the commit: it must be
// quick.
func OnWrite(client *gen.Client, f func(ctx context.Context)) {
	client.Use(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			if t, ok := m.(interface{ Tx() (*gen.Tx, error) }); ok {
				afterCommit(ctx, t.Tx, func() { f(ctx) })
			} else {
				f(ctx)
			}
			return v, nil
		})
	})
}

// mutate runs a write and, when it succeeds, arranges for its events to
// be published after it commits. parties, when given, fills in a match's
// need and offer.
func mutate(
	ctx context.Context, p Publisher, logger *slog.Logger, kind Kind, m ent.Mutation, op ent.Op,
	id func() (int, bool), ids func(context.Context) ([]int, error), tx func() (*gen.Tx, error),
	write func(context.Context) (ent.Value, error),
	parties func(ctx context.Context, events []Event) error,
) (ent.Value, error) {
	var changed []int
	if op.Is(ent.OpUpdate) {
		// A bulk update names rows by a predicate that may no longer hold
		// once it ran: find them first. Reading them is sscgraph's own
		// business, whoever writes.
		var err error
		if changed, err = ids(privacy.DecisionContext(ctx, privacy.Allow)); err != nil {
			return nil, fmt.Errorf("finding the %ss an update changes: %w", kind, err)
		}
	}
	v, err := write(ctx)
	if err != nil {
		return v, err
	}
	what := Updated
	if op.Is(ent.OpCreate) {
		what = Created
	}
	if n, ok := id(); ok && !op.Is(ent.OpUpdate) {
		changed = []int{n}
	}
	if len(changed) == 0 {
		return v, nil
	}
	events := make([]Event, len(changed))
	for i, n := range changed {
		events[i] = Event{Kind: kind, Op: what, ID: n}
	}
	if parties != nil {
		if err := parties(privacy.DecisionContext(ctx, privacy.Allow), events); err != nil {
			return nil, fmt.Errorf("reading the parties of changed %ss (%s): %w", kind, m.Type(), err)
		}
	}
	afterCommit(ctx, tx, func() { publish(ctx, p, logger, events) })
	return v, nil
}

// afterCommit runs f once the write in ctx is committed: at the commit of
// its transaction, or now when it ran outside one.
func afterCommit(ctx context.Context, tx func() (*gen.Tx, error), f func()) {
	t, err := tx()
	if err != nil {
		f() // not in a transaction: the write has committed
		return
	}
	t.OnCommit(func(next gen.Committer) gen.Committer {
		return gen.CommitFunc(func(ctx context.Context, tx *gen.Tx) error {
			if err := next.Commit(ctx, tx); err != nil {
				return err
			}
			f()
			return nil
		})
	})
}

// publish sends events, logging a failure: the write stands whether or
// not its events reach anyone, so a failure must not turn it into an
// error for the client that made it.
func publish(ctx context.Context, p Publisher, logger *slog.Logger, events []Event) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishLimit)
	defer cancel()
	if err := p.Publish(ctx, events...); err != nil {
		logger.ErrorContext(ctx, "publishing events of a committed write", "events", len(events), "kind", events[0].Kind, "err", err)
	}
}

// matchParties fills in each match event's status, need and offer: from
// the mutation when it sets them (a new match), else from the rows, in
// the write's transaction.
func matchParties(m *gen.MatchMutation) func(ctx context.Context, events []Event) error {
	return func(ctx context.Context, events []Event) error {
		if status, ok := m.Status(); ok {
			for i := range events {
				events[i].Status = string(status)
			}
		}
		need, needSet := m.NeedID()
		offer, offerSet := m.OfferID()
		if needSet && offerSet && len(events) == 1 {
			events[0].Need, events[0].Offer = need, offer
			return nil
		}
		ids := make([]int, len(events))
		for i, e := range events {
			ids[i] = e.ID
		}
		var rows []struct {
			ID    int `json:"id"`
			Need  int `json:"need_id"`
			Offer int `json:"offer_id"`
		}
		err := m.Client().Match.Query().Where(match.IDIn(ids...)).
			Select(match.FieldID, "need_id", "offer_id").Scan(ctx, &rows)
		if err != nil {
			return err
		}
		byID := make(map[int]int, len(rows))
		for i, r := range rows {
			byID[r.ID] = i
		}
		for i := range events {
			if j, ok := byID[events[i].ID]; ok {
				events[i].Need, events[i].Offer = rows[j].Need, rows[j].Offer
			}
		}
		return nil
	}
}
