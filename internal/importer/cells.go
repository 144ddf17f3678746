package importer

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sscgraph/ent/schema/schematype"
	"sscgraph/internal/participants"
	"sscgraph/internal/validate"
)

// column is one column a kind's sheet may have.
type column struct {
	name     string
	required bool   // the header must have it and no row may leave it empty
	key      string // the look-up its values need (see loadKeys), if any
}

// header maps a sheet's columns to their positions.
type header struct {
	idx  map[string]int
	spec []column
	// reported are the positions of columns already reported on the
	// header's line (unknown or repeated): their cells are not reported
	// again on every row.
	reported map[int]bool
}

// columnName is how a header cell names a column: case, spaces around it
// and the spelling of separators ("Start date", "start-date") aside.
func columnName(cell string) string {
	s := strings.ToLower(strings.TrimSpace(cell))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '-' || r == '_' }), "_")
}

// readHeader checks a header row against a kind's columns: every column is
// known (a typo must not silently drop a column's data), none is given
// twice, and the required ones are there.
func readHeader(cells []string, line int, spec []column) (*header, []Problem) {
	h := &header{idx: map[string]int{}, spec: spec, reported: map[int]bool{}}
	known := map[string]bool{}
	for _, c := range spec {
		known[c.name] = true
	}
	var problems []Problem
	for i, cell := range cells {
		if reason := badText(cell); reason != "" {
			// Not a name anyone could mean; its bytes are not echoed.
			h.reported[i] = true
			problems = append(problems, Problem{Line: line, Column: fmt.Sprintf("#%d", i+1), Reason: "the column's name: " + reason})
			continue
		}
		name := columnName(cell)
		switch {
		case name == "":
			// A blank header cell names nothing; its cells must be empty
			// (see row.extra).
		case !known[name]:
			h.reported[i] = true
			problems = append(problems, Problem{Line: line, Column: strings.TrimSpace(cell), Reason: "unknown column; the columns are " + columnList(spec)})
		default:
			if _, dup := h.idx[name]; dup {
				h.reported[i] = true
				problems = append(problems, Problem{Line: line, Column: name, Reason: "the column is given twice"})
				continue
			}
			h.idx[name] = i
		}
	}
	for _, c := range spec {
		if _, ok := h.idx[c.name]; c.required && !ok {
			problems = append(problems, Problem{Line: line, Column: c.name, Reason: "required column is missing"})
		}
	}
	return h, problems
}

func columnList(spec []column) string {
	names := make([]string, len(spec))
	for i, c := range spec {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// position is where a problem's column stands in the sheet, for ordering
// a row's problems left to right.
func (h *header) position(col string) int {
	if i, ok := h.idx[col]; ok {
		return i
	}
	if n, err := strconv.Atoi(strings.TrimPrefix(col, "#")); err == nil {
		return n - 1
	}
	return math.MaxInt
}

// complete reports whether the sheet has every required column.
func (h *header) complete() bool {
	for _, c := range h.spec {
		if c.required && !h.has(c.name) {
			return false
		}
	}
	return true
}

func (h *header) has(col string) bool {
	_, ok := h.idx[col]
	return ok
}

// keysNeeded are the look-ups the sheet's columns need.
func (h *header) keysNeeded() map[string]bool {
	need := map[string]bool{}
	for _, c := range h.spec {
		if c.key != "" && h.has(c.name) {
			need[c.key] = true
		}
	}
	return need
}

// row is one data row being read: its cells and what is wrong with them.
type row struct {
	h        *header
	keys     *keys
	line     int
	cells    []string
	problems []Problem
}

// bad records what is wrong with a cell.
func (r *row) bad(col, format string, args ...any) {
	r.problems = append(r.problems, Problem{Line: r.line, Column: col, Reason: fmt.Sprintf(format, args...)})
}

// checkShape reports cells beyond the named columns and empty required
// cells, before the kind reads the row.
func (r *row) checkShape() {
	named := make(map[int]bool, len(r.h.idx))
	for _, i := range r.h.idx {
		named[i] = true
	}
	for i, c := range r.cells {
		if !named[i] && !r.h.reported[i] && strings.TrimSpace(c) != "" {
			r.bad(fmt.Sprintf("#%d", i+1), "a value in a column without a known name: %q", excerpt(c))
		}
	}
	for _, c := range r.h.spec {
		if c.required && r.h.has(c.name) && r.cell(c.name) == "" {
			r.bad(c.name, "required, but empty")
		}
	}
}

// cell returns a column's value, trimmed; "" when the sheet has no such
// column or the row is shorter.
func (r *row) cell(col string) string {
	i, ok := r.h.idx[col]
	if !ok || i >= len(r.cells) {
		return ""
	}
	return strings.TrimSpace(r.cells[i])
}

// text returns a text cell; empty cells stay empty (on update they clear
// optional fields).
func (r *row) text(col string) string { return r.cell(col) }

// date reads YYYY-MM-DD as midnight UTC, the form the API's dates have.
func (r *row) date(col string) (time.Time, bool) {
	s := r.cell(col)
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		r.bad(col, "%q is not a date of the form YYYY-MM-DD", excerpt(s))
		return time.Time{}, false
	}
	return t, true
}

// datePattern is a date known to the day, the month or the year:
// YYYY-MM-DD, YYYY-MM or YYYY.
var datePattern = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)

