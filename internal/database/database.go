// Package database opens the store behind sscgraph: an embedded SQLite file
// by default, PostgreSQL (through pgx) for deployments beyond one machine. It owns the connection settings, the schema set-up and the
// statement hooks that tests and metrics use to count SQL statements.
package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"
	"github.com/mattn/go-sqlite3"

	"sscgraph/ent"
	"sscgraph/ent/migrate"
	_ "sscgraph/ent/runtime" // registers the schema's privacy policies and defaults
	"sscgraph/internal/dbhealth"
	"sscgraph/internal/migrations"
	"sscgraph/internal/search"
	"sscgraph/internal/tracing"
)

// StatementHook is called before every SQL statement the ent client runs.
type StatementHook func(ctx context.Context, query string)

// Options tune Open.
type Options struct {
	// OnStatement, when set, sees every statement (tests count them).
	OnStatement StatementHook
	// MaxConns is the size of the connection pool; 0 takes the default
	// (DefaultMaxConns).
	MaxConns int
	// Logger receives the breaker's changes of state (the database gone,
	// back); nil logs to slog's default.
	Logger *slog.Logger
	// SQLitePragmas run on every new SQLite connection after sscgraph's
	// own: tests set "PRAGMA max_page_count = N" to fill the disk.
	SQLitePragmas []string
	// Replicas are the addresses of PostgreSQL streaming standbys of the
	// primary: the ent client's reads outside transactions go to one of
	// them while it is healthy (see replicas.go). PostgreSQL only.
	Replicas []string
	// ReplicaMaxLag is how far behind the primary a replica may fall
	// before it is taken out of rotation; 0 takes DefaultReplicaMaxLag.
	ReplicaMaxLag time.Duration
	// Tracer records a span per statement of a traced request (package
	// tracing); nil records none.
	Tracer *tracing.Tracer
}

// DefaultMaxConns is the pool size of a dialect when Options.MaxConns is
// 0: 20 on PostgreSQL; on SQLite twice the CPUs (at least 4), WAL readers
// running beside the single writer.
func DefaultMaxConns(dialectName string) int {
	if dialectName == dialect.Postgres {
		return 20
	}
	return max(4, 2*runtime.NumCPU())
}

// DB is an open database with the ent client over it.
type DB struct {
	Client  *ent.Client
	SQL     *sql.DB
	Dialect string
	// MaxConns is the size of the connection pool.
	MaxConns int
	// Health is the API's view of whether the database answers: opened
	// when reads retried for as long as a request may wait still fail,
	// closed by a probe (see Retry).
	Health *dbhealth.Breaker

	retry func(ctx context.Context, fn func(ctx context.Context) error) error
	// router sends reads to the replicas; nil without any.
	router *router
	// primary is an ent client whose reads all go to the primary (Client
	// itself without replicas).
	primary *ent.Client
	// reads is the driver under Client: the router when there are
	// replicas, the primary's retries otherwise (see Read).
	reads dialect.Driver
}

// Close closes the client and the connection pools (the replicas' too).
func (db *DB) Close() error {
	db.Health.Stop()
	return db.Client.Close()
}

// Open opens the database that dsn names. A PostgreSQL URL or libpq
// keyword/value string (IsPostgres) is PostgreSQL, and must name its
// database (CheckDSN); a plain path or a file: URI is a SQLite file.
// Open does not create the schema; call Migrate.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	if dsn == "" {
		return nil, fmt.Errorf("open database: empty data source name")
	}
	if IsPostgres(dsn) {
		if err := CheckDSN(dsn); err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		return openPostgres(ctx, dsn, opts)
	}
	if len(opts.Replicas) > 0 {
		return nil, fmt.Errorf("open sqlite %s: read replicas need a PostgreSQL primary", dsn)
	}
	db := sql.OpenDB(sqliteConnector{dsn: sqliteDSN(dsn), driver: newSQLiteDriver(opts.SQLitePragmas)})
	// WAL lets readers run beside the single writer, so a pool of several
	// connections serves concurrent GraphQL reads.
	n := poolSize(dialect.SQLite, opts)
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
	}
	return newDB(db, dialect.SQLite, n, opts), nil
}

func poolSize(dialectName string, opts Options) int {
	if opts.MaxConns > 0 {
		return opts.MaxConns
	}
	return DefaultMaxConns(dialectName)
}

