package limits

import (
	"context"
	"fmt"
	"sscgraph/internal/apierr"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/reqctx"
)

// Config holds the limits; zero disables a limit.
type Config struct {
	MaxCost     int // points per request
	MaxDepth    int // fields deep, introspection aside
	MaxAliases  int // aliased fields per operation
	DefaultPage int // page size of a connection given neither first nor last
	PerHour     int // points per client per hour
}

// Extension enforces the limits on every operation before it runs.
type Extension struct {
	cfg     Config
	buckets *Buckets
}

// New returns the extension for cfg.
func New(cfg Config) *Extension {
	e := &Extension{cfg: cfg}
	if cfg.PerHour > 0 {
		e.buckets = NewBuckets(cfg.PerHour)
	}
	return e
}

var (
	_ graphql.HandlerExtension        = (*Extension)(nil)
	_ graphql.OperationContextMutator = (*Extension)(nil)
)

// ExtensionName names the extension in gqlgen's registry.
func (*Extension) ExtensionName() string { return "Limits" }

// Validate accepts any schema.
func (*Extension) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext computes the operation's cost, refuses it when it
// is over a limit, and charges it to the client's bucket.
func (e *Extension) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	cost := Analyze(rc.Operation, rc.Variables, e.cfg.DefaultPage)
	cost.Limit = e.cfg.MaxCost
	info := reqctx.From(ctx)
	if info != nil {
		info.Cost = cost
		info.Operation = rc.OperationName
	}
	for _, l := range []struct {
		what        string
		got, max    int
		explanation string
	}{
		{"cost", cost.Points, e.cfg.MaxCost, "the most nodes it can return; lower first/last or nest less"},
		{"depth", cost.Depth, e.cfg.MaxDepth, "fields deep; query less deeply and fetch the rest by node(id:)"},
		{"aliases", cost.Aliases, e.cfg.MaxAliases, "aliased fields; split the query"},
	} {
		if l.max > 0 && l.got > l.max {
			return &gqlerror.Error{
				Message: fmt.Sprintf("query %s %d is over the limit of %d (%s)", l.what, l.got, l.max, l.explanation),
				Extensions: map[string]any{
					"code": string(apierr.LimitExceeded), "limit": l.what, "maximum": l.max, "actual": l.got,
				},
			}
		}
	}
	if e.buckets == nil || info == nil {
		return nil
	}
	rate, ok := e.buckets.Take(info.Client, cost.Points)
	info.Rate = &rate
	if !ok {
		return &gqlerror.Error{
			Message: fmt.Sprintf("rate limit exceeded: this query costs %d points and %d of your %d points per hour remain; retry after %s (at %s)",
				cost.Points, rate.Remaining, rate.Limit, rate.RetryAfter, time.Now().Add(rate.RetryAfter).UTC().Format(time.RFC3339)),
			Extensions: map[string]any{
				"code":              string(apierr.RateLimited),
				"retryAfterSeconds": int(rate.RetryAfter / time.Second),
				"resetAt":           rate.ResetAt.UTC().Format(time.RFC3339),
			},
		}
	}
	return nil
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
