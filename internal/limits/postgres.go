package limits

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"
	"time"
)

// Postgres is a Store in PostgreSQL's rate_buckets table (see
// ent/schema/shared.go), shared by every replica on the database. Each
// Take is one statement: the row's refill, the charge and the report
// happen under the row's lock, so concurrent replicas never both spend the
// same points.
type Postgres struct {
	db      *sql.DB
	perHour float64
	takes   atomic.Uint64

	// Retry, when set, runs each Take again on a new connection when its
	// connection fails (database.DB.Retry): a restart of the database
	// then delays requests instead of failing them. Running the upsert
	// twice can charge a request twice when the first charge committed
	// but its answer was lost, which costs the client one request's
	// points; failing it would cost the whole request.
	Retry func(ctx context.Context, fn func(ctx context.Context) error) error
}

// NewPostgres returns a store of buckets of perHour points in db.
func NewPostgres(db *sql.DB, perHour int) *Postgres {
	return &Postgres{db: db, perHour: float64(perHour)}
}

// Take implements Store.
func (p *Postgres) Take(ctx context.Context, client string, cost int, now time.Time) (Bucket, error) {
	if p.takes.Add(1)%1024 == 0 {
		p.evict(ctx, now)
	}
	var b Bucket
	take := func(ctx context.Context) error {
		return p.db.QueryRowContext(ctx, upsertSQL, client, float64(cost), p.perHour, now.UTC()).Scan(&b.Tokens, &b.Granted)
	}
	var err error
	if p.Retry != nil {
		err = p.Retry(ctx, take)
	} else {
		err = take(ctx)
	}
	if err != nil {
		return Bucket{}, fmt.Errorf("taking from the bucket: %w", err)
	}
	return b, nil
}

// upsertSQL refills the bucket to $4 (elapsed seconds × perHour/3600,
// never past perHour, nothing if the clock went back), charges $2 if it
// holds that much, and returns the level and whether it charged; every SET
// expression sees the row as it was. A new bucket starts full. updated_at
// never goes back, so replicas whose clocks differ a little cannot refill
// a bucket twice. ON CONFLICT cannot name a sub-expression, so the level
// is spelled out where it is used.
var upsertSQL = func() string {
	level := `LEAST($3::float8, b.tokens + GREATEST(EXTRACT(EPOCH FROM ($4::timestamptz - b.updated_at))::float8, 0) * $3::float8 / 3600)`
	return fmt.Sprintf(`
INSERT INTO rate_buckets AS b (id, tokens, updated_at, granted)
VALUES ($1, CASE WHEN $2::float8 <= $3::float8 THEN $3::float8 - $2::float8 ELSE $3::float8 END, $4::timestamptz, $2::float8 <= $3::float8)
ON CONFLICT (id) DO UPDATE SET
	tokens = CASE WHEN %[1]s >= $2::float8 THEN %[1]s - $2::float8 ELSE %[1]s END,
	granted = %[1]s >= $2::float8,
	updated_at = GREATEST(b.updated_at, $4::timestamptz)
RETURNING b.tokens, b.granted`, level)
}()

// evict deletes buckets untouched for an hour: they have refilled
// completely and hold no state. A failure only leaves rows for next time.
func (p *Postgres) evict(ctx context.Context, now time.Time) {
	_, _ = p.db.ExecContext(ctx, `DELETE FROM rate_buckets WHERE updated_at < $1`, now.Add(-time.Hour).UTC())
}
