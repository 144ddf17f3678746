package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/jackc/pgx/v5/pgconn"

	"sscgraph/internal/dbhealth"
)

// Read replicas: PostgreSQL streaming standbys that take the API's reads
// off the primary.
//
// The router below sits between the ent client and the primary's driver.
// Transactions (every mutation runs in one), Exec and any statement that
// is not a plain read go to the primary; a read outside a transaction goes
// to a healthy replica in turn, unless its context asks for the primary
// (OnPrimary) or for a replica that has replayed a given point of the
// primary's WAL (ReplayedAtLeast), which none may have yet. Raw SQL
// through DB.SQL (rate buckets, persisted queries, LISTEN/NOTIFY, locks,
// migrations) never sees the router: it stays on the primary.
//
// A goroutine per replica probes it every replicaProbeInterval: its
// replay position against the primary's WAL position gives its lag, and a
// replica whose probe fails or whose lag passes ReplicaMaxLag leaves the
// rotation until it is back. A read that meets a failed connection on a
// replica runs again on the primary: a replica going away fails no read.

// DefaultReplicaMaxLag is how far behind the primary a replica may fall
// before it leaves the rotation, when Options.ReplicaMaxLag is 0.
const DefaultReplicaMaxLag = 5 * time.Second

const (
	// replicaProbeInterval is how often each replica's replay position
	// is read: also how soon a replica that failed is tried again.
	replicaProbeInterval = 250 * time.Millisecond
	// replicaProbeTimeout bounds one probe: a replica that does not
	// answer within it is out.
	replicaProbeTimeout = time.Second
	// maxLagSamples bounds the primary positions a lagging replica's
	// probe remembers (see probe).
	maxLagSamples = 4096
)

type routeKey struct{}

// route is what a context asks of the router.
type route struct {
	primary bool
	lsn     uint64 // the least replay position a replica must have reached
}

// OnPrimary returns ctx whose reads all go to the primary: for a reader
// that must see every committed write (an answer cache refilling after a
// write, a subscription's reads after an event). It wins over
// ReplayedAtLeast, set before or after.
func OnPrimary(ctx context.Context) context.Context {
	return context.WithValue(ctx, routeKey{}, route{primary: true})
}

// ReplayedAtLeast returns ctx whose reads go only to a replica that has
// replayed the primary's WAL up to lsn (as PrimaryLSN returned it), and to
// the primary while none has. An lsn that cannot be read sends the reads
// to the primary.
func ReplayedAtLeast(ctx context.Context, lsn string) context.Context {
	cur, _ := ctx.Value(routeKey{}).(route)
	if cur.primary {
		return ctx
	}
	n, err := ParseLSN(lsn)
	if err != nil {
		return OnPrimary(ctx)
	}
	if n <= cur.lsn {
		return ctx
	}
	return context.WithValue(ctx, routeKey{}, route{lsn: n})
}

// ParseLSN reads a PostgreSQL WAL position ("16/B374D848") as a number
// that orders positions.
func ParseLSN(s string) (uint64, error) {
	hi, lo, ok := strings.Cut(s, "/")
	if !ok {
		return 0, fmt.Errorf("WAL position %q is not of the form X/Y", s)
	}
	h, err := strconv.ParseUint(hi, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("WAL position %q: %w", s, err)
	}
	l, err := strconv.ParseUint(lo, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("WAL position %q: %w", s, err)
	}
	return h<<32 | l, nil
}

// FormatLSN writes a WAL position as PostgreSQL does.
func FormatLSN(n uint64) string {
	return fmt.Sprintf("%X/%X", n>>32, n&0xFFFFFFFF)
}

// PrimaryLSN returns the primary's current WAL position: read after a
// commit returned, it is at or past that commit's record (COMMIT waits for
// its record to be flushed), so a replica that has replayed up to it sees
// the commit. On SQLite, which has no replicas, it returns "".
func (db *DB) PrimaryLSN(ctx context.Context) (string, error) {
	if db.Dialect != dialect.Postgres {
		return "", nil
	}
	var lsn string
	if err := db.SQL.QueryRowContext(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&lsn); err != nil {
		return "", fmt.Errorf("reading the primary's WAL position: %w", err)
	}
	return lsn, nil
}

// ReplicaStatus is one replica as the metrics show it.
type ReplicaStatus struct {
	// Name is the replica's address without its password.
	Name string
	// Healthy is whether it is in rotation.
	Healthy bool
	// LagSeconds is how far behind the primary it was at its last probe:
	// 0 when it had replayed all the primary had written.
	LagSeconds float64
	// Reads counts the reads it has answered.
	Reads int64
}

// Replicas returns the state of each replica, in the order of
// Options.Replicas; none without replicas.
func (db *DB) Replicas() []ReplicaStatus {
	if db.router == nil {
		return nil
	}
	out := make([]ReplicaStatus, len(db.router.replicas))
	for i, r := range db.router.replicas {
		out[i] = ReplicaStatus{
			Name:       r.name,
			Healthy:    r.healthy.Load(),
			LagSeconds: time.Duration(r.lag.Load()).Seconds(),
			Reads:      r.reads.Load(),
		}
	}
	return out
}

