package limits

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"sscgraph/internal/reqctx"
)

// TestSettle: a request is charged what it took beyond its price, as far
// as its client's bucket holds, and its actual cost is recorded.
func TestSettle(t *testing.T) {
	for _, st := range storesUnderTest() {
		t.Run(st.name, func(t *testing.T) {
			now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
			l := New(Config{PerHour: 1000, TimePerPoint: time.Millisecond}, st.open(t, 1000), slog.New(slog.NewTextHandler(io.Discard, nil)))
			l.now = func() time.Time { return now }
			for _, tc := range []struct {
				name          string
				requested     int
				took          time.Duration
				wantActual    int
				wantRemaining int // after the step
			}{
				{"faster than its price: nothing more", 100, 20 * time.Millisecond, 20, 1000},
				{"slower: the difference", 100, 300 * time.Millisecond, 300, 800},
				{"far slower: the bucket is emptied, not overdrawn", 10, 5 * time.Second, 5000, 0},
			} {
				t.Run(tc.name, func(t *testing.T) {
					info := &reqctx.Info{ID: "r", Client: "ip:" + st.name}
					ctx := reqctx.With(context.Background(), info)
					if got := l.Settle(ctx, tc.requested, tc.took); got != tc.wantActual || info.Cost.Actual != tc.wantActual {
						t.Errorf("got actual %d (recorded %d), want %d", got, info.Cost.Actual, tc.wantActual)
					}
					b, err := l.store.Take(ctx, info.Client, 0, now)
					if err != nil {
						t.Fatal(err)
					}
					if got := int(b.Tokens); got != tc.wantRemaining {
						t.Errorf("got %d points left, want %d", got, tc.wantRemaining)
					}
				})
			}
		})
	}
}

// TestChargeEvent: each event of a subscription is charged its price; one
// the bucket cannot pay for is refused with RATE_LIMITED.
func TestChargeEvent(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	l := New(Config{PerHour: 250}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	l.now = func() time.Time { return now }
	ctx := reqctx.With(context.Background(), &reqctx.Info{ID: "r", Client: "ip:a"})
	for i, want := range []string{"", "", "RATE_LIMITED"} {
		err := l.ChargeEvent(ctx, 100)
		got := ""
		if err != nil {
			got, _ = err.Extensions["code"].(string)
		}
		if got != want {
			t.Errorf("event %d: got %q, want %q", i+1, got, want)
		}
	}
}
