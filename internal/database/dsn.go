package database

import (
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
)

// libpqKeyword is the start of libpq's keyword/value form of a connection
// string ("host=db dbname=sscgraph user=app"): one of its keywords, then
// "=". A SQLite file name starts like this only if someone wants
// trouble; before this, such a string was opened as a SQLite file and
// served with the built-in ID secret.
var libpqKeyword = regexp.MustCompile(`^\s*(host|hostaddr|port|dbname|user|password|passfile|sslmode|sslrootcert|sslcert|sslkey|connect_timeout|application_name|options|service|target_session_attrs)\s*=`)

// IsPostgres reports whether dsn names a PostgreSQL database: a
// postgres:// or postgresql:// URL, or libpq's keyword/value form.
func IsPostgres(dsn string) bool {
	return isPostgresURL(dsn) || libpqKeyword.MatchString(dsn)
}

func isPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// CheckDSN refuses a PostgreSQL address that names no database: libpq
// then falls back to its defaults (the database named after the user, on
// the local socket) and sscgraph would create its tables in whatever
// database that is. A SQLite path passes.
func CheckDSN(dsn string) error {
	if !IsPostgres(dsn) {
		return nil
	}
	if _, err := pgx.ParseConfig(dsn); err != nil {
		return fmt.Errorf("the PostgreSQL address %s cannot be read: %w", Redact(dsn), err)
	}
	if !namesDatabase(dsn) {
		return fmt.Errorf("the PostgreSQL address %s names no database: give one, as in postgres://user@host:5432/sscgraph or host=… dbname=sscgraph", Redact(dsn))
	}
	return nil
}

// namesDatabase reports whether dsn itself names the database: the URL's
// path or dbname parameter, the keyword form's dbname.
func namesDatabase(dsn string) bool {
	if !isPostgresURL(dsn) {
		for _, kv := range strings.Fields(dsn) {
			if k, v, ok := strings.Cut(kv, "="); ok && k == "dbname" && strings.Trim(v, "'") != "" {
				return true
			}
		}
		return false
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return false
	}
	return strings.Trim(u.Path, "/") != "" || u.Query().Get("dbname") != ""
}

// Describe returns what to log of the database dsn names: for PostgreSQL
// the host, port, database and user it resolves to (libpq's defaults and
// PG* environment variables included), for SQLite the file's path.
func Describe(dsn string) []any {
	if !IsPostgres(dsn) {
		path, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		return []any{"db_kind", "sqlite", "db_file", path}
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return []any{"db_kind", "postgres", "db", Redact(dsn)}
	}
	return []any{"db_kind", "postgres", "db_host", cfg.Host, "db_port", cfg.Port, "db_name", cfg.Database, "db_user", cfg.User}
}

// password is a password=… pair of the keyword form, quoted or not.
var password = regexp.MustCompile(`(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)`)

// Redact hides the password of a PostgreSQL address for messages and
// logs; a SQLite path is returned as it is.
func Redact(dsn string) string {
	switch {
	case !IsPostgres(dsn):
		return dsn
	case !isPostgresURL(dsn):
		return password.ReplaceAllString(dsn, "${1}xxxxx")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
