package database

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
)

// TestDSNKinds: libpq's keyword form is PostgreSQL, not a SQLite file
// name (it was opened as one, and served with the built-in ID secret); a
// PostgreSQL address must name its database (libpq's defaults chose one);
// a password never reaches a log.
func TestDSNKinds(t *testing.T) {
	for _, tt := range []struct {
		dsn      string
		postgres bool
		wantErr  string // in CheckDSN's error; "" for none
		redacted string
	}{
		{"sscgraph.db", false, "", "sscgraph.db"},
		{"file:data/s.db?mode=ro", false, "", "file:data/s.db?mode=ro"},
		{"postgres://app:pw@db:5432/sscgraph?sslmode=disable", true, "", "postgres://app:xxxxx@db:5432/sscgraph?sslmode=disable"},
		{"postgresql://db?dbname=sscgraph", true, "", "postgresql://db?dbname=sscgraph"},
		{"postgres://", true, "names no database", "postgres:"},
		{"postgres://app:pw@db:5432", true, "names no database", "postgres://app:xxxxx@db:5432"},
		{"postgresql://db/?sslmode=disable", true, "names no database", "postgresql://db/?sslmode=disable"},
		{"host=db dbname=sscgraph user=app password=s3cret", true, "", "host=db dbname=sscgraph user=app password=xxxxx"},
		{"dbname=sscgraph", true, "", "dbname=sscgraph"},
		{" host=db port=5432 password='a b' user=app", true, "names no database", " host=db port=5432 password=xxxxx user=app"},
		{"host=db dbname=''", true, "names no database", "host=db dbname=''"},
	} {
		t.Run(tt.dsn, func(t *testing.T) {
			if got := IsPostgres(tt.dsn); got != tt.postgres {
				t.Errorf("IsPostgres = %v, want %v", got, tt.postgres)
			}
			err := CheckDSN(tt.dsn)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("CheckDSN: got %v, want no error", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("CheckDSN: got %v, want an error saying %q", err, tt.wantErr)
			}
			if err != nil && (strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), ":pw@")) {
				t.Errorf("CheckDSN's error shows the password: %v", err)
			}
			if got := Redact(tt.dsn); got != tt.redacted {
				t.Errorf("Redact = %q, want %q", got, tt.redacted)
			}
		})
	}
}

// TestOpenKeywordForm opens the test PostgreSQL through libpq's keyword
// form, and Describe names the host, database and user it resolves to;
// Open refuses a URL without a database before connecting.
func TestOpenKeywordForm(t *testing.T) {
	pg := os.Getenv("SSCGRAPH_TEST_POSTGRES")
	if pg == "" {
		t.Skip("SSCGRAPH_TEST_POSTGRES is not set")
	}
	u, err := url.Parse(pg)
	if err != nil {
		t.Fatal(err)
	}
	kw := fmt.Sprintf("host=%s port=%s dbname=%s user=%s sslmode=disable", u.Hostname(), u.Port(), strings.Trim(u.Path, "/"), u.User.Username())
	ctx := context.Background()
	db, err := Open(ctx, kw, Options{})
	if err != nil {
		t.Fatalf("Open(%q): %v", kw, err)
	}
	defer db.Close()
	if db.Dialect != "postgres" {
		t.Errorf("got dialect %q, want postgres", db.Dialect)
	}
	var name string
	if err := db.SQL.QueryRowContext(ctx, "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	if want := strings.Trim(u.Path, "/"); name != want {
		t.Errorf("got database %q, want %q", name, want)
	}
	got := fmt.Sprint(Describe(kw))
	want := fmt.Sprint([]any{"db_kind", "postgres", "db_host", u.Hostname(), "db_port", u.Port(), "db_name", name, "db_user", u.User.Username()})
	if got != want {
		t.Errorf("Describe = %s, want %s", got, want)
	}
	noDB := "postgres://" + u.User.Username() + "@" + u.Host + "?sslmode=disable"
	if _, err := Open(ctx, noDB, Options{}); err == nil || !strings.Contains(err.Error(), "names no database") {
		t.Errorf("Open(%q): got %v, want an error saying it names no database", noDB, err)
	}
}
