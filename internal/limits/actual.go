package limits

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/reqctx"
)

// DefaultTimePerPoint is what one point of actual cost stands for: the
// default cost limit, 50,000 points, is a second of the server's time, the
// most one accepted request should take (docs/performance.md).
const DefaultTimePerPoint = 20 * time.Microsecond

// ActualPoints converts the time a request took into points.
func (l *Limits) ActualPoints(took time.Duration) int {
	per := l.cfg.TimePerPoint
	if per <= 0 {
		per = DefaultTimePerPoint
	}
	return int(math.Ceil(float64(took) / float64(per)))
}

// Settle records what a request actually took, in points, and charges the
// client's bucket what it took beyond the price it paid up front: a
// request the price underestimated is paid for after the fact, as far as
// the bucket holds (it is emptied, never refused: the work is done), and
// the client's next requests wait for the refill. It returns the actual
// cost.
func (l *Limits) Settle(ctx context.Context, requested int, took time.Duration) int {
	actual := l.ActualPoints(took)
	info := reqctx.From(ctx)
	if info != nil {
		info.Cost.Actual = actual
	}
	extra := actual - requested
	if l.store == nil || info == nil || extra <= 0 {
		return actual
	}
	now := l.now()
	b, err := l.store.Take(ctx, info.Client, 0, now)
	taken := 0
	if err == nil && b.Tokens >= 1 {
		taken = min(extra, int(b.Tokens))
		b, err = l.store.Take(ctx, info.Client, taken, now)
	}
	if err != nil {
		// The request has been answered: a failure to charge it is
		// logged, not turned into an error.
		l.logger.WarnContext(ctx, "charging a request's actual cost", "request_id", info.ID, "extra", extra, "err", err)
		return actual
	}
	info.Cost.Charged += taken
	rate := rateOf(Bucket{Tokens: b.Tokens, Granted: true}, extra, float64(l.cfg.PerHour), now)
	info.Rate = &rate
	return actual
}

// ChargeEvent charges one delivered event of a subscription its price:
// a subscription pays for every event as a query of the same selection
// would. It returns an error when the client's bucket cannot pay: the
// event is then not delivered.
func (l *Limits) ChargeEvent(ctx context.Context, price int) *gqlerror.Error {
	info := reqctx.From(ctx)
	if l.store == nil || info == nil {
		return nil
	}
	rate, ok, err := l.take(ctx, info.Client, price)
	if err != nil {
		l.logger.ErrorContext(ctx, "charging a subscription event", "request_id", info.ID, "err", err)
		return nil
	}
	if !ok {
		return rateLimited(rate, fmt.Sprintf("rate limit exceeded: this subscription's events cost %d points each and %d of your %d points per hour remain; the event was not delivered", price, rate.Remaining, rate.Limit))
	}
	return nil
}
