package reference_test

import (
	"strings"
	"testing"

	"sscgraph/internal/dataset/reference"
)

// TestReferenceChecksums: the embedded record is the one SHA256SUMS pins.
func TestReferenceChecksums(t *testing.T) {
	if err := reference.Verify(); err != nil {
		t.Fatal(err)
	}
}

// TestReferenceActivities: the file holds the 72 activities issue 19
// counts (12 South-South, 12 triangular, 32 technical assistance, 16
// others), each with a unique ID, a title and a source that its Sources
// list gives.
func TestReferenceActivities(t *testing.T) {
	rec, err := reference.Read()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	seen := map[string]bool{}
	for _, r := range rec.Activities {
		kinds[r.KindWord()]++
		if seen[r.ID] {
			t.Errorf("%s appears twice", r.ID)
		}
		seen[r.ID] = true
		if r.Title == "" {
			t.Errorf("%s has no title", r.ID)
		}
		if len(r.Cited()) == 0 {
			t.Errorf("%s names no source: %q", r.ID, r.Source)
		}
		for _, s := range r.Cited() {
			if rec.Sources[s] == "" {
				t.Errorf("%s cites [%s], which the Sources list does not give", r.ID, s)
			}
		}
	}
	want := map[string]int{"SSC": 12, "TRI": 12, "TA": 32, "OTHER": 16}
	if len(rec.Activities) != 72 {
		t.Errorf("%d activities, want 72", len(rec.Activities))
	}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d activities of kind %s, want %d (all kinds: %v)", kinds[k], k, n, kinds)
		}
	}
	if len(kinds) != len(want) {
		t.Errorf("kinds %v, want only %v", kinds, want)
	}
	if !strings.HasPrefix(rec.Sources["S1"], "https://") {
		t.Errorf("source S1 is %q, want an address", rec.Sources["S1"])
	}
}
