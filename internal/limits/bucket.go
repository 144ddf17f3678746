package limits

import (
	"math"
	"sync"
	"time"

	"sscgraph/internal/reqctx"
)

// Buckets is a token-bucket rate limiter in cost points: each client's
// bucket holds up to perHour points and refills continuously at perHour
// per hour. Buckets live in this process's memory, so with several
// replicas each replica limits on its own (the effective limit is per
// replica); a shared store can implement the same method later.
type Buckets struct {
	perHour float64
	now     func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	takes   int
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewBuckets returns a limiter allowing perHour points per client per hour.
func NewBuckets(perHour int) *Buckets {
	return &Buckets{perHour: float64(perHour), now: time.Now, buckets: map[string]*bucket{}}
}

// Take charges cost points to client's bucket if it holds that many, and
// reports the bucket's state either way. A refused request is charged
// nothing.
func (b *Buckets) Take(client string, cost int) (rate reqctx.Rate, ok bool) {
	now := b.now()
	perSecond := b.perHour / 3600
	b.mu.Lock()
	defer b.mu.Unlock()
	b.takes++
	if b.takes%1024 == 0 {
		b.evict(now, perSecond)
	}
	bk := b.buckets[client]
	if bk == nil {
		bk = &bucket{tokens: b.perHour, at: now}
		b.buckets[client] = bk
	}
	bk.tokens = math.Min(b.perHour, bk.tokens+now.Sub(bk.at).Seconds()*perSecond)
	bk.at = now
	c := float64(cost)
	ok = c <= bk.tokens
	if ok {
		bk.tokens -= c
	}
	rate = reqctx.Rate{
		Limit:     int(b.perHour),
		Remaining: int(math.Floor(bk.tokens)),
		ResetAt:   now.Add(secs((b.perHour - bk.tokens) / perSecond)).Truncate(time.Second).Add(time.Second),
	}
	if !ok {
		if c > b.perHour {
			rate.RetryAfter = time.Hour // can never fit: come back when full, then give up
		} else {
			rate.RetryAfter = secs((c - bk.tokens) / perSecond)
		}
	}
	return rate, ok
}

// evict forgets buckets that have refilled completely: they hold no state.
func (b *Buckets) evict(now time.Time, perSecond float64) {
	for k, bk := range b.buckets {
		if bk.tokens+now.Sub(bk.at).Seconds()*perSecond >= b.perHour {
			delete(b.buckets, k)
		}
	}
}

func secs(s float64) time.Duration {
	return time.Duration(math.Ceil(s)) * time.Second
}
