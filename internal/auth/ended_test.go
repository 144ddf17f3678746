package auth

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestWatchEnded: a revoked key and an expired key are each announced
// once, with why, and dropped from the cache; a key that has not ended is
// not; nothing is read while nobody listens.
func TestWatchEnded(t *testing.T) {
	ctx := context.Background()
	k, statements, now := testKeys(t, 100)
	// The watch reads the clock from its own goroutine.
	var clock sync.Mutex
	k.now = func() time.Time { clock.Lock(); defer clock.Unlock(); return *now }
	setClock := func(to time.Time) { clock.Lock(); *now = to; clock.Unlock() }

	revoked, revokedKey, err := Create(ctx, k.client, CreateOptions{Role: RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	expiring, _, err := Create(ctx, k.client, CreateOptions{Role: RoleEditor, ExpiresIn: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Create(ctx, k.client, CreateOptions{Role: RoleEditor}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Authenticate(ctx, "Bearer "+revokedKey); err != nil {
		t.Fatal(err) // now cached
	}

	var active atomic.Bool
	announced := make(chan []Ended, 10)
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		k.WatchEnded(wctx, 5*time.Millisecond, active.Load, func(e []Ended) { announced <- e }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	t.Cleanup(func() { stop(); <-done })

	// Nobody listens: nothing is read.
	before := statements.Load()
	time.Sleep(50 * time.Millisecond)
	if got := statements.Load() - before; got != 0 {
		t.Errorf("got %d statements while inactive, want 0", got)
	}
	active.Store(true)

	if err := Revoke(ctx, k.client, revoked.ID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		setup   func()
		want    Ended
		checkFn func(t *testing.T)
	}{
		{"revoked", func() {}, Ended{ID: revoked.ID, Revoked: true}, func(t *testing.T) {
			if slices.ContainsFunc(k.known.Values(), func(c cached) bool { return c.key.ID == revoked.ID }) {
				t.Errorf("key %d still cached after its revocation was announced", revoked.ID)
			}
		}},
		{"expired", func() { setClock(expiring.ExpiresAt.Add(time.Second)) }, Ended{ID: expiring.ID}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.setup()
			select {
			case got := <-announced:
				if len(got) != 1 || got[0] != tc.want {
					t.Fatalf("got %+v, want [%+v]", got, tc.want)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("nothing announced, want %+v", tc.want)
			}
			// Announced once: later looks find it again and say nothing.
			select {
			case got := <-announced:
				t.Fatalf("announced again: %+v", got)
			case <-time.After(50 * time.Millisecond):
			}
			if tc.checkFn != nil {
				tc.checkFn(t)
			}
		})
	}
}
