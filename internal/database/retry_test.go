package database_test

import (
	"context"
	"database/sql"
	"reflect"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"sscgraph/internal/database"
	"sscgraph/internal/pgtest"
)

func TestIsRead(t *testing.T) {
	tests := []struct {
		query string
		want  bool
	}{
		{`SELECT "countries"."id" FROM "countries"`, true},
		{`  select 1`, true},
		{`(SELECT 1) UNION (SELECT 2)`, true},
		{`SELECT updated_at FROM t`, true},
		{`WITH x AS (SELECT 1) SELECT * FROM x`, true},
		{`WITH x AS (DELETE FROM t RETURNING id) SELECT * FROM x`, false},
		{`INSERT INTO "regions" ("code") VALUES ($1) RETURNING "id"`, false},
		{`UPDATE t SET a = 1`, false},
		{`SELECT * FROM t FOR UPDATE`, false},
		{`SELECT pg_advisory_lock($1)`, true},
		{`VACUUM`, false},
		{``, false},
	}
	for _, tt := range tests {
		if got := database.IsRead(tt.query); got != tt.want {
			t.Errorf("isRead(%q) = %v, want %v", tt.query, got, tt.want)
		}
	}
}

// TestReplayScansAlike: rows buffered and replayed scan into the same Go
// values as the rows PostgreSQL sent, type by type, NULLs included.
func TestReplayScansAlike(t *testing.T) {
	db := pgtest.Open(t)
	drv := entsql.OpenDB(dialect.Postgres, db.SQL)
	const query = `SELECT 42::int8, 'text'::text, NULL::text, '2026-01-02T03:04:05.678Z'::timestamptz, '\x0102'::bytea,
		'{"a": [1, 2]}'::jsonb, 1.5::float8, true, 12.30::numeric, NULL::int8, ARRAY['a','b']::text[]
		FROM generate_series(1, 3)`
	scan := func(rows entsql.Rows) [][]any {
		t.Helper()
		defer rows.Close()
		var out [][]any
		for rows.Next() {
			var (
				i   int64
				s   string
				ns  sql.NullString
				ts  time.Time
				b   []byte
				js  []byte
				f   float64
				ok  bool
				num string
				ni  sql.NullInt64
				arr string
			)
			if err := rows.Scan(&i, &s, &ns, &ts, &b, &js, &f, &ok, &num, &ni, &arr); err != nil {
				t.Fatal(err)
			}
			out = append(out, []any{i, s, ns, ts.UTC(), b, string(js), f, ok, num, ni, arr})
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	ctx := context.Background()
	var direct entsql.Rows
	if err := drv.Query(ctx, query, []any{}, &direct); err != nil {
		t.Fatal(err)
	}
	want := scan(direct)

	var rows entsql.Rows
	if err := drv.Query(ctx, query, []any{}, &rows); err != nil {
		t.Fatal(err)
	}
	types, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	res, err := database.BufferRows(rows)
	if err != nil {
		t.Fatal(err)
	}
	replay, err := database.Replayed(ctx, res)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := replay.ColumnScanner.(*sql.Rows); !ok {
		t.Errorf("replayed rows are %T; ent's schema inspection needs *sql.Rows", replay.ColumnScanner)
	}
	replayTypes, err := replay.ColumnTypes()
	if err != nil || len(replayTypes) != len(types) {
		t.Fatalf("column types %v (%v), want the original's", replayTypes, err)
	}
	for i, ct := range types {
		rt := replayTypes[i]
		n1, ok1 := ct.Nullable()
		n2, ok2 := rt.Nullable()
		if rt.Name() != ct.Name() || rt.DatabaseTypeName() != ct.DatabaseTypeName() || rt.ScanType() != ct.ScanType() || n1 != n2 || ok1 != ok2 {
			t.Errorf("column %d: replayed %s %s %v, want %s %s %v", i, rt.Name(), rt.DatabaseTypeName(), rt.ScanType(), ct.Name(), ct.DatabaseTypeName(), ct.ScanType())
		}
	}
	if got := scan(replay); !reflect.DeepEqual(got, want) || len(got) != 3 {
		t.Errorf("replayed rows scan to\n%v\nwant\n%v", got, want)
	}
}
