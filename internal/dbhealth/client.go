package dbhealth

import (
	"errors"

	"sscgraph/internal/apierr"
)

// ClientError returns what a client is told of the database fault behind
// err, and false when err is no database fault. writing says whether the
// request is a mutation, whose transaction has then been rolled back: its
// message says that nothing was written, unless err is a COMMIT whose
// outcome is unknown (CommitUnknownError): that is COMMIT_UNKNOWN.
func ClientError(err error, requestID string, writing bool) (*apierr.Error, bool) {
	if CommitOutcomeUnknown(err) {
		return CommitUnknownFor(requestID), true
	}
	switch Classify(err) {
	case Connection:
		reason := apierr.ReasonConnectionFailed
		if errors.Is(err, ErrUnavailable) {
			reason = apierr.ReasonDatabaseUnavailable
		}
		if writing {
			return apierr.Unavailable(reason, requestID,
				"the connection to the database failed before the change was committed: nothing was written; send the mutation again after Retry-After"), true
		}
		return apierr.Unavailable(reason, requestID,
			"the database did not answer (it may be restarting); nothing is wrong with the request: send it again after Retry-After"), true
	case DiskFull:
		return apierr.Unavailable(apierr.ReasonDiskFull, requestID,
			"the database's disk is full, so it takes no changes: nothing was written; reads still work. Send the change again once the operators have freed space (quote request %s)", requestID), true
	case ReadOnly:
		return apierr.Unavailable(apierr.ReasonReadOnly, requestID,
			"the database is read-only, so it takes no changes: nothing was written; reads still work. Send the change again once it takes writes (quote request %s)", requestID), true
	case StorageIO:
		return apierr.Unavailable(apierr.ReasonStorageError, requestID,
			"the database could not read or write its storage (an I/O error): nothing was written. Quote request %s to the operators", requestID), true
	}
	return nil, false
}

// CommitUnknownFor is what a client is told of a mutation whose COMMIT
// was sent but not answered (CommitOutcomeUnknown).
func CommitUnknownFor(requestID string) *apierr.Error {
	return apierr.New(apierr.CommitUnknown,
		"the connection to the database failed after the change was sent for commit, so it may or may not have been written: "+
			"send it again with the same Idempotency-Key header if it had one (the first outcome is answered if it was written), "+
			"else look for it in the audit trail (auditEvents(where: {requestID: %q}), or the object itself) before sending the mutation again; quote request %s", requestID, requestID).
		With("requestId", requestID)
}

// ErrUnavailable marks requests turned away because the breaker is open.
var ErrUnavailable = errors.New("the database is unavailable")
