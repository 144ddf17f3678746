package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/ent"
	"sscgraph/ent/match"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/predicate"
	"sscgraph/internal/apierr"
	"sscgraph/internal/gid"
	"sscgraph/internal/matching"
	"sscgraph/internal/pubsub"
	"sscgraph/internal/viewer"
)

// Subscriptions is the gqlgen extension that serves the Subscription
// fields: it hands each subscription operation the events it listens to
// (as Transactions hands mutations their transaction) and ends it, with a
// GraphQL error saying why, when it outlives Lifetime or falls behind the
// events.
//
// A subscription's resolver reads every event's row from the database
// with the subscriber's own viewer and filters, the same predicates a
// query runs, so that a subscriber receives exactly what it could have
// queried: the event itself carries no data.
type Subscriptions struct {
	Events pubsub.Subscriber
	Logger *slog.Logger
	// Lifetime is the longest a subscription lasts (0: no limit). A
	// subscription whose key is revoked or expires ends sooner, when
	// its process announces the key's end (pubsub.KeyEnded).
	Lifetime time.Duration
	// EventTimeout bounds the work done for one event: reading the row,
	// ranking suggestions (0: no limit).
	EventTimeout time.Duration
}

var (
	_ graphql.HandlerExtension     = (*Subscriptions)(nil)
	_ graphql.OperationInterceptor = (*Subscriptions)(nil)
	_ graphql.ResponseInterceptor  = (*Subscriptions)(nil)
)

// ExtensionName names the extension in gqlgen's registry.
func (*Subscriptions) ExtensionName() string { return "Subscriptions" }

// Validate checks that the extension has its events.
func (s *Subscriptions) Validate(graphql.ExecutableSchema) error {
	if s.Events == nil || s.Logger == nil {
		return fmt.Errorf("graph.Subscriptions needs events and a logger")
	}
	return nil
}

// InterceptOperation gives a subscription operation its stream.
func (s *Subscriptions) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if op := graphql.GetOperationContext(ctx).Operation; op == nil || op.Operation != ast.Subscription {
		return next(ctx)
	}
	return next(context.WithValue(ctx, streamKey{}, &stream{config: s}))
}

// InterceptResponse answers the end of a stream that the server ended
// with the reason, once, before the transport completes it.
func (s *Subscriptions) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp != nil {
		return resp
	}
	st, _ := ctx.Value(streamKey{}).(*stream)
	if st == nil {
		return nil
	}
	if err := st.takeEnd(); err != nil {
		return &graphql.Response{Errors: gqlerror.List{err}}
	}
	return nil
}

type streamKey struct{}

// stream is one subscription operation's state.
type stream struct {
	config *Subscriptions

	mu       sync.Mutex
	ended    *gqlerror.Error // why the server ended it, until answered
	answered bool
}

// end records why the server ends the stream.
func (st *stream) end(err *gqlerror.Error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.ended == nil && !st.answered {
		st.ended = err
	}
}

// takeEnd returns the reason the stream ended, the first time it is asked.
func (st *stream) takeEnd() *gqlerror.Error {
	st.mu.Lock()
	defer st.mu.Unlock()
	err := st.ended
	st.ended, st.answered = nil, true
	return err
}

// listen subscribes to the events for the subscription in ctx.
func listen(ctx context.Context) (*stream, *pubsub.Subscription, error) {
	st, _ := ctx.Value(streamKey{}).(*stream)
	if st == nil {
		return nil, nil, errors.New("subscriptions are served without graph.Subscriptions")
	}
	sub, err := st.config.Events.Subscribe(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("subscribing to events: %w", err)
	}
	return st, sub, nil
}

