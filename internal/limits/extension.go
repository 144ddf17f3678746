// Package limits protects the API from operations too large to answer and
// clients that ask too often: it refuses operations over a limit (their
// cost is computed by package graph, which knows the schema) and charges
// the rest to the client's rate-limit bucket.
package limits

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/apierr"
	"sscgraph/internal/dbhealth"
	"sscgraph/internal/reqctx"
)

// Config holds the limits; zero disables a limit.
type Config struct {
	MaxCost    int // points per request
	MaxDepth   int // fields deep, introspection aside
	MaxAliases int // aliased fields per operation
	PerHour    int // points per client per hour
	// AuthFailuresPerHour is how many requests with a bad API key one
	// address may send per hour (with the rate limit on); 0: no limit.
	AuthFailuresPerHour int
	// MaxPredicates bounds the filter conditions and order terms of one
	// operation, MaxFilterDepth the nesting of a filter (and, or, not,
	// has…With), MaxListLength any list in an argument (idIn, or, …).
	MaxPredicates  int
	MaxFilterDepth int
	MaxListLength  int
	// TimePerPoint is the time one point of actual cost stands for: a
	// request that takes longer than its price is charged the difference
	// after the fact (Settle). 0 takes DefaultTimePerPoint.
	TimePerPoint time.Duration
}

// Limits refuses operations over a limit and charges the rest to the
// client's rate-limit bucket.
type Limits struct {
	cfg    Config
	store  Store // nil: no rate limit
	logger *slog.Logger
	now    func() time.Time
}

// New returns the limits of cfg, keeping the rate-limit buckets in store
// (nil: in this process's memory).
func New(cfg Config, store Store, logger *slog.Logger) *Limits {
	l := &Limits{cfg: cfg, logger: logger, now: time.Now}
	if cfg.PerHour > 0 {
		if store == nil {
			store = NewMemory(cfg.PerHour)
		}
		l.store = store
	}
	return l
}

// Config returns the limits' configuration.
func (l *Limits) Config() Config { return l.cfg }

// take charges cost to a bucket and returns what the client is told.
func (l *Limits) take(ctx context.Context, client string, cost int) (reqctx.Rate, bool, error) {
	now := l.now()
	b, err := l.store.Take(ctx, client, cost, now)
	if err != nil {
		return reqctx.Rate{}, false, fmt.Errorf("rate limit of %s: %w", client, err)
	}
	return rateOf(b, cost, float64(l.cfg.PerHour), now), b.Granted, nil
}

// failedAuthCost is what one failed authentication costs the address it
// came from: AuthFailuresPerHour of them fill an hour's bucket.
func (l *Limits) failedAuthCost() int {
	return max(l.cfg.PerHour/l.cfg.AuthFailuresPerHour, 1)
}

// authBucket is the bucket failed authentications are charged to: one
// per address, apart from the address's queries, so that spending points
// on queries does not lock a client out of using its key.
func authBucket(addr string) string { return "auth:" + addr }

// MayAuthenticate reports whether addr may have a key looked up: not when
// its failed authentications have emptied its bucket. Without a rate limit
// it always may.
func (l *Limits) MayAuthenticate(ctx context.Context, addr string) (reqctx.Rate, bool, error) {
	if l.store == nil || l.cfg.AuthFailuresPerHour <= 0 {
		return reqctx.Rate{}, true, nil
	}
	cost := l.failedAuthCost()
	now := l.now()
	b, err := l.store.Take(ctx, authBucket(addr), 0, now)
	if err != nil {
		return reqctx.Rate{}, false, fmt.Errorf("rate limit of %s: %w", authBucket(addr), err)
	}
	b.Granted = b.Tokens >= float64(cost)
	return rateOf(b, cost, float64(l.cfg.PerHour), now), b.Granted, nil
}

// FailedAuthentication charges a failed authentication to addr, and
// reports whether its bucket could pay for it.
func (l *Limits) FailedAuthentication(ctx context.Context, addr string) (reqctx.Rate, bool, error) {
	if l.store == nil || l.cfg.AuthFailuresPerHour <= 0 {
		return reqctx.Rate{}, true, nil
	}
	return l.take(ctx, authBucket(addr), l.failedAuthCost())
}

