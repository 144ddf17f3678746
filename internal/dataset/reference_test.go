package dataset

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// reference/ holds the programme's sourced facts as they were gathered
// (real-activities.md: 72 real activities, each with its source and a
// quote), copied from the workplace's reference folder so that CI has
// them. SHA256SUMS pins each file: a change to a fact is a change to the
// checksum, made on purpose, never an edit that slips by.

// TestReferenceChecksums: every file of reference/ is the one its
// checksum names.
func TestReferenceChecksums(t *testing.T) {
	sums, err := os.ReadFile(filepath.Join("reference", "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(sums)), "\n")
	if len(lines) == 0 {
		t.Fatal("SHA256SUMS names no file")
	}
	for _, line := range lines {
		want, name, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q: want a sum, two spaces and a name", line)
		}
		b, err := os.ReadFile(filepath.Join("reference", name))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != want {
			t.Errorf("reference/%s has the checksum %s, SHA256SUMS says %s", name, got, want)
		}
	}
}

// referenceActivity is one row of real-activities.md's table, read with
// nothing but the file's own layout (a Markdown table whose first cell is
// an ID such as SSC-01), independently of any import path.
type referenceActivity struct {
	ID, Title, Kind, Source string
}

var referenceRowID = regexp.MustCompile(`^[A-Z]+-[0-9]{2}$`)

func readReferenceActivities(t *testing.T) []referenceActivity {
	t.Helper()
	f, err := os.Open(filepath.Join("reference", "real-activities.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []referenceActivity
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if !referenceRowID.MatchString(cells[0]) {
			continue
		}
		if len(cells) != 14 {
			t.Fatalf("row %s has %d cells, want the table's 14", cells[0], len(cells))
		}
		kind, _, _ := strings.Cut(cells[2], " ")
		rows = append(rows, referenceActivity{ID: cells[0], Title: cells[1], Kind: kind, Source: cells[11]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestReferenceActivities: the file holds the 72 activities issue 19
// counts (12 South-South, 12 triangular, 32 technical assistance, 16
// others), each with a unique ID, a title and a source.
func TestReferenceActivities(t *testing.T) {
	rows := readReferenceActivities(t)
	kinds := map[string]int{}
	seen := map[string]bool{}
	for _, r := range rows {
		kinds[r.Kind]++
		if seen[r.ID] {
			t.Errorf("%s appears twice", r.ID)
		}
		seen[r.ID] = true
		if r.Title == "" {
			t.Errorf("%s has no title", r.ID)
		}
		if !strings.Contains(r.Source, "[S") {
			t.Errorf("%s names no source: %q", r.ID, r.Source)
		}
	}
	want := map[string]int{"SSC": 12, "TRI": 12, "TA": 32, "OTHER": 16}
	if len(rows) != 72 {
		t.Errorf("%d activities, want 72", len(rows))
	}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d activities of kind %s, want %d (all kinds: %v)", kinds[k], k, n, kinds)
		}
	}
	if len(kinds) != len(want) {
		t.Errorf("kinds %v, want only %v", kinds, want)
	}
}
