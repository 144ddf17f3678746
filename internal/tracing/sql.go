package tracing

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// WrapDriver returns drv recording a client span per statement run in a
// traced request: under the span of the resolver that ran it, or of the
// request. Statements outside requests (background refreshes, the
// answer cache's bookkeeping) record none, so that none is orphaned. The
// span carries the SQL text, never the arguments, and the rows read or
// written. A nil Tracer returns drv.
func (t *Tracer) WrapDriver(drv dialect.Driver) dialect.Driver {
	if t == nil {
		return drv
	}
	system := semconv.DBSystemNameSQLite
	if drv.Dialect() == dialect.Postgres {
		system = semconv.DBSystemNamePostgreSQL
	}
	return &tracedDriver{Driver: drv, st: statements{t: t, system: system}}
}

type statements struct {
	t      *Tracer
	system attribute.KeyValue
}

// start starts a statement's span, or returns nil outside a traced
// request.
func (s statements) start(ctx context.Context, query string) trace.Span {
	var parent trace.Span
	if f := fieldSpanFrom(ctx); f != nil {
		parent = f.parentSpan()
	} else {
		parent = trace.SpanFromContext(ctx)
	}
	if !parent.IsRecording() {
		return nil
	}
	_, span := s.t.tracer.Start(trace.ContextWithSpan(ctx, parent), statementName(query),
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(s.system, semconv.DBQueryText(query)))
	return span
}

// statementName is the span's name: the statement's first keyword
// (SELECT, INSERT, ...), as semconv's low-cardinality name.
func statementName(query string) string {
	query = strings.TrimLeft(query, " \t\n(")
	if i := strings.IndexAny(query, " \t\n("); i > 0 {
		query = query[:i]
	}
	return strings.ToUpper(query)
}

func (s statements) exec(ctx context.Context, query string, v any, exec func(v any) error) error {
	span := s.start(ctx, query)
	if span == nil {
		return exec(v)
	}
	defer span.End()
	// The result is kept for the rows written even when the caller
	// asked for none.
	res, ok := v.(*sql.Result)
	if v == nil {
		res, ok = new(sql.Result), true
		v = res
	}
	err := exec(v)
	if err != nil {
		fail(span, err)
		return err
	}
	if ok && *res != nil {
		if n, err := (*res).RowsAffected(); err == nil {
			span.SetAttributes(semconv.DBResponseReturnedRows(int(n)))
		}
	}
	return nil
}

func (s statements) query(ctx context.Context, query string, v any, run func() error) error {
	span := s.start(ctx, query)
	if span == nil {
		return run()
	}
	if err := run(); err != nil {
		fail(span, err)
		span.End()
		return err
	}
	// The span lasts until the rows are read and closed: it counts them.
	rows, ok := v.(*entsql.Rows)
	if !ok || rows.ColumnScanner == nil {
		span.End()
		return nil
	}
	rows.ColumnScanner = &countedRows{ColumnScanner: rows.ColumnScanner, span: span}
	return nil
}

func fail(span trace.Span, err error) {
	span.RecordError(err)
	span.SetStatus(codes.Error, err.Error())
}

// countedRows counts the rows read and ends the statement's span when
// they are closed.
type countedRows struct {
	entsql.ColumnScanner
	span  trace.Span
	n     int
	ended bool
}

func (r *countedRows) Next() bool {
	if r.ColumnScanner.Next() {
		r.n++
		return true
	}
	return false
}

func (r *countedRows) Close() error {
	err := r.ColumnScanner.Close()
	if !r.ended {
		r.ended = true
		r.span.SetAttributes(semconv.DBResponseReturnedRows(r.n))
		if rerr := r.ColumnScanner.Err(); rerr != nil {
			fail(r.span, rerr)
		}
		r.span.End()
	}
	return err
}

type tracedDriver struct {
	dialect.Driver
	st statements
}

func (d *tracedDriver) Exec(ctx context.Context, query string, args, v any) error {
	return d.st.exec(ctx, query, v, func(v any) error { return d.Driver.Exec(ctx, query, args, v) })
}

func (d *tracedDriver) Query(ctx context.Context, query string, args, v any) error {
	return d.st.query(ctx, query, v, func() error { return d.Driver.Query(ctx, query, args, v) })
}

func (d *tracedDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &tracedTx{Tx: tx, st: d.st, ctx: ctx}, nil
}

// BeginTx keeps transaction options (isolation, read-only) working, as
// ent's own debug driver does.
func (d *tracedDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	b, ok := d.Driver.(interface {
		BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error)
	})
	if !ok {
		return d.Tx(ctx)
	}
	tx, err := b.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &tracedTx{Tx: tx, st: d.st, ctx: ctx}, nil
}

type tracedTx struct {
	dialect.Tx
	st statements
	// ctx is the context the transaction began in: its COMMIT records
	// there.
	ctx context.Context
}

func (t *tracedTx) Exec(ctx context.Context, query string, args, v any) error {
	return t.st.exec(ctx, query, v, func(v any) error { return t.Tx.Exec(ctx, query, args, v) })
}

func (t *tracedTx) Query(ctx context.Context, query string, args, v any) error {
	return t.st.query(ctx, query, v, func() error { return t.Tx.Query(ctx, query, args, v) })
}

// Commit records the COMMIT: the write's cost, on SQLite the fsync.
func (t *tracedTx) Commit() error {
	span := t.st.start(t.ctx, "COMMIT")
	err := t.Tx.Commit()
	if span != nil {
		if err != nil {
			fail(span, err)
		}
		span.End()
	}
	return err
}

// ExecContext passes database/sql's form through, for callers that run
// a statement of their own in a transaction (the importer's savepoints).
func (t *tracedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ex, ok := t.Tx.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	})
	if !ok {
		return nil, errors.New("the transaction under the tracing driver has no ExecContext")
	}
	var res sql.Result
	err := t.st.exec(ctx, query, &res, func(any) error {
		var err error
		res, err = ex.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}
