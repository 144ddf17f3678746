package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/apierr"
	"sscgraph/internal/dbhealth"
	"sscgraph/internal/reqctx"
)

// retryAfter is the Retry-After of a 503 for reason: about when trying
// again is worth it. The breaker probes every second and a restart takes
// seconds; storage faults wait for an operator.
func retryAfter(reason apierr.Reason) time.Duration {
	switch reason {
	case apierr.ReasonDiskFull, apierr.ReasonReadOnly, apierr.ReasonStorageError:
		return 30 * time.Second
	case apierr.ReasonStarting:
		return 2 * time.Second
	default:
		return time.Second
	}
}

// markUnavailable notes a response whose errors hold a SERVICE_UNAVAILABLE:
// its Retry-After, its outcome for logs and metrics. The caller answers
// it 503.
func markUnavailable(w http.ResponseWriter, errs gqlerror.List, info *reqctx.Info) bool {
	for _, e := range errs {
		if reason := apierr.ReasonOf(e); reason != "" {
			w.Header().Set("Retry-After", strconv.Itoa(int(retryAfter(reason)/time.Second)))
			setOutcome(info, "unavailable")
			if info != nil {
				info.Unavailable = string(reason)
			}
			return true
		}
	}
	return false
}

// refuseUnavailable answers a request 503 SERVICE_UNAVAILABLE before it
// runs, in the media type it accepts (application/json when it accepts
// neither of the GraphQL ones), with Retry-After.
func refuseUnavailable(w http.ResponseWriter, r *http.Request, reason apierr.Reason, msg string) {
	info := reqctx.From(r.Context())
	id := "unknown"
	if info != nil {
		id = info.ID
	}
	media, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		media = mediaJSON
	}
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.Header().Add("Vary", "Accept")
	errs := gqlerror.List{apierr.Unavailable(reason, id, "%s", msg).GQL()}
	markUnavailable(w, errs, info)
	writeErrors(w, apierr.Status(apierr.ServiceUnavailable), errs, nil)
}

// whenDatabaseUp answers every request 503 at once while the breaker is
// open (the database has not answered for as long as a request may
// wait): decided once per request, before the key is looked up, instead
// of an internal error per field after a wait.
func whenDatabaseUp(health *dbhealth.Breaker, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if health.Open() {
			refuseUnavailable(w, r, apierr.ReasonDatabaseUnavailable,
				"the database is unavailable; the server checks every second and serves again as soon as it answers: send the request again after Retry-After")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// admission bounds the GraphQL requests that run at once by the database
// pool: a request waits for a slot at most wait, then is answered 503
// POOL_EXHAUSTED, rather than waiting for a connection deep in a resolver
// until its time runs out.
type admission struct {
	slots chan struct{}
	wait  time.Duration
}

// newAdmission sizes the slots from the pool: a quarter of it (at least
// one connection) is kept for what runs beside the requests, the event
// listener and the reads a mutation makes beside its transaction, so
// that requests holding a transaction each can still get a second
// connection. wait <= 0 turns admission off.
func newAdmission(poolSize int, wait time.Duration) *admission {
	if wait <= 0 || poolSize <= 0 {
		return nil
	}
	n := max(1, poolSize-max(1, poolSize/4))
	return &admission{slots: make(chan struct{}, n), wait: wait}
}

// handler admits plain HTTP requests; streams (WebSockets, event
// streams) live long and are bounded by their own limits.
func (a *admission) handler(next http.Handler) http.Handler {
	if a == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isWebSocket(r) || isEventStream(r) || r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		if !a.acquire(r.Context()) {
			if r.Context().Err() != nil {
				return // the client left
			}
			refuseUnavailable(w, r, apierr.ReasonPoolExhausted,
				"every database connection stayed busy for "+a.wait.String()+": send the request again after Retry-After")
			return
		}
		defer func() { <-a.slots }()
		next.ServeHTTP(w, r)
	})
}

func (a *admission) acquire(ctx context.Context) bool {
	select {
	case a.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(a.wait)
	defer t.Stop()
	select {
	case a.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

// Waiting is what `serve` answers while it waits for its database, before
// the API is built: /healthz answers 200 (the process is alive), /readyz
// 503 with status() as the reason, and every other path 503
// SERVICE_UNAVAILABLE (STARTING) with Retry-After.
func Waiting(status func() string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /readyz", readiness(func(context.Context) error { return waitingError(status()) }))
	mux.Handle("/", withRequestInfo(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		refuseUnavailable(w, r, apierr.ReasonStarting,
			"the server is starting and waiting for its database: send the request again after Retry-After")
	})))
	return withSecurityHeaders(mux)
}

type waitingError string

func (e waitingError) Error() string { return string(e) }
