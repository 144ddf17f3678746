package graph

import (
	"context"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/apierr"
	"sscgraph/internal/pubsub"
	"sscgraph/internal/viewer"
)

// KeyEndedError is why a stream's connection is ended when the key it
// was opened with is revoked or expires: the WebSocket transport closes
// with 4403 (graphql-transport-ws's Forbidden, as for a key refused in
// connection_init).
type KeyEndedError struct{ Revoked bool }

func (e *KeyEndedError) Error() string {
	if e.Revoked {
		return "the API key was revoked"
	}
	return "the API key has expired"
}

type connEnderKey struct{}

// WithConnectionEnder returns ctx carrying end, which ends the connection
// (a WebSocket) that the subscriptions started in ctx belong to. The
// server sets it: every operation of the connection runs with the key,
// so all of them must end with it.
func WithConnectionEnder(ctx context.Context, end func(cause error)) context.Context {
	return context.WithValue(ctx, connEnderKey{}, end)
}

// connectionGrace is how long the connection stays open after its key
// ended, so that the operation's last answer (the error saying why),
// which gqlgen writes once the stream returns, goes out before the close.
const connectionGrace = 200 * time.Millisecond

// keyEnded picks out of events those that end the viewer's key. When one
// does, it returns the error that ends the stream, and arranges for the
// connection to end too; else the events that remain for the handler.
func keyEnded(ctx context.Context, events []pubsub.Event) (*gqlerror.Error, []pubsub.Event) {
	key := viewer.From(ctx).KeyID
	rest := events[:0:0]
	for _, e := range events {
		if e.Kind != pubsub.KeyEnded {
			rest = append(rest, e)
			continue
		}
		if key == 0 || e.ID != key {
			continue
		}
		cause := &KeyEndedError{Revoked: e.Status == pubsub.KeyRevoked}
		if end, ok := ctx.Value(connEnderKey{}).(func(error)); ok {
			time.AfterFunc(connectionGrace, func() { end(cause) })
		}
		reason := "keyExpired"
		if cause.Revoked {
			reason = "keyRevoked"
		}
		return apierr.New(apierr.Unauthenticated, "%s: the subscription ended; subscribe again with a valid key", cause.Error()).
			With("reason", reason).GQL(), nil
	}
	return nil, rest
}
