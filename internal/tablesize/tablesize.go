// Package tablesize tells the query pricing (graph.Checks) how many rows
// each table holds, so that a filter or a statistic is priced by the rows
// it may read on this database rather than by a guess. The sizes are
// counted when the cache is created and refreshed in the background when
// they are older than the refresh interval: a price needs the order of
// magnitude, not the exact count of this second.
package tablesize

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"

	"sscgraph/ent/activity"
	"sscgraph/ent/consultant"
	"sscgraph/ent/country"
	"sscgraph/ent/match"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/organization"
	"sscgraph/ent/project"
	"sscgraph/ent/recommendation"
	"sscgraph/ent/region"
	"sscgraph/ent/topic"
)

// Tables maps each node type that queries can filter, count or group to
// its table.
var Tables = map[string]string{
	"Activity":       activity.Table,
	"Consultant":     consultant.Table,
	"Country":        country.Table,
	"Match":          match.Table,
	"MatchNeed":      matchneed.Table,
	"MatchOffer":     matchoffer.Table,
	"Organization":   organization.Table,
	"Project":        project.Table,
	"Recommendation": recommendation.Table,
	"Region":         region.Table,
	"Topic":          topic.Table,
}

// DefaultRefresh is how old the sizes may grow before they are counted
// again.
const DefaultRefresh = time.Minute

// Cache holds the row count of each table in Tables.
type Cache struct {
	db      *sql.DB
	dialect string
	refresh time.Duration
	logger  *slog.Logger

	mu         sync.RWMutex
	rows       map[string]int
	at         time.Time
	refreshing atomic.Bool
}

// retryFailed is how soon counts that failed are tried again.
const retryFailed = 5 * time.Second

// New counts the tables of db now and returns the cache; refresh <= 0
// takes DefaultRefresh. A database that cannot be counted yet (not
// migrated, not reachable: the server starts before it) leaves the sizes
// unknown, 0, until a later count succeeds; the error is logged.
func New(ctx context.Context, db *sql.DB, dialectName string, refresh time.Duration, logger *slog.Logger) *Cache {
	if refresh <= 0 {
		refresh = DefaultRefresh
	}
	c := &Cache{db: db, dialect: dialectName, refresh: refresh, logger: logger}
	if err := c.Refresh(ctx); err != nil {
		logger.WarnContext(ctx, "table sizes for pricing unknown until the database can be counted", "err", err)
	}
	return c
}

// Rows returns how many rows the table of a node type holds (0 for a type
// it does not know). When the counts are stale it starts one refresh in the
// background and answers with the old counts meanwhile: pricing never waits
// for the database.
func (c *Cache) Rows(typ string) int {
	c.mu.RLock()
	n, stale := c.rows[typ], time.Since(c.at) > c.refresh
	c.mu.RUnlock()
	if stale && c.refreshing.CompareAndSwap(false, true) {
		go func() {
			defer c.refreshing.Store(false)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := c.Refresh(ctx); err != nil {
				c.logger.WarnContext(ctx, "refreshing table sizes for pricing", "err", err)
			}
		}()
	}
	return n
}

// Refresh counts every table again.
func (c *Cache) Refresh(ctx context.Context) error {
	rows := make(map[string]int, len(Tables))
	for typ, table := range Tables {
		n, err := c.count(ctx, table)
		if err != nil {
			// Try again soon, not at every request nor a minute later.
			c.mu.Lock()
			c.at = time.Now().Add(retryFailed - c.refresh)
			c.mu.Unlock()
			return fmt.Errorf("table size of %s: %w", table, err)
		}
		rows[typ] = n
	}
	c.mu.Lock()
	c.rows, c.at = rows, time.Now()
	c.mu.Unlock()
	return nil
}

// exactBelow is the size under which a PostgreSQL table is counted
// rather than estimated: the planner's estimate is stale until the table
// is analyzed (an index built on an empty table sets it to 0 for good
// until then), and counting a table of this size takes milliseconds.
const exactBelow = 1_000_000

// count is a table's row count: on PostgreSQL the planner's estimate when
// it is large, which costs nothing to read (count(*) reads the whole table
// there); otherwise count(*), which SQLite answers from its smallest index.
func (c *Cache) count(ctx context.Context, table string) (int, error) {
	if c.dialect == dialect.Postgres {
		var est sql.NullFloat64
		// to_regclass resolves the name through search_path, as the
		// queries being priced do.
		err := c.db.QueryRowContext(ctx, `SELECT reltuples FROM pg_class WHERE oid = to_regclass($1)`, table).Scan(&est)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("reading the planner's estimate: %w", err)
		}
		if est.Valid && est.Float64 >= exactBelow {
			return int(est.Float64), nil
		}
	}
	var n int
	if err := c.db.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting rows: %w", err)
	}
	return n, nil
}

// Fixed is a set of table sizes that never change, for tests and tools
// that price queries without a database.
type Fixed map[string]int

// Rows returns the size of typ's table.
func (f Fixed) Rows(typ string) int { return f[typ] }
