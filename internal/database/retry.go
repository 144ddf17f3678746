package database

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"sscgraph/internal/dbhealth"
)

// probeInterval is how often an open breaker pings the database.
const probeInterval = time.Second

// Retry runs fn, and runs it again on a new connection when it meets a
// connection failure (a restart, a failover, a dropped socket), with a
// short backoff within ctx's deadline (dbhealth.Retry). When the retries
// run out the database has been gone for as long as a request may wait:
// the breaker opens, and requests are answered 503 until a probe finds it
// back. While the breaker is open, Retry gives up after one attempt.
//
// fn must be safe to run twice: a read, or a write whose repetition is
// harmless. On SQLite, whose connections do not fail so, fn runs once.
func (db *DB) Retry(ctx context.Context, fn func(ctx context.Context) error) error {
	return db.retry(ctx, fn)
}

// retrier is Retry's state, made before the DB so that the driver can
// use it.
type retrier struct {
	health  *dbhealth.Breaker
	backoff dbhealth.Backoff
	once    bool // SQLite: no retries
}

func (r *retrier) do(ctx context.Context, fn func(ctx context.Context) error) error {
	if r.once {
		return fn(ctx)
	}
	err := dbhealth.Retry(ctx, r.backoff, r.health.Open, fn)
	if dbhealth.IsExhausted(err) {
		r.health.Trip(err)
	}
	return err
}

// retryingDriver retries the reads that ent runs outside a transaction
// (GraphQL queries run outside one) when their connection fails. Writes
// are not retried: ent runs a mutation's statements in a transaction,
// whose statements go through the transaction, not through here, and an
// INSERT … RETURNING outside one (ent runs those with Query) is not a read.
type retryingDriver struct {
	dialect.Driver
	retry *retrier
}

// Query runs a read to the end of its rows within the retries, so that a
// connection failing mid-result is retried too (see replay.go).
func (d *retryingDriver) Query(ctx context.Context, query string, args, v any) error {
	vr, ok := v.(*entsql.Rows)
	if !ok || !isRead(query) {
		return d.Driver.Query(ctx, query, args, v)
	}
	var res *result
	err := d.retry.do(ctx, func(ctx context.Context) error {
		var rows entsql.Rows
		if err := d.Driver.Query(ctx, query, args, &rows); err != nil {
			return err
		}
		var err error
		res, err = bufferRows(rows)
		return err
	})
	if err != nil {
		return err
	}
	*vr, err = replayed(ctx, res)
	return err
}

// BeginTx keeps transaction options working through the wrapper (the
// hook above it looks for this method).
func (d *retryingDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	b, ok := d.Driver.(interface {
		BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error)
	})
	if !ok {
		return d.Driver.Tx(ctx)
	}
	return b.BeginTx(ctx, opts)
}

// isRead reports whether a statement only reads: a SELECT, or a WITH
// query none of whose words modifies data. Anything else is treated as a
// write and never retried.
func isRead(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	if len(q) < 6 {
		return false
	}
	switch strings.ToUpper(q[:4]) {
	case "SELE":
		return strings.EqualFold(q[:6], "SELECT") && !modifies(q)
	case "WITH":
		return !modifies(q)
	}
	return false
}

// modifies reports whether a statement names a data-modifying command
// anywhere (a CTE, or SELECT … FOR UPDATE, which takes locks): such
// statements are not retried, at the price of missing a few reads that
// merely mention one of the words.
func modifies(q string) bool {
	u := strings.ToUpper(q)
	for _, w := range []string{"INSERT ", "UPDATE ", "DELETE ", "MERGE ", "FOR UPDATE", "FOR SHARE"} {
		if strings.Contains(u, w) {
			return true
		}
	}
	return false
}