func openPostgres(ctx context.Context, dsn string, opts Options) (*DB, error) {
	connector, err := newPgConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db := sql.OpenDB(connector)
	// As many idle connections as open ones: under load, a pool that
	// closes connections it cannot keep opens new ones moments later, each
	// a new server process that prepares its statements again (p99 of a
	// flat page 300 ms instead of 30). Idle ones still close after 5 min.
	n := poolSize(dialect.Postgres, opts)
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open postgres %s: %w", Redact(dsn), err)
	}
	// The replicas' pools are opened like the primary's; none is
	// connected yet, so a replica that is down does not keep the API
	// from starting: it stays out of rotation until its probe answers.
	reps := make([]*replica, 0, len(opts.Replicas))
	for _, rdsn := range opts.Replicas {
		rdb, err := openReplicaPool(rdsn, n)
		if err != nil {
			for _, r := range reps {
				_ = r.sql.Close()
			}
			_ = db.Close()
			return nil, err
		}
		reps = append(reps, &replica{name: Redact(rdsn), sql: rdb, drv: entsql.OpenDB(dialect.Postgres, rdb)})
	}
	return newDB(db, dialect.Postgres, n, opts, reps...), nil
}

func newDB(db *sql.DB, name string, maxConns int, opts Options, reps ...*replica) *DB {
	health := dbhealth.NewBreaker(db.PingContext, probeInterval, opts.Logger)
	// Only PostgreSQL's connections fail by themselves (restarts,
	// failovers, the network); a SQLite connection is a file handle.
	r := &retrier{health: health, backoff: dbhealth.DefaultBackoff, once: name != dialect.Postgres}
	var drv dialect.Driver = entsql.OpenDB(name, db)
	if !r.once {
		drv = &retryingDriver{Driver: drv, retry: r}
	}
	// The hook above the retries and the router: a statement retried,
	// or run again on the primary, counts once.
	hooked := func(drv dialect.Driver) dialect.Driver {
		drv = opts.Tracer.WrapDriver(drv)
		if opts.OnStatement != nil {
			return &hookedDriver{Driver: drv, hook: opts.OnStatement}
		}
		return drv
	}
	var rt *router
	var primary *ent.Client
	if len(reps) > 0 {
		primary = newClient(ent.Driver(hooked(drv)))
		// The router above the primary's retries: a read that fails on
		// a replica runs again on the primary, with its retries.
		rt = newRouter(drv, db, reps, opts)
		drv = rt
	}
	reads := hooked(drv)
	client := newClient(ent.Driver(reads))
	if primary == nil {
		primary = client
	}
	return &DB{Client: client, SQL: db, Dialect: name, MaxConns: maxConns, Health: health, retry: r.do, router: rt, primary: primary, reads: reads}
}

// Read runs a read of its own SQL (a SELECT) the way the API's queries
// run: on a replica in rotation that may serve ctx (read-your-writes
// included), otherwise on the primary with its retries. Code that reads
// through DB.SQL instead always reads the primary.
func (db *DB) Read(ctx context.Context, query string, args ...any) (*entsql.Rows, error) {
	var rows entsql.Rows
	if err := db.reads.Query(ctx, query, args, &rows); err != nil {
		return nil, err
	}
	return &rows, nil
}

// PrimaryClient returns an ent client whose reads all go to the primary,
// for readers that must see every committed write at once whoever made
// it (API keys: one just created works at once, one revoked stops). It is
// for reads: the hooks that others add to Client (events, the answer
// cache) are not on it. Without replicas it is Client. DB.Close closes
// it.
func (db *DB) PrimaryClient() *ent.Client { return db.primary }

// sqliteConnector opens connections of go-sqlite3's driver with the
// per-connection settings that the DSN cannot carry (newSQLiteDriver); each
// Open has a driver of its own, which may run pragmas beyond sscgraph's
// (Options.SQLitePragmas).
type sqliteConnector struct {
	dsn    string
	driver *sqlite3.SQLiteDriver
}

func (c sqliteConnector) Connect(context.Context) (driver.Conn, error) { return c.driver.Open(c.dsn) }

func (c sqliteConnector) Driver() driver.Driver { return c.driver }

