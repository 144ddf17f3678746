package server

import (
	"net/http"
	"sync"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/apierr"
	"sscgraph/internal/reqctx"
)

// inFlight caps the GraphQL requests over HTTP that one client has running
// at once. The pool's admission (admission) keeps the server from taking
// more than the database can serve; this keeps one client from taking all
// of it, so that four slow requests of one address cannot make every
// other client wait for the pool.
type inFlight struct {
	max int

	mu      sync.Mutex
	running map[string]int
}

// inFlightCap is the cap cfg asks for over a pool of poolSize: by default
// half of what admission lets in at once.
func inFlightCap(cfg Config, poolSize int) int {
	switch {
	case cfg.MaxInFlightPerClient < 0:
		return 0
	case cfg.MaxInFlightPerClient > 0:
		return cfg.MaxInFlightPerClient
	}
	admitted := max(1, poolSize-max(1, poolSize/4)) // as newAdmission
	return max(1, admitted/2)
}

// newInFlight returns the cap of max requests per client; 0 turns it off.
func newInFlight(max int) *inFlight {
	if max <= 0 {
		return nil
	}
	return &inFlight{max: max, running: map[string]int{}}
}

// handler answers a client's request over the cap at once with 429
// LIMIT_EXCEEDED. Streams (WebSockets, event streams) are bounded by the
// subscription limits instead.
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
		if !c.acquire(info.Client) {
			setOutcome(info, "rate_limited")
			w.Header().Set("Content-Type", mediaJSON)
			w.Header().Set("Retry-After", "1")
			writeErrors(w, http.StatusTooManyRequests, gqlerror.List{apierr.New(apierr.LimitExceeded,
				"this client already has %d requests running, the most one client may have at once: wait for an answer before sending more", c.max).
				With("limit", "inFlight").With("maximum", c.max).GQL()}, nil)
			return
		}
		defer c.release(info.Client)
		next.ServeHTTP(w, r)
	})
}

func (c *inFlight) acquire(client string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running[client] >= c.max {
		return false
	}
	c.running[client]++
	return true
}

func (c *inFlight) release(client string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running[client]--; c.running[client] <= 0 {
		delete(c.running, client) // an idle client holds no entry
	}
}