// period reads a date as precise as the cell gives it: YYYY-MM-DD (DAY),
// YYYY-MM (MONTH) or YYYY (YEAR), a coarser one stored as its period's
// first day at midnight UTC, as the schema keeps it. An empty cell is no
// date (nil, precision DAY, the schema's default); ok is false when the
// cell is bad.
func (r *row) period(col string) (t *time.Time, p schematype.DatePrecision, ok bool) {
	s := r.cell(col)
	if s == "" {
		return nil, schematype.DatePrecisionDay, true
	}
	layout, p := time.DateOnly, schematype.DatePrecisionDay
	switch len(s) {
	case len("2006-01"):
		layout, p = "2006-01", schematype.DatePrecisionMonth
	case len("2006"):
		layout, p = "2006", schematype.DatePrecisionYear
	}
	d, err := time.Parse(layout, s)
	if !datePattern.MatchString(s) || err != nil {
		r.bad(col, "%q is not a date of the form YYYY-MM-DD, YYYY-MM (a month) or YYYY (a year)", excerpt(s))
		return nil, schematype.DatePrecisionDay, false
	}
	return &d, p, true
}

// integer reads a whole number; nil for an empty cell.
func (r *row) integer(col string) *int {
	s := r.cell(col)
	if s == "" {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		r.bad(col, "%q is not a whole number", excerpt(s))
		return nil
	}
	return &n
}

// number reads a decimal number (a point, no thousands separators); nil
// for an empty cell.
func (r *row) number(col string) *float64 {
	s := r.cell(col)
	if s == "" {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		r.bad(col, "%q is not a number (use a decimal point and no thousands separators)", excerpt(s))
		return nil
	}
	return &f
}

// boolean reads true/false, yes/no, y/n or 1/0; nil for an empty cell.
func (r *row) boolean(col string) *bool {
	s := strings.ToLower(r.cell(col))
	var b bool
	switch s {
	case "":
		return nil
	case "true", "yes", "y", "1":
		b = true
	case "false", "no", "n", "0":
		b = false
	default:
		r.bad(col, "%q is not true or false (yes/no, 1/0)", excerpt(r.cell(col)))
		return nil
	}
	return &b
}

// enum reads one of values, written in any case, with spaces or hyphens
// for underscores ("South-South" is SOUTH_SOUTH); "" for an empty cell.
func (r *row) enum(col string, values []string) string {
	s := r.cell(col)
	if s == "" {
		return ""
	}
	v := strings.ToUpper(strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '-' || r == '_' }), "_"))
	for _, ok := range values {
		if v == ok {
			return v
		}
	}
	r.bad(col, "%q is not one of %s", excerpt(s), strings.Join(values, ", "))
	return ""
}

// list splits a cell on semicolons, dropping empty entries.
func (r *row) list(col string) []string {
	var out []string
	for _, part := range strings.Split(r.cell(col), ";") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// sourceSeparator separates the entries of a sources cell: a semicolon
// followed by a space or a line break (or ending the cell), so that an
// address holding a bare semicolon (";jsessionid=") stays whole.
var sourceSeparator = regexp.MustCompile(`;(\s+|$)`)

// sources reads a list of sources (addresses, document symbols, notes
// such as "[S4] IP Watch"), each trimmed, empty entries dropped; nil for
// an empty cell. The list and its entries are bounded as the API bounds
// lists of sources (validate.ShortList), here because an organization's
// schema does not check its sources itself.
func (r *row) sources(col string) []string {
	var out []string
	for _, part := range sourceSeparator.Split(r.cell(col), -1) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	if len(out) > validate.MaxListLen {
		r.bad(col, "%d sources; at most %d are allowed", len(out), validate.MaxListLen)
		return nil
	}
	for i, s := range out {
		if n := utf8.RuneCountInString(s); n > validate.MaxListItem {
			r.bad(col, "source %d is %d characters long; at most %d are allowed (%q)", i+1, n, validate.MaxListItem, excerpt(s))
			return nil
		}
	}
	return out
}

// languages reads ISO 639-1 codes; the schema's rule checks them on write,
// so here they are only lower-cased ("EN" is en).
func (r *row) languages(col string) []string {
	out := r.list(col)
	for i, s := range out {
		out[i] = strings.ToLower(s)
	}
	return out
}

// ref resolves one reference; 0 for an empty cell.
func (r *row) ref(col string, l *lookup) int {
	s := r.cell(col)
	if s == "" {
		return 0
	}
	id, err := l.find(s)
	if err != nil {
		r.bad(col, "%v", err)
		return 0
	}
	return id
}

// refs resolves a list of references, each once.
func (r *row) refs(col string, l *lookup) []int {
	var ids []int
	seen := map[int]bool{}
	for _, s := range r.list(col) {
		id, err := l.find(s)
		if err != nil {
			r.bad(col, "%v", err)
			continue
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

// figures reads beneficiary countries with their optional participants:
// "EG:12; Ecuador:8; NA" (a country listed twice is an error: which figure
// would count?).
func (r *row) figures(col string, l *lookup) []participants.Figure {
	var out []participants.Figure
	seen := map[int]string{}
	for _, entry := range r.list(col) {
		name, figure := entry, ""
		if i := strings.LastIndex(entry, ":"); i >= 0 {
			name, figure = strings.TrimSpace(entry[:i]), strings.TrimSpace(entry[i+1:])
		}
		id, err := l.find(name)
		if err != nil {
			r.bad(col, "%v", err)
			continue
		}
		if first, dup := seen[id]; dup {
			r.bad(col, "%q and %q are the same country", excerpt(first), excerpt(name))
			continue
		}
		seen[id] = name
		f := participants.Figure{CountryID: id}
		if figure != "" {
			n, err := strconv.Atoi(figure)
			if err != nil || n < 0 {
				r.bad(col, "%q: the participants of %s must be a whole number, 0 or more", excerpt(entry), name)
				continue
			}
			f.Participants = &n
		}
		out = append(out, f)
	}
	return out
}
