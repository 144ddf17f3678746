package limits

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// stores are the Store implementations under test, each new and empty;
// storesUnderTest adds PostgreSQL when the tests have one.
var stores = []struct {
	name string
	open func(t testing.TB, perHour int) Store
}{
	{"memory", func(_ testing.TB, perHour int) Store { return NewMemory(perHour) }},
}

// TestBuckets drives a bucket of 3,600 points an hour (one a second) with
// a clock the test moves, on every store.
func TestBuckets(t *testing.T) {
	for _, st := range storesUnderTest() {
		t.Run(st.name, func(t *testing.T) {
			ctx := context.Background()
			s := st.open(t, 3600)
			start := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
			steps := []struct {
				at      time.Duration // since start
				client  string
				cost    int
				granted bool
				tokens  float64 // after the step
			}{
				{0, "a", 1000, true, 2600},                 // a new bucket is full
				{0, "a", 2600, true, 0},                    // to the last point
				{0, "a", 1, false, 0},                      // empty: refused, charged nothing
				{10 * time.Second, "a", 11, false, 10},     // ten seconds refill ten points
				{10 * time.Second, "a", 10, true, 0},       // exactly enough
				{10 * time.Second, "b", 5000, false, 3600}, // never fits; b's bucket is b's own
				{5 * time.Second, "a", 0, true, 0},         // the clock going back adds nothing
				{3 * time.Hour, "a", 0, true, 3600},        // full again, never more
				{3 * time.Hour, "a", 3600, true, 0},
			}
			for i, step := range steps {
				b, err := s.Take(ctx, step.client, step.cost, start.Add(step.at))
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if b.Granted != step.granted || b.Tokens < step.tokens-0.001 || b.Tokens > step.tokens+0.001 {
					t.Errorf("step %d (%s takes %d at +%s): granted %v with %.3f left, want %v with %.0f",
						i, step.client, step.cost, step.at, b.Granted, b.Tokens, step.granted, step.tokens)
				}
			}
		})
	}
}

// TestConcurrentTakes: takes racing on one bucket spend each point once.
// 500 takes of 3 points at one instant from a bucket of 1,000 grant
// exactly 333, on every store (in PostgreSQL, from separate connections).
func TestConcurrentTakes(t *testing.T) {
	for _, st := range storesUnderTest() {
		t.Run(st.name, func(t *testing.T) {
			s := st.open(t, 1000)
			now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
			var granted atomic.Int64
			var wg sync.WaitGroup
			for range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 25 {
						b, err := s.Take(context.Background(), "racer", 3, now)
						if err != nil {
							t.Error(err)
							return
						}
						if b.Granted {
							granted.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			if got := granted.Load(); got != 333 {
				t.Errorf("%d takes granted, want 333", got)
			}
		})
	}
}

// TestRateOf checks what clients are told of their bucket.
func TestRateOf(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	r := rateOf(Bucket{Tokens: 100.5, Granted: false}, 160, 3600, now)
	if r.Limit != 3600 || r.Remaining != 100 || r.RetryAfter != 60*time.Second {
		t.Errorf("refused: %+v, want limit 3600, 100 remaining, retry after 60s", r)
	}
	if want := now.Add(3500 * time.Second).Add(time.Second); !r.ResetAt.Equal(want) {
		t.Errorf("reset at %s, want %s (full again)", r.ResetAt, want)
	}
	if r := rateOf(Bucket{Tokens: 0, Granted: false}, 5000, 3600, now); r.RetryAfter != time.Hour {
		t.Errorf("a cost over the bucket: retry after %s, want an hour", r.RetryAfter)
	}
	if r := rateOf(Bucket{Tokens: 10, Granted: true}, 5, 3600, now); r.RetryAfter != 0 {
		t.Errorf("granted: retry after %s", r.RetryAfter)
	}
}

// BenchmarkTake is the rate limiter's price per request on each store:
// parallel clients, each on a bucket of its own.
func BenchmarkTake(b *testing.B) {
	for _, st := range storesUnderTest() {
		b.Run(st.name, func(b *testing.B) {
			s := st.open(b, 1_000_000_000)
			var n atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				client := fmt.Sprintf("bench:%d", n.Add(1))
				for pb.Next() {
					if _, err := s.Take(context.Background(), client, 1, time.Now()); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
