package server_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeExamples runs every GraphQL example in README.md and docs/, so
// that the documentation cannot drift from the API.
func TestReadmeExamples(t *testing.T) { forEachBackend(t, testReadmeExamples) }

func testReadmeExamples(t *testing.T, a *api) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	docs, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		text, err := os.ReadFile(d)
		if err != nil {
			t.Fatal(err)
		}
		readme = append(readme, text...)
	}
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllSubmatch(readme, -1)
	if len(blocks) < 3 {
		t.Fatalf("found %d GraphQL examples in README.md, want at least one per kind of user", len(blocks))
	}
	for i, b := range blocks {
		q := string(b[1])
		// Write examples carry placeholder IDs and the audit trail needs an
		// ADMIN key: the mutation tests cover both.
		if strings.HasPrefix(strings.TrimSpace(q), "mutation") || strings.Contains(q, "auditEvents") {
			continue
		}
		r := a.query(t, q, nil)
		if len(r.Data) == 0 {
			t.Errorf("example %d answered no data", i+1)
		}
		for k, v := range r.Data {
			if v == nil {
				t.Errorf("example %d: %s is null", i+1, k)
			}
		}
	}
}
