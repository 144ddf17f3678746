// Package limits protects the API from operations too large to answer and
// clients that ask too often: it refuses operations over a limit (their
// cost is computed by package graph, which knows the schema) and charges
// the rest to the client's rate-limit bucket.
package limits

import (
	"context"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/apierr"
	"sscgraph/internal/reqctx"
)

// Config holds the limits; zero disables a limit.
type Config struct {
	MaxCost    int // points per request
	MaxDepth   int // fields deep, introspection aside
	MaxAliases int // aliased fields per operation
	PerHour    int // points per client per hour
	// MaxPredicates bounds the filter conditions and order terms of one
	// operation, MaxFilterDepth the nesting of a filter (and, or, not,
	// has…With), MaxListLength any list in an argument (idIn, or, …).
	MaxPredicates  int
	MaxFilterDepth int
	MaxListLength  int
}

// Limits refuses operations over a limit and charges the rest to the
// client's rate-limit bucket.
type Limits struct {
	cfg     Config
	buckets *Buckets
}

// New returns the limits of cfg.
func New(cfg Config) *Limits {
	l := &Limits{cfg: cfg}
	if cfg.PerHour > 0 {
		l.buckets = NewBuckets(cfg.PerHour)
	}
	return l
}

// Config returns the limits' configuration.
func (l *Limits) Config() Config { return l.cfg }

// Buckets returns the rate-limit buckets, or nil when there is no rate
// limit.
func (l *Limits) Buckets() *Buckets { return l.buckets }

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
		{"cost", cost.Points, l.cfg.MaxCost, "the most nodes it can return and the work of its filters and counts; lower first/last, filter or count less, or nest less"},
		{"depth", cost.Depth, l.cfg.MaxDepth, "fields deep; query less deeply and fetch the rest by node(id:)"},
		{"aliases", cost.Aliases, l.cfg.MaxAliases, "aliased fields; split the query"},
		{"predicates", cost.Predicates, l.cfg.MaxPredicates, "filter conditions and order terms; filter on fewer fields, or use idIn"},
		{"filterDepth", cost.FilterDepth, l.cfg.MaxFilterDepth, "levels of and, or, not and has…With in a filter"},
		{"listLength", cost.ListLength, l.cfg.MaxListLength, "entries in one list argument"},
	} {
		if c.max > 0 && c.got > c.max {
			return apierr.New(apierr.LimitExceeded, "query %s %d is over the limit of %d (%s)", c.what, c.got, c.max, c.explanation).
				With("limit", c.what).With("maximum", c.max).With("actual", c.got).GQL()
		}
	}
	if l.buckets == nil || info == nil {
		return nil
	}
	rate, ok := l.buckets.Take(info.Client, cost.Points)
	info.Rate = &rate
	if !ok {
		return RateLimited(rate, cost.Points)
	}
	return nil
}

// RateLimited is the error of a request refused for the client's rate.
func RateLimited(rate reqctx.Rate, cost int) *gqlerror.Error {
	return apierr.New(apierr.RateLimited, "rate limit exceeded: this request costs %d points and %d of your %d points per hour remain; retry after %s (at %s)",
		cost, rate.Remaining, rate.Limit, rate.RetryAfter, time.Now().Add(rate.RetryAfter).UTC().Format(time.RFC3339)).
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
