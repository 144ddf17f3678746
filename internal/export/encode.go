package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

func urlQuery(r *http.Request) (url.Values, error) {
	return url.ParseQuery(r.URL.RawQuery)
}

// sortValues sorts codes alphabetically and numbers (recommendations)
// numerically, so that a row's lists do not depend on insertion order.
func sortValues(vals []string) {
	sort.Slice(vals, func(i, j int) bool {
		a, errA := strconv.Atoi(vals[i])
		b, errB := strconv.Atoi(vals[j])
		if errA == nil && errB == nil {
			return a < b
		}
		return vals[i] < vals[j]
	})
}

// value is a column's value in a node: a string, json.Number, bool, a
// list or nil.
func (c column) value(node map[string]any) any {
	if c.edge != "" {
		return node[c.edge]
	}
	var cur any = node
	for _, part := range strings.Split(c.path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

// encoder writes the rows of one export in one format.
type encoder interface {
	row(node map[string]any) error
	// fail ends an export cut short, visibly: a reader must not take a
	// partial file for a whole one.
	fail(e apiError) error
	end() error
}

func newEncoder(format string, w io.Writer, cols []column) encoder {
	switch format {
	case "csv":
		return newCSV(w, cols)
	case "ndjson":
		return &jsonEncoder{w: w, cols: cols, lines: true}
	default:
		return &jsonEncoder{w: w, cols: cols}
	}
}

// csvEncoder writes RFC 4180 CSV with a header row, after a UTF-8 byte
// order mark: without it Excel reads the file as the system's legacy code
// page and garbles every name with an accent.
type csvEncoder struct {
	w       *csv.Writer
	out     io.Writer
	cols    []column
	started bool
	rec     []string
}

func newCSV(w io.Writer, cols []column) *csvEncoder {
	return &csvEncoder{w: csv.NewWriter(w), out: w, cols: cols, rec: make([]string, len(cols))}
}

func (e *csvEncoder) start() error {
	if e.started {
		return nil
	}
	e.started = true
	if _, err := io.WriteString(e.out, "\uFEFF"); err != nil {
		return err
	}
	for i, c := range e.cols {
		e.rec[i] = c.name
	}
	return e.write()
}

func (e *csvEncoder) write() error {
	if err := e.w.Write(e.rec); err != nil {
		return fmt.Errorf("writing a CSV row: %w", err)
	}
	// The csv.Writer buffers; flushing each row into the timed writer
	// keeps its buffer at one row, and the HTTP layer batches the bytes.
	e.w.Flush()
	return e.w.Error()
}

func (e *csvEncoder) row(node map[string]any) error {
	if err := e.start(); err != nil {
		return err
	}
	for i, c := range e.cols {
		v := c.value(node)
		if c.precision != "" {
			v = dateCell(v, column{path: c.precision}.value(node))
		}
		if c.fields != "" && v != nil {
			b, err := json.Marshal(v)
			if err != nil {
				return fmt.Errorf("encoding column %s: %w", c.name, err)
			}
			v = string(b)
		}
		e.rec[i] = csvCell(v)
	}
	return e.write()
}

// dateCell is a date of the API (an RFC 3339 time) as a CSV cell written
// to its precision: YYYY-MM-DD for a day, YYYY-MM for a month, YYYY for a
// year, the forms sscgraph import reads back (setting the precision from
// the form). The API stores a month or a year as its first day, so
// writing that day would state a day no source gave. A NULL date stays
// nil, an empty cell. A time that is not midnight UTC, which no date of
// the API is, is written as the API answered it rather than cut.
func dateCell(v, precision any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	t = t.UTC()
	switch precision {
	case "YEAR":
		return t.Format("2006")
	case "MONTH":
		return t.Format("2006-01")
	}
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format(time.DateOnly)
	}
	return s
}

func (e *csvEncoder) fail(ae apiError) error {
	if err := e.start(); err != nil {
		return err
	}
	for i := range e.rec {
		e.rec[i] = ""
	}
	e.rec[0] = fmt.Sprintf("EXPORT INCOMPLETE: %s (%s); the rows above are not all the rows", ae.Message, ae.code())
	return e.write()
}

func (e *csvEncoder) end() error { return e.start() }

// jsonEncoder writes one JSON array of objects, or (lines) one object
// per line. Objects keep the columns' documented order, which a map would
// not.
type jsonEncoder struct {
	w       io.Writer
	cols    []column
	lines   bool
	started bool
	buf     bytes.Buffer
}

func (e *jsonEncoder) sep() {
	switch {
	case e.lines:
	case !e.started:
		e.buf.WriteString("[\n")
	default:
		e.buf.WriteString(",\n")
	}
	e.started = true
}

func (e *jsonEncoder) flush() error {
	_, err := e.w.Write(e.buf.Bytes())
	e.buf.Reset()
	return err
}

func (e *jsonEncoder) row(node map[string]any) error {
	e.sep()
	e.buf.WriteByte('{')
	for i, c := range e.cols {
		if i > 0 {
			e.buf.WriteByte(',')
		}
		name, _ := json.Marshal(c.name)
		e.buf.Write(name)
		e.buf.WriteByte(':')
		v := c.value(node)
		if c.edge != "" && v == nil {
			v = []string{}
		}
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("encoding column %s: %w", c.name, err)
		}
		e.buf.Write(b)
	}
	e.buf.WriteByte('}')
	if e.lines {
		e.buf.WriteByte('\n')
	}
	return e.flush()
}

func (e *jsonEncoder) fail(ae apiError) error {
	e.sep()
	b, err := json.Marshal(map[string]any{"error": map[string]any{
		"message": "export incomplete: " + ae.Message, "extensions": ae.Extensions,
	}})
	if err != nil {
		return fmt.Errorf("encoding an export's error: %w", err)
	}
	e.buf.Write(b)
	if !e.lines {
		e.buf.WriteString("\n]")
	}
	e.buf.WriteByte('\n')
	return e.flush()
}

func (e *jsonEncoder) end() error {
	if e.lines {
		return nil
	}
	if !e.started {
		e.buf.WriteString("[")
	} else {
		e.buf.WriteString("\n")
	}
	e.buf.WriteString("]\n")
	return e.flush()
}
