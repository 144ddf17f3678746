package graph

import (
	"context"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/apierr"
	"sscgraph/internal/pubsub"
	"sscgraph/internal/viewer"
)

// keyEnded picks out of events those that say the viewer's key was
// revoked or expired. When one does, it returns the error that ends the
// stream (the server closes a WebSocket opened with the key itself);
// else the events that remain for the handler.
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
		what, reason := "the API key has expired", "keyExpired"
		if e.Status == pubsub.KeyRevoked {
			what, reason = "the API key was revoked", "keyRevoked"
		}
		return apierr.New(apierr.Unauthenticated, "%s: the subscription ended; subscribe again with a valid key", what).
			With("reason", reason).GQL(), nil
	}
	return nil, rest
}

// tokenExpiry fires when the token the subscription was opened with
// expires (nil for keys and anonymous callers): a token's end is known
// from the start, where a key's is announced (keyEnded). The server
// closes a WebSocket opened with the token itself.
func tokenExpiry(ctx context.Context) <-chan time.Time {
	v := viewer.From(ctx)
	if !v.Token() || v.Expires.IsZero() {
		return nil
	}
	t := time.NewTimer(time.Until(v.Expires))
	context.AfterFunc(ctx, func() { t.Stop() })
	return t.C
}

// tokenExpired is the last answer of a subscription whose token expired.
func tokenExpired() *gqlerror.Error {
	return apierr.New(apierr.Unauthenticated, "the token has expired: the subscription ended; subscribe again with a fresh token").
		With("reason", "tokenExpired").GQL()
}
