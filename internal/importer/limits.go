package importer

import (
	"fmt"
	"unicode/utf8"
)

// What the importer reads of a file, so that a small hostile file cannot
// take the memory of the process: any file up to 10 MB imports or fails
// within 200 MB (TestReadBombs measures it).
const (
	// maxCellChars is Excel's own limit on a cell, in characters.
	maxCellChars = 32767
	// maxCellBytes bounds a cell's text as stored: XML escapes a
	// character in up to 6 bytes (&quot;), UTF-8 in up to 4.
	maxCellBytes = 6 * maxCellChars
	// maxRowBytes bounds one row's text, all its cells together (shared
	// strings counted at their length, however often used): a CSV record,
	// or a sheet row.
	maxRowBytes = 4 << 20
	// maxRows is Excel's own limit on a sheet's rows.
	maxRows = 1 << 20
	// maxCellsPerRow is Excel's own limit on a sheet's columns.
	maxCellsPerRow = 16384
	// maxXLSXBytes bounds the workbook file, which excelize reads whole.
	maxXLSXBytes = 32 << 20
	// maxUnzippedBytes bounds what a workbook unpacks to; large sheets
	// and shared strings go to temporary files, the rest stays in memory.
	maxUnzippedBytes = 256 << 20
	// maxInMemoryPartBytes bounds the parts that are neither sheets nor
	// shared strings (styles, workbook, relationships), held in memory.
	maxInMemoryPartBytes = 32 << 20
	// xlsxPartOnDisk is the size past which excelize unpacks a sheet or
	// the shared strings to a temporary file instead of memory.
	xlsxPartOnDisk = 4 << 20
	// maxSharedStrings bounds the shared strings table, which excelize
	// indexes in memory.
	maxSharedStrings = 500_000
	// excerptChars is how much of a bad value an error quotes.
	excerptChars = 80
)

// excerpt returns s, or its beginning and its length when it is long, for
// quoting in errors: a bad value may be megabytes long.
func excerpt(s string) string {
	if len(s) <= excerptChars {
		return s
	}
	n := utf8.RuneCountInString(s)
	if n <= excerptChars {
		return s
	}
	cut, i := 0, 0
	for cut = range s {
		if i == excerptChars {
			break
		}
		i++
	}
	return fmt.Sprintf("%s… (%d characters)", s[:cut], n)
}

// checkCells refuses a row with a cell longer than a spreadsheet cell may
// be.
func checkCells(line int, cells []string) error {
	for i, c := range cells {
		if len(c) <= maxCellChars {
			continue
		}
		if n := utf8.RuneCountInString(c); n > maxCellChars {
			return &syntaxError{line: line, msg: fmt.Sprintf("column %d holds %d characters, more than the %d a spreadsheet cell may hold (%q)", i+1, n, maxCellChars, excerpt(c))}
		}
	}
	return nil
}