// deliver runs a subscription: for each event, handle decides what, if
// anything, the subscriber receives. It ends when ctx does (the client
// left), when the subscription's lifetime is over, when its key was
// revoked or expired, when the subscriber fell behind the events, or when
// handle fails; in the last four cases the stream's last answer says why.
//
// Events that arrive while handle runs wait in the subscription's queue;
// batch lets a handler see them at once (suggestions recompute once for
// a burst of writes).
func deliver[T any](ctx context.Context, st *stream, sub *pubsub.Subscription, batch bool, handle func(ctx context.Context, events []pubsub.Event) (T, bool, error)) <-chan T {
	out := make(chan T)
	cfg := st.config
	var lifetime <-chan time.Time
	if cfg.Lifetime > 0 {
		t := time.NewTimer(cfg.Lifetime)
		lifetime = t.C
		context.AfterFunc(ctx, func() { t.Stop() })
	}
	tokenEnd := tokenExpiry(ctx)
	expired := func() {
		st.end(apierr.New(apierr.LimitExceeded, "the subscription reached its lifetime of %s: subscribe again to go on", cfg.Lifetime).
			With("limit", "subscriptionLifetime").With("maximum", cfg.Lifetime.String()).GQL())
	}
	go func() {
		defer close(out)
		for {
			var events []pubsub.Event
			select {
			case <-ctx.Done():
				return
			case <-lifetime:
				expired()
				return
			case <-tokenEnd:
				st.end(tokenExpired())
				return
			case e, ok := <-sub.Events():
				if !ok {
					st.end(droppedError(sub.Err()))
					return
				}
				events = append(events, e)
			}
			for batch && len(events) < cap(sub.Events())+1 {
				e, ok := tryReceive(sub.Events())
				if !ok {
					break
				}
				events = append(events, e)
			}
			ended, rest := keyEnded(ctx, events)
			if ended != nil {
				st.end(ended)
				return
			}
			if events = rest; len(events) == 0 {
				continue
			}
			ectx, cancel := ctx, context.CancelFunc(func() {})
			if cfg.EventTimeout > 0 {
				ectx, cancel = context.WithTimeout(ctx, cfg.EventTimeout)
			}
			v, send, err := handle(ectx, events)
			cancel()
			switch {
			case ctx.Err() != nil:
				return
			case errors.Is(err, context.DeadlineExceeded):
				st.end(apierr.New(apierr.Timeout, "reading an event's data ran out of time (%s): subscribe again", cfg.EventTimeout).GQL())
				return
			case err != nil:
				st.end(Internal(ctx, cfg.Logger, fmt.Errorf("subscription event: %w", err), nil))
				return
			case !send:
				continue
			}
			select {
			case out <- v:
			case <-ctx.Done():
				return
			case <-lifetime:
				expired()
				return
			case <-tokenEnd:
				st.end(tokenExpired())
				return
			}
		}
	}()
	return out
}

// tryReceive takes an event that is already queued, without waiting.
func tryReceive(ch <-chan pubsub.Event) (pubsub.Event, bool) {
	select {
	case e, ok := <-ch:
		return e, ok
	default:
		return pubsub.Event{}, false
	}
}

// droppedError says why the broker ended a subscription.
func droppedError(err error) *gqlerror.Error {
	switch {
	case errors.Is(err, pubsub.ErrSlow):
		return apierr.New(apierr.LimitExceeded, "the subscriber did not keep up with the events and was dropped: read faster, or subscribe to fewer events").
			With("limit", "subscriberQueue").GQL()
	default:
		// The client left, or the server is shutting down (ErrClosed),
		// which closes the connection too: the stream just ends.
		return nil
	}
}

// offerPosted streams new OPEN offers that match where.
func (r *Resolver) offerPosted(ctx context.Context, where *ent.MatchOfferWhereInput) (<-chan *ent.MatchOffer, error) {
	filter, err := offerFilter(where)
	if err != nil {
		return nil, err
	}
	st, sub, err := listen(ctx)
	if err != nil {
		return nil, err
	}
	return deliver(ctx, st, sub, false, func(ctx context.Context, events []pubsub.Event) (*ent.MatchOffer, bool, error) {
		e := events[0]
		if e.Kind != pubsub.Offer || e.Op != pubsub.Created {
			return nil, false, nil
		}
		open := matchoffer.StatusOPEN
		isOpen, err := (&ent.MatchOfferWhereInput{Status: &open}).P()
		if err != nil {
			return nil, false, fmt.Errorf("filtering open offers: %w", err)
		}
		q := r.client.MatchOffer.Query().Where(matchoffer.ID(e.ID), isOpen)
		if filter != nil {
			q = q.Where(filter)
		}
		return only(ctx, q.CollectFields, "offer")
	}), nil
}

// offerFilter is the predicate of a subscription's where: the one a query
// with the same where runs. The operation's checks have validated and
// priced it already.
func offerFilter(where *ent.MatchOfferWhereInput) (predicate.MatchOffer, error) {
	if where == nil {
		return nil, nil
	}
	p, err := where.P()
	switch {
	case errors.Is(err, ent.ErrEmptyMatchOfferWhereInput):
		return nil, nil
	case err != nil:
		return nil, apierr.BadInput("where: %v", err).With("field", "where")
	}
	return p, nil
}

