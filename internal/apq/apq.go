// Package apq keeps automatic persisted queries (a query's text under its
// SHA-256 hash, registered by a client once and then sent by hash alone)
// where every replica of sscgraph finds them. gqlgen's APQ extension
// checks the hash and asks a graphql.Cache; this package provides the one
// for deployments on PostgreSQL. A single process keeps them in memory
// (gqlgen's lru cache) instead.
package apq

import (
	"context"
	"database/sql"
	"log/slog"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// touchEvery is how often a query served from a replica's memory is
// marked used in the table: often enough that eviction keeps what is in
// use, seldom enough that a popular query costs no write per request.
const touchEvery = time.Minute

// Postgres is a graphql.Cache[string] in PostgreSQL's persisted_queries
// table (see ent/schema/shared.go), with the queries this replica used
// recently in memory in front of it. The table keeps at most size queries:
// the least recently used are deleted.
type Postgres struct {
	db     *sql.DB
	size   int
	logger *slog.Logger
	local  *lru.Cache[string, *entry]
	adds   atomic.Uint64
	now    func() time.Time
}

type entry struct {
	query   string
	touched atomic.Int64 // unix seconds of the last write of used_at
}

// NewPostgres returns a cache of up to size queries in db.
func NewPostgres(db *sql.DB, size int, logger *slog.Logger) (*Postgres, error) {
	local, err := lru.New[string, *entry](max(size, 1))
	if err != nil {
		return nil, err
	}
	return &Postgres{db: db, size: size, logger: logger, local: local, now: time.Now}, nil
}

// Get implements graphql.Cache.
func (p *Postgres) Get(ctx context.Context, hash string) (string, bool) {
	now := p.now()
	if e, ok := p.local.Get(hash); ok {
		if now.Unix()-e.touched.Load() >= int64(touchEvery/time.Second) {
			e.touched.Store(now.Unix())
			p.touch(ctx, hash, now)
		}
		return e.query, true
	}
	var query string
	err := p.db.QueryRowContext(ctx,
		`UPDATE persisted_queries SET used_at = $2 WHERE id = $1 RETURNING query`, hash, now.UTC()).Scan(&query)
	switch {
	case err == sql.ErrNoRows:
		return "", false
	case err != nil:
		// The client is asked to send the query again, which works.
		p.logger.WarnContext(ctx, "reading a persisted query", "hash", hash, "err", err)
		return "", false
	}
	p.remember(hash, query, now)
	return query, true
}

// Add implements graphql.Cache. gqlgen has checked that hash is the
// query's.
func (p *Postgres) Add(ctx context.Context, hash, query string) {
	now := p.now()
	p.remember(hash, query, now)
	_, err := p.db.ExecContext(ctx, `
INSERT INTO persisted_queries (id, query, used_at) VALUES ($1, $2, $3)
ON CONFLICT (id) DO UPDATE SET used_at = EXCLUDED.used_at`, hash, query, now.UTC())
	if err != nil {
		p.logger.WarnContext(ctx, "storing a persisted query", "hash", hash, "err", err)
		return
	}
	if p.adds.Add(1)%64 == 0 {
		p.evict(ctx)
	}
}

func (p *Postgres) remember(hash, query string, now time.Time) {
	e := &entry{query: query}
	e.touched.Store(now.Unix())
	p.local.Add(hash, e)
}

func (p *Postgres) touch(ctx context.Context, hash string, now time.Time) {
	if _, err := p.db.ExecContext(ctx, `UPDATE persisted_queries SET used_at = $2 WHERE id = $1`, hash, now.UTC()); err != nil {
		p.logger.WarnContext(ctx, "marking a persisted query used", "hash", hash, "err", err)
	}
}

// evict deletes all but the size most recently used queries, reading the
// cut-off from the used_at index.
func (p *Postgres) evict(ctx context.Context) {
	_, err := p.db.ExecContext(ctx, `
DELETE FROM persisted_queries WHERE used_at < (
	SELECT used_at FROM persisted_queries ORDER BY used_at DESC OFFSET $1 LIMIT 1)`, p.size-1)
	if err != nil {
		p.logger.WarnContext(ctx, "evicting persisted queries", "err", err)
	}
}
