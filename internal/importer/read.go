package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

// table is a spreadsheet read one row at a time, so that a file of any
// size is never held whole: the header first, then each row with the line
// people see it on (a CSV line; a sheet's row number).
type table interface {
	// next returns the next row; io.EOF after the last.
	next() (line int, cells []string, err error)
	close() error
}

// Readable reports whether Run reads files of path's kind (by its ending).
func Readable(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".xlsx":
		return true
	}
	return false
}

// openTable opens path as CSV or XLSX by its ending and reads the header
// and its line. path names a file of fsys, or of the operating system's
// when fsys is nil.
func openTable(fsys fs.FS, path string) (header []string, line int, t table, err error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		t, err = openCSV(fsys, path)
	case ".xlsx":
		t, err = openXLSX(fsys, path)
	default:
		return nil, 0, nil, fmt.Errorf("%s: not a .csv or .xlsx file", path)
	}
	if err != nil {
		return nil, 0, nil, err
	}
	// The header is the first row that is not blank.
	for {
		line, cells, err := t.next()
		if errors.Is(err, io.EOF) {
			t.close()
			return nil, 0, nil, fmt.Errorf("%s: the file is empty: its first row must name the columns", path)
		}
		if err != nil {
			t.close()
			return nil, 0, nil, fmt.Errorf("%s: %w", path, err)
		}
		if !blank(cells) {
			// The reader reuses its slice for the next row.
			return append([]string(nil), cells...), line, t, nil
		}
	}
}

// openFile opens path in fsys, or on disk when fsys is nil (an *os.File
// is an fs.File too).
func openFile(fsys fs.FS, path string) (fs.File, error) {
	var f fs.File
	var err error
	if fsys == nil {
		f, err = os.Open(path)
	} else {
		f, err = fsys.Open(path)
	}
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	return f, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// csvTable reads comma-separated values, as spreadsheets export them
// (RFC 4180, an optional UTF-8 byte-order mark, quoted cells over several
// lines).
type csvTable struct {
	f io.Closer
	r *csv.Reader
}

func openCSV(fsys fs.FS, path string) (*csvTable, error) {
	f, err := openFile(fsys, path)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 1<<16)
	// Excel writes a byte-order mark before "UTF-8 CSV"; it is not part
	// of the first column's name.
	if bom, _ := br.Peek(3); string(bom) == "\uFEFF" {
		_, _ = br.Discard(3)
	}
	r := csv.NewReader(&recordLimitReader{r: br, line: 1})
	r.FieldsPerRecord = -1 // rows of other widths are reported per row
	r.ReuseRecord = true
	return &csvTable{f: f, r: r}, nil
}

func (t *csvTable) next() (int, []string, error) {
	rec, err := t.r.Read()
	if err != nil {
		var long *recordTooLong
		if errors.As(err, &long) {
			return long.line, nil, &syntaxError{line: long.line, msg: long.Error()}
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			// The reader cannot resynchronise after a broken quote, so the
			// rest of the file cannot be trusted: it is a bad file.
			return pe.StartLine, nil, &syntaxError{line: pe.StartLine, msg: pe.Err.Error()}
		}
		return 0, nil, err
	}
	line, _ := t.r.FieldPos(0)
	if line > maxRows {
		return line, nil, &syntaxError{line: line, msg: fmt.Sprintf("more than %d lines, the most the importer reads: split the file", maxRows)}
	}
	if err := checkCells(line, rec); err != nil {
		return line, nil, err
	}
	return line, rec, nil
}

func (t *csvTable) close() error { return t.f.Close() }

