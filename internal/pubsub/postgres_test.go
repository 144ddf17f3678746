package pubsub_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"sscgraph/internal/database"
	"sscgraph/internal/pgtest"
	"sscgraph/internal/pubsub"
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// replica opens a broker over its own connection pool to the schema dsn
// names, as another process serving the same schema would.
func replica(t *testing.T, dsn string) (*pubsub.Postgres, *sql.DB) {
	t.Helper()
	db, err := database.Open(t.Context(), dsn, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := pubsub.NewPostgres(t.Context(), db.SQL, 8, discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Error(err)
		}
		db.Close()
	})
	return b, db.SQL
}

// listeners counts the connections LISTENing on the channel of schema.
func listeners(t *testing.T, db *sql.DB, schema string) int {
	t.Helper()
	var n int
	err := db.QueryRowContext(t.Context(), `SELECT count(*) FROM pg_stat_activity WHERE state = 'idle' AND query = $1`,
		`LISTEN "`+pubsub.ChannelName(schema)+`"`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func schemaOf(t *testing.T, db *sql.DB) string {
	t.Helper()
	var s string
	if err := db.QueryRowContext(t.Context(), "SELECT current_schema()").Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// eventually polls cond until it holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(wait); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("%s: not within %s", what, wait)
}

// TestPostgresReplicas checks LISTEN/NOTIFY between replicas of one
// schema: what one publishes, a subscriber of the other receives, in
// order; a deployment in another schema of the same database hears
// nothing of it; the listener holds a connection only while there are
// subscribers; and a listener whose connection is killed comes back,
// says Resync, and delivers again.
func TestPostgresReplicas(t *testing.T) {
	dsn := pgtest.Schema(t)
	a, dbA := replica(t, dsn)
	b, _ := replica(t, dsn)
	other, _ := replica(t, pgtest.Schema(t))
	schema := schemaOf(t, dbA)

	if n := listeners(t, dbA, schema); n != 0 {
		t.Fatalf("%d connections LISTEN before anyone subscribed, want 0", n)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	sub, err := a.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := listeners(t, dbA, schema); n != 1 {
		t.Fatalf("%d connections LISTEN with one subscriber, want 1", n)
	}

	for _, step := range []struct {
		name string
		run  func(t *testing.T)
	}{
		{"another replica's events arrive in order, another schema's do not", func(t *testing.T) {
			if err := other.Publish(ctx, offer(99)); err != nil {
				t.Fatal(err)
			}
			match := pubsub.Event{Kind: pubsub.Match, Op: pubsub.Updated, ID: 7, Need: 8, Offer: 9}
			if err := b.Publish(ctx, offer(1), match); err != nil {
				t.Fatal(err)
			}
			if err := b.Publish(ctx, offer(2)); err != nil {
				t.Fatal(err)
			}
			for _, want := range []pubsub.Event{offer(1), match, offer(2)} {
				if got := next(t, sub); got != want {
					t.Fatalf("got %+v, want %+v", got, want)
				}
			}
		}},
		{"its own events arrive through the database too", func(t *testing.T) {
			if err := a.Publish(ctx, offer(3)); err != nil {
				t.Fatal(err)
			}
			if got := next(t, sub); got != offer(3) {
				t.Fatalf("got %+v, want offer 3", got)
			}
		}},
		{"a killed connection is replaced, with a Resync", func(t *testing.T) {
			var killed bool
			err := dbA.QueryRowContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1`,
				`LISTEN "`+pubsub.ChannelName(schema)+`"`).Scan(&killed)
			if err != nil || !killed {
				t.Fatalf("terminating the listener: %v, %v", killed, err)
			}
			if got := next(t, sub); got.Kind != pubsub.Resync {
				t.Fatalf("got %+v, want a Resync", got)
			}
			if err := b.Publish(ctx, offer(4)); err != nil {
				t.Fatal(err)
			}
			if got := next(t, sub); got != offer(4) {
				t.Fatalf("got %+v, want offer 4", got)
			}
		}},
		{"the listener stops with the last subscriber", func(t *testing.T) {
			cancel()
			if err := ended(t, sub); err != nil {
				t.Fatalf("ended with %v, want nil", err)
			}
			eventually(t, "the LISTEN connection is released", func() bool { return listeners(t, dbA, schema) == 0 })
			// And starts again with the next one.
			again, err := a.Subscribe(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Publish(t.Context(), offer(5)); err != nil {
				t.Fatal(err)
			}
			if got := next(t, again); got != offer(5) {
				t.Fatalf("got %+v, want offer 5", got)
			}
		}},
	} {
		if !t.Run(step.name, step.run) {
			return
		}
	}
}

// TestPostgresManyEvents checks that a burst larger than a subscriber's
// queue drops that subscriber, not the listener: another subscriber that
// reads keeps receiving.
func TestPostgresManyEvents(t *testing.T) {
	dsn := pgtest.Schema(t)
	a, _ := replica(t, dsn)
	slow, err := a.Subscribe(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	fast, err := a.Subscribe(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	const n = 50 // the queues hold 8
	// The fast subscriber reads each event before the next is sent (in
	// lockstep, so that a busy machine cannot make it fall behind); the
	// slow one never reads and overflows.
	for i := 1; i <= n; i++ {
		if err := a.Publish(t.Context(), offer(i)); err != nil {
			t.Fatal(err)
		}
		select {
		case e, ok := <-fast.Events():
			if !ok || e != offer(i) {
				t.Fatalf("event %d: got %+v (open %v, %v)", i, e, ok, fast.Err())
			}
		case <-time.After(wait):
			t.Fatalf("event %d did not come", i)
		}
	}
	if err := ended(t, slow); !errors.Is(err, pubsub.ErrSlow) {
		t.Fatalf("the subscriber that did not read ended with %v, want ErrSlow", err)
	}
}
