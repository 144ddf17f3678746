package auth

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/mattn/go-sqlite3"

	"sscgraph/ent"
	_ "sscgraph/ent/runtime"
)

// testKeys returns a key checker over a fresh in-memory database, a
// counter of its statements and a clock the test moves.
func testKeys(t *testing.T, size int) (*Keys, *atomic.Int64, *time.Time) {
	t.Helper()
	drv, err := entsql.Open(dialect.SQLite, fmt.Sprintf("file:%s?mode=memory&cache=shared&_fk=1", t.Name()))
	if err != nil {
		t.Fatal(err)
	}
	var statements atomic.Int64
	client := ent.NewClient(ent.Driver(dialect.DebugWithContext(drv, func(context.Context, ...any) { statements.Add(1) })))
	t.Cleanup(func() { client.Close() })
	if err := client.Schema.Create(context.Background()); err != nil {
		t.Fatal(err)
	}
	k := newKeys(client, size)
	// The fake clock starts at the real one: Revoke stamps keys with the
	// real time, and a fixed date would make revocations look future once
	// the real clock passed it (this test failed from 12:00 on the day
	// the date named).
	now := time.Now().UTC()
	k.now = func() time.Time { return now }
	return k, &statements, &now
}

func TestKeyCache(t *testing.T) {
	ctx := context.Background()
	k, statements, now := testKeys(t, 100)
	rec, key, err := Create(ctx, k.client, CreateOptions{Role: RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	lookups := func(t *testing.T, header string, want int64, wantErr error) {
		t.Helper()
		before := statements.Load()
		v, err := k.Authenticate(ctx, header)
		if !errors.Is(err, wantErr) {
			t.Fatalf("Authenticate: %v, want %v", err, wantErr)
		}
		if err == nil && v.KeyID != rec.ID {
			t.Fatalf("viewer of key %d, want %d", v.KeyID, rec.ID)
		}
		if got := statements.Load() - before; got != want {
			t.Errorf("%d statements, want %d", got, want)
		}
	}
	bearer := "Bearer " + key
	bogus := "Bearer sscg_" + "notakeyatall0123456789"

	lookups(t, bearer, 1, nil) // first use: looked up
	lookups(t, bearer, 0, nil) // remembered
	lookups(t, bogus, 1, ErrUnknown)
	lookups(t, bogus, 0, ErrUnknown) // "no such key" is remembered too
	if !k.Cached(bearer) || !k.Cached(bogus) {
		t.Error("Cached says a remembered key is not")
	}

	// Revoked in the database: accepted until the answer expires.
	if err := Revoke(ctx, k.client, rec.ID); err != nil {
		t.Fatal(err)
	}
	*now = now.Add(cacheTTL - time.Second)
	lookups(t, bearer, 0, nil)
	*now = now.Add(2 * time.Second)
	if k.Cached(bearer) {
		t.Error("an expired answer counts as cached")
	}
	lookups(t, bearer, 1, ErrRevoked)

	// "No such key" expires sooner, so a key created elsewhere works soon.
	*now = now.Add(unknownTTL + time.Second)
	lookups(t, bogus, 1, ErrUnknown)
}

// TestMadeUpKeysDoNotEvictValidOnes: unknown keys are remembered apart,
// so a flood of them cannot push a valid key out of the cache.
func TestMadeUpKeysDoNotEvictValidOnes(t *testing.T) {
	ctx := context.Background()
	k, statements, _ := testKeys(t, 10)
	_, key, err := Create(ctx, k.client, CreateOptions{Role: RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Authenticate(ctx, "Bearer "+key); err != nil {
		t.Fatal(err)
	}
	for i := range 50 { // five times the cache's size
		if _, err := k.Authenticate(ctx, fmt.Sprintf("Bearer sscg_madeup%d", i)); !errors.Is(err, ErrUnknown) {
			t.Fatalf("made-up key %d: %v", i, err)
		}
	}
	before := statements.Load()
	if _, err := k.Authenticate(ctx, "Bearer "+key); err != nil {
		t.Fatal(err)
	}
	if n := statements.Load() - before; n != 0 {
		t.Errorf("the valid key was looked up again (%d statements): the flood evicted it", n)
	}
}
