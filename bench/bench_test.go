// Package bench is the side-by-side harness (side-by-side.sh, compare.py,
// queries/, floor/; see README.md). The harness itself needs PostgreSQL,
// npm and minutes of installing, so nothing runs it on every change; this
// test keeps it from rotting without running it: its files are there, each
// query has its files and is in the default run, sscgraph's queries fit the
// schema the code serves and are answered within the default limits, and
// the PostGraphile queries select the same fields as sscgraph's once
// compare.py has renamed them (so that a new query cannot be compared on
// fewer fields than it shows).
package bench

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"sscgraph/internal/apitest"
)

func TestMain(m *testing.M) { apitest.Main(m) }

// servers are the prefixes of the files in queries/: sscgraph's and
// PostGraphile 4's are needed for every query, PostGraphile 5's is optional
// (compare.py leaves 5 out of a query without one).
var servers = []string{"sscgraph", "postgraphile", "postgraphile5"}

var queryFile = regexp.MustCompile(`^(sscgraph|postgraphile|postgraphile5)-(q[0-9]+)\.graphql$`)

// readQueries returns the text of each query for each server, by query
// name (q1, q2, ...) and server.
func readQueries(t *testing.T) map[string]map[string]string {
	t.Helper()
	entries, err := os.ReadDir("queries")
	if err != nil {
		t.Fatalf("reading queries/: %v", err)
	}
	out := map[string]map[string]string{}
	for _, e := range entries {
		m := queryFile.FindStringSubmatch(e.Name())
		if m == nil {
			t.Errorf("queries/%s: not a server-qN.graphql file, so side-by-side.sh never sends it", e.Name())
			continue
		}
		b, err := os.ReadFile(filepath.Join("queries", e.Name()))
		if err != nil {
			t.Fatalf("reading %s: %v", e.Name(), err)
		}
		if out[m[2]] == nil {
			out[m[2]] = map[string]string{}
		}
		out[m[2]][m[1]] = string(b)
	}
	if len(out) == 0 {
		t.Fatal("queries/ holds no queries")
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestHarnessFiles: the files the README names are there, each query has
// the files compare.py needs, side-by-side.sh runs every query by default
// and the README's table describes it, and nothing points outside the
// repository.
func TestHarnessFiles(t *testing.T) {
	for _, f := range []string{"README.md", "side-by-side.sh", "compare.py", "floor/q3.sql", "floor/q3-sqlite.sql"} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("bench/%s: %v", f, err)
		}
	}
	for _, f := range []string{"side-by-side.sh", "compare.py"} {
		if st, err := os.Stat(f); err == nil && st.Mode().Perm()&0o100 == 0 {
			t.Errorf("bench/%s is not executable", f)
		}
	}

	queries := readQueries(t)
	for _, q := range sortedKeys(queries) {
		for _, s := range servers[:2] {
			if _, ok := queries[q][s]; !ok {
				t.Errorf("%s has no queries/%s-%s.graphql", q, s, q)
			}
		}
	}

	script, err := os.ReadFile("side-by-side.sh")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)\|\| queries=\(([^)]*)\)`).FindSubmatch(script)
	if m == nil {
		t.Fatal("side-by-side.sh: found no default query list (`|| queries=(q1 ...)`)")
	}
	defaults := strings.Fields(string(m[1]))
	sort.Strings(defaults)
	if want := sortedKeys(queries); !slices.Equal(defaults, want) {
		t.Errorf("side-by-side.sh runs %v by default, queries/ holds %v", defaults, want)
	}

	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range sortedKeys(queries) {
		if !strings.Contains(string(readme), "| "+q+" |") {
			t.Errorf("README.md's table of queries has no row for %s", q)
		}
	}

	// The harness lived outside the repository once; a clone has nothing
	// there.
	err = filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || path == "bench_test.go" {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "../shared") {
			t.Errorf("bench/%s points at ../shared, which a clone does not have", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestQueriesFitSchema: sscgraph's queries validate against schema.graphql,
// the schema users read (TestSchemaFileIsCurrent keeps it the served one),
// and PostGraphile's parse.
func TestQueriesFitSchema(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "schema.graphql"))
	if err != nil {
		t.Fatalf("reading schema.graphql: %v", err)
	}
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: string(src)})
	if gerr != nil {
		t.Fatalf("loading schema.graphql: %v", gerr)
	}
	queries := readQueries(t)
	for _, q := range sortedKeys(queries) {
		for _, s := range servers {
			text, ok := queries[q][s]
			if !ok {
				continue
			}
			name := s + "-" + q + ".graphql"
			if s == "sscgraph" {
				doc, errs := gqlparser.LoadQuery(schema, text)
				if len(errs) > 0 {
					t.Errorf("%s does not fit schema.graphql: %v", name, errs)
				} else if len(doc.Operations) != 1 {
					t.Errorf("%s holds %d operations, compare.py sends one", name, len(doc.Operations))
				}
				continue
			}
			if _, err := parser.ParseQuery(&ast.Source{Name: name, Input: text}); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
}

// TestQueriesWithinDefaultLimits posts each of sscgraph's queries to a
// server with the default configuration (cost, depth and size limits) on
// the shipped dataset: the harness runs sscgraph with --max-cost 0 so that
// the figures are of the work, but a query the default server refuses is
// not one a user could send.
func TestQueriesWithinDefaultLimits(t *testing.T) {
	queries := readQueries(t)
	apitest.ForEachBackend(t, func(t *testing.T, a *apitest.API) {
		for _, q := range sortedKeys(queries) {
			text := queries[q]["sscgraph"]
			if text == "" {
				continue
			}
			t.Run(q, func(t *testing.T) {
				r := a.Post(t, text, nil)
				if r.Status != http.StatusOK || len(r.Errors) > 0 {
					t.Fatalf("status %d, errors %+v", r.Status, r.Errors)
				}
				if len(r.Data) == 0 {
					t.Fatal("no data")
				}
				for field, v := range r.Data {
					if v == nil {
						t.Errorf("%s is null", field)
					}
				}
			})
		}
	})
}

// renames reads compare.py's RENAME: PostGraphile's field names to
// sscgraph's.
func renames(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("compare.py")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)\nRENAME = \{(.*?)\n\}`).FindSubmatch(b)
	if block == nil {
		t.Fatal("compare.py: found no RENAME = {...}")
	}
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`"(\w+)":\s*"(\w+)"`).FindAllSubmatch(block[1], -1) {
		out[string(m[1])] = string(m[2])
	}
	if len(out) == 0 {
		t.Fatal("compare.py: RENAME is empty")
	}
	return out
}

