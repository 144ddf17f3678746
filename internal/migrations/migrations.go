// Package migrations holds sscgraph's versioned schema migrations, one
// directory per dialect, and applies them. The SQL files are generated from
// the ent model by gen/main.go (Atlas computes the difference) and applied
// with goose, which records applied versions in a table of the database.
// The few steps SQL cannot do (rewriting the audit trail's IDs, which needs
// the ID secret) are written in Go (goSteps) and recorded the same way.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// Dialects sscgraph runs on, as ent names them.
const (
	SQLite   = "sqlite3"
	Postgres = "postgres"
)

// versionTable records which migrations a database has applied.
const versionTable = "sscgraph_migrations"

// Step is one migration: its version, file name and SQL.
type Step struct {
	Version int64
	Name    string
	SQL     string
	Applied bool
}

func provider(db *sql.DB, dialect string) (*goose.Provider, error) {
	var (
		gd   goose.Dialect
		dir  string
		opts = []goose.ProviderOption{goose.WithTableName(versionTable), goose.WithDisableGlobalRegistry(true)}
	)
	switch dialect {
	case SQLite:
		gd, dir = goose.DialectSQLite3, "sqlite"
	case Postgres:
		gd, dir = goose.DialectPostgres, "postgres"
		// Several replicas may start at once: an advisory lock lets one
		// of them migrate while the others wait.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, fmt.Errorf("migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	default:
		return nil, fmt.Errorf("no migrations for dialect %q", dialect)
	}
	sub, err := fs.Sub(files, dir)
	if err != nil {
		return nil, err
	}
	// A step numbered below the newest applied one (a branch's
	// migration merged after a later one was released, or a data step
	// a database skipped) is applied rather than refused: each step
	// stands on its own, and refusing would leave such a database unable
	// to start at all.
	opts = append(opts, goose.WithAllowOutofOrder(true))
	opts = append(opts, goose.WithGoMigrations(goMigrations(dialect)...))
	p, err := goose.NewProvider(gd, db, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading %s migrations: %w", dialect, err)
	}
	return p, nil
}

// Up applies every pending migration, each in its own transaction, and
// returns the ones it applied.
func Up(ctx context.Context, db *sql.DB, dialect string) ([]Step, error) {
	p, err := provider(db, dialect)
	if err != nil {
		return nil, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("applying migrations: %w", err)
	}
	steps := make([]Step, 0, len(results))
	for _, r := range results {
		steps = append(steps, Step{Version: r.Source.Version, Name: stepName(r.Source), Applied: true})
	}
	return steps, nil
}

// UpTo applies the pending migrations up to and including version: the
// state a database was left in by an older sscgraph, for upgrade tests.
func UpTo(ctx context.Context, db *sql.DB, dialect string, version int64) error {
	p, err := provider(db, dialect)
	if err != nil {
		return err
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("applying migrations up to %d: %w", version, err)
	}
	return nil
}

// Plan lists every migration with whether it is applied, and the SQL of
// the pending ones: what Up would run.
func Plan(ctx context.Context, db *sql.DB, dialect string) ([]Step, error) {
	p, err := provider(db, dialect)
	if err != nil {
		return nil, err
	}
	status, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading migration status: %w", err)
	}
	dir := "sqlite"
	if dialect == Postgres {
		dir = "postgres"
	}
	steps := make([]Step, 0, len(status))
	for _, s := range status {
		st := Step{Version: s.Source.Version, Name: stepName(s.Source), Applied: s.State == goose.StateApplied}
		if !st.Applied && s.Source.Type == goose.TypeGo {
			st.SQL = "-- written in Go (internal/migrations/auditids.go): rewrites rows, changes no table"
		} else if !st.Applied {
			b, err := files.ReadFile(dir + "/" + st.Name)
			if err != nil {
				return nil, err
			}
			st.SQL = upSection(string(b))
		}
		steps = append(steps, st)
	}
	return steps, nil
}

// Pending reports whether the database lacks any migration.
func Pending(ctx context.Context, db *sql.DB, dialect string) (bool, error) {
	p, err := provider(db, dialect)
	if err != nil {
		return false, err
	}
	return p.HasPending(ctx)
}

// stepName is a step's file name, or for a Go step its name in goSteps.
func stepName(s *goose.Source) string {
	if s.Type == goose.TypeGo {
		return goSteps[s.Version]
	}
	return baseName(s.Path)
}

func baseName(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[i+1:]
	}
	return path
}

// upSection returns the statements of a goose file's Up section.
func upSection(src string) string {
	_, up, ok := strings.Cut(src, "-- +goose Up\n")
	if !ok {
		return src
	}
	up, _, _ = strings.Cut(up, "-- +goose Down")
	return strings.TrimSpace(up)
}
