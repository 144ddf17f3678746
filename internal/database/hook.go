package database

import (
	"context"
	"database/sql"
	"errors"

	"entgo.io/ent/dialect"
)

// hookedDriver calls a hook before each statement, in and out of
// transactions.
type hookedDriver struct {
	dialect.Driver
	hook StatementHook
}

func (d *hookedDriver) Exec(ctx context.Context, query string, args, v any) error {
	d.hook(ctx, query)
	return d.Driver.Exec(ctx, query, args, v)
}

func (d *hookedDriver) Query(ctx context.Context, query string, args, v any) error {
	d.hook(ctx, query)
	return d.Driver.Query(ctx, query, args, v)
}

func (d *hookedDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &hookedTx{Tx: tx, hook: d.hook}, nil
}

type hookedTx struct {
	dialect.Tx
	hook StatementHook
}

func (t *hookedTx) Exec(ctx context.Context, query string, args, v any) error {
	t.hook(ctx, query)
	return t.Tx.Exec(ctx, query, args, v)
}

func (t *hookedTx) Query(ctx context.Context, query string, args, v any) error {
	t.hook(ctx, query)
	return t.Tx.Query(ctx, query, args, v)
}

// BeginTx keeps transaction options (isolation, read-only) working through
// the hook, as ent's own debug driver does.
func (d *hookedDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
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
	return &hookedTx{Tx: tx, hook: d.hook}, nil
}

// ExecContext passes database/sql's form through the hook, for callers
// that run a statement of their own in a transaction (the importer's
// savepoints): without it ent's transaction reports the method missing.
func (t *hookedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ex, ok := t.Tx.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	})
	if !ok {
		return nil, errors.New("the transaction under the statement hook has no ExecContext")
	}
	t.hook(ctx, query)
	return ex.ExecContext(ctx, query, args...)
}