// newSQLiteDriver returns go-sqlite3's driver with sscgraph's settings,
// then extra, on every new connection.
func newSQLiteDriver(extra []string) *sqlite3.SQLiteDriver {
	return &sqlite3.SQLiteDriver{
		ConnectHook: func(conn *sqlite3.SQLiteConn) error {
			for _, pragma := range append([]string{
				// Read the file through a memory map shared by all
				// connections (and with the OS page cache) instead of a
				// read() per page: nested pages touch many pages.
				"PRAGMA mmap_size = 1073741824",
				// A larger private page cache for what the map does not
				// hold (16 MiB per connection).
				"PRAGMA cache_size = -16384",
				// Sorts and window functions of nested pages stay in
				// memory.
				"PRAGMA temp_store = MEMORY",
			}, extra...) {
				if _, err := conn.Exec(pragma, nil); err != nil {
					return fmt.Errorf("%s: %w", pragma, err)
				}
			}
			// FTS4 ranks nothing by itself: search orders its hits by
			// this function of matchinfo().
			if err := conn.RegisterFunc("sscgraph_rank", search.Rank, true); err != nil {
				return fmt.Errorf("registering sscgraph_rank: %w", err)
			}
			return nil
		},
	}
}

// sqliteDSN adds the pragmas sscgraph relies on to a SQLite path or URI,
// keeping any the caller set.
func sqliteDSN(dsn string) string {
	path, query, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		q = url.Values{}
	}
	setDefault := func(k, v string) {
		if q.Get(k) == "" {
			q.Set(k, v)
		}
	}
	// Foreign keys are off by default in SQLite; the model relies on them.
	setDefault("_fk", "1")
	// WAL: readers do not block the writer nor each other.
	setDefault("_journal_mode", "WAL")
	// Wait for a lock instead of failing with "database is locked".
	setDefault("_busy_timeout", "10000")
	// NORMAL is durable across application crashes in WAL mode and much
	// faster than FULL; only a power loss can drop the last transactions.
	setDefault("_synchronous", "NORMAL")
	// Take the write lock when a transaction starts, so two writers queue
	// on the busy timeout instead of deadlocking on lock upgrade.
	setDefault("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Migrate applies the pending versioned migrations (internal/migrations)
// and returns the ones it applied.
//
// After applying any, it refreshes the statistics (Analyze): a migration
// that fills a new column rewrites every row, and until vacuumed the old
// versions make PostgreSQL read the table where an index would do (filling
// the join tables' sort keys cut a count across them to a third until
// vacuumed).
func (db *DB) Migrate(ctx context.Context) ([]migrations.Step, error) {
	steps, err := migrations.Up(ctx, db.SQL, db.Dialect)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if len(steps) > 0 {
		if err := db.Analyze(ctx); err != nil {
			return steps, fmt.Errorf("migrate: %w", err)
		}
	}
	return steps, nil
}

// Tables returns the schema sscgraph keeps: ent's tables plus the indexes
// prepareSchema adds. Migrations are generated from it.
func Tables() []*schema.Table {
	prepareSchema()
	return migrate.Tables
}

var prepareOnce sync.Once

// prepareSchema adds what ent does not derive from the model: an index on
// the second column of every many-to-many join table. ent keys a join table
// on (left, right), which serves traversal from the left; without the
// reverse index every traversal from the right (country -> projects,
// topic -> activities, ...) would scan the whole join table.
func prepareSchema() {
	prepareOnce.Do(func() {
		for _, t := range migrate.Tables {
			if len(t.Columns) != 2 || len(t.PrimaryKey) != 2 || len(t.ForeignKeys) != 2 {
				continue
			}
			left, right := t.PrimaryKey[0], t.PrimaryKey[1]
			// Table.AddIndex finds columns through a map that generated
			// tables leave empty, so the index is built directly.
			t.Indexes = append(t.Indexes, &schema.Index{
				Name:    strings.ToLower(t.Name + "_" + right.Name + "_" + left.Name),
				Columns: []*schema.Column{right, left},
			})
		}
	})
}

// WithSearchPath returns a PostgreSQL URL whose connections use the given
// schema: pgx passes unknown URL parameters to the server as run-time
// settings.
func WithSearchPath(dsn, schemaName string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set("search_path", schemaName)
	u.RawQuery = q.Encode()
	return u.String()
}
