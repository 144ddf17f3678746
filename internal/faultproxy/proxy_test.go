package faultproxy_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib"

	"sscgraph/internal/faultproxy"
	"sscgraph/internal/pgtest"
)

// through returns a proxy in front of the test database and a pool of
// one connection through it.
func through(t *testing.T) (*faultproxy.Proxy, *sql.DB) {
	t.Helper()
	dsn, p := faultproxy.Front(t, pgtest.EmptySchema(t))
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
	return p, db
}

// TestFaults: each fault shows the client the failure it would meet from
// a real server or network, and the proxy serves new connections after.
func TestFaults(t *testing.T) {
	tests := []struct {
		name  string
		fault func(p *faultproxy.Proxy)
		check func(err error) string
	}{
		{"terminate", (*faultproxy.Proxy).TerminateAll, func(err error) string {
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "57P01" {
				return "want SQLSTATE 57P01"
			}
			return ""
		}},
		{"drop", (*faultproxy.Proxy).DropAll, func(err error) string {
			if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, syscall.ECONNRESET) {
				return "want the connection closed"
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, db := through(t)
			conn, err := db.Conn(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			tt.fault(p)
			var one int
			err = conn.QueryRowContext(context.Background(), "SELECT 1").Scan(&one)
			conn.Close()
			if complaint := tt.check(err); complaint != "" {
				t.Errorf("err = %v: %s", err, complaint)
			}
			if err := db.QueryRow("SELECT 1").Scan(&one); err != nil || one != 1 {
				t.Errorf("a new connection after the fault: %v", err)
			}
		})
	}
}

// TestRefuse: while refusing, new connections are refused as by a server
// that is down; after Allow they are served on the same address.
func TestRefuse(t *testing.T) {
	p, db := through(t)
	p.Refuse()
	if _, err := net.Dial("tcp", p.Addr()); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dialing while refusing: %v, want ECONNREFUSED", err)
	}
	if err := p.Allow(); err != nil {
		t.Fatal(err)
	}
	p.DropAll()
	var one int
	if err := db.QueryRow("SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Errorf("after Allow: %v", err)
	}
}

// TestCuts: a statement cut before it is sent never runs; one cut after
// it is sent runs, and its answer is lost.
func TestCuts(t *testing.T) {
	tests := []struct {
		name    string
		action  faultproxy.Action
		written int
	}{
		{"before", faultproxy.CutBefore, 0},
		{"after", faultproxy.CutAfter, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, db := through(t)
			table := "cut"
			if _, err := db.Exec("CREATE TABLE " + table + " (a int)"); err != nil {
				t.Fatal(err)
			}
			tx, err := db.Begin()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec("INSERT INTO " + table + " VALUES (1)"); err != nil {
				t.Fatal(err)
			}
			p.SetRule(func(m faultproxy.Message) faultproxy.Action {
				if m.Type == 'Q' && strings.EqualFold(m.SQL(), "commit") {
					return tt.action
				}
				return faultproxy.Forward
			})
			err = tx.Commit()
			p.SetRule(nil)
			if err == nil {
				t.Fatal("the commit did not fail")
			}
			// The backend of a connection cut after its COMMIT was sent
			// finishes that COMMIT on its own time: another connection's
			// read may come first (in CI it did, one run in many). So the
			// rows are read until they are there, for at most 2 s; and a
			// statement cut before it was sent is read after a pause that
			// a late commit would have shown in.
			count := func() int {
				var n int
				if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			var n int
			if tt.written == 0 {
				time.Sleep(100 * time.Millisecond)
				n = count()
			} else {
				for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(10 * time.Millisecond) {
					if n = count(); n == tt.written || time.Now().After(deadline) {
						break
					}
				}
			}
			if n != tt.written {
				t.Errorf("%d rows, want %d", n, tt.written)
			}
		})
	}
}