// only reads the one row a query built by collect finds, with the fields
// the subscription selects; false when there is none (it does not pass
// the filter, or is gone).
func only[Q interface {
	Only(context.Context) (T, error)
}, T any](ctx context.Context, collect func(context.Context, ...string) (Q, error), what string) (T, bool, error) {
	var zero T
	q, err := collect(ctx)
	if err != nil {
		return zero, false, fmt.Errorf("collecting the %s's fields: %w", what, err)
	}
	v, err := q.Only(ctx)
	switch {
	case ent.IsNotFound(err):
		return zero, false, nil
	case err != nil:
		return zero, false, fmt.Errorf("reading the %s: %w", what, err)
	}
	return v, true, nil
}

// matchChanged streams the state changes of matches: of a need, an
// offer, or (without either) every match the viewer is a party to, or
// every match for EDITOR and ADMIN keys. Whether the viewer may follow a
// given need or offer is decided when it subscribes; each event is
// filtered again, in its query.
//
// Each match is sent as it is read when its event is handled; a change
// that a later one has overtaken by then is skipped (see pubsub.Event's
// Status), so a subscriber never receives the same state twice, nor a
// state mixed from two changes, and always the latest.
func (r *Resolver) matchChanged(ctx context.Context, need, offer *int) (<-chan *ent.Match, error) {
	party, err := r.matchParty(ctx, need, offer)
	if err != nil {
		return nil, err
	}
	st, sub, err := listen(ctx)
	if err != nil {
		return nil, err
	}
	return deliver(ctx, st, sub, false, func(ctx context.Context, events []pubsub.Event) (*ent.Match, bool, error) {
		e := events[0]
		if e.Kind != pubsub.Match ||
			(need != nil && e.Need != 0 && e.Need != *need) ||
			(offer != nil && e.Offer != 0 && e.Offer != *offer) {
			return nil, false, nil
		}
		q := r.client.Match.Query().Where(match.ID(e.ID))
		if e.Status != "" {
			// Read as this change left it: when a later change has moved
			// the match on already, that change's event sends it.
			q = q.Where(match.StatusEQ(match.Status(e.Status)))
		}
		if need != nil {
			q = q.Where(match.HasNeedWith(matchneed.ID(*need)))
		}
		if offer != nil {
			q = q.Where(match.HasOfferWith(matchoffer.ID(*offer)))
		}
		if party != nil {
			q = q.Where(party)
		}
		return only(ctx, q.CollectFields, "match")
	}), nil
}

// matchParty decides whether the viewer may follow the matches of need
// and offer, and returns the condition every match it receives must meet:
// nil for EDITOR and ADMIN keys, being a party for MEMBER keys.
func (r *Resolver) matchParty(ctx context.Context, need, offer *int) (predicate.Match, error) {
	if err := checkIDType(ctx, need, "need", "MatchNeed"); err != nil {
		return nil, err
	}
	if err := checkIDType(ctx, offer, "offer", "MatchOffer"); err != nil {
		return nil, err
	}
	v := viewer.From(ctx)
	switch {
	case v.Anonymous():
		return nil, apierr.New(apierr.Unauthenticated, "matchChanged needs the API key of a party or of an EDITOR or ADMIN: send Authorization: Bearer <key> (over WebSocket, or in connection_init's payload)")
	case v.Role == viewer.RoleAdmin || v.Role == viewer.RoleEditor:
		return nil, r.postingsExist(ctx, need, offer)
	case v.Role != viewer.RoleMember || v.OrganizationID == 0:
		return nil, apierr.New(apierr.Forbidden, "only the parties' MEMBER keys and EDITOR and ADMIN keys follow matches")
	}
	org := v.OrganizationID
	if need != nil || offer != nil {
		mine := false
		if need != nil {
			n, err := r.client.MatchNeed.Query().Where(matchneed.ID(*need)).Only(ctx)
			if err != nil {
				return nil, missingPosting(err, "need", "MatchNeed")
			}
			mine = n.SeekerID == org
		}
		if offer != nil {
			o, err := r.client.MatchOffer.Query().Where(matchoffer.ID(*offer)).Only(ctx)
			if err != nil {
				return nil, missingPosting(err, "offer", "MatchOffer")
			}
			mine = mine || o.ProviderID == org
		}
		if !mine {
			return nil, apierr.New(apierr.Forbidden, "a MEMBER key follows the matches of its own organization's needs and offers only")
		}
	}
	return match.Or(
		match.HasOfferWith(matchoffer.ProviderID(org)),
		match.HasNeedWith(matchneed.SeekerID(org)),
	), nil
}

