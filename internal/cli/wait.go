package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"sscgraph/internal/database"
	"sscgraph/internal/dbhealth"
)

// defaultDBWait is how long serve waits for its database at start: long
// enough for a database started beside it (a container, a machine
// booting) to come up, short enough that a wrong address fails the
// deployment within the minute.
const defaultDBWait = 60 * time.Second

// Backoff of serve's attempts to reach the database at start.
const (
	firstDBRetry = 250 * time.Millisecond
	maxDBRetry   = 5 * time.Second
)

// waitForDatabase opens, migrates and loads the database (openAndLoad),
// trying again with backoff while the database refuses or drops
// connections, for up to wait; each failed attempt is logged and becomes
// the status /readyz reports. Other failures (a wrong password, a failed
// migration) end it at once. Every attempt is all or nothing: migrations
// and the dataset load each run in a transaction.
func waitForDatabase(ctx context.Context, dsn string, opts database.Options, wait time.Duration, logger *slog.Logger, status *startStatus) (*database.DB, error) {
	deadline := time.Now().Add(wait)
	backoff := firstDBRetry
	for attempt := 1; ; attempt++ {
		db, err := openAndLoad(ctx, dsn, opts, logger)
		if err == nil {
			if attempt > 1 {
				logger.Info("the database answers", "attempt", attempt)
			}
			return db, nil
		}
		if !dbhealth.IsConnection(err) || ctx.Err() != nil {
			return nil, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, fmt.Errorf("the database did not answer within --db-wait %s (%d attempts): %w", wait, attempt, err)
		}
		next := min(backoff, left)
		status.set(fmt.Sprintf("waiting for the database: %s (attempt %d)", briefly(err), attempt))
		logger.Warn("waiting for the database", "attempt", attempt, "retry_in", next, "err", err)
		t := time.NewTimer(next)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		backoff = min(2*backoff, maxDBRetry)
	}
}

// briefly is what /readyz says of a failure to reach the database: the
// network's error or the server's message, without the URL and the
// driver's wrapping.
func briefly(err error) string {
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return opErr.Error()
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Message + " (SQLSTATE " + pgErr.Code + ")"
	}
	for next := errors.Unwrap(err); next != nil; next = errors.Unwrap(err) {
		err = next
	}
	return err.Error()
}

// startStatus is what serve is doing before it serves, for /readyz.
type startStatus struct {
	mu     sync.Mutex
	status string
}

func (s *startStatus) set(status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = status
}

func (s *startStatus) get() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// swapHandler serves whichever handler was set last: serve's placeholder
// while it waits for the database, then the API.
type swapHandler struct{ h atomic.Pointer[http.Handler] }

func (s *swapHandler) set(h http.Handler) { s.h.Store(&h) }

func (s *swapHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*s.h.Load()).ServeHTTP(w, r)
}
