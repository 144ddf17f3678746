// Package reference reads the programme's sourced record of real
// activities (real-activities.md) as it was gathered: a Markdown table of
// 72 activities, each with its sources and a quote, and the list of
// sources it cites.
//
// The dataset ships those activities through the spreadsheet import path
// (internal/dataset/data/real); this package reads the original file with
// nothing but its own layout, so that tests can hold what the API answers
// against the record itself, independently of the transcription.
// SHA256SUMS pins the file: a change to a fact is a change to the
// checksum, made on purpose.
package reference

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

//go:embed real-activities.md SHA256SUMS
var files embed.FS

// Activity is one row of the record's table, its cells as written.
type Activity struct {
	ID, Title, Kind                    string
	Start, End                         string
	VenueCity, VenueCountry            string
	Beneficiaries, Organizers, Project string
	Participants, Source, Quote, Notes string
}

// KindWord is the first word of the Kind cell (SSC, TRI, TA or OTHER):
// the record's own classification, which it counts by.
func (a Activity) KindWord() string {
	k, _, _ := strings.Cut(a.Kind, " ")
	return k
}

// Cited lists the sources the row cites, as their keys ("S1", "S4").
func (a Activity) Cited() []string {
	var keys []string
	for _, m := range citation.FindAllStringSubmatch(a.Source, -1) {
		keys = append(keys, "S"+m[1])
	}
	return keys
}

var (
	rowID    = regexp.MustCompile(`^[A-Z]+-[0-9]{2}$`)
	citation = regexp.MustCompile(`\[S([0-9]+)\]`)
	// A line of the Sources list: "- [S12] address or document".
	sourceLine = regexp.MustCompile(`^- \[S([0-9]+)\] (.+)$`)
)

// columns is how many cells a row of the table has.
const columns = 14

// Verify checks the embedded file against SHA256SUMS.
func Verify() error {
	sums, err := files.ReadFile("SHA256SUMS")
	if err != nil {
		return fmt.Errorf("reading SHA256SUMS: %w", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		want, name, ok := strings.Cut(line, "  ")
		if !ok {
			return fmt.Errorf("SHA256SUMS line %q: want a sum, two spaces and a name", line)
		}
		b, err := files.ReadFile(name)
		if err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != want {
			return fmt.Errorf("%s has the checksum %s, SHA256SUMS says %s", name, got, want)
		}
	}
	return nil
}

// Record is the whole file: its activities in table order and its
// sources by key.
type Record struct {
	Activities []Activity
	Sources    map[string]string
}

// Read parses the embedded record.
func Read() (*Record, error) {
	b, err := files.ReadFile("real-activities.md")
	if err != nil {
		return nil, fmt.Errorf("reading real-activities.md: %w", err)
	}
	r := &Record{Sources: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if m := sourceLine.FindStringSubmatch(line); m != nil {
			r.Sources["S"+m[1]] = m[2]
			continue
		}
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if !rowID.MatchString(cells[0]) {
			continue
		}
		if len(cells) != columns {
			return nil, fmt.Errorf("real-activities.md line %d (%s): %d cells, want the table's %d", n, cells[0], len(cells), columns)
		}
		r.Activities = append(r.Activities, Activity{
			ID: cells[0], Title: cells[1], Kind: cells[2], Start: cells[3], End: cells[4],
			VenueCity: cells[5], VenueCountry: cells[6], Beneficiaries: cells[7], Organizers: cells[8],
			Project: cells[9], Participants: cells[10], Source: cells[11], Quote: cells[12], Notes: cells[13],
		})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading real-activities.md: %w", err)
	}
	return r, nil
}
