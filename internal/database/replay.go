package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"reflect"

	entsql "entgo.io/ent/dialect/sql"
)

// A read whose connection fails while its rows stream in (a server shut
// down between two rows, as PostgreSQL's fast shutdown does) could not be
// retried if its rows went to ent as they arrived: ent has scanned the
// first ones by then. So the retrying driver reads a result to its end
// inside the retry, then hands ent the buffered rows, served back through
// database/sql by the replay driver below so that ent's Scan converts
// them exactly as it would have converted the original rows.

// result is a read's rows, buffered.
type result struct {
	columns []string
	types   []*sql.ColumnType
	rows    [][]driver.Value
}

// bufferRows reads rows to the end and closes them.
func bufferRows(rows entsql.Rows) (*result, error) {
	defer rows.Close()
	res := &result{}
	var err error
	if res.columns, err = rows.Columns(); err != nil {
		return nil, fmt.Errorf("reading columns: %w", err)
	}
	if res.types, err = rows.ColumnTypes(); err != nil {
		return nil, fmt.Errorf("reading column types: %w", err)
	}
	for rows.Next() {
		// Scanning into *any keeps the driver's values as they are
		// (database/sql copies byte slices).
		vals := make([]any, len(res.columns))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]driver.Value, len(vals))
		for i, v := range vals {
			row[i] = v
		}
		res.rows = append(res.rows, row)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

// replayed returns res as ent's rows.
func replayed(ctx context.Context, res *result) (entsql.Rows, error) {
	rows, err := replayDB.QueryContext(ctx, "replay", res)
	if err != nil {
		return entsql.Rows{}, fmt.Errorf("replaying buffered rows: %w", err)
	}
	// A *sql.Rows itself: ent's schema inspection asserts that type.
	return entsql.Rows{ColumnScanner: rows}, nil
}

// replayDB serves buffered results: its one "query" returns the result
// passed as its argument. Its connections hold nothing.
var replayDB = func() *sql.DB {
	db := sql.OpenDB(replayConnector{})
	db.SetMaxIdleConns(64)
	return db
}()

type replayConnector struct{}

func (replayConnector) Connect(context.Context) (driver.Conn, error) { return replayConn{}, nil }
func (replayConnector) Driver() driver.Driver                        { return replayDriver{} }

type replayDriver struct{}

func (replayDriver) Open(string) (driver.Conn, error) { return replayConn{}, nil }

type replayConn struct{}

var errReplayOnly = errors.New("the replay connection only replays buffered rows")

func (replayConn) Prepare(string) (driver.Stmt, error) { return nil, errReplayOnly }
func (replayConn) Close() error                        { return nil }
func (replayConn) Begin() (driver.Tx, error)           { return nil, errReplayOnly }

// CheckNamedValue lets the *result through as an argument.
func (replayConn) CheckNamedValue(*driver.NamedValue) error { return nil }

func (replayConn) QueryContext(_ context.Context, _ string, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) != 1 {
		return nil, errReplayOnly
	}
	res, ok := args[0].Value.(*result)
	if !ok {
		return nil, errReplayOnly
	}
	return &replayCursor{res: res}, nil
}

type replayCursor struct {
	res  *result
	next int
}

func (c *replayCursor) Columns() []string { return c.res.columns }
func (c *replayCursor) Close() error      { return nil }

// The column types are the original's: ent reads them to scan columns it
// does not know (sql.ScanTypeOf).

func (c *replayCursor) ColumnTypeScanType(i int) reflect.Type {
	return c.res.types[i].ScanType()
}

func (c *replayCursor) ColumnTypeDatabaseTypeName(i int) string {
	return c.res.types[i].DatabaseTypeName()
}

func (c *replayCursor) ColumnTypeNullable(i int) (nullable, ok bool) {
	return c.res.types[i].Nullable()
}

func (c *replayCursor) ColumnTypeLength(i int) (int64, bool) {
	return c.res.types[i].Length()
}

func (c *replayCursor) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	return c.res.types[i].DecimalSize()
}

func (c *replayCursor) Next(dest []driver.Value) error {
	if c.next >= len(c.res.rows) {
		return io.EOF
	}
	copy(dest, c.res.rows[c.next])
	c.next++
	return nil
}
