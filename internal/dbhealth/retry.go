package dbhealth

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Backoff is how a read is retried after a connection failure.
type Backoff struct {
	// First is the wait after the first failure; each next wait doubles,
	// up to Max.
	First, Max time.Duration
	// Budget bounds the time spent retrying when the context has no
	// deadline (a request's context has one: the retries stop in time
	// for the request to answer before it).
	Budget time.Duration
}

// DefaultBackoff retries at 50 ms, 100 ms, … then every second: a
// PostgreSQL restart (about 6 s with a fast shutdown) or a failover of a
// few seconds is ridden out within a request's 10 s.
var DefaultBackoff = Backoff{First: 50 * time.Millisecond, Max: time.Second, Budget: 10 * time.Second}

// minAttempt is the least time left before the context's deadline for
// another attempt to be worth it: below that, the request is better
// answered "unavailable" than "timed out".
const minAttempt = 100 * time.Millisecond

// ExhaustedError is a statement given up on: every attempt met a
// connection failure until the time ran out or the breaker opened. It
// wraps the last failure, so it classifies as Connection.
type ExhaustedError struct {
	Attempts int
	Elapsed  time.Duration
	Err      error
}

func (e *ExhaustedError) Error() string {
	return fmt.Sprintf("the database did not answer in %d attempts over %s: %v", e.Attempts, e.Elapsed.Round(time.Millisecond), e.Err)
}

func (e *ExhaustedError) Unwrap() error { return e.Err }

// Is makes a retry given up on an ErrUnavailable: the database, not just
// one connection, is not answering.
func (e *ExhaustedError) Is(target error) bool { return target == ErrUnavailable }

// Retry runs fn until it succeeds, fails with anything but a connection
// failure, or the time runs out, waiting between attempts as b says. It
// stops early, with an *ExhaustedError, when stop reports true (the
// breaker opened: another request has found the database gone). A nil
// stop never stops.
//
// Only idempotent work may be retried: reads, or writes whose repetition
// is harmless. fn gets a new connection from the pool each time (database/
// sql discards the broken one).
func Retry(ctx context.Context, b Backoff, stop func() bool, fn func(ctx context.Context) error) error {
	start := time.Now()
	wait := b.First
	for attempt := 1; ; attempt++ {
		err := fn(ctx)
		if err == nil || !IsConnection(err) || ctx.Err() != nil {
			return err
		}
		exhausted := &ExhaustedError{Attempts: attempt, Elapsed: time.Since(start), Err: err}
		if stop != nil && stop() {
			return exhausted
		}
		if deadline, ok := ctx.Deadline(); ok {
			if time.Until(deadline) < wait+minAttempt {
				return exhausted
			}
		} else if time.Since(start)+wait > b.Budget {
			return exhausted
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(ctx.Err(), err)
		case <-t.C:
		}
		wait = min(2*wait, b.Max)
	}
}

// IsExhausted reports whether err is a retry given up on.
func IsExhausted(err error) bool {
	var e *ExhaustedError
	return errors.As(err, &e)
}
