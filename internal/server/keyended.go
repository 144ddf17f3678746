package server

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"sscgraph/internal/apierr"
	"sscgraph/internal/auth"
	"sscgraph/internal/pubsub"
	"sscgraph/internal/viewer"
)

// keyWatchInterval is how often each process looks for keys revoked or
// expired, while it has subscriptions or keyed WebSockets: how long, at
// most, they outlive their key.
const keyWatchInterval = time.Second

// connectionGrace is how long a WebSocket stays open once its key ended,
// so that its subscriptions' last answers (the error saying why) go out
// before the close.
const connectionGrace = 200 * time.Millisecond

// errKeyEnded is why a WebSocket is closed when the key it was opened
// with is revoked or expires.
var errKeyEnded = errors.New("the API key was revoked or has expired")

// errTokenExpired is why a WebSocket is closed when the token it was
// opened with expires.
var errTokenExpired = errors.New("the token has expired")

// watchEndedKeys ends, in this process and until ctx ends, the
// subscriptions and the WebSockets of every key revoked or expired. Each
// process reads the ends from the database itself (see
// auth.Keys.WatchEnded), so a key revoked through any process, or the
// command line, ends everywhere.
func watchEndedKeys(ctx context.Context, keys *auth.Keys, events pubsub.Broker, conns *keyedConns, logger *slog.Logger) {
	active := func() bool { return events.Subscribers() > 0 || conns.open() }
	keys.WatchEnded(ctx, keyWatchInterval, active, func(ended []auth.Ended) {
		out := make([]pubsub.Event, len(ended))
		for i, e := range ended {
			status := pubsub.KeyExpired
			if e.Revoked {
				status = pubsub.KeyRevoked
			}
			out[i] = pubsub.Event{Kind: pubsub.KeyEnded, ID: e.ID, Status: status}
		}
		events.Announce(out...)
		time.AfterFunc(connectionGrace, func() {
			for _, e := range ended {
				conns.end(e.ID)
			}
		})
	}, logger)
}

// keyedConns are the open WebSockets of each key. A WebSocket is
// authenticated once, when it opens, and every operation sent over it
// (subscriptions, but queries and mutations too) runs with that key: so
// when the key ends, the connection must.
type keyedConns struct {
	mu    sync.Mutex
	byKey map[int]map[*streamConn]struct{}
}

func newKeyedConns() *keyedConns {
	return &keyedConns{byKey: map[int]map[*streamConn]struct{}{}}
}

// add records conn under key until ctx, the connection's, ends.
func (k *keyedConns) add(ctx context.Context, key int, conn *streamConn) {
	k.mu.Lock()
	if k.byKey[key] == nil {
		k.byKey[key] = map[*streamConn]struct{}{}
	}
	k.byKey[key][conn] = struct{}{}
	k.mu.Unlock()
	context.AfterFunc(ctx, func() {
		k.mu.Lock()
		defer k.mu.Unlock()
		delete(k.byKey[key], conn)
		if len(k.byKey[key]) == 0 {
			delete(k.byKey, key)
		}
	})
}

func (k *keyedConns) open() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.byKey) > 0
}

// end closes the WebSockets of key.
func (k *keyedConns) end(key int) {
	k.mu.Lock()
	conns := make([]*streamConn, 0, len(k.byKey[key]))
	for c := range k.byKey[key] {
		conns = append(conns, c)
	}
	k.mu.Unlock()
	for _, c := range conns {
		c.cancel(errKeyEnded)
	}
}

// trackKeyed records each WebSocket that init authenticated with a key
// (in connection_init, or its upgrade's header) in conns.
func trackKeyed(conns *keyedConns, init transport.WebsocketInitFunc) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		ctx, ack, err := init(ctx, payload)
		if err != nil {
			return ctx, ack, err
		}
		v, conn := viewer.From(ctx), streamFrom(ctx)
		switch {
		case conn == nil || v.Anonymous():
		case v.Token():
			endAtExpiry(ctx, v.Expires, conn)
		default:
			conns.add(ctx, v.KeyID, conn)
		}
		return ctx, ack, nil
	}
}

// endAtExpiry closes conn when its token expires: nobody announces a
// token's end, it is known from the start. The close comes
// connectionGrace after the expiry, as for a key, so that the
// subscriptions' last answers (which end at the expiry itself, see
// graph's tokenExpiry) go out first.
func endAtExpiry(ctx context.Context, expires time.Time, conn *streamConn) {
	t := time.AfterFunc(time.Until(expires)+connectionGrace, func() { conn.cancel(errTokenExpired) })
	context.AfterFunc(ctx, func() { t.Stop() })
}

// closeCodeForKeyEnded is the close of a WebSocket whose key was revoked
// or expired, or whose token expired: 4403, graphql-transport-ws's
// Forbidden, with the error code as its reason, as a key or token refused
// in connection_init is closed (the legacy graphql-ws has no codes of its
// own and gets the same). The protocol's 4401 Unauthorized is for a
// subscribe sent before connection_ack, not for credentials that ended.
const closeCodeForKeyEnded = 4403

// WriteClose closes with closeCodeForKeyEnded when the connection ends
// because its key did; gqlgen closes every connection whose context ends
// with 1000.
func (c *timedConn) WriteClose(code int, message string) error {
	if c.ctx != nil && (errors.Is(context.Cause(c.ctx), errKeyEnded) || errors.Is(context.Cause(c.ctx), errTokenExpired)) {
		code, message = closeCodeForKeyEnded, string(apierr.Unauthenticated)
	}
	return c.WebsocketConn.WriteClose(code, message)
}
