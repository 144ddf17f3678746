package database

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"sscgraph/internal/dbhealth"
)

// pgConnector opens pgx's database/sql connections, wrapped so that a
// failed COMMIT says whether it may have reached the server (commitTx).
type pgConnector struct{ driver.Connector }

// newPgConnector returns the connector of the PostgreSQL URL dsn.
func newPgConnector(dsn string) (driver.Connector, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parsing the PostgreSQL URL %s: %w", Redact(dsn), err)
	}
	return pgConnector{stdlib.GetConnector(*cfg)}, nil
}

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := conn.(*stdlib.Conn)
	if !ok {
		return conn, nil
	}
	return &pgDriverConn{stdConn: sc}, nil
}

// pgDriverConn is pgx's connection with every method of its own (the
// embedded pointer keeps the optional interfaces database/sql looks for:
// queries, pings, session resets…), and transactions whose COMMIT tells
// an unknown outcome apart. Conn() still returns the pgx connection, for
// LISTEN.
//
// The alias names the embedded field, which would otherwise be called Conn
// and hide stdlib.Conn's method Conn.
type pgDriverConn struct{ *stdConn }

type stdConn = stdlib.Conn

func (c *pgDriverConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.stdConn.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &commitTx{Tx: tx, conn: c.Conn()}, nil
}

// commitTx marks a COMMIT that failed on its connection after it may have
// been sent as dbhealth.CommitUnknownError. One begun on a connection
// already known closed was never sent: pgx refuses before writing, and
// its error says only that the connection failed (nothing was written).
type commitTx struct {
	driver.Tx
	conn *pgx.Conn
}

func (t *commitTx) Commit() error {
	wasOpen := !t.conn.IsClosed()
	err := t.Tx.Commit()
	if err != nil && wasOpen && dbhealth.IsConnection(err) {
		return &dbhealth.CommitUnknownError{Err: err}
	}
	return err
}
