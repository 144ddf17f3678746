package importer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// checkXLSX looks through a workbook before excelize opens it, in constant
// memory, and refuses one that would take too much to read: too large
// unpacked (openXLSX has refused one too large packed), a cell or shared string longer than a spreadsheet
// cell may be, too many shared strings, rows or cells, or a row holding
// too much text. excelize bounds none of this itself (a 1 MB file holding
// one 1 GiB cell took 8.5 GB), and its limits on unpacking trust the
// sizes the archive declares; archive/zip refuses an entry that unpacks
// to more than it declares, so the declared sizes can be summed. r holds
// the workbook's size bytes; the parts are read from it one at a time.
func checkXLSX(path string, r io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("opening %s: not a workbook (%w)", path, err)
	}
	var total, inMemory uint64
	var shared *zip.File
	var sheets []*zip.File
	for _, f := range zr.File {
		total += f.UncompressedSize64
		switch name := strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/")); {
		case name == "xl/sharedstrings.xml":
			shared = f
		case strings.HasPrefix(name, "xl/worksheets/sheet"):
			sheets = append(sheets, f)
		default:
			inMemory += f.UncompressedSize64
		}
	}
	if total > maxUnzippedBytes {
		return fmt.Errorf("%s: the workbook unpacks to %d bytes, more than the %d the importer reads: split it, or save it as CSV", path, total, maxUnzippedBytes)
	}
	if inMemory > maxInMemoryPartBytes {
		return fmt.Errorf("%s: the workbook's parts other than sheets take %d bytes unpacked, more than the %d the importer reads", path, inMemory, maxInMemoryPartBytes)
	}
	var lengths []int32
	if shared != nil {
		if lengths, err = scanPart(shared, newSharedStringsCheck()); err != nil {
			return fmt.Errorf("%s: the shared strings: %w", path, err)
		}
	}
	for _, f := range sheets {
		if _, err := scanPart(f, &sheetCheck{shared: lengths}); err != nil {
			return fmt.Errorf("%s: %s: %w", path, f.Name, err)
		}
	}
	return nil
}

// partCheck follows one XML part as scanXML walks it.
type partCheck interface {
	tag(t []byte) error
	text(head []byte, n int) error
	result() []int32
}

func scanPart(f *zip.File, c partCheck) ([]int32, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if err := scanXML(rc, c); err != nil {
		if errors.Is(err, zip.ErrFormat) {
			return nil, fmt.Errorf("the part is damaged or unpacks to more than the %d bytes it declares (%w)", f.UncompressedSize64, err)
		}
		return nil, err
	}
	return c.result(), nil
}

// Bounds of the scanner's own reading.
const (
	maxTagBytes = 64 << 10 // an element's start or end tag, attributes included
	keptTagHead = 64       // what of a tag the checks look at
	keptText    = 24       // what of a text the checks look at (a number)
)

