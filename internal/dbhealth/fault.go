// Package dbhealth tells database faults apart and keeps the state of the
// database as the API sees it: which errors mean "the connection failed"
// (retry on a new one) or "the storage cannot take writes" (say so), a
// retry loop for reads that rides out a restart, and a circuit breaker that
// a failed retry opens and a cheap probe closes, so that requests are
// answered 503 at once while the database is gone instead of one internal
// error per field.
package dbhealth

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
)

// Fault is the kind of database failure behind an error.
type Fault int

// The faults.
const (
	// None: not a database fault (a bad query, a constraint, the
	// request's own time running out…).
	None Fault = iota
	// Connection: the connection to the server failed or was refused, or
	// the server is restarting; the same statement may succeed on a new
	// connection.
	Connection
	// DiskFull: the database's storage is full.
	DiskFull
	// ReadOnly: the database takes no writes (a read-only file, or a
	// PostgreSQL standby after a failover).
	ReadOnly
	// StorageIO: the database could not read or write its files.
	StorageIO
)

// Classify returns the fault behind err.
func Classify(err error) Fault {
	if err == nil {
		return None
	}
	// The request's own deadline or a client that left is not the
	// database's fault; pgconn wraps these so that errors.Is finds them.
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return None
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgFault(pgErr.Code)
	}
	var liteErr sqlite3.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code {
		case sqlite3.ErrFull:
			return DiskFull
		case sqlite3.ErrReadonly:
			return ReadOnly
		case sqlite3.ErrIoErr:
			return StorageIO
		}
		return None
	}
	if isConnectionLevel(err) {
		return Connection
	}
	return None
}

// pgFault maps a SQLSTATE to a fault.
func pgFault(code string) Fault {
	switch {
	// Class 08: connection exception.
	case strings.HasPrefix(code, "08"):
		return Connection
	// 57P01 admin_shutdown ("terminating connection due to administrator
	// command"), 57P02 crash_shutdown, 57P03 cannot_connect_now ("the
	// database system is starting up" / "is shutting down").
	case code == "57P01" || code == "57P02" || code == "57P03":
		return Connection
	case code == "53100": // disk_full
		return DiskFull
	case code == "25006": // read_only_sql_transaction: a standby
		return ReadOnly
	case code == "58030": // io_error
		return StorageIO
	}
	return None
}

// isConnectionLevel reports errors of the socket and the pool rather than
// of a statement: what pgx returns when the server closed or reset the
// connection, refused a new one, or a dial failed.
func isConnectionLevel(err error) bool {
	switch {
	case errors.Is(err, driver.ErrBadConn),
		errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH):
		return true
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true
	}
	// pgconn marks failures that happened before anything was sent
	// (a closed connection, a failed write of zero bytes).
	if pgconn.SafeToRetry(err) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr)
}

// IsConnection reports whether err is a failed or refused connection.
func IsConnection(err error) bool { return Classify(err) == Connection }

// CommitUnknownError is a COMMIT that failed with a connection failure
// once it may have reached the server: the server may have committed and
// lost the connection before its answer arrived, or never have received
// it. Only the data can tell.
//
// pgconn.SafeToRetry cannot tell these apart from a COMMIT that was never
// sent: a connection that fails while pgx reads the answer to a COMMIT it
// did send is reported as "conn closed", which SafeToRetry calls safe.
// The database package therefore decides it by whether the connection was
// still open when the COMMIT began (see CommitOutcomeUnknown).
type CommitUnknownError struct{ Err error }

func (e *CommitUnknownError) Error() string {
	return "the outcome of COMMIT is unknown: " + e.Err.Error()
}

func (e *CommitUnknownError) Unwrap() error { return e.Err }

// CommitOutcomeUnknown reports whether a failed COMMIT may nonetheless
// have committed.
func CommitOutcomeUnknown(err error) bool {
	var e *CommitUnknownError
	return errors.As(err, &e)
}

// IsConflict reports a PostgreSQL transaction that lost to another:
// 40001 serialization_failure or 40P01 deadlock_detected. Nothing of it
// was written, and sending it again may succeed.
func IsConflict(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}

// InFailedTransaction reports PostgreSQL's refusal of a statement in a
// transaction an earlier statement failed (25P02 in_failed_sql_transaction):
// the earlier failure is the one to report.
func InFailedTransaction(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "25P02"
}