// postingsExist refuses a subscription to a need or offer that does not
// exist, which would never receive anything.
func (r *Resolver) postingsExist(ctx context.Context, need, offer *int) error {
	if need != nil {
		if ok, err := r.client.MatchNeed.Query().Where(matchneed.ID(*need)).Exist(ctx); err != nil || !ok {
			return missingPosting(orNotFound(err), "need", "MatchNeed")
		}
	}
	if offer != nil {
		if ok, err := r.client.MatchOffer.Query().Where(matchoffer.ID(*offer)).Exist(ctx); err != nil || !ok {
			return missingPosting(orNotFound(err), "offer", "MatchOffer")
		}
	}
	return nil
}

func orNotFound(err error) error {
	if err != nil {
		return err
	}
	return &ent.NotFoundError{}
}

// missingPosting answers an ID that names no row as bad input naming the
// argument, as the match mutations do.
func missingPosting(err error, arg, typ string) error {
	if ent.IsNotFound(err) {
		return apierr.BadInput("%s: no %s has that ID", arg, typ).With("field", arg)
	}
	return fmt.Errorf("reading the %s: %w", arg, err)
}

// checkIDType refuses an ID of another type where a type is expected: the
// operation's checks leave the type of matchChanged's arguments to it
// (ResolverIDChecks), so that the refusal names the argument alone, as it
// always has.
func checkIDType(ctx context.Context, id *int, arg, typ string) error {
	if id == nil {
		return nil
	}
	return gid.CheckType(ctx, arg, *id, typ)
}

// DefaultSuggestions is how many suggestions suggestionsChanged follows
// when not told.
const DefaultSuggestions = 10

// suggestionsChanged streams a need's first suggested offers again
// whenever they change. Any change of an offer (posted, edited, closed)
// or of a match (which uses up an offer's capacity, or makes a live pair)
// may change them, and so may a change of the need: each recomputes the
// list, once for a burst of events, and only a list that differs from the
// last is sent.
func (r *Resolver) suggestionsChanged(ctx context.Context, need int, first *int) (<-chan []*matching.OfferSuggestion, error) {
	n := DefaultSuggestions
	if first != nil {
		n = *first
	}
	current, err := r.suggestedOffers(ctx, need, &n, nil)
	if err != nil {
		return nil, err
	}
	last := suggestionsKey(current)
	st, sub, err := listen(ctx)
	if err != nil {
		return nil, err
	}
	return deliver(ctx, st, sub, true, func(ctx context.Context, events []pubsub.Event) ([]*matching.OfferSuggestion, bool, error) {
		if !slices.ContainsFunc(events, func(e pubsub.Event) bool { return affectsSuggestions(e, need) }) {
			return nil, false, nil
		}
		conn, err := r.suggestedOffers(ctx, need, &n, nil)
		switch {
		case ent.IsNotFound(err):
			return nil, false, nil // the need is gone: nothing to suggest for
		case err != nil:
			return nil, false, fmt.Errorf("ranking suggestions: %w", err)
		}
		key := suggestionsKey(conn)
		if key == last {
			return nil, false, nil
		}
		last = key
		out := make([]*matching.OfferSuggestion, 0, len(conn.Edges))
		for _, e := range conn.Edges {
			out = append(out, e.Node)
		}
		return out, true, nil
	}), nil
}

// affectsSuggestions reports whether e may change a need's suggestions.
func affectsSuggestions(e pubsub.Event, need int) bool {
	switch e.Kind {
	case pubsub.Offer, pubsub.Match, pubsub.Resync:
		return true
	case pubsub.Need:
		return e.ID == need
	}
	return false
}

// suggestionsKey sums up a list of suggestions for comparison: the
// offers, in order, with their scores and reasons.
func suggestionsKey(c *matching.OfferSuggestionConnection) string {
	if c == nil {
		return ""
	}
	var b strings.Builder
	for _, e := range c.Edges {
		if e == nil || e.Node == nil || e.Node.Offer == nil {
			continue
		}
		b.WriteString(strconv.Itoa(e.Node.Offer.ID))
		b.WriteByte(':')
		b.WriteString(strconv.FormatFloat(e.Node.Score, 'g', -1, 64))
		for _, reason := range e.Node.Reasons {
			b.WriteByte('|')
			b.WriteString(reason)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