// scanXML walks XML as bytes, never holding more than a buffer: it tells c
// each tag (its beginning) and each text between tags (its beginning and
// length), and fails on a tag or a text longer than a cell may be. It is
// not a parser: the part is parsed by excelize once it has passed.
func scanXML(r io.Reader, c partCheck) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var head []byte
	for {
		// Text, up to the next '<'.
		n := 0
		head = head[:0]
		for {
			b, err := br.ReadSlice('<')
			n += len(b)
			if len(head) < keptText {
				head = append(head, b[:min(len(b), keptText-len(head))]...)
			}
			if n > maxCellBytes+1 {
				return fmt.Errorf("a text of more than %d bytes: no spreadsheet cell holds more than %d characters", maxCellBytes, maxCellChars)
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if errors.Is(err, io.EOF) {
				return c.text(head, n)
			}
			if err != nil {
				return err
			}
			break
		}
		if err := c.text(bytes.TrimSuffix(head, []byte("<")), n-1); err != nil {
			return err
		}
		// A tag, up to the next '>'.
		n = 0
		head = head[:0]
		for {
			b, err := br.ReadSlice('>')
			n += len(b)
			if len(head) < keptTagHead {
				head = append(head, b[:min(len(b), keptTagHead-len(head))]...)
			}
			if n > maxTagBytes {
				return fmt.Errorf("a tag of more than %d bytes", maxTagBytes)
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if errors.Is(err, io.EOF) {
				return fmt.Errorf("the XML ends inside a tag")
			}
			if err != nil {
				return err
			}
			break
		}
		if err := c.tag(head); err != nil {
			return err
		}
	}
}

// isTag reports whether the tag t (what follows '<') is the element name,
// an opening or, with a slash before name, closing one; a namespace prefix
// (x:row) is ignored.
func isTag(t []byte, name string) bool {
	closing := strings.HasPrefix(name, "/")
	if closing != bytes.HasPrefix(t, []byte("/")) {
		return false
	}
	if closing {
		t, name = t[1:], name[1:]
	}
	if end := bytes.IndexAny(t, " >/\t\r\n"); end > 0 {
		if colon := bytes.IndexByte(t[:end], ':'); colon >= 0 {
			t = t[colon+1:]
		}
	}
	if !bytes.HasPrefix(t, []byte(name)) || len(t) == len(name) {
		return false
	}
	switch t[len(name)] {
	case ' ', '>', '/', '\t', '\r', '\n':
		return true
	}
	return false
}

// sharedStringsCheck counts the shared strings and measures each.
type sharedStringsCheck struct {
	lengths []int32
	in      bool
	cur     int
}

func newSharedStringsCheck() *sharedStringsCheck { return &sharedStringsCheck{} }

func (c *sharedStringsCheck) tag(t []byte) error {
	switch {
	case isTag(t, "si"):
		if len(c.lengths) >= maxSharedStrings {
			return fmt.Errorf("more than %d shared strings", maxSharedStrings)
		}
		if bytes.HasSuffix(t, []byte("/>")) {
			c.lengths = append(c.lengths, 0)
			return nil
		}
		c.in, c.cur = true, 0
	case isTag(t, "/si"):
		if c.in {
			c.lengths = append(c.lengths, int32(c.cur))
		}
		c.in = false
	}
	return nil
}

func (c *sharedStringsCheck) text(_ []byte, n int) error {
	if !c.in {
		return nil
	}
	// A string may be made of several runs, each within the limit.
	if c.cur += n; c.cur > maxCellBytes {
		return fmt.Errorf("shared string %d is longer than %d bytes: no spreadsheet cell holds more than %d characters", len(c.lengths)+1, maxCellBytes, maxCellChars)
	}
	return nil
}

func (c *sharedStringsCheck) result() []int32 { return c.lengths }

// sheetCheck counts a sheet's rows and each row's cells and text, shared
// strings counted at their length: a row that uses one long shared string
// in every cell makes excelize copy it for each.
type sheetCheck struct {
	shared []int32

	rows, cells, rowBytes int
	sharedCell, inValue   bool
}

func (c *sheetCheck) tag(t []byte) error {
	switch {
	case isTag(t, "row"):
		if c.rows++; c.rows > maxRows {
			return fmt.Errorf("more than %d rows", maxRows)
		}
		c.cells, c.rowBytes = 0, 0
	case isTag(t, "c"):
		if c.cells++; c.cells > maxCellsPerRow {
			return fmt.Errorf("row %d has more than %d cells", c.rows, maxCellsPerRow)
		}
		c.sharedCell = bytes.Contains(t, []byte(` t="s"`)) || bytes.Contains(t, []byte(` t='s'`))
	case isTag(t, "v"):
		c.inValue = !bytes.HasSuffix(t, []byte("/>"))
	case isTag(t, "/v"):
		c.inValue = false
	}
	return nil
}

func (c *sheetCheck) text(head []byte, n int) error {
	c.rowBytes += n
	if c.inValue && c.sharedCell {
		// An index excelize cannot resolve is its to report.
		if i, err := strconv.Atoi(string(bytes.TrimSpace(head))); err == nil && i >= 0 && i < len(c.shared) {
			c.rowBytes += int(c.shared[i])
		}
	}
	if c.rowBytes > maxRowBytes {
		return fmt.Errorf("row %d holds more than %d bytes of text", c.rows, maxRowBytes)
	}
	return nil
}

func (c *sheetCheck) result() []int32 { return nil }
