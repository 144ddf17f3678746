package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

var _ graphql.ResponseInterceptor = (*Checks)(nil)

// InterceptResponse charges what an operation actually did after it ran:
// a query or mutation the time it took (limits.Settle), reported beside
// its price; a subscription its price again for every event it delivers,
// as a query of the same selection would pay for each answer.
func (c *Checks) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	rc := graphql.GetOperationContext(ctx)
	price, priced := PriceOf(rc)
	if c.Limits == nil || !priced || rc.Operation == nil {
		return next(ctx)
	}
	if rc.Operation.Operation == ast.Subscription {
		resp := next(ctx)
		if resp == nil || len(resp.Data) == 0 || string(resp.Data) == "null" {
			return resp // the end of the stream, or an error: nothing delivered
		}
		if err := c.Limits.ChargeEvent(ctx, price); err != nil {
			return &graphql.Response{Errors: gqlerror.List{err}}
		}
		return resp
	}
	start := time.Now()
	resp := next(ctx)
	c.Limits.Settle(ctx, price, time.Since(start))
	return resp
}
