package pubsub_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"sscgraph/internal/pubsub"
)

// wait is how long a test waits for an event that must come.
const wait = 10 * time.Second

// next returns the next event of s, failing the test when none comes.
func next(t *testing.T, s *pubsub.Subscription) pubsub.Event {
	t.Helper()
	select {
	case e, ok := <-s.Events():
		if !ok {
			t.Fatalf("the subscription ended (%v) instead of delivering an event", s.Err())
		}
		return e
	case <-time.After(wait):
		t.Fatalf("no event within %s", wait)
	}
	return pubsub.Event{}
}

// ended waits for s to end and returns why.
func ended(t *testing.T, s *pubsub.Subscription) error {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case _, ok := <-s.Events():
			if !ok {
				return s.Err()
			}
		case <-deadline:
			t.Fatalf("the subscription did not end within %s", wait)
		}
	}
}

func offer(id int) pubsub.Event { return pubsub.Event{Kind: pubsub.Offer, Op: pubsub.Created, ID: id} }

// TestLocal checks the in-process fan-out: every subscriber gets every
// event in order; one that falls behind is dropped with ErrSlow without
// holding up the writer or the others; a subscriber whose context ends
// leaves quietly; closing the broker ends everyone with ErrClosed.
func TestLocal(t *testing.T) {
	for _, tc := range []struct {
		name  string
		queue int
		run   func(t *testing.T, b *pubsub.Local)
	}{
		{"every subscriber gets every event in order", 3, func(t *testing.T, b *pubsub.Local) {
			ctx := t.Context()
			subs := make([]*pubsub.Subscription, 3)
			for i := range subs {
				s, err := b.Subscribe(ctx)
				if err != nil {
					t.Fatal(err)
				}
				subs[i] = s
			}
			if got := b.Subscribers(); got != 3 {
				t.Fatalf("Subscribers() = %d, want 3", got)
			}
			if err := b.Publish(ctx, offer(1), offer(2)); err != nil {
				t.Fatal(err)
			}
			if err := b.Publish(ctx, offer(3)); err != nil {
				t.Fatal(err)
			}
			for i, s := range subs {
				for _, want := range []int{1, 2, 3} {
					if e := next(t, s); e != offer(want) {
						t.Fatalf("subscriber %d: got %+v, want offer %d", i, e, want)
					}
				}
			}
		}},
		{"a slow subscriber is dropped, the others are not", 2, func(t *testing.T, b *pubsub.Local) {
			ctx := t.Context()
			slow, err := b.Subscribe(ctx)
			if err != nil {
				t.Fatal(err)
			}
			fast, err := b.Subscribe(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// Queues hold 2: the third event finds the slow
			// subscriber's full. Publish never waits for it (were it to,
			// this test would hang).
			for i := 1; i <= 3; i++ {
				if err := b.Publish(ctx, offer(i)); err != nil {
					t.Fatal(err)
				}
				if i == 2 {
					for _, want := range []int{1, 2} {
						if e := next(t, fast); e != offer(want) {
							t.Fatalf("fast subscriber: got %+v, want offer %d", e, want)
						}
					}
				}
			}
			if e := next(t, fast); e != offer(3) {
				t.Fatalf("fast subscriber: got %+v, want offer 3", e)
			}
			// The slow one still has what was queued, then the end.
			for _, want := range []int{1, 2} {
				if e := next(t, slow); e != offer(want) {
					t.Fatalf("slow subscriber: got %+v, want offer %d", e, want)
				}
			}
			if err := ended(t, slow); !errors.Is(err, pubsub.ErrSlow) {
				t.Fatalf("slow subscriber ended with %v, want ErrSlow", err)
			}
			if got := b.Subscribers(); got != 1 {
				t.Fatalf("Subscribers() = %d after the drop, want 1", got)
			}
		}},
		{"a subscriber whose context ends leaves", 1, func(t *testing.T, b *pubsub.Local) {
			ctx, cancel := context.WithCancel(t.Context())
			s, err := b.Subscribe(ctx)
			if err != nil {
				t.Fatal(err)
			}
			cancel()
			if err := ended(t, s); err != nil {
				t.Fatalf("ended with %v, want nil", err)
			}
			if got := b.Subscribers(); got != 0 {
				t.Fatalf("Subscribers() = %d, want 0", got)
			}
			if _, err := b.Subscribe(ctx); !errors.Is(err, context.Canceled) {
				t.Fatalf("Subscribe with an ended context: %v, want context.Canceled", err)
			}
		}},
		{"closing ends every subscription", 1, func(t *testing.T, b *pubsub.Local) {
			s, err := b.Subscribe(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			if err := ended(t, s); !errors.Is(err, pubsub.ErrClosed) {
				t.Fatalf("ended with %v, want ErrClosed", err)
			}
			if _, err := b.Subscribe(t.Context()); !errors.Is(err, pubsub.ErrClosed) {
				t.Fatalf("Subscribe after Close: %v, want ErrClosed", err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, pubsub.NewLocal(tc.queue)) })
	}
}

func TestChannelName(t *testing.T) {
	long := strings.Repeat("abcdefgh", 8)
	for _, tc := range []struct{ schema, want string }{
		{"public", "sscgraph_events:public"},
		{"sscgraph_pgtest_1_2", "sscgraph_events:sscgraph_pgtest_1_2"},
	} {
		if got := pubsub.ChannelName(tc.schema); got != tc.want {
			t.Errorf("ChannelName(%q) = %q, want %q", tc.schema, got, tc.want)
		}
	}
	a, b := pubsub.ChannelName(long), pubsub.ChannelName(long+"x")
	if len(a) > 63 || len(b) > 63 || a == b {
		t.Errorf("long schema names: %q and %q: want distinct names of at most 63 bytes", a, b)
	}
}