// Enforce refuses an operation of the given cost when it is over a limit,
// and otherwise charges it to the client's bucket, recording the cost and
// the client's rate state in the request's info.
func (l *Limits) Enforce(ctx context.Context, cost reqctx.Cost) *gqlerror.Error {
	cost.Limit = l.cfg.MaxCost
	info := reqctx.From(ctx)
	if info != nil {
		info.Cost = cost
	}
	for _, c := range []struct {
		what        string
		got, max    int
		explanation string
	}{
		// The limits on the operation's shape first: a filter of 900
		// alternatives is over the predicates limit, and also costs the
		// rows its 900 conditions read; the shape says what to change.
		{"depth", cost.Depth, l.cfg.MaxDepth, "fields deep; query less deeply and fetch the rest by node(id:)"},
		{"aliases", cost.Aliases, l.cfg.MaxAliases, "aliased fields; split the query"},
		{"predicates", cost.Predicates, l.cfg.MaxPredicates, "filter conditions and order terms; filter on fewer fields, or use idIn"},
		{"filterDepth", cost.FilterDepth, l.cfg.MaxFilterDepth, "levels of and, or, not and has…With in a filter"},
		{"listLength", cost.ListLength, l.cfg.MaxListLength, "entries in one list argument"},
		{"cost", cost.Points, l.cfg.MaxCost, "the most nodes it can return and the rows its filters, counts, statistics and searches read; lower first/last, filter, count or group less, or nest less"},
	} {
		if c.max > 0 && c.got > c.max {
			return apierr.New(apierr.LimitExceeded, "query %s %d is over the limit of %d (%s)", c.what, c.got, c.max, c.explanation).
				With("limit", c.what).With("maximum", c.max).With("actual", c.got).GQL()
		}
	}
	if l.store == nil || info == nil {
		return nil
	}
	// The shape limits above hold for the operation whatever answers it;
	// the bucket pays what answering costs: the price, or less for an
	// answer the cache holds (cost.Charged, set by the caller).
	charge := cost.Points
	if cost.Charged > 0 {
		charge = cost.Charged
	}
	info.Cost.Charged = charge
	rate, ok, err := l.take(ctx, info.Client, charge)
	if err != nil {
		// The store is the database: if it fails, so would the query.
		if e, ok := dbhealth.ClientError(err, info.ID, false); ok {
			// Its connection failed past the retries: the client is
			// told to retry, the breaker's log says why.
			return e.GQL()
		}
		l.logger.ErrorContext(ctx, "charging the rate limit", "request_id", info.ID, "err", err)
		return apierr.InternalFor(info.ID).GQL()
	}
	info.Rate = &rate
	if !ok {
		info.Cost.Charged = 0
		return RateLimited(rate, charge)
	}
	return nil
}

// RateLimited is the error of a request refused for the client's rate.
func RateLimited(rate reqctx.Rate, cost int) *gqlerror.Error {
	return rateLimited(rate, fmt.Sprintf("rate limit exceeded: this request costs %d points and %d of your %d points per hour remain", cost, rate.Remaining, rate.Limit))
}

// AuthenticationsLimited is the error of a request refused because its
// address has failed to authenticate too often.
func AuthenticationsLimited(rate reqctx.Rate) *gqlerror.Error {
	return rateLimited(rate, "too many requests with unknown, expired or revoked API keys from this address")
}

func rateLimited(rate reqctx.Rate, what string) *gqlerror.Error {
	return apierr.New(apierr.RateLimited, "%s; retry after %s (at %s)",
		what, rate.RetryAfter, time.Now().Add(rate.RetryAfter).UTC().Format(time.RFC3339)).
		With("retryAfterSeconds", int(rate.RetryAfter/time.Second)).
		With("resetAt", rate.ResetAt.UTC().Format(time.RFC3339)).GQL()
}

// RateLimit is the answer of the rateLimit query field.
type RateLimit struct {
	Cost      int
	MaxCost   int
	Limit     *int
	Remaining *int
	ResetAt   *time.Time
}

// Current returns the rate-limit state of the request in ctx.
func Current(ctx context.Context) *RateLimit {
	info := reqctx.From(ctx)
	if info == nil {
		return &RateLimit{}
	}
	rl := &RateLimit{Cost: info.Cost.Points, MaxCost: info.Cost.Limit}
	if r := info.Rate; r != nil {
		limit, remaining, reset := r.Limit, r.Remaining, r.ResetAt.UTC()
		rl.Limit, rl.Remaining, rl.ResetAt = &limit, &remaining, &reset
	}
	return rl
}