// ReplicaMaxLag is how far behind the primary a replica may fall before
// it leaves the rotation; 0 without replicas.
func (db *DB) ReplicaMaxLag() time.Duration {
	if db.router == nil {
		return 0
	}
	return db.router.maxLag
}

// openReplicaPool opens the pool of one replica, with the primary's
// connector code and pool settings; it connects lazily.
func openReplicaPool(dsn string, maxConns int) (*sql.DB, error) {
	if !IsPostgres(dsn) {
		return nil, fmt.Errorf("open replica %s: a replica must be a PostgreSQL address", Redact(dsn))
	}
	if err := CheckDSN(dsn); err != nil {
		return nil, fmt.Errorf("open replica: %w", err)
	}
	connector, err := newPgConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("open replica: %w", err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// replica is one standby and what its probes found.
type replica struct {
	name string
	sql  *sql.DB
	drv  dialect.Driver

	healthy  atomic.Bool
	replayed atomic.Uint64 // replay position at the last probe
	lag      atomic.Int64  // nanoseconds, at the last probe
	reads    atomic.Int64

	// mu orders the changes of healthy, so that leaving and rejoining
	// are logged once each.
	mu sync.Mutex
	// why it is out of rotation, and whether it has been in (mu's).
	why    string
	joined bool
	// pending are the primary's positions seen by earlier probes that
	// the replica had not replayed yet, oldest first (probe's only).
	pending []lagSample
}

type lagSample struct {
	at  time.Time
	lsn uint64
}

// router sends reads to the replicas and everything else to the primary
// (the embedded driver).
type router struct {
	dialect.Driver
	primary  *sql.DB
	replicas []*replica
	next     atomic.Uint64
	maxLag   time.Duration
	logger   *slog.Logger
	stop     context.CancelFunc
	wg       sync.WaitGroup
}

func newRouter(primaryDrv dialect.Driver, primary *sql.DB, reps []*replica, opts Options) *router {
	r := &router{Driver: primaryDrv, primary: primary, replicas: reps, maxLag: opts.ReplicaMaxLag, logger: opts.Logger}
	if r.maxLag <= 0 {
		r.maxLag = DefaultReplicaMaxLag
	}
	if r.logger == nil {
		r.logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	// A first probe of each before the API serves, so that reads go to
	// the replicas from the first request (a replica down stays out).
	var first sync.WaitGroup
	for _, rep := range reps {
		first.Add(1)
		go func() {
			defer first.Done()
			r.probe(ctx, rep)
		}()
	}
	first.Wait()
	for _, rep := range reps {
		// Replicas start out of rotation: one the first probe did not
		// put in is said so once, here.
		if !rep.healthy.Load() {
			rep.mu.Lock()
			why := rep.why
			rep.mu.Unlock()
			r.logger.Warn("read replica not in rotation at start; its reads go to the primary until it answers", "replica", rep.name, "reason", why)
		}
	}
	for _, rep := range reps {
		r.wg.Add(1)
		go r.watch(ctx, rep)
	}
	return r
}

// Close stops the probes and closes the replicas' pools, then the
// primary's.
func (r *router) Close() error {
	r.stop()
	r.wg.Wait()
	var errs []error
	for _, rep := range r.replicas {
		if err := rep.sql.Close(); err != nil {
			errs = append(errs, fmt.Errorf("closing replica %s: %w", rep.name, err))
		}
	}
	if err := r.Driver.Close(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// BeginTx keeps transaction options working through the router (the hook
// above it looks for this method); transactions run on the primary.
func (r *router) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	b, ok := r.Driver.(interface {
		BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error)
	})
	if !ok {
		return r.Driver.Tx(ctx)
	}
	return b.BeginTx(ctx, opts)
}

// Query runs a read on a replica, when one may serve ctx, and anything
// else on the primary. The replica's rows are read to their end before
// ent sees them (as the primary's retries do, see replay.go), so that a
// replica failing mid-result can still hand the read to the primary.
func (r *router) Query(ctx context.Context, query string, args, v any) error {
	vr, ok := v.(*entsql.Rows)
	if !ok || !isRead(query) {
		return r.Driver.Query(ctx, query, args, v)
	}
	rep := r.pick(ctx)
	if rep == nil {
		return r.Driver.Query(ctx, query, args, v)
	}
	var rows entsql.Rows
	err := rep.drv.Query(ctx, query, args, &rows)
	var res *result
	if err == nil {
		res, err = bufferRows(rows)
	}
	if err == nil {
		rep.reads.Add(1)
		*vr, err = replayed(ctx, res)
		return err
	}
	if ctx.Err() != nil || !primaryMayAnswer(err) {
		return err
	}
	if replicaDown(err) {
		r.setHealthy(rep, false, "a read failed: "+err.Error())
	}
	// Once, on the primary (with its own retries): never a write, since
	// only reads come here.
	return r.Driver.Query(ctx, query, args, v)
}

// pick returns the next healthy replica that may serve ctx, or nil for
// the primary.
func (r *router) pick(ctx context.Context) *replica {
	want, _ := ctx.Value(routeKey{}).(route)
	if want.primary {
		return nil
	}
	n := uint64(len(r.replicas))
	start := r.next.Add(1)
	for i := range n {
		rep := r.replicas[(start+i)%n]
		if rep.healthy.Load() && rep.replayed.Load() >= want.lsn {
			return rep
		}
	}
	return nil
}

// primaryMayAnswer reports whether a read that failed on a replica may
// succeed on the primary: anything but the statement's own faults (bad
// input, a constraint, a syntax error), which would fail there too.
func primaryMayAnswer(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		if pgErr.Code == "57014" { // query_canceled: a statement timeout
			return false
		}
		switch pgErr.Code[:2] {
		case "22", "23", "42":
			return false
		}
	}
	return true
}

// replicaDown reports whether a read's failure says the replica itself
// is gone or unwell (not the statement): it then leaves the rotation at
// once, without waiting for its next probe.
func replicaDown(err error) bool {
	if dbhealth.IsConnection(err) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code[:2] {
		case "08", "53", "58":
			return true
		}
		// The replica's database is gone (dropped, or being replaced);
		// the shutdowns of class 57 are connection faults above.
		return pgErr.Code == "57P04"
	}
	return false
}

// watch probes rep until ctx ends.
func (r *router) watch(ctx context.Context, rep *replica) {
	defer r.wg.Done()
	t := time.NewTicker(replicaProbeInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		r.probe(ctx, rep)
	}
}

// probe reads the primary's WAL position, then the replica's replay
// position, and puts the replica in or out of rotation.
//
// The lag is not now() - pg_last_xact_replay_timestamp(): on an idle
// primary that grows without bound though the replica has replayed
// everything. It is the age of the oldest primary position, among those
// earlier probes saw, that the replica has not replayed yet: 0 when it
// has replayed what the primary had written when this probe began, and
// under a steady stream of writes the delay of replay, not the time since
// the replica was last exactly level with the primary (which it never is
// then).
func (r *router) probe(ctx context.Context, rep *replica) {
	pctx, cancel := context.WithTimeout(ctx, replicaProbeTimeout)
	defer cancel()
	var primaryLSN string
	if err := r.primary.QueryRowContext(pctx, "SELECT pg_current_wal_lsn()::text").Scan(&primaryLSN); err != nil {
		// The primary's own faults are the breaker's business; the
		// replica's state stays as it was until the primary answers.
		return
	}
	var replay sql.NullString
	err := rep.sql.QueryRowContext(pctx, "SELECT pg_last_wal_replay_lsn()::text").Scan(&replay)
	now := time.Now()
	switch {
	case ctx.Err() != nil:
		return
	case err != nil:
		r.setHealthy(rep, false, "its probe failed: "+err.Error())
		return
	case !replay.Valid:
		// A server that is not in recovery replays nothing: a replica
		// promoted, or an address that names a primary.
		r.setHealthy(rep, false, "it is not a standby (pg_last_wal_replay_lsn() is null)")
		return
	}
	p, err := ParseLSN(primaryLSN)
	if err != nil {
		r.logger.Warn("reading the primary's WAL position", "err", err)
		return
	}
	replayed, err := ParseLSN(replay.String)
	if err != nil {
		r.setHealthy(rep, false, err.Error())
		return
	}
	rep.replayed.Store(replayed)
	if len(rep.pending) < maxLagSamples {
		// Past the bound the oldest samples are kept: the lag is
		// measured from them, and a replica that far behind is out.
		rep.pending = append(rep.pending, lagSample{at: now, lsn: p})
	}
	i := 0
	for i < len(rep.pending) && rep.pending[i].lsn <= replayed {
		i++
	}
	rep.pending = rep.pending[i:]
	var lag time.Duration
	if len(rep.pending) > 0 {
		lag = now.Sub(rep.pending[0].at)
	}
	rep.lag.Store(int64(lag))
	if lag > r.maxLag {
		r.setHealthy(rep, false, fmt.Sprintf("it lags %s behind the primary (more than %s)", lag.Round(time.Millisecond), r.maxLag))
		return
	}
	r.setHealthy(rep, true, "")
}

// setHealthy puts rep in or out of rotation, and logs the change.
func (r *router) setHealthy(rep *replica, healthy bool, why string) {
	rep.mu.Lock()
	defer rep.mu.Unlock()
	rep.why = why
	if rep.healthy.Load() == healthy {
		return
	}
	rep.healthy.Store(healthy)
	if healthy {
		msg := "read replica back in rotation"
		if !rep.joined {
			msg = "read replica in rotation"
			rep.joined = true
		}
		r.logger.Info(msg, "replica", rep.name, "lag", time.Duration(rep.lag.Load()).String())
		return
	}
	r.logger.Warn("read replica out of rotation; its reads go to the primary", "replica", rep.name, "reason", why)
}
