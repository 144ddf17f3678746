package server

import (
	"net/http"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/graph"
	"sscgraph/internal/apierr"
	"sscgraph/internal/reqctx"
)

// idempotencyHeader names the key a client sends with a mutation so that
// a retry is answered with the first outcome instead of writing twice
// (see graph.Transactions).
const idempotencyHeader = "Idempotency-Key"

// withIdempotencyKey hands a plain HTTP request's Idempotency-Key to the
// mutation it carries, refusing a malformed one with 400 before anything
// runs. A stream with one is refused too, rather than served without the
// promise: a WebSocket's upgrade headers would give one key to every
// mutation sent over it.
func withIdempotencyKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		values := r.Header.Values(idempotencyHeader)
		if len(values) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		key := values[0]
		err := graph.CheckIdempotencyKey(key)
		switch {
		case err != nil:
		case len(values) > 1:
			err = apierr.New(apierr.BadUserInput, "the Idempotency-Key header is sent %d times: send it once", len(values)).
				With("field", idempotencyHeader)
		case isWebSocket(r) || isEventStream(r):
			err = apierr.New(apierr.BadUserInput, "the Idempotency-Key header is honoured on mutations sent as plain HTTP POST, not on WebSockets or event streams: send the mutation with POST").
				With("field", idempotencyHeader)
		}
		if err != nil {
			setOutcome(reqctx.From(r.Context()), "bad_request")
			w.Header().Set("Content-Type", mediaJSON)
			writeErrors(w, apierr.Status(err.Code), gqlerror.List{err.GQL()}, nil)
			return
		}
		next.ServeHTTP(w, r.WithContext(graph.WithIdempotencyKey(r.Context(), key)))
	})
}
