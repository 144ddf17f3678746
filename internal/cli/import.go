package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"sscgraph/internal/gid"
	"sscgraph/internal/importer"
	"sscgraph/internal/server"
)

// importFailed is an import that found bad rows (exit status 1); its
// message is the report's summary line.
type importFailed struct{ msg string }

func (e importFailed) Error() string { return e.msg }

// importCmd runs `sscgraph import [--dry-run] KIND FILE`.
func importCmd(ctx context.Context, args []string, getenv Getenv, stdout, stderr io.Writer) error {
	fs := newFlagSet("import", stderr)
	dsn := fs.String("db", envOr(getenv, "SSCGRAPH_DB", "sscgraph.db"), dbUsage)
	dryRun := fs.Bool("dry-run", false, "check and write every row as an import would, report, then roll everything back")
	// The audit events name the edges a row adds by their global IDs,
	// which must be the ones serve hands out.
	idSecret := fs.String("id-secret", envOr(getenv, "SSCGRAPH_ID_SECRET", gid.DefaultSecret), idSecretUsage)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: sscgraph import [--db DB] [--dry-run] KIND FILE\n\n"+
			"Imports FILE (.csv, or the first sheet of an .xlsx) as records of KIND, all or\n"+
			"nothing; a row whose ref exists updates that record. Columns (* required):\n")
		for _, k := range importer.Kinds {
			fmt.Fprintf(fs.Output(), "  %-14s %s\n", k, strings.Join(importer.Columns(k), ", "))
		}
		fmt.Fprintf(fs.Output(), "\nSee docs/import.md.\n\nflags:\n")
		fs.PrintDefaults()
	}
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 2 {
		return usageError{"import takes a kind and a file: sscgraph import [--dry-run] KIND FILE"}
	}
	kind, path := positional[0], positional[1]
	if !slices.Contains(importer.Kinds, kind) {
		return usageError{fmt.Sprintf("import: unknown kind %q: use one of %s", kind, strings.Join(importer.Kinds, ", "))}
	}
	if !importer.Readable(path) {
		return usageError{fmt.Sprintf("import: %s is not a .csv or .xlsx file", path)}
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	codec, err := server.NewCodec(*idSecret)
	if err != nil {
		return err
	}
	// The writes' checks name rows by their global IDs, and migrations
	// may need to read old IDs: both with the secret serve has.
	ctx = gid.NewContext(ctx, codec)
	db, err := openMigrated(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()

	res, err := importer.Run(ctx, db.Client, importer.Options{Kind: kind, Path: path, DryRun: *dryRun, Progress: stderr})
	if err != nil {
		if errors.Is(err, importer.ErrUnknownKind) {
			return usageError{err.Error()}
		}
		return fmt.Errorf("import %s: %w; nothing was written", path, err)
	}
	for _, p := range res.Problems {
		if p.Column == "" {
			fmt.Fprintf(stderr, "%s:%d: %s\n", path, p.Line, p.Reason)
		} else {
			fmt.Fprintf(stderr, "%s:%d: column %s: %s\n", path, p.Line, p.Column, p.Reason)
		}
	}
	took := res.Took.Round(time.Millisecond)
	if n := len(res.Problems); n > 0 {
		return importFailed{fmt.Sprintf("%s: %d of %d rows bad, %s in all; nothing was written", path, res.BadRows, res.Rows, plural(n, "problem"))}
	}
	if *dryRun {
		fmt.Fprintf(stdout, "%s: %d rows would import: %d created, %d updated, %d unchanged (dry run in %s: nothing was written)\n",
			path, res.Rows, res.Created, res.Updated, res.Unchanged, took)
		return nil
	}
	fmt.Fprintf(stdout, "%s: %d rows imported in %s: %d created, %d updated, %d unchanged\n",
		path, res.Rows, took, res.Created, res.Updated, res.Unchanged)
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
