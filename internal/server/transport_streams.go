package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// Subscriptions are served over two transports beside httpTransport:
// WebSocket (wsTransport: graphql-transport-ws, and the legacy graphql-ws
// of subscriptions-transport-ws) and server-sent events (sseTransport:
// graphql-sse's distinct connections mode, a POST with Accept:
// text/event-stream). Both are gqlgen's, wrapped to fit the API's limits;
// every other request still reaches httpTransport unchanged.

// Fixed settings of the subscription transports.
const (
	// keepAliveInterval is how often an idle stream is pinged: below the
	// 60 s after which common proxies and load balancers drop a quiet
	// connection.
	keepAliveInterval = 25 * time.Second
	// wsInitTimeout is how long a WebSocket may stay open without
	// connection_init.
	wsInitTimeout = 10 * time.Second
	// streamWriteTimeout is how long one write to a stream may block: a
	// client that stops reading is cut off after it, rather than holding
	// the subscription (and its goroutines) open.
	streamWriteTimeout = 30 * time.Second
)

// isWebSocket reports whether r asks for a WebSocket: only such requests
// go to wsTransport, so an odd Upgrade header (h2c, say) on a GET is still
// an ordinary GraphQL-over-HTTP request.
func isWebSocket(r *http.Request) bool {
	return r.Method == http.MethodGet && headerHasToken(r.Header, "Upgrade", "websocket")
}

// isEventStream reports whether r asks for server-sent events, as gqlgen's
// SSE transport decides it.
func isEventStream(r *http.Request) bool { return transport.SSE{}.Supports(r) }

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}
