package importer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// maxReadRSS is the memory a read of any file up to 10 MB may take: the
// child process's peak resident size, the test binary included.
const maxReadRSS = 200 << 20

// TestReadBombs: small files that unpack or parse into huge values are
// refused, with a short error naming the limit, or read, all within
// maxReadRSS of memory, measured as the peak resident size of a child
// process that opens the file and reads every row.
func TestReadBombs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds files of hundreds of megabytes unpacked")
	}
	dir := t.TempDir()
	for _, tt := range []struct {
		name  string
		write func(path string) error
		ext   string
		want  string // in the outcome: "ok rows=N" or part of the error
	}{
		{"xlsx with one 1 GiB cell", func(p string) error {
			return writeWorkbook(p, nil, func(w io.Writer) error { return inlineRows(w, 1, 1<<30) })
		}, ".xlsx", "the workbook unpacks to 10737"},
		{"xlsx with one 200 MB cell", func(p string) error {
			return writeWorkbook(p, nil, func(w io.Writer) error { return inlineRows(w, 1, 200<<20) })
		}, ".xlsx", "a text of more than 196602 bytes"},
		{"xlsx declaring 1 KB for a 200 MB sheet", func(p string) error {
			return writeWorkbookDeclaring(p, 1000, nil, func(w io.Writer) error { return inlineRows(w, 1, 200<<20) })
		}, ".xlsx", "unpacks to more than the 1000 bytes it declares"},
		{"xlsx with a 40,000-character cell", func(p string) error {
			return writeWorkbook(p, nil, func(w io.Writer) error { return inlineRows(w, 3, 40000) })
		}, ".xlsx", "line 1: column 1 holds 40000 characters, more than the 32767"},
		{"xlsx using a long shared string in every cell", func(p string) error {
			return writeWorkbook(p, func(w io.Writer) error { return sharedStrings(w, 1, 32000) },
				func(w io.Writer) error { return sharedRows(w, 100, maxCellsPerRow) })
		}, ".xlsx", "row 1 holds more than 4194304 bytes"},
		{"xlsx with too many shared strings", func(p string) error {
			return writeWorkbook(p, func(w io.Writer) error { return sharedStrings(w, maxSharedStrings+1, 1) },
				func(w io.Writer) error { return sharedRows(w, 1, 1) })
		}, ".xlsx", "more than 500000 shared strings"},
		{"xlsx with half a million shared strings, read", func(p string) error {
			return writeWorkbook(p, func(w io.Writer) error { return sharedStrings(w, maxSharedStrings, 1) },
				func(w io.Writer) error { return sharedRows(w, 1000, 10) })
		}, ".xlsx", "ok rows=999"}, // and the header
		{"xlsx of 20,000 rows with long texts, read", func(p string) error {
			return writeWorkbook(p, nil, func(w io.Writer) error { return inlineRows(w, 20000, 2000) })
		}, ".xlsx", "ok rows=19999"},
		{"xlsx of 10 MB of incompressible text, read", func(p string) error {
			return writeWorkbook(p, nil, func(w io.Writer) error { return randomRows(w, 8000, 2000) })
		}, ".xlsx", "ok rows=7999"},
		{"csv with one 10 MB line", func(p string) error { return writeCSV(p, 1, 10<<20) }, ".csv", "starts on line 1 is longer than 4194304 bytes"},
		{"csv with a 10 MB quoted cell over many lines", func(p string) error { return writeCSV(p, 100000, 10<<20) }, ".csv", "starts on line 1 is longer than 4194304 bytes"},
		{"csv with a 40,000-character cell", func(p string) error { return writeCSV(p, 1, 40000) }, ".csv", "column 1 holds 40000 characters"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+tt.ext)
			if err := tt.write(path); err != nil {
				t.Fatal(err)
			}
			st, _ := os.Stat(path)
			out, rss := readInChild(t, path)
			t.Logf("%d bytes on disk: %s; peak RSS %d MB", st.Size(), out, rss>>20)
			if !strings.Contains(out, tt.want) {
				t.Errorf("got %q, want it to contain %q", out, tt.want)
			}
			if len(out) > 600 {
				t.Errorf("got an outcome of %d bytes, want a short one", len(out))
			}
			if rss > maxReadRSS {
				t.Errorf("got a peak RSS of %d MB, want at most %d MB", rss>>20, maxReadRSS>>20)
			}
		})
	}
}

// readInChild reads path in a new process running TestReadChild and
// returns its outcome and peak resident size in bytes.
func readInChild(t *testing.T, path string) (string, int64) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestReadChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SSCGRAPH_READ_CHILD="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var outcome string
	var rss int64 = -1
	for _, l := range strings.Split(string(out), "\n") {
		if s, ok := strings.CutPrefix(l, "outcome: "); ok {
			outcome = s
		}
		fmt.Sscanf(l, "peak: %d", &rss)
	}
	if rss < 0 {
		t.Fatalf("the child did not say its peak:\n%s", out)
	}
	return outcome, rss
}

// peakRSS is the process's peak resident size in bytes (VmHWM), which,
// unlike a child's rusage on Linux, does not start from the parent's.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if s, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(s), "%d", &kb)
			return kb << 10
		}
	}
	return -1
}

// TestReadChild is the child of TestReadBombs: it reads the file it is
// given as an import does, and prints the outcome.
func TestReadChild(t *testing.T) {
	path := os.Getenv("SSCGRAPH_READ_CHILD")
	if path == "" {
		t.Skip("run by TestReadBombs")
	}
	defer func() { fmt.Printf("peak: %d\n", peakRSS()) }()
	_, _, tbl, err := openTable(nil, path)
	if err != nil {
		fmt.Printf("outcome: %v\n", err)
		return
	}
	defer tbl.close()
	rows := 0
	for {
		_, _, err := tbl.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Printf("outcome: %v\n", err)
			return
		}
		rows++
	}
	fmt.Printf("outcome: ok rows=%d\n", rows)
}

