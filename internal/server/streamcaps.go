package server

import (
	"net/http"
	"sync"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/apierr"
	"sscgraph/internal/reqctx"
)

// streamCaps counts the open WebSocket connections and event streams, in
// the process and per client address, and refuses one past either cap
// before it is upgraded. Each stream holds a socket (a file) for as long
// as it lives, so without a cap one address could open sockets until the
// process runs out of files and every other client is refused by accept.
type streamCaps struct {
	total, perAddress int // 0: no cap

	mu     sync.Mutex
	open   int
	byAddr map[string]int
}

func newStreamCaps(limits SubscriptionLimits) *streamCaps {
	return &streamCaps{total: limits.MaxStreams, perAddress: limits.MaxStreamsPerAddress, byAddr: map[string]int{}}
}

// streamRefusal is why a stream was refused, as its HTTP answer (its
// status is its error's).
type streamRefusal struct {
	err *gqlerror.Error
}

// admit counts a new stream from addr, or refuses it. The caller calls
// release once the stream has ended.
func (c *streamCaps) admit(addr string) (release func(), refusal *streamRefusal) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.perAddress > 0 && c.byAddr[addr] >= c.perAddress {
		// The client's own doing: 429, as for its other limits.
		return nil, &streamRefusal{apierr.New(apierr.LimitExceeded,
			"this address has %d WebSocket connections and event streams open, the most it may: close one before opening another (one connection carries many subscriptions)", c.perAddress).
			With("limit", apierr.LimitStreamsPerAddress).With("maximum", c.perAddress).GQL()}
	}
	if c.total > 0 && c.open >= c.total {
		// Everyone's: the server is full, and says when to try again.
		return nil, &streamRefusal{apierr.New(apierr.ServiceUnavailable,
			"the server has %d WebSocket connections and event streams open, the most it serves: try again later", c.total).
			With("reason", string(apierr.ReasonStreamsFull)).With("limit", "streams").With("maximum", c.total).GQL()}
	}
	c.open++
	c.byAddr[addr]++
	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.open--
			if c.byAddr[addr]--; c.byAddr[addr] <= 0 {
				delete(c.byAddr, addr)
			}
		})
	}, nil
}

// write answers a refused stream with a GraphQL error, before any upgrade.
func (r *streamRefusal) write(w http.ResponseWriter, req *http.Request) {
	setOutcome(reqctx.From(req.Context()), "rejected")
	w.Header().Set("Content-Type", mediaJSON)
	// A client that retries at once would only be refused again.
	w.Header().Set("Retry-After", "10")
	w.Header().Set("Connection", "close")
	writeErrors(w, apierr.StatusOf(r.err), gqlerror.List{r.err}, nil)
}
