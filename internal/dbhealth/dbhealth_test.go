package dbhealth

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
)

func TestClassify(t *testing.T) {
	pg := func(code string) error { return fmt.Errorf("query: %w", &pgconn.PgError{Code: code}) }
	tests := []struct {
		name string
		err  error
		want Fault
	}{
		{"nil", nil, None},
		{"admin shutdown", pg("57P01"), Connection},
		{"crash shutdown", pg("57P02"), Connection},
		{"starting up", pg("57P03"), Connection},
		{"connection exception", pg("08006"), Connection},
		{"unique violation", pg("23505"), None},
		{"syntax error", pg("42601"), None},
		{"disk full", pg("53100"), DiskFull},
		{"read-only standby", pg("25006"), ReadOnly},
		{"postgres io error", pg("58030"), StorageIO},
		{"bad conn", fmt.Errorf("ping: %w", driver.ErrBadConn), Connection},
		{"eof", io.EOF, Connection},
		{"unexpected eof", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), Connection},
		{"refused", &net.OpError{Op: "dial", Err: &net.AddrError{}}, Connection},
		{"refused errno", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), Connection},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), Connection},
		{"connect error", &pgconn.ConnectError{}, Connection},
		{"deadline", context.DeadlineExceeded, None},
		{"canceled while reading", fmt.Errorf("read: %w", errors.Join(context.Canceled, io.EOF)), None},
		{"sqlite full", sqlite3.Error{Code: sqlite3.ErrFull}, DiskFull},
		{"sqlite read-only", fmt.Errorf("insert: %w", sqlite3.Error{Code: sqlite3.ErrReadonly}), ReadOnly},
		{"sqlite io", sqlite3.Error{Code: sqlite3.ErrIoErr}, StorageIO},
		{"sqlite constraint", sqlite3.Error{Code: sqlite3.ErrConstraint}, None},
		{"sqlite busy", sqlite3.Error{Code: sqlite3.ErrBusy}, None},
		{"other", fs.ErrNotExist, None},
		{"commit unknown", &CommitUnknownError{Err: io.ErrUnexpectedEOF}, Connection},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.err); got != tt.want {
				t.Errorf("Classify(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

func TestClientError(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		writing bool
		code    string
		reason  string
	}{
		{"read", io.EOF, false, "SERVICE_UNAVAILABLE", "CONNECTION_FAILED"},
		{"write", io.EOF, true, "SERVICE_UNAVAILABLE", "CONNECTION_FAILED"},
		{"given up", &ExhaustedError{Attempts: 3, Err: io.EOF}, false, "SERVICE_UNAVAILABLE", "DATABASE_UNAVAILABLE"},
		{"commit unknown", &CommitUnknownError{Err: io.EOF}, true, "COMMIT_UNKNOWN", ""},
		{"disk full", sqlite3.Error{Code: sqlite3.ErrFull}, true, "SERVICE_UNAVAILABLE", "DISK_FULL"},
		{"read-only", sqlite3.Error{Code: sqlite3.ErrReadonly}, true, "SERVICE_UNAVAILABLE", "READ_ONLY"},
		{"storage", sqlite3.Error{Code: sqlite3.ErrIoErr}, true, "SERVICE_UNAVAILABLE", "STORAGE_ERROR"},
		{"not a fault", errors.New("boom"), true, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := ClientError(tt.err, "req-1", tt.writing)
			if tt.code == "" {
				if ok {
					t.Fatalf("ClientError(%v) = %v, want none", tt.err, e)
				}
				return
			}
			if !ok {
				t.Fatalf("ClientError(%v): none", tt.err)
			}
			g := e.GQL()
			if g.Extensions["code"] != tt.code || g.Extensions["requestId"] != "req-1" {
				t.Errorf("extensions %v, want code %s and the request ID", g.Extensions, tt.code)
			}
			if tt.reason != "" && g.Extensions["reason"] != tt.reason {
				t.Errorf("reason %v, want %s", g.Extensions["reason"], tt.reason)
			}
		})
	}
}

func TestRetry(t *testing.T) {
	fast := Backoff{First: time.Millisecond, Max: 4 * time.Millisecond, Budget: 200 * time.Millisecond}
	boom := errors.New("syntax error")
	tests := []struct {
		name      string
		failures  int   // connection failures before success
		other     error // returned instead, when set
		stop      bool
		wantCalls int
		wantErr   func(error) bool
	}{
		{"succeeds at once", 0, nil, false, 1, func(err error) bool { return err == nil }},
		{"rides out failures", 5, nil, false, 6, func(err error) bool { return err == nil }},
		{"other errors are not retried", 0, boom, false, 1, func(err error) bool { return errors.Is(err, boom) }},
		{"breaker open: one attempt", 100, nil, true, 1, IsExhausted},
		{"gives up when the time runs out", 1 << 30, nil, false, -1, func(err error) bool {
			return IsExhausted(err) && errors.Is(err, io.EOF) && errors.Is(err, ErrUnavailable) && IsConnection(err)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			err := Retry(context.Background(), fast, func() bool { return tt.stop }, func(context.Context) error {
				calls++
				if tt.other != nil {
					return tt.other
				}
				if calls <= tt.failures {
					return io.EOF
				}
				return nil
			})
			if !tt.wantErr(err) {
				t.Errorf("err = %v", err)
			}
			if tt.wantCalls >= 0 && calls != tt.wantCalls {
				t.Errorf("%d calls, want %d", calls, tt.wantCalls)
			}
		})
	}
}

// TestRetryKeepsToTheDeadline: with a context deadline, Retry gives up
// with ExhaustedError before it, not with the deadline's error.
func TestRetryKeepsToTheDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := Retry(ctx, DefaultBackoff, nil, func(context.Context) error { return io.EOF })
	if !IsExhausted(err) || ctx.Err() != nil {
		t.Errorf("err = %v, context %v: want exhausted before the deadline", err, ctx.Err())
	}
}

func TestBreaker(t *testing.T) {
	var up atomic.Bool
	probes := atomic.Int64{}
	b := NewBreaker(func(context.Context) error {
		probes.Add(1)
		if up.Load() {
			return nil
		}
		return io.EOF
	}, 5*time.Millisecond, nil)
	defer b.Stop()
	if b.Open() || b.Reason() != nil {
		t.Fatal("a new breaker is open")
	}
	b.Trip(io.ErrUnexpectedEOF)
	b.Trip(io.ErrUnexpectedEOF) // a second trip changes nothing
	if !b.Open() || b.Reason() == nil {
		t.Fatal("the breaker did not open")
	}
	deadline := time.Now().Add(5 * time.Second)
	for probes.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the probe does not run")
		}
		time.Sleep(time.Millisecond)
	}
	if !b.Open() {
		t.Fatal("closed while the probe fails")
	}
	up.Store(true)
	for b.Open() {
		if time.Now().After(deadline) {
			t.Fatal("the breaker did not close once the probe succeeded")
		}
		time.Sleep(time.Millisecond)
	}
	var nilBreaker *Breaker
	if nilBreaker.Open() {
		t.Error("a nil breaker is open")
	}
}
