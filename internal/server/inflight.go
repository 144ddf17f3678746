package server

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/apierr"
	"sscgraph/internal/reqctx"
)

// inFlight caps the GraphQL requests over HTTP that one client has running
// at once. The pool's admission (admission) keeps the server from taking
// more than the database can serve; this keeps one client from taking all
// of it, so that four slow requests of one address cannot make every
// other client wait for the pool. A client's requests beyond the cap wait
// for one of its own to end, outside the pool's admission (they hold no
// room there), and are answered 429 LIMIT_EXCEEDED if none ends in time.
type inFlight struct {
	max  int
	wait time.Duration

	mu      sync.Mutex
	clients map[string]*clientSlots
}

// clientSlots are one client's running requests; users counts the
// requests running or waiting, so that an idle client holds no entry.
type clientSlots struct {
	running chan struct{}
	users   int
}

// inFlightCap is the cap cfg asks for over a pool of poolSize: by default
// half of what admission lets in at once, rounded up.
func inFlightCap(cfg Config, poolSize int) int {
	switch {
	case cfg.MaxInFlightPerClient < 0:
		return 0
	case cfg.MaxInFlightPerClient > 0:
		return cfg.MaxInFlightPerClient
	}
	admitted := max(1, poolSize-max(1, poolSize/4)) // as newAdmission
	return (admitted + 1) / 2
}

// newInFlight returns the cap of max requests per client, the others
// waiting up to wait; max 0 turns it off.
func newInFlight(max int, wait time.Duration) *inFlight {
	if max <= 0 {
		return nil
	}
	return &inFlight{max: max, wait: wait, clients: map[string]*clientSlots{}}
}

// handler applies the cap. Streams (WebSockets, event streams) are bounded
// by the subscription limits instead.
func (c *inFlight) handler(next http.Handler) http.Handler {
	if c == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := reqctx.From(r.Context())
		if info == nil || isWebSocket(r) || isEventStream(r) || r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		if !c.acquire(r.Context(), info.Client) {
			if r.Context().Err() != nil {
				return // the client left
			}
			setOutcome(info, "rate_limited")
			w.Header().Set("Content-Type", mediaJSON)
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(c.wait/time.Second))))
			err := apierr.New(apierr.LimitExceeded,
				"this client already has %d requests running, the most one client may have at once, and none ended within %s: wait for an answer before sending more", c.max, c.wait).
				With("limit", apierr.LimitInFlight).With("maximum", c.max).GQL()
			writeErrors(w, apierr.StatusOf(err), gqlerror.List{err}, nil)
			return
		}
		defer c.release(info.Client)
		next.ServeHTTP(w, r)
	})
}

// acquire takes one of client's slots, waiting up to c.wait for one.
func (c *inFlight) acquire(ctx context.Context, client string) bool {
	c.mu.Lock()
	s := c.clients[client]
	if s == nil {
		s = &clientSlots{running: make(chan struct{}, c.max)}
		c.clients[client] = s
	}
	s.users++
	c.mu.Unlock()
	select {
	case s.running <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(c.wait)
	defer t.Stop()
	select {
	case s.running <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	c.leave(client, s)
	return false
}

// release gives a slot back.
func (c *inFlight) release(client string) {
	c.mu.Lock()
	s := c.clients[client]
	c.mu.Unlock()
	<-s.running
	c.leave(client, s)
}

// leave counts one request of client out, forgetting an idle client.
func (c *inFlight) leave(client string, s *clientSlots) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s.users--; s.users == 0 {
		delete(c.clients, client)
	}
}
