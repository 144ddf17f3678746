package pagesql_test

import (
	"fmt"
	"testing"

	"sscgraph/internal/apitest"
)

// TestCursorsWithoutEdges: a page that asks for pageInfo without edges
// (paging through counts) gets the same pageInfo as with edges, at the
// root and nested: the cursors were null beside hasNextPage true at the
// root, and a nested page answered hasNextPage false and null cursors
// beside a totalCount larger than the page.
func TestCursorsWithoutEdges(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testCursorsWithoutEdges)
}

func testCursorsWithoutEdges(t *testing.T, a *apitest.API) {
	for _, tt := range []struct{ name, args string }{
		{"first", `first: 5, orderBy: {field: CODE}`},
		{"last", `last: 5, orderBy: {field: CODE}`},
		{"first after", `first: 5, after: $after, orderBy: {field: CODE}`},
		{"all in one page", `first: 1000, orderBy: {field: CODE}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]any{}
			if tt.name == "first after" {
				r := a.Query(t, `{ countries(first: 3, orderBy: {field: CODE}) { pageInfo { endCursor } } }`, nil)
				after := r.Str("countries.pageInfo.endCursor")
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
			with := a.Query(t, query(`pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor }`), vars)
			without := a.Query(t, query(`totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`), vars)
			for _, f := range []string{"startCursor", "endCursor"} {
				want := with.Str("countries.pageInfo." + f)
				if want == "" {
					t.Fatalf("with edges: got no %s, want one", f)
				}
				if got := without.Str("countries.pageInfo." + f); got != want {
					t.Errorf("without edges: got %s %q, want %q", f, got, want)
				}
			}
			for _, f := range []string{"hasNextPage", "hasPreviousPage"} {
				if got, want := without.Get("countries.pageInfo."+f), with.Get("countries.pageInfo."+f); got != want {
					t.Errorf("without edges: got %s %v, want %v", f, got, want)
				}
			}
			if got := without.Num("countries.totalCount"); got < 10 {
				t.Errorf("got totalCount %d, want every country (more than 10)", got)
			}
		})
	}
}

func TestNestedPageInfoWithoutEdges(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testNestedPageInfoWithoutEdges)
}

func testNestedPageInfoWithoutEdges(t *testing.T, a *apitest.API) {
	query := func(sel string) apitest.Response {
		return a.Query(t, `{ regions(first: 3, orderBy: {field: CODE}) { edges { node { code countries(first: 2, orderBy: {field: CODE}) { `+sel+` } } } } }`, nil)
	}
	with := query(`totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor }`)
	without := query(`totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`)
	for i := range 3 {
		base := fmt.Sprintf("regions.edges.%d.node.countries.", i)
		if with.Num(base+"totalCount") <= 2 {
			t.Fatalf("region %s has 2 countries or fewer: the test proves nothing", with.Str(fmt.Sprintf("regions.edges.%d.node.code", i)))
		}
		if got := without.Get(base + "pageInfo.hasNextPage"); got != true {
			t.Errorf("%s: without edges: got hasNextPage %v, want true", with.Str(fmt.Sprintf("regions.edges.%d.node.code", i)), got)
		}
		for _, f := range []string{"totalCount", "pageInfo.hasPreviousPage", "pageInfo.startCursor", "pageInfo.endCursor"} {
			if got, want := without.Get(base+f), with.Get(base+f); got != want || want == nil {
				t.Errorf("%s: without edges: got %s %v, want %v", with.Str(fmt.Sprintf("regions.edges.%d.node.code", i)), f, got, want)
			}
		}
	}
}
