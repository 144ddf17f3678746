package apierr

import (
	"net/http"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

// rule is what a code means for the HTTP status of the response that
// carries it. It is the one place where a code is given a status: the
// transport, the middleware, the caps and the export all ask here.
type rule struct {
	// status is the status of a request the code refuses as a whole,
	// where the status itself tells the client what went wrong: a
	// refused authentication, a cap, an export before its first row.
	status int
	// beforeRun: a GraphQL request refused with the code before it runs
	// is answered with status in every media type, where other refusals
	// are answered 200 in application/json and 400 in
	// application/graphql-response+json, as GraphQL over HTTP asks; so
	// that clients and proxies back off as from any other 429 or 503.
	beforeRun bool
	// whileRunning: a response holding the code is answered with status
	// even when the operation ran and returned data, where other errors
	// raised while it runs are answered 200.
	whileRunning bool
	// protocol: gqlgen treats the code as a protocol error, as it does a
	// query that fails validation: a WebSocket answers it with an error
	// message, not a next (see Protocol).
	protocol bool
}

// rules gives every code its rule.
var rules = map[Code]rule{
	BadUserInput:           {status: http.StatusBadRequest, protocol: true},
	ValidationFailed:       {status: http.StatusBadRequest, protocol: true},
	ParseFailed:            {status: http.StatusBadRequest, protocol: true},
	BadRequest:             {status: http.StatusBadRequest},
	Unauthenticated:        {status: http.StatusUnauthorized},
	Forbidden:              {status: http.StatusForbidden},
	NotFound:               {status: http.StatusNotFound},
	LimitExceeded:          {status: http.StatusBadRequest},
	RateLimited:            {status: http.StatusTooManyRequests, beforeRun: true},
	Timeout:                {status: http.StatusServiceUnavailable},
	PersistedQueryNotFound: {status: http.StatusForbidden},
	PersistedQueryRequired: {status: http.StatusForbidden},
	Internal:               {status: http.StatusInternalServerError},
	ServiceUnavailable:     {status: http.StatusServiceUnavailable, beforeRun: true, whileRunning: true},
	// The connection to the database failed: the database's fault, as
	// SERVICE_UNAVAILABLE. A mutation's COMMIT_UNKNOWN is raised while it
	// runs (200); a request refused with it as a whole (an
	// authentication whose bookkeeping lost its connection) wrote
	// nothing of the client's.
	CommitUnknown: {status: http.StatusServiceUnavailable},
	Conflict:      {status: http.StatusConflict},
}

// The limits, in extensions.limit of a LimitExceeded, that count what a
// client has running at once rather than what one request asks for.
const (
	// LimitInFlight: the plain HTTP requests one client has running.
	LimitInFlight = "inFlight"
	// LimitStreamsPerAddress: the WebSocket connections and event
	// streams one address has open.
	LimitStreamsPerAddress = "streamsPerAddress"
)

// concurrencyLimits are answered 429: the request itself was fine, only
// too many of the client's ran beside it, so it may be sent again later.
var concurrencyLimits = map[string]bool{LimitInFlight: true, LimitStreamsPerAddress: true}

// Codes returns every code, in no particular order.
func Codes() []Code {
	out := make([]Code, 0, len(rules))
	for c := range rules {
		out = append(out, c)
	}
	return out
}

// Status is the HTTP status of a request that code refuses as a whole;
// 500 for a code that is not one of the codes.
func Status(code Code) int {
	if r, ok := rules[code]; ok {
		return r.status
	}
	return http.StatusInternalServerError
}

// StatusOf is the HTTP status of a request that e refuses as a whole: its
// code's, except that a LimitExceeded of a limit on what the client has
// running at once is 429 Too Many Requests.
func StatusOf(e *gqlerror.Error) int {
	code := CodeOf(e)
	if code == LimitExceeded {
		if limit, _ := e.Extensions["limit"].(string); concurrencyLimits[limit] {
			return http.StatusTooManyRequests
		}
	}
	return Status(code)
}

// RefusedStatus is the HTTP status of a GraphQL request that errs refuse
// before it runs: 400 when the client asked for
// application/graphql-response+json (strict), 200 in application/json,
// unless a code keeps its status before the operation runs (the highest
// of those wins: 503 over 429).
func RefusedStatus(errs gqlerror.List, strict bool) int {
	status := http.StatusOK
	if strict {
		status = http.StatusBadRequest
	}
	return max(status, highest(errs, func(r rule) bool { return r.beforeRun }))
}

// ResponseStatus is the HTTP status of the response of an operation that
// ran, with errs: 200, as GraphQL over HTTP asks, unless a code keeps its
// status wherever it was raised.
func ResponseStatus(errs gqlerror.List) int {
	return max(http.StatusOK, highest(errs, func(r rule) bool { return r.whileRunning }))
}

// highest is the highest status among the codes of errs whose rule keeps
// its status, or 0.
func highest(errs gqlerror.List, keeps func(rule) bool) int {
	status := 0
	for _, e := range errs {
		if r, ok := rules[CodeOf(e)]; ok && keeps(r) {
			status = max(status, r.status)
		}
	}
	return status
}

// Protocol reports whether gqlgen must treat code as a protocol error
// (errcode.KindProtocol): a request refused with it never ran.
func Protocol(code Code) bool {
	return rules[code].protocol
}
