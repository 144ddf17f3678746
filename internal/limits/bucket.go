package limits

import (
	"context"
	"math"
	"sync"
	"time"

	"sscgraph/internal/reqctx"
)

// Store keeps the clients' token buckets. Each bucket holds up to perHour
// cost points and refills continuously at perHour per hour; Take charges
// cost to a client's bucket if it holds that many, atomically, and reports
// the bucket's state either way. A refused request is charged nothing, and
// a cost of 0 only reads the state.
//
// Memory keeps buckets in the process (one server, or SQLite); Postgres
// keeps them in the database, so that every replica charges the same
// buckets and the published limit holds whichever replica answers.
type Store interface {
	Take(ctx context.Context, client string, cost int, now time.Time) (Bucket, error)
}

// Bucket is a bucket's state after a Take.
type Bucket struct {
	Tokens  float64 // points left
	Granted bool    // the cost was charged
}

// refill returns a bucket's level at now: what it held at `at`, plus what
// flowed in since, up to perHour.
func refill(tokens float64, at, now time.Time, perHour float64) float64 {
	elapsed := max(now.Sub(at).Seconds(), 0) // replicas' clocks may differ a little
	return math.Min(perHour, tokens+elapsed*perHour/3600)
}

// rateOf is what a client is told of its bucket after a Take.
func rateOf(b Bucket, cost int, perHour float64, now time.Time) reqctx.Rate {
	perSecond := perHour / 3600
	rate := reqctx.Rate{
		Limit:     int(perHour),
		Remaining: int(math.Floor(b.Tokens)),
		ResetAt:   now.Add(secs((perHour - b.Tokens) / perSecond)).Truncate(time.Second).Add(time.Second),
	}
	if !b.Granted {
		c := float64(cost)
		if c > perHour {
			rate.RetryAfter = time.Hour // can never fit: come back when full, then give up
		} else {
			rate.RetryAfter = secs((c - b.Tokens) / perSecond)
		}
	}
	return rate
}

// Memory is a Store in this process's memory.
type Memory struct {
	perHour float64

	mu      sync.Mutex
	buckets map[string]*bucket
	takes   int
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewMemory returns an in-process store of buckets of perHour points.
func NewMemory(perHour int) *Memory {
	return &Memory{perHour: float64(perHour), buckets: map[string]*bucket{}}
}

// Take implements Store.
func (m *Memory) Take(_ context.Context, client string, cost int, now time.Time) (Bucket, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.takes++
	if m.takes%1024 == 0 {
		m.evict(now)
	}
	bk := m.buckets[client]
	if bk == nil {
		bk = &bucket{tokens: m.perHour, at: now}
		m.buckets[client] = bk
	}
	bk.tokens = refill(bk.tokens, bk.at, now, m.perHour)
	bk.at = now
	c := float64(cost)
	ok := c <= bk.tokens
	if ok {
		bk.tokens -= c
	}
	return Bucket{Tokens: bk.tokens, Granted: ok}, nil
}

// evict forgets buckets that have refilled completely: they hold no state.
func (m *Memory) evict(now time.Time) {
	for k, bk := range m.buckets {
		if refill(bk.tokens, bk.at, now, m.perHour) >= m.perHour {
			delete(m.buckets, k)
		}
	}
}

func secs(s float64) time.Duration {
	return time.Duration(math.Ceil(s)) * time.Second
}
