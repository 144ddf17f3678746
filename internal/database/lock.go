package database

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"
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
//
// On PostgreSQL only sscgraph's own tables are treated (those of the
// current schema), not every table of the database.
func (db *DB) Analyze(ctx context.Context) error {
	stmt := "ANALYZE"
	if db.Dialect == "postgres" {
		rows, err := db.SQL.QueryContext(ctx, `SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`)
		if err != nil {
			return fmt.Errorf("analyze: listing tables: %w", err)
		}
		var tables []string
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return fmt.Errorf("analyze: listing tables: %w", err)
			}
			tables = append(tables, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("analyze: listing tables: %w", err)
		}
		if len(tables) == 0 {
			return nil
		}
		stmt = "VACUUM ANALYZE " + strings.Join(tables, ", ")
	}
	if _, err := db.SQL.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}
