package server

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"sscgraph/graph"
	"sscgraph/internal/apierr"
	"sscgraph/internal/auth"
	"sscgraph/internal/pubsub"
)

// keyWatchInterval is how often each process looks for keys revoked or
// expired, while it has subscriptions: how long, at most, a subscription
// outlives its key.
const keyWatchInterval = time.Second

// watchEndedKeys ends the subscriptions of every key revoked or expired,
// in this process, until ctx ends: each process reads the ends from the
// database itself (see auth.Keys.WatchEnded), so a key revoked through
// any process, or the command line, ends its subscriptions everywhere.
func watchEndedKeys(ctx context.Context, keys *auth.Keys, events pubsub.Broker, logger *slog.Logger) {
	keys.WatchEnded(ctx, keyWatchInterval, func() bool { return events.Subscribers() > 0 }, func(ended []auth.Ended) {
		out := make([]pubsub.Event, len(ended))
		for i, e := range ended {
			status := pubsub.KeyExpired
			if e.Revoked {
				status = pubsub.KeyRevoked
			}
			out[i] = pubsub.Event{Kind: pubsub.KeyEnded, ID: e.ID, Status: status}
		}
		events.Announce(out...)
	}, logger)
}

// withConnectionEnder lets a WebSocket's subscriptions end the whole
// connection when its key ends (see graph.WithConnectionEnder): an event
// stream has one subscription, which ends itself.
func withConnectionEnder(ctx context.Context, conn *streamConn) context.Context {
	if !conn.ws {
		return ctx
	}
	return graph.WithConnectionEnder(ctx, func(cause error) { conn.cancel(cause) })
}

// closeCodeForKeyEnded is the close of a WebSocket whose key was revoked
// or expired: 4403, graphql-transport-ws's Forbidden, with the error code
// as its reason, as a key refused in connection_init is closed (the
// legacy graphql-ws has no codes of its own and gets the same).
const closeCodeForKeyEnded = 4403

// WriteClose closes with closeCodeForKeyEnded when the connection ends
// because its key did; gqlgen closes every connection whose context ends
// with 1000.
func (c *timedConn) WriteClose(code int, message string) error {
	var ended *graph.KeyEndedError
	if c.ctx != nil && errors.As(context.Cause(c.ctx), &ended) {
		code, message = closeCodeForKeyEnded, string(apierr.Unauthenticated)
	}
	return c.WebsocketConn.WriteClose(code, message)
}
