package server_test

import (
	"testing"
)

// TestCursorsWithoutEdges: a page that asks for pageInfo's cursors without
// edges (paging through counts) gets the same cursors as with edges; they
// were null beside hasNextPage true.
func TestCursorsWithoutEdges(t *testing.T) { forEachBackend(t, testCursorsWithoutEdges) }

func testCursorsWithoutEdges(t *testing.T, a *api) {
	for _, tt := range []struct{ name, args string }{
		{"first", `first: 5, orderBy: {field: CODE}`},
		{"last", `last: 5, orderBy: {field: CODE}`},
		{"first after", `first: 5, after: $after, orderBy: {field: CODE}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]any{}
			if tt.name == "first after" {
				r := a.query(t, `{ countries(first: 3, orderBy: {field: CODE}) { pageInfo { endCursor } } }`, nil)
				after := r.str("countries.pageInfo.endCursor")
				if after == "" {
					t.Fatalf("got no endCursor for the first page, want one")
				}
				vars["after"] = after
			}
			query := func(sel string) string {
				q := `{ countries(` + tt.args + `) { ` + sel + ` } }`
				if len(vars) > 0 {
					q = `query($after: Cursor) ` + q
				}
				return q
			}
			with := a.query(t, query(`pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor }`), vars)
			without := a.query(t, query(`totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`), vars)
			for _, f := range []string{"startCursor", "endCursor"} {
				want := with.str("countries.pageInfo." + f)
				if want == "" {
					t.Fatalf("with edges: got no %s, want one", f)
				}
				if got := without.str("countries.pageInfo." + f); got != want {
					t.Errorf("without edges: got %s %q, want %q", f, got, want)
				}
			}
			for _, f := range []string{"hasNextPage", "hasPreviousPage"} {
				if got, want := without.get("countries.pageInfo."+f), with.get("countries.pageInfo."+f); got != want {
					t.Errorf("without edges: got %s %v, want %v", f, got, want)
				}
			}
			if got := without.num("countries.totalCount"); got < 10 {
				t.Errorf("got totalCount %d, want every country (more than 10)", got)
			}
		})
	}
}
