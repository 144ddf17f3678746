package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"sscgraph/ent"
	"sscgraph/internal/audit"
	"sscgraph/internal/lifecycle"
	"sscgraph/internal/validate"
)

// spec is one record kind: its columns, how a row reads into a record R,
// and how records are written, E being the ent type they update.
type spec[R, E any] struct {
	columns []column
	// parse reads a row's cells (the row collects what is wrong).
	parse func(r *row) *R
	// load reads the records that have the given refs, with what update
	// compares (edges of the columns the sheet has).
	load func(ctx context.Context, c *ent.Client, h *header, refs []string) (map[string]E, error)
	// create writes new records, in one bulk insert where it can.
	create func(ctx context.Context, c *ent.Client, h *header, items []item[R]) error
	// update changes cur to what the row says, in the columns the sheet
	// has, and reports whether anything differed (nothing is written when
	// nothing does).
	update func(ctx context.Context, c *ent.Client, h *header, it item[R], cur E) (bool, error)
	// fields maps the schema's field and edge names that errors carry to
	// columns, where they differ.
	fields map[string]string
}

// item is a row read into a record, ready to be written.
type item[R any] struct {
	line int
	ref  string // "" when the row has none: it is always created
	// demo is the row's demo cell: nil when the sheet has no demo column
	// or the cell is empty (a new record is then real data, demo false).
	demo *bool
	rec  *R
}

// progressEvery is how often a long import says how far it is.
const progressEvery = 2 * time.Second

// job is an import ready to write: its file open and its header read.
type job interface {
	// write imports every row through c, a transaction's client, under a
	// savepoint that it rolls back to when a row is bad or opts.DryRun is
	// set: the transaction is left as it was then. It never commits or
	// rolls back the transaction itself.
	write(ctx context.Context, c *ent.Client) (*Result, error)
	close()
}

// prepare opens opts.Path as a sheet of opts.Kind and reads its header,
// before any transaction is started.
func prepare(opts Options) (job, error) {
	switch opts.Kind {
	case "activities":
		return newJob(opts, activities)
	case "consultants":
		return newJob(opts, consultants)
	case "organizations":
		return newJob(opts, organizations)
	case "offers":
		return newJob(opts, offers)
	case "needs":
		return newJob(opts, needs)
	default:
		return nil, fmt.Errorf("%w %q: use one of %v", ErrUnknownKind, opts.Kind, Kinds)
	}
}

// sheetJob is a job of one kind.
type sheetJob[R, E any] struct {
	s          *spec[R, E]
	opts       Options
	start      time.Time
	t          table
	h          *header
	headerLine int
	problems   []Problem // the header's
}

func newJob[R, E any](opts Options, s *spec[R, E]) (*sheetJob[R, E], error) {
	start := time.Now()
	cells, headerLine, t, err := openTable(opts.FS, opts.Path)
	if err != nil {
		return nil, err
	}
	h, problems := readHeader(cells, headerLine, s.columns)
	return &sheetJob[R, E]{s: s, opts: opts, start: start, t: t, h: h, headerLine: headerLine, problems: problems}, nil
}

func (j *sheetJob[R, E]) close() { _ = j.t.close() }

// fileSavepoint holds a whole import, inside the caller's transaction
// (RunIn), so that a bad row or a dry run leaves the transaction as it
// found it: the rows' own savepoints (import_rows) nest inside it.
const fileSavepoint = "import_file"

func (j *sheetJob[R, E]) write(ctx context.Context, c *ent.Client) (res *Result, err error) {
	if err := execStmt(ctx, c, "SAVEPOINT "+fileSavepoint); err != nil {
		return nil, err
	}
	keep := false
	defer func() {
		if keep {
			if rerr := execStmt(ctx, c, "RELEASE SAVEPOINT "+fileSavepoint); rerr != nil && err == nil {
				res, err = nil, rerr
			}
			return
		}
		// On an error this is best effort (a cancelled ctx cannot run it):
		// the caller rolls the transaction back then anyway.
		rerr := execStmt(ctx, c, "ROLLBACK TO SAVEPOINT "+fileSavepoint)
		if rerr == nil {
			rerr = execStmt(ctx, c, "RELEASE SAVEPOINT "+fileSavepoint)
		}
		if rerr != nil && err == nil {
			res, err = nil, rerr
		}
	}()
	res, err = j.rows(ctx, c)
	if err != nil {
		return nil, err
	}
	keep = len(res.Problems) == 0 && !j.opts.DryRun
	return res, nil
}

