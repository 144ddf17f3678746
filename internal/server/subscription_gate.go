package server

import (
	"context"
	"encoding/json"
	"sscgraph/internal/apierr"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/reqctx"
)

// subscriptionGate is the gqlgen extension that holds subscriptions to
// their limits, and queries and mutations sent over a stream to the
// request timeout that the stream itself is spared.
type subscriptionGate struct {
	limits            SubscriptionLimits
	timeout           time.Duration
	maxVariablesBytes int

	mu      sync.Mutex
	clients map[string]int // open subscriptions per key or address
}

var (
	_ graphql.HandlerExtension          = (*subscriptionGate)(nil)
	_ graphql.OperationParameterMutator = (*subscriptionGate)(nil)
	_ graphql.OperationInterceptor      = (*subscriptionGate)(nil)
)

func (*subscriptionGate) ExtensionName() string                   { return "SubscriptionLimits" }
func (*subscriptionGate) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters bounds the variables of an operation sent
// over a WebSocket as httpTransport and sseTransport bound a request's:
// the frame limit is the body limit, the variables have one of their own.
func (g *subscriptionGate) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if conn := streamFrom(ctx); conn == nil || !conn.ws || g.maxVariablesBytes <= 0 || len(p.Variables) == 0 {
		return nil
	}
	b, err := json.Marshal(p.Variables)
	if err != nil {
		return codeError(apierr.BadRequest, "the variables are not JSON")
	}
	if len(b) > g.maxVariablesBytes {
		return apierr.New(apierr.LimitExceeded, "the variables take %d bytes, over the limit of %d: send smaller filters or lists, or split the request", len(b), g.maxVariablesBytes).
			With("limit", "variables").With("maximum", g.maxVariablesBytes).With("actual", len(b)).GQL()
	}
	return nil
}

// InterceptOperation admits a subscription, or refuses it with
// LIMIT_EXCEEDED naming the limit, and counts it until it ends.
func (g *subscriptionGate) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	conn := streamFrom(ctx)
	if graphql.GetOperationContext(ctx).Operation.Operation != ast.Subscription {
		if conn == nil || g.timeout <= 0 {
			return next(ctx)
		}
		// A query or mutation over a stream: bounded like any request.
		tctx, cancel := context.WithTimeout(ctx, g.timeout)
		responses := next(tctx)
		return func(ctx context.Context) *graphql.Response {
			resp := responses(ctx)
			cancel() // it has run: one answer
			return resp
		}
	}
	if conn == nil {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{codeError(apierr.BadRequest,
			"subscriptions are served over WebSocket (graphql-transport-ws or graphql-ws) and server-sent events (POST with Accept: text/event-stream), not plain HTTP")}})
	}
	if refusal := g.admit(ctx, conn); refusal != nil {
		setOutcome(reqctx.From(ctx), "rejected")
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{refusal}})
	}
	return next(ctx)
}

// admit counts a new subscription against its connection's and its
// client's limits, until ctx (the subscription's) ends.
func (g *subscriptionGate) admit(ctx context.Context, conn *streamConn) *gqlerror.Error {
	over := func(limit string, maximum int, what string) *gqlerror.Error {
		return apierr.New(apierr.LimitExceeded, "%s has %d subscriptions open, the most it may: end one (complete) before starting another", what, maximum).
			With("limit", limit).With("maximum", maximum).With("actual", maximum+1).GQL()
	}
	if !conn.acquire(g.limits.PerConnection) {
		return over("subscriptionsPerConnection", g.limits.PerConnection, "this connection")
	}
	client := conn.client(ctx)
	g.mu.Lock()
	if g.limits.PerClient > 0 && g.clients[client] >= g.limits.PerClient {
		g.mu.Unlock()
		conn.release()
		what := "this address"
		if strings.HasPrefix(client, "key:") {
			what = "this API key"
		}
		return over("subscriptionsPerClient", g.limits.PerClient, what)
	}
	g.clients[client]++
	g.mu.Unlock()
	context.AfterFunc(ctx, func() {
		g.mu.Lock()
		if g.clients[client]--; g.clients[client] <= 0 {
			delete(g.clients, client)
		}
		g.mu.Unlock()
		conn.release()
	})
	return nil
}