const sheetNS = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`

// writeWorkbook writes a minimal workbook: one sheet, written by sheet,
// and shared strings when strings is not nil.
func writeWorkbook(path string, strings_, sheet func(io.Writer) error) error {
	return writeWorkbookDeclaring(path, 0, strings_, sheet)
}

// writeWorkbookDeclaring writes a workbook whose sheet declares that it
// unpacks to declared bytes (0: its true size), as a forged archive can.
func writeWorkbookDeclaring(path string, declared uint64, strings_, sheet func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	z := zip.NewWriter(f)
	rels := `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	if strings_ != nil {
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	parts := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"[Content_Types].xml", text(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)},
		{"_rels/.rels", text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)},
		{"xl/workbook.xml", text(`<?xml version="1.0" encoding="UTF-8"?><workbook ` + sheetNS + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)},
		{"xl/_rels/workbook.xml.rels", text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels + `</Relationships>`)},
		{"xl/worksheets/sheet1.xml", func(w io.Writer) error {
			if _, err := io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet `+sheetNS+`><sheetData>`); err != nil {
				return err
			}
			if err := sheet(w); err != nil {
				return err
			}
			_, err := io.WriteString(w, `</sheetData></worksheet>`)
			return err
		}},
	}
	if strings_ != nil {
		parts = append(parts, struct {
			name  string
			write func(io.Writer) error
		}{"xl/sharedStrings.xml", strings_})
	}
	for _, p := range parts {
		if declared > 0 && p.name == "xl/worksheets/sheet1.xml" {
			if err := createLying(z, p.name, declared, p.write); err != nil {
				return err
			}
			continue
		}
		w, err := z.Create(p.name)
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(w, 1<<20)
		if err := p.write(bw); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	return z.Close()
}

func text(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

var chunk = []byte(strings.Repeat("a", 1<<16))

// repeat writes n bytes of 'a'.
func repeat(w io.Writer, n int) error {
	for n > 0 {
		k := min(n, len(chunk))
		if _, err := w.Write(chunk[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// inlineRows writes rows of one inline-string cell of size bytes each.
func inlineRows(w io.Writer, rows, size int) error {
	for r := 1; r <= rows; r++ {
		if _, err := fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>`, r, r); err != nil {
			return err
		}
		if err := repeat(w, size); err != nil {
			return err
		}
		if _, err := io.WriteString(w, `</t></is></c></row>`); err != nil {
			return err
		}
	}
	return nil
}

// sharedStrings writes n shared strings of size bytes each.
func sharedStrings(w io.Writer, n, size int) error {
	if _, err := fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><sst %s count="%d" uniqueCount="%d">`, sheetNS, n, n); err != nil {
		return err
	}
	for range n {
		if _, err := io.WriteString(w, `<si><t>`); err != nil {
			return err
		}
		if err := repeat(w, size); err != nil {
			return err
		}
		if _, err := io.WriteString(w, `</t></si>`); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, `</sst>`)
	return err
}

// sharedRows writes rows of cells that all use shared string 0.
func sharedRows(w io.Writer, rows, cells int) error {
	for r := 1; r <= rows; r++ {
		if _, err := fmt.Fprintf(w, `<row r="%d">`, r); err != nil {
			return err
		}
		for c := range cells {
			if _, err := fmt.Fprintf(w, `<c r="%s%d" t="s"><v>0</v></c>`, cellColumn(c), r); err != nil {
				return err
			}
		}
		if _, err := io.WriteString(w, `</row>`); err != nil {
			return err
		}
	}
	return nil
}

// cellColumn is the spreadsheet name of the i-th column from 0 (A, Z, AA).
func cellColumn(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}

// writeCSV writes lines of one quoted cell each, holding size bytes over
// lines lines.
func writeCSV(path string, lines, size int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	w.WriteString(`"`)
	per := max(size/lines, 1)
	for i := range lines {
		if i > 0 {
			w.WriteString("\n")
		}
		if err := repeat(w, per); err != nil {
			return err
		}
	}
	w.WriteString("\"\nnext\n")
	return w.Flush()
}

// createLying writes an entry compressed as written, declaring declared
// bytes unpacked.
func createLying(z *zip.Writer, name string, declared uint64, write func(io.Writer) error) error {
	var packed bytes.Buffer
	fw, err := flate.NewWriter(&packed, flate.BestSpeed)
	if err != nil {
		return err
	}
	sum := crc32.NewIEEE()
	bw := bufio.NewWriterSize(io.MultiWriter(fw, sum), 1<<20)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := fw.Close(); err != nil {
		return err
	}
	w, err := z.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: sum.Sum32(),
		CompressedSize64: uint64(packed.Len()), UncompressedSize64: declared})
	if err != nil {
		return err
	}
	_, err = w.Write(packed.Bytes())
	return err
}

// randomRows writes rows of one inline cell of size random letters each,
// which compress about as little as text does.
func randomRows(w io.Writer, rows, size int) error {
	rng := rand.New(rand.NewPCG(1, 2))
	cell := make([]byte, size)
	for r := 1; r <= rows; r++ {
		for i := range cell {
			cell[i] = byte('a' + rng.IntN(26))
		}
		if _, err := fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c></row>`, r, r, cell); err != nil {
			return err
		}
	}
	return nil
}
