// Package importer reads spreadsheets (CSV, XLSX) of activities,
// consultants, organizations, Match offers and Match needs into the
// database: `sscgraph import`.
//
// Rows name other records by the keys people have in their sheets
// (country codes or names, project codes, topic codes, refs), and every
// kind has a ref column, the sheet's own ID: a row whose ref exists
// updates that record, so that importing a sheet again changes nothing.
//
// An import is all or nothing. Every row is read, resolved and written
// through the ent client in one transaction, so that the schema's hooks and
// validators (the API's own rules) judge each value; batches are written
// under savepoints and, when one fails, written again row by row to name
// each bad row. The transaction commits only when no row was bad, and a
// dry run rolls it back whatever happens.
//
// Run is the command's import, in a transaction of its own. RunIn imports
// in a caller's transaction instead, under a savepoint (the dataset loader
// ships the real activities as sheets embedded in the binary, read
// through Options.FS, inside its own transaction).
package importer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"time"

	"sscgraph/ent"
	"sscgraph/internal/viewer"
)

// Actor is the name the audit trail records imports under (its via).
const Actor = "IMPORT"

// Kinds are the record kinds Run imports, as the command line names them.
var Kinds = []string{"activities", "consultants", "organizations", "offers", "needs"}

// Options say what to import.
type Options struct {
	Kind string // one of Kinds
	Path string // a .csv or .xlsx file: in FS when FS is set, else on disk
	// FS, when set, holds the file Path names (an embed.FS, say, for the
	// dataset loader's sheets). The same limits apply as on disk.
	FS fs.FS
	// DryRun checks and writes every row as a real import would, then
	// rolls everything back.
	DryRun bool
	// Progress, when set, receives a line now and then during long
	// imports.
	Progress io.Writer
	// BatchSize is how many rows are written together; 0 means 500.
	BatchSize int
}

// Problem is a bad row: its line in the file, the column at fault ("" when
// the row as a whole is) and why.
type Problem struct {
	Line   int
	Column string
	Reason string
}

// Result is what an import did, or would have done (dry run).
type Result struct {
	Rows                        int // data rows read (blank ones aside)
	Created, Updated, Unchanged int
	// Problems lists every bad row, in line order, and what is wrong with
	// the header. When there are any, nothing was written.
	Problems []Problem
	BadRows  int // data rows with at least one problem
	Took     time.Duration
}

// Columns returns the column names of kind in their documented order, the
// required ones marked with a trailing "*" (for help texts); nil for an
// unknown kind.
func Columns(kind string) []string {
	var spec []column
	switch kind {
	case "activities":
		spec = activityColumns
	case "consultants":
		spec = consultantColumns
	case "organizations":
		spec = organizationColumns
	case "offers":
		spec = offerColumns
	case "needs":
		spec = needColumns
	default:
		return nil
	}
	out := make([]string, len(spec))
	for i, c := range spec {
		out[i] = c.name
		if c.required {
			out[i] += "*"
		}
	}
	return out
}

// ErrUnknownKind is returned (wrapped) for a kind not in Kinds.
var ErrUnknownKind = errors.New("unknown kind")

// Run imports opts.Path as records of opts.Kind through client, in a
// transaction of its own that it commits when no row was bad (and rolls
// back on a dry run). A returned error means the import could not run
// (unreadable file, database failure); bad rows are in the Result, and
// then nothing was written. The writes are sscgraph's own, audited under
// Actor.
func Run(ctx context.Context, client *ent.Client, opts Options) (*Result, error) {
	// sscgraph's own command writing: the schema's policies let it through
	// and every write is audited under Actor.
	ctx = viewer.WithSystem(ctx, viewer.System{Name: Actor, Audited: true})
	start := time.Now()
	j, err := prepare(opts)
	if err != nil {
		return nil, err
	}
	defer j.close()
	tx, err := client.Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("starting the transaction: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback()
		}
	}()
	res, err := j.write(ctx, tx.Client())
	if err != nil {
		return nil, err
	}
	if len(res.Problems) > 0 || opts.DryRun {
		return res, nil // the deferred rollback ends the transaction
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("committing: %w", err)
	}
	committed = true
	res.Took = time.Since(start) // the commit included
	return res, nil
}

// RunIn imports as Run does, but in the caller's transaction tx and as
// the viewer ctx already has (the dataset loader imports its embedded
// sheets as its own system viewer, inside its own transaction; the
// viewer must be one the schema's policies let write). It never commits
// or rolls back tx: that is the caller's decision. The import runs under
// a savepoint of tx, rolled back when a row is bad (the Result then has
// the Problems) or opts.DryRun is set, so that tx is then as it was
// before the call; otherwise the rows stay written in tx. After a
// returned error the caller should roll tx back.
func RunIn(ctx context.Context, tx *ent.Tx, opts Options) (*Result, error) {
	if tx == nil {
		return nil, errors.New("importing in a transaction: no transaction given")
	}
	j, err := prepare(opts)
	if err != nil {
		return nil, err
	}
	defer j.close()
	return j.write(ctx, tx.Client())
}

// sortProblems orders problems by line, and a line's by the position of
// their columns in the sheet (the header's in the order found).
func sortProblems(ps []Problem, h *header, headerLine int) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if a.Line != b.Line || a.Line == headerLine {
			return a.Line - b.Line
		}
		return cmp.Compare(h.position(a.Column), h.position(b.Column))
	})
}

// Sheet imports one sheet of fsys in tx with RunIn, for callers that take
// a plain function (dataset.SheetImporter, which cannot name this
// package's types): how many data rows it read, how many records it
// created, and each problem as "line L, column C: reason".
func Sheet(ctx context.Context, tx *ent.Tx, fsys fs.FS, kind, name string) (rows, created int, problems []string, err error) {
	res, err := RunIn(ctx, tx, Options{Kind: kind, Path: name, FS: fsys})
	if err != nil {
		return 0, 0, nil, err
	}
	for _, p := range res.Problems {
		s := fmt.Sprintf("line %d", p.Line)
		if p.Column != "" {
			s += ", column " + p.Column
		}
		problems = append(problems, s+": "+p.Reason)
	}
	return res.Rows, res.Created, problems, nil
}