// rows reads, resolves and writes every data row.
func (j *sheetJob[R, E]) rows(ctx context.Context, c *ent.Client) (*Result, error) {
	s, opts, h, t := j.s, j.opts, j.h, j.t
	res := &Result{Problems: slices.Clone(j.problems)}
	k, err := loadKeys(ctx, c, h.keysNeeded())
	if err != nil {
		return nil, err
	}
	w := &writer[R, E]{s: s, c: c, h: h, res: res}
	size := opts.BatchSize
	if size <= 0 {
		size = 500
	}
	batch := make([]item[R], 0, size)
	refLines := map[string]int{} // the line each ref was first seen on
	lastReport := time.Now()
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		line, cells, err := t.next()
		if errors.Is(err, io.EOF) {
			break
		}
		var syn *syntaxError
		if errors.As(err, &syn) {
			res.Problems = append(res.Problems, Problem{Line: syn.line, Reason: syn.msg + "; the file cannot be read past this line"})
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", opts.Path, err)
		}
		if blank(cells) {
			continue
		}
		res.Rows++
		r := &row{h: h, keys: k, line: line, cells: cells}
		r.checkShape()
		r.checkText()
		// A CSV row's cells share one string; the ref outlives the row
		// (refLines), so it gets its own.
		ref := strings.Clone(r.cell("ref"))
		if ref != "" {
			if first, dup := refLines[ref]; dup {
				r.bad("ref", "ref %q is also on line %d: each record once per file", ref, first)
			} else {
				refLines[ref] = line
			}
		}
		demo := r.boolean("demo")
		rec := s.parse(r)
		if len(r.problems) > 0 {
			res.Problems = append(res.Problems, r.problems...)
			continue
		}
		if !h.complete() {
			continue // no row can be written without a required column
		}
		// Rows that read well are written even after a bad one, so that
		// the report names every bad row; the import's savepoint is
		// rolled back.
		batch = append(batch, item[R]{line: line, ref: ref, demo: demo, rec: rec})
		if len(batch) == size {
			if err := w.flush(ctx, batch); err != nil {
				return nil, err
			}
			batch = batch[:0]
		}
		if opts.Progress != nil && res.Rows%1000 == 0 && time.Since(lastReport) >= progressEvery {
			lastReport = time.Now()
			fmt.Fprintf(opts.Progress, "%s: %d rows read, %d problems so far, %s\n", opts.Path, res.Rows, len(res.Problems), time.Since(j.start).Round(time.Second))
		}
	}
	if err := w.flush(ctx, batch); err != nil {
		return nil, err
	}
	sortProblems(res.Problems, h, j.headerLine)
	bad := map[int]bool{}
	for _, p := range res.Problems {
		if p.Line != j.headerLine {
			bad[p.Line] = true
		}
	}
	res.BadRows = len(bad)
	res.Took = time.Since(j.start)
	return res, nil
}

// writer writes batches of records in the import's transaction.
type writer[R, E any] struct {
	s   *spec[R, E]
	c   *ent.Client
	h   *header
	res *Result
}

// flush writes a batch under a savepoint. When it fails, the batch is
// undone and its halves are written again, each under its own savepoint,
// down to single rows: every bad row is named, and the good ones stay
// written for the rest of the report (a bad row rolls the whole import
// back at the end). On PostgreSQL a failed statement aborts the
// transaction until it rolls back to a savepoint, hence one per attempt.
func (w *writer[R, E]) flush(ctx context.Context, batch []item[R]) error {
	if len(batch) == 0 {
		return nil
	}
	var refs []string
	for _, it := range batch {
		if it.ref != "" {
			refs = append(refs, it.ref)
		}
	}
	cur, err := w.s.load(ctx, w.c, w.h, refs)
	if err != nil {
		return err
	}
	return w.attempt(ctx, batch, cur)
}

