package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"sscgraph/internal/database"
)

// access(2)'s modes; package syscall names none of them.
const (
	accessW = 0x2
	accessX = 0x1
)

// sqlitePath returns the file a SQLite --db names and whether SQLite is
// told to open it read-only; file is "" for an in-memory database and for
// PostgreSQL. It reads the DSN as database.Open does.
func sqlitePath(dsn string) (file string, readOnly bool) {
	if database.IsPostgres(dsn) {
		return "", false
	}
	path, query, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	q, _ := url.ParseQuery(query)
	if path == "" || path == ":memory:" || q.Get("mode") == "memory" {
		return "", false
	}
	return path, q.Get("mode") == "ro"
}

// checkSQLitePath says in plain words why a SQLite --db cannot be opened
// for writing, before SQLite answers "unable to open database file: no
// such file or directory" for all of these: its directory is missing, is
// not a directory, or is not writable by this user (SQLite creates the
// file there, and its -wal and -shm files beside it), or the file is not.
// Other databases pass.
func checkSQLitePath(dsn string) error {
	path, readOnly := sqlitePath(dsn)
	if path == "" {
		return nil
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("database %s: directory %s does not exist: create it, or give --db a path in an existing directory", path, dir)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("database %s: permission denied: this user cannot reach directory %s", path, dir)
	case err != nil:
		return fmt.Errorf("database %s: %w", path, err)
	case !fi.IsDir():
		return fmt.Errorf("database %s: %s is not a directory", path, dir)
	}
	if readOnly {
		return nil
	}
	fi, err = os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("database %s: %w", path, err)
	case fi.IsDir():
		return fmt.Errorf("database %s is a directory: give --db a file's path", path)
	case syscall.Access(path, accessW) != nil:
		return fmt.Errorf("database %s: permission denied: the file is read-only for this user", path)
	}
	// A file that exists needs the directory only for its journals, which
	// may exist already.
	if _, err := os.Stat(path + "-wal"); err == nil {
		return nil
	}
	if syscall.Access(dir, accessW|accessX) != nil {
		return fmt.Errorf("database %s: permission denied: directory %s is not writable by this user (SQLite creates the database and its -wal and -shm files there)", path, dir)
	}
	return nil
}

// openDB opens the database dsn names, after checkSQLitePath.
func openDB(ctx context.Context, dsn string, opts database.Options) (*database.DB, error) {
	if err := checkSQLitePath(dsn); err != nil {
		return nil, err
	}
	return database.Open(ctx, dsn, opts)
}
