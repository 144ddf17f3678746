// Package apierr is sscgraph's one taxonomy of errors that clients see:
// the codes in errors[].extensions.code, what each means, the HTTP status
// of a request that one of them refuses as a whole, and the error type that
// carries a code through the layers.
//
// An error a client may read is an *Error (or a gqlparser error, which the
// GraphQL layer writes itself). Anything else that reaches the edge is an
// internal error: logged with the request ID, answered as Internal.
package apierr

import (
	"errors"
	"fmt"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Code is an error code, as clients find it in errors[].extensions.code.
type Code string

// The codes.
const (
	// BadUserInput: an argument, variable, ID, cursor or input value is
	// invalid. The field named in extensions.field when there is one.
	BadUserInput Code = "BAD_USER_INPUT"
	// ValidationFailed: the query does not fit the schema.
	ValidationFailed Code = "GRAPHQL_VALIDATION_FAILED"
	// ParseFailed: the query is not valid GraphQL syntax.
	ParseFailed Code = "GRAPHQL_PARSE_FAILED"
	// BadRequest: the HTTP request itself is malformed.
	BadRequest Code = "BAD_REQUEST"
	// Unauthenticated: the API key is not valid, or a change was asked for
	// without one.
	Unauthenticated Code = "UNAUTHENTICATED"
	// Forbidden: the key's role may not make the change.
	Forbidden Code = "FORBIDDEN"
	// NotFound: a row the request names does not exist.
	NotFound Code = "NOT_FOUND"
	// LimitExceeded: the operation is over a limit (extensions.limit names
	// it, with maximum and actual).
	LimitExceeded Code = "LIMIT_EXCEEDED"
	// RateLimited: the client has spent its points for now.
	RateLimited Code = "RATE_LIMITED"
	// Timeout: the request ran out of time.
	Timeout Code = "TIMEOUT"
	// PersistedQueryNotFound: the server does not know the hash; resend
	// with the query.
	PersistedQueryNotFound Code = "PERSISTED_QUERY_NOT_FOUND"
	// PersistedQueryRequired: the server runs only its allowed queries.
	PersistedQueryRequired Code = "PERSISTED_QUERY_REQUIRED"
	// Internal: something failed on the server; the details are logged
	// with the request ID (extensions.requestId), never sent.
	Internal Code = "INTERNAL_SERVER_ERROR"
	// ServiceUnavailable: the database cannot serve the request now;
	// extensions.reason says why (one of the Reason values). Answered
	// with HTTP 503 and Retry-After. Nothing was written: the request may
	// be sent again after Retry-After, mutations included.
	ServiceUnavailable Code = "SERVICE_UNAVAILABLE"
	// CommitUnknown: the connection to the database failed after a
	// mutation's COMMIT was sent, so whether the change was written is
	// unknown. A mutation sent with an Idempotency-Key header may be sent
	// again with the same key: it is answered with the first outcome if
	// that was written, and runs if not. Without one, the audit trail
	// (auditEvents, whose requestID is extensions.requestId) tells: the
	// mutation must not be sent again before checking it.
	CommitUnknown Code = "COMMIT_UNKNOWN"
	// Conflict: another request with the same Idempotency-Key is still
	// being answered; send it again once that one has finished.
	Conflict Code = "CONFLICT"
)

// Reason is why a request was answered SERVICE_UNAVAILABLE, in
// extensions.reason.
type Reason string

// The reasons.
const (
	// ReasonDatabaseUnavailable: the database has not answered for as
	// long as a request may wait; requests are turned away at once until
	// it answers a probe again.
	ReasonDatabaseUnavailable Reason = "DATABASE_UNAVAILABLE"
	// ReasonConnectionFailed: the request's connection to the database
	// failed (a restart, a failover) and could not be replaced in time.
	ReasonConnectionFailed Reason = "CONNECTION_FAILED"
	// ReasonPoolExhausted: every database connection stayed busy for
	// longer than the pool wait.
	ReasonPoolExhausted Reason = "POOL_EXHAUSTED"
	// ReasonStarting: the server is still waiting for its database.
	ReasonStarting Reason = "STARTING"
	// ReasonDiskFull: the database's storage is full; reads still work.
	ReasonDiskFull Reason = "DISK_FULL"
	// ReasonReadOnly: the database takes no writes (a read-only file, a
	// standby); reads still work.
	ReasonReadOnly Reason = "READ_ONLY"
	// ReasonStorageError: the database could not read or write its files.
	ReasonStorageError Reason = "STORAGE_ERROR"
	// ReasonStreamsFull: the server has as many WebSocket connections and
	// event streams open as it serves.
	ReasonStreamsFull Reason = "STREAMS_FULL"
)

// Unavailable returns a ServiceUnavailable error for the request with the
// given ID.
func Unavailable(reason Reason, requestID, format string, args ...any) *Error {
	return New(ServiceUnavailable, format, args...).With("reason", string(reason)).With("requestId", requestID)
}

// ReasonOf returns the reason of a ServiceUnavailable error, or "".
func ReasonOf(e *gqlerror.Error) Reason {
	if CodeOf(e) != ServiceUnavailable {
		return ""
	}
	r, _ := e.Extensions["reason"].(string)
	return Reason(r)
}

// Error is an error written for clients.
type Error struct {
	Code    Code
	Message string
	// Extensions are details beside the code (field, limit, maximum …).
	Extensions map[string]any
}

func (e *Error) Error() string { return e.Message }

// New returns an error with a code and a message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// BadInput returns a BadUserInput error.
func BadInput(format string, args ...any) *Error {
	return New(BadUserInput, format, args...)
}

// With returns e with one more extension.
func (e *Error) With(key string, value any) *Error {
	ext := make(map[string]any, len(e.Extensions)+1)
	for k, v := range e.Extensions {
		ext[k] = v
	}
	ext[key] = value
	return &Error{Code: e.Code, Message: e.Message, Extensions: ext}
}

// GQL returns e as a GraphQL error, its code among the extensions.
func (e *Error) GQL() *gqlerror.Error {
	ext := make(map[string]any, len(e.Extensions)+1)
	for k, v := range e.Extensions {
		ext[k] = v
	}
	ext["code"] = string(e.Code)
	return &gqlerror.Error{Message: e.Message, Extensions: ext}
}

// As finds an *Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// CodeOf returns the code of a GraphQL error, or "".
func CodeOf(e *gqlerror.Error) Code {
	if e == nil {
		return ""
	}
	c, _ := e.Extensions["code"].(string)
	return Code(c)
}

// Has reports whether any of errs has code.
func Has(errs gqlerror.List, code Code) bool {
	for _, e := range errs {
		if CodeOf(e) == code {
			return true
		}
	}
	return false
}

// InternalFor is what a client sees of an internal error in the request
// with the given ID; the details go to the log under the same ID.
func InternalFor(requestID string) *Error {
	return New(Internal, "internal server error; quote request %s when reporting it", requestID).With("requestId", requestID)
}