func (w *writer[R, E]) attempt(ctx context.Context, items []item[R], cur map[string]E) error {
	if err := w.exec(ctx, "SAVEPOINT import_rows"); err != nil {
		return err
	}
	// The rows' audit events are inserted together once the rows are
	// written (audit.Buffer), in the same savepoint: one INSERT per thousand
	// events instead of one per record.
	var events audit.Buffer
	n, err := w.write(audit.With(ctx, &events), items, cur)
	if err == nil {
		err = events.Flush(ctx, w.c)
	}
	if err == nil {
		w.count(n)
		return w.exec(ctx, "RELEASE SAVEPOINT import_rows")
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err := w.exec(ctx, "ROLLBACK TO SAVEPOINT import_rows"); err != nil {
		return err
	}
	if err := w.exec(ctx, "RELEASE SAVEPOINT import_rows"); err != nil {
		return err
	}
	if len(items) > 1 {
		// Halving finds each bad row in a few attempts, where going row
		// by row would write the whole batch again one row at a time.
		mid := len(items) / 2
		if err := w.attempt(ctx, items[:mid], cur); err != nil {
			return err
		}
		return w.attempt(ctx, items[mid:], cur)
	}
	p, ok := w.problem(items[0].line, err)
	if !ok {
		return fmt.Errorf("line %d: %w", items[0].line, err)
	}
	w.res.Problems = append(w.res.Problems, p)
	return nil
}

// bulkSize is how many records one bulk insert writes: activities set up
// to 23 columns, so 500 rows bind at most 11,500 parameters, well under
// SQLite's limit of 32,766 (PostgreSQL's is 65,535).
const bulkSize = 500

// counts are what a write did.
type counts struct{ created, updated, unchanged int }

func (w *writer[R, E]) count(n counts) {
	w.res.Created += n.created
	w.res.Updated += n.updated
	w.res.Unchanged += n.unchanged
}

// write updates the items whose ref names a record and creates the others.
func (w *writer[R, E]) write(ctx context.Context, items []item[R], cur map[string]E) (counts, error) {
	var n counts
	var creates []item[R]
	for _, it := range items {
		e, ok := cur[it.ref]
		if it.ref == "" || !ok {
			creates = append(creates, it)
			continue
		}
		changed, err := w.s.update(ctx, w.c, w.h, it, e)
		if err != nil {
			return counts{}, err
		}
		if changed {
			n.updated++
		} else {
			n.unchanged++
		}
	}
	for chunk := range slices.Chunk(creates, bulkSize) {
		if err := w.s.create(ctx, w.c, w.h, chunk); err != nil {
			return counts{}, err
		}
		n.created += len(chunk)
	}
	return n, nil
}

func (w *writer[R, E]) exec(ctx context.Context, stmt string) error { return execStmt(ctx, w.c, stmt) }

func execStmt(ctx context.Context, c *ent.Client, stmt string) error {
	if _, err := c.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}

// problem turns a write's refusal into a bad row, naming the column: the
// schema's value rules (validate.FieldError), ent's validators
// (ent.ValidationError), the lifecycle's refusals and the database's
// constraints. Any other error is not the row's fault (ok is false).
func (w *writer[R, E]) problem(line int, err error) (Problem, bool) {
	var fe *validate.FieldError
	var ve *ent.ValidationError
	var re *lifecycle.Refusal
	var co *conflict
	switch {
	case errors.As(err, &co):
		return Problem{Line: line, Column: co.column, Reason: co.Error()}, true
	case errors.As(err, &fe):
		return Problem{Line: line, Column: w.column(fe.Field), Reason: fe.Msg}, true
	case errors.As(err, &ve):
		// ent wraps the validator's own words in its field's name.
		reason := ve.Error()
		for inner := errors.Unwrap(ve); inner != nil; inner = errors.Unwrap(inner) {
			reason = inner.Error()
		}
		return Problem{Line: line, Column: w.column(ve.Name), Reason: reason}, true
	case errors.As(err, &re):
		return Problem{Line: line, Column: "status", Reason: re.Message}, true
	case ent.IsConstraintError(err):
		col := ""
		if strings.Contains(err.Error(), "ref") {
			col = "ref"
		}
		return Problem{Line: line, Column: col, Reason: "the database refused the row: " + err.Error()}, true
	}
	return Problem{}, false
}

var (
	indexSuffix = regexp.MustCompile(`\[\d+\]$`)
	camelHump   = regexp.MustCompile(`([a-z0-9])([A-Z])`)
)

// column names the column of an ent field or edge as errors give it
// (end_date, providerCountryIDs, languages[1]).
func (w *writer[R, E]) column(field string) string {
	f := indexSuffix.ReplaceAllString(field, "")
	f = strings.ToLower(camelHump.ReplaceAllString(f, "${1}_${2}"))
	for _, name := range []string{f, strings.TrimSuffix(f, "_ids"), strings.TrimSuffix(f, "_id")} {
		if c, ok := w.s.fields[name]; ok {
			return c
		}
		if w.h.has(name) || hasColumn(w.s.columns, name) {
			return name
		}
	}
	return field
}

func hasColumn(spec []column, name string) bool {
	for _, c := range spec {
		if c.name == name {
			return true
		}
	}
	return false
}