// fieldPaths lists the leaves a query selects as compare.py sees them
// after norm(): a connection's edges and node levels gone, ids dropped
// (id, and PostGraphile 5's rowId), PostGraphile's names renamed.
func fieldPaths(set ast.SelectionSet, prefix string, rename map[string]string, out map[string]bool) {
	for _, sel := range set {
		f, ok := sel.(*ast.Field)
		if !ok {
			continue
		}
		name := f.Alias
		if name == "" {
			name = f.Name
		}
		switch {
		case name == "id" || name == "rowId":
			continue
		case name == "edges" || name == "node":
			fieldPaths(f.SelectionSet, prefix, rename, out)
			continue
		}
		if r, ok := rename[name]; ok {
			name = r
		}
		if len(f.SelectionSet) == 0 {
			out[prefix+name] = true
		} else {
			fieldPaths(f.SelectionSet, prefix+name+".", rename, out)
		}
	}
}

// TestPeerQueriesSelectTheSameFields: what compare.py compares is the same
// set of fields for every server, so a PostGraphile name missing from
// RENAME, or a field one query selects and another does not, shows here
// rather than as a difference in the first run.
func TestPeerQueriesSelectTheSameFields(t *testing.T) {
	rename := renames(t)
	queries := readQueries(t)
	for _, q := range sortedKeys(queries) {
		paths := map[string][]string{}
		for _, s := range servers {
			text, ok := queries[q][s]
			if !ok {
				continue
			}
			doc, err := parser.ParseQuery(&ast.Source{Input: text})
			if err != nil || len(doc.Operations) != 1 {
				t.Errorf("%s-%s.graphql: %v", s, q, err)
				continue
			}
			set := map[string]bool{}
			fieldPaths(doc.Operations[0].SelectionSet, "", rename, set)
			paths[s] = sortedKeys(set)
		}
		for _, s := range servers[1:] {
			if got, ok := paths[s]; ok && !slices.Equal(got, paths["sscgraph"]) {
				t.Errorf("%s: %s selects %v after compare.py's RENAME, sscgraph %v", q, s, got, paths["sscgraph"])
			}
		}
	}
}