// syntaxError is a file that cannot be read on past line.
type syntaxError struct {
	line int
	msg  string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// xlsxTable reads the first worksheet of a workbook through excelize's
// streaming row iterator, which decodes one row at a time instead of the
// whole sheet. Cells are read as they are shown (formatted values): a
// date cell should be formatted yyyy-mm-dd or hold text.
type xlsxTable struct {
	f    *excelize.File
	rows *excelize.Rows
	line int
}

func openXLSX(fsys fs.FS, path string) (*xlsxTable, error) {
	file, err := openFile(fsys, path)
	if err != nil {
		return nil, err
	}
	// excelize has read the whole file once OpenReader returns (it
	// keeps its own copy), so the file need not stay open.
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	size := st.Size()
	if size > maxXLSXBytes {
		return nil, fmt.Errorf("%s: the workbook is %d bytes, more than the %d the importer reads: split it, or save it as CSV", path, size, maxXLSXBytes)
	}
	// The check reads the archive at offsets, part by part: a file on
	// disk (and an embed.FS's or fstest.MapFS's file) can be read that
	// way in place. A file of another fs.FS is read into memory first,
	// which the size limit above bounds.
	ra, ok := file.(io.ReaderAt)
	if !ok {
		data, err := io.ReadAll(io.LimitReader(file, maxXLSXBytes+1))
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", path, err)
		}
		if len(data) > maxXLSXBytes {
			return nil, fmt.Errorf("%s: the workbook is more than the %d bytes the importer reads: split it, or save it as CSV", path, maxXLSXBytes)
		}
		ra, size = bytes.NewReader(data), int64(len(data))
	}
	if err := checkXLSX(path, ra, size); err != nil {
		return nil, err
	}
	// Belt and braces: excelize's own limits, with large sheets and shared
	// strings unpacked to temporary files rather than memory.
	f, err := excelize.OpenReader(io.NewSectionReader(ra, 0, size), excelize.Options{UnzipSizeLimit: maxUnzippedBytes, UnzipXMLSizeLimit: xlsxPartOnDisk})
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, fmt.Errorf("%s: the workbook has no sheet", path)
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("reading sheet %q of %s: %w", sheets[0], path, err)
	}
	return &xlsxTable{f: f, rows: rows}, nil
}

func (t *xlsxTable) next() (int, []string, error) {
	if !t.rows.Next() {
		if err := t.rows.Error(); err != nil {
			return 0, nil, fmt.Errorf("reading row %d: %w", t.line+1, err)
		}
		return 0, nil, io.EOF
	}
	// Next yields every row, empty ones included, so counting gives the
	// row number the sheet shows.
	t.line++
	if t.line > maxRows {
		return t.line, nil, &syntaxError{line: t.line, msg: fmt.Sprintf("more than %d rows, the most the importer reads", maxRows)}
	}
	cells, err := t.rows.Columns()
	if err != nil {
		return t.line, nil, fmt.Errorf("reading row %d: %w", t.line, err)
	}
	if err := checkCells(t.line, cells); err != nil {
		return t.line, nil, err
	}
	return t.line, cells, nil
}

func (t *xlsxTable) close() error {
	err := t.rows.Close()
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// recordLimitReader fails a CSV record (a line, or several inside quotes)
// longer than maxRowBytes before encoding/csv, which holds a whole record,
// has read it: a 1 GiB line would otherwise take 1 GiB. Quotes toggle its
// state, doubled ones ("") twice, so it follows the quoting as the parser
// does.
type recordLimitReader struct {
	r      io.Reader
	line   int // the line being read, from 1
	start  int // the line the record began on
	n      int // bytes of the record so far
	quoted bool
}

func (l *recordLimitReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i, b := range p[:n] {
		switch {
		case b == '"':
			l.quoted = !l.quoted
		case b == '\n':
			l.line++
			if !l.quoted {
				l.n, l.start = 0, l.line
				continue
			}
		}
		if l.n == 0 && l.start == 0 {
			l.start = l.line
		}
		if l.n++; l.n > maxRowBytes {
			// What came before the record is still the parser's to read.
			if i > 0 {
				return i, nil
			}
			return 0, &recordTooLong{line: l.start}
		}
	}
	return n, err
}

// recordTooLong is a CSV record past maxRowBytes.
type recordTooLong struct{ line int }

func (e *recordTooLong) Error() string {
	return fmt.Sprintf("the record that starts on line %d is longer than %d bytes, the most the importer reads in one row", e.line, maxRowBytes)
}
