package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"sscgraph/internal/apierr"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/reqctx"
)

// wsTransport is gqlgen's WebSocket transport, answering only WebSocket
// upgrades, from allowed origins.
type wsTransport struct {
	transport.Websocket
	origins []string
}

// Supports takes WebSocket upgrades.
func (wsTransport) Supports(r *http.Request) bool { return isWebSocket(r) }

// Do refuses an upgrade from an origin that is not allowed with a GraphQL
// error, as every other refusal is answered (the WebSocket library, which
// checks again, would answer in plain text), then serves the connection.
func (t wsTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	if err := checkOrigin(r, t.origins); err != nil {
		setOutcome(reqctx.From(r.Context()), "rejected")
		w.Header().Set("Content-Type", mediaJSON)
		writeErrors(w, apierr.Status(apierr.Forbidden), gqlerror.List{codeError(apierr.Forbidden, err.Error())}, nil)
		return
	}
	t.Websocket.Do(w, r, exec)
}

// checkOrigin admits an upgrade without Origin (not from a browser), from
// the server's own origin, or from an origin that matches one of the
// patterns, as the WebSocket library decides it.
func checkOrigin(r *http.Request, patterns []string) error {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return fmt.Errorf("the Origin header %q is not an origin", origin)
	}
	if strings.EqualFold(u.Host, r.Host) {
		return nil
	}
	for _, p := range patterns {
		target := u.Host
		if strings.Contains(p, "://") {
			target = u.Scheme + "://" + u.Host
		}
		if ok, _ := path.Match(strings.ToLower(p), strings.ToLower(target)); ok {
			return nil
		}
	}
	return fmt.Errorf("WebSocket connections from %s are not allowed (see --cors-origins)", origin)
}

// newWSTransport returns the WebSocket transport: both subprotocols,
// keep-alives (graphql-ws "ka" messages, graphql-transport-ws pings that
// must be answered), authentication in connection_init (init), frames
// bounded like request bodies, and browsers admitted from the same
// origins as CORS allows.
func newWSTransport(origins []string, maxFrame int64, init transport.WebsocketInitFunc) wsTransport {
	patterns := wsOriginPatterns(origins)
	return wsTransport{Websocket: transport.Websocket{
		Implementation:        transportWSRules{timedWebsocket{transport.CoderWebsocketImplementation{AcceptOptions: websocket.AcceptOptions{OriginPatterns: patterns}}}},
		InitFunc:              init,
		InitTimeout:           wsInitTimeout,
		KeepAlivePingInterval: keepAliveInterval,
		PingPongInterval:      keepAliveInterval,
		PayloadReadLimit:      &maxFrame,
	}, origins: patterns}
}

// wsOriginPatterns turns the CORS origins into the WebSocket library's
// origin patterns. A browser sends Origin with the upgrade, and without
// a check any page could open a socket with the user's cookies; so, like
// CORS, a cross-origin upgrade is refused unless its origin is allowed
// (same-origin pages and non-browser clients, which send no Origin, are
// always let in). Origins are matched as scheme://host, with the same
// "*" wildcards rs/cors takes.
func wsOriginPatterns(origins []string) []string {
	out := make([]string, 0, len(origins))
	for _, o := range origins {
		out = append(out, strings.TrimSuffix(o, "/"))
	}
	return out
}

// timedWebsocket bounds each write to a WebSocket by streamWriteTimeout:
// the library writes without a deadline, and a peer that stops reading
// would block the connection's writer (and every subscription on it)
// until TCP gives up.
type timedWebsocket struct {
	transport.WebsocketImplementation
}

func (t timedWebsocket) Accept(w http.ResponseWriter, r *http.Request, opts transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	c, err := t.WebsocketImplementation.Accept(w, r, opts)
	if err != nil {
		return nil, err
	}
	return &timedConn{passThrough: passThrough{c}, ctx: r.Context()}, nil
}

// timedConn closes the connection when a write takes too long; it passes
// the read limit and read deadlines (the pong timeout) through.
type timedConn struct {
	passThrough
	ctx context.Context // the connection's, whose cause picks the close code
}

func (c *timedConn) WriteJSON(v any) error {
	t := time.AfterFunc(streamWriteTimeout, func() { _ = c.WebsocketConn.Close() })
	defer t.Stop()
	return c.WebsocketConn.WriteJSON(v)
}

// passThrough wraps a connection and passes gqlgen's optional interfaces
// (the read limit, and read deadlines for the pong timeout) through to it,
// which embedding the interface alone would hide. The connections this
// package wraps embed it.
type passThrough struct {
	transport.WebsocketConn
}

func (c passThrough) SetReadLimit(limit int64) {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(limit)
	}
}

func (c passThrough) SetReadDeadline(d time.Time) error {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return l.SetReadDeadline(d)
	}
	return nil
}
