package database

import (
	"context"
	"fmt"
	"hash/fnv"
)

// Exclusive runs fn while holding a lock named name that other sscgraph
// processes on the same database respect. On PostgreSQL it is a session
// advisory lock, so that replicas starting together do not both load the
// dataset; on SQLite, writers are already serialised by the file lock
// (transactions begin IMMEDIATE), so fn just runs.
func (db *DB) Exclusive(ctx context.Context, name string, fn func(ctx context.Context) error) error {
	if db.Dialect != "postgres" {
		return fn(ctx)
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	key := int64(h.Sum64())
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return fmt.Errorf("lock %s: %w", name, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return fmt.Errorf("lock %s: %w", name, err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key)
	return fn(ctx)
}

// Analyze refreshes the planner's statistics, as a bulk load leaves them
// stale or missing: without them PostgreSQL plans joins over 100,000 rows
// as if the tables were empty. On PostgreSQL it vacuums too, which marks
// the freshly written pages all-visible so that index-only scans (the join
// tables' counts) need not visit the table.
func (db *DB) Analyze(ctx context.Context) error {
	stmt := "ANALYZE"
	if db.Dialect == "postgres" {
		stmt = "VACUUM ANALYZE"
	}
	if _, err := db.SQL.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}
