package apq

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"sscgraph/internal/pgtest"
)

// TestReplicasShareQueries: a query one replica stored is found by another
// that never saw it, and the table keeps only the most recently used.
func TestReplicasShareQueries(t *testing.T) {
	db := pgtest.Open(t).SQL
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	tick := func() time.Time { clock = clock.Add(time.Second); return clock }
	a, err := NewPostgres(db, 3, logger)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewPostgres(db, 3, logger)
	if err != nil {
		t.Fatal(err)
	}
	a.now, b.now = tick, tick

	a.Add(ctx, "h1", "{ regions { totalCount } }")
	if q, ok := b.Get(ctx, "h1"); !ok || q != "{ regions { totalCount } }" {
		t.Fatalf("replica b: %q, %v; want replica a's query", q, ok)
	}
	if q, ok := b.Get(ctx, "missing"); ok {
		t.Errorf("a hash nobody stored: %q", q)
	}
	// 64 adds trigger eviction down to the 3 most recently used.
	for i := range 63 {
		a.Add(ctx, fmt.Sprintf("q%02d", i), fmt.Sprintf("{ q%02d: regions { totalCount } }", i))
	}
	rows, err := db.QueryContext(ctx, `SELECT id FROM persisted_queries ORDER BY used_at DESC`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var kept []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		kept = append(kept, id)
	}
	if fmt.Sprint(kept) != "[q62 q61 q60]" {
		t.Errorf("kept %v, want the three most recent [q62 q61 q60]", kept)
	}
	// A replica that had it in memory still answers; one that did not asks
	// the client to send the query again.
	c, _ := NewPostgres(db, 3, logger)
	c.now = tick
	if _, ok := c.Get(ctx, "h1"); ok {
		t.Error("an evicted query was found in the table")
	}
	if _, ok := b.Get(ctx, "h1"); !ok {
		t.Error("replica b forgot a query it had read")
	}
}
