package search_test

import (
	"strings"
	"testing"

	"sscgraph/internal/apitest"
)

// TestSearchUndatedActivity: search reads only titles and descriptions
// and ranks by score and key, so an activity without dates or
// participants (issue 19) is found, excerpted and answered like any
// other, its unknown fields null.
func TestSearchUndatedActivity(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testSearchUndatedActivity)
}

func testSearchUndatedActivity(t *testing.T, a *apitest.API) {
	admin := apitest.Caller{A: a, Key: strings.TrimPrefix(apitest.NewKey(t, a, "ADMIN"), "Bearer ")}
	r := admin.Do(t, `mutation($in: CreateActivityInput!) { createActivity(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"title": "Meeting of unknown date", "kind": "OTHER", "type": "MEETING", "status": "UNKNOWN",
		"description": "Delegations discussed the qwvzrplex framework; no source gives the date.",
	}})
	if len(r.Errors) > 0 {
		t.Fatalf("createActivity: %+v", r.Errors)
	}
	id := r.Str("createActivity.id")
	r = a.Query(t, `{ search(query: "qwvzrplex", first: 5) { totalCount edges { node { snippet node {
		id ... on Activity { startDate endDate participants } } } } } }`, nil)
	if len(r.Errors) > 0 || r.Num("search.totalCount") != 1 {
		t.Fatalf("search: %d hits, errors %+v", r.Num("search.totalCount"), r.Errors)
	}
	if got := r.Str("search.edges.0.node.node.id"); got != id {
		t.Fatalf("hit %s, want %s", got, id)
	}
	if s := r.Str("search.edges.0.node.snippet"); !strings.Contains(s, "qwvzrplex") {
		t.Errorf("snippet %q lacks the word", s)
	}
	for _, f := range []string{"startDate", "endDate", "participants"} {
		if v := r.Get("search.edges.0.node.node." + f); v != nil {
			t.Errorf("%s %v, want null", f, v)
		}
	}
}
