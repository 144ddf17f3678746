package search_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
	searchpkg "sscgraph/internal/search"
	"sscgraph/internal/tablesize"
)

const searchQuery = `query($q: String!, $types: [SearchType!], $first: Int, $after: Cursor) {
  search(query: $q, types: $types, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { score snippet node { id __typename } } }
  }
}`

// hitIDs returns the node IDs of a search answer, best first.
func hitIDs(r apitest.Response) []string {
	var out []string
	for _, e := range r.List("search.edges") {
		out = append(out, e.(map[string]any)["node"].(map[string]any)["node"].(map[string]any)["id"].(string))
	}
	return out
}

// TestSearch writes rows through the API with words the dataset does not
// hold, so that every answer is known exactly, and searches for them.
func TestSearch(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testSearch)
}

func testSearch(t *testing.T, a *apitest.API) {
	ctx := context.Background()
	_, key, err := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	editor := apitest.Caller{A: a, Key: key}
	topic := a.Column(t, `SELECT id FROM topics ORDER BY id LIMIT 1`)[0]
	var topicID int
	fmt.Sscan(topic, &topicID)
	createProject := func(code, title, summary string) string {
		t.Helper()
		r := editor.Do(t, `mutation($in: CreateProjectInput!) { createProject(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"code": code, "title": title, "summary": summary, "status": "PROPOSED", "topicIDs": []string{a.Codec.Encode(topicID)}}})
		if len(r.Errors) > 0 {
			t.Fatalf("create project: %+v", r.Errors)
		}
		return r.Str("createProject.id")
	}
	// inTitle has the word in its title, inText only in its summary: the
	// title match ranks first.
	inText := createProject("SEARCH_1", "Plain heading", "Work about zyxquorb and other matters of the programme.")
	inTitle := createProject("SEARCH_2", "Zyxquorb développement durable", "Nothing else to say.")
	r := editor.Do(t, `mutation { createConsultant(input: {name: "Zyxquorb Person", bio: "An expert.", email: "qwxsecretmail@example.org"}) { id } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("create consultant: %+v", r.Errors)
	}
	consultant := r.Str("createConsultant.id")

	search := func(t *testing.T, q string, vars map[string]any) apitest.Response {
		t.Helper()
		v := map[string]any{"q": q, "first": 20}
		for k, x := range vars {
			v[k] = x
		}
		r := a.Query(t, searchQuery, v)
		if len(r.Errors) > 0 {
			t.Fatalf("search %q: %+v", q, r.Errors)
		}
		return r
	}
	same := func(t *testing.T, q string, got []string, want ...string) {
		t.Helper()
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("search %q = %v, want %v", q, got, want)
		}
	}

	t.Run("ranking", func(t *testing.T) {
		r := search(t, "zyxquorb", map[string]any{"types": []string{"PROJECT"}})
		same(t, "zyxquorb", hitIDs(r), inTitle, inText)
		if r.Num("search.totalCount") != 2 {
			t.Errorf("totalCount = %d, want 2", r.Num("search.totalCount"))
		}
		s0, _ := r.Get("search.edges.0.node.score").(float64)
		s1, _ := r.Get("search.edges.1.node.score").(float64)
		if !(s0 > s1 && s1 > 0) {
			t.Errorf("scores %v, %v: want the title match above the text match, both positive", s0, s1)
		}
		if got := r.Str("search.edges.1.node.snippet"); got != "Work about zyxquorb and other matters of the programme." {
			t.Errorf("snippet of the text match = %q", got)
		}
		if got := r.Get("search.edges.0.node.node.__typename"); got != "Project" {
			t.Errorf("__typename = %v", got)
		}
	})
	t.Run("prefix", func(t *testing.T) {
		same(t, "zyxquo", hitIDs(search(t, "zyxquo", map[string]any{"types": []string{"PROJECT"}})), inTitle, inText)
	})
	t.Run("accents", func(t *testing.T) {
		same(t, "developpement zyxquorb", hitIDs(search(t, "developpement zyxquorb", nil)), inTitle)
		same(t, "DÉVELOPPEMENT zyxq", hitIDs(search(t, "DÉVELOPPEMENT zyxq", nil)), inTitle)
	})
	t.Run("phrase", func(t *testing.T) {
		same(t, `"developpement durable" zyxq`, hitIDs(search(t, `"developpement durable" zyxq`, nil)), inTitle)
		same(t, `"durable developpement" zyxq`, hitIDs(search(t, `"durable developpement" zyxq`, nil)))
	})
	t.Run("minus", func(t *testing.T) {
		got := hitIDs(search(t, "zyxquorb -heading", nil))
		slices.Sort(got)
		want := []string{inTitle, consultant}
		slices.Sort(want)
		same(t, "zyxquorb -heading", got, want...)
		same(t, `zyxquorb -"developpement durable" -person`, hitIDs(search(t, `zyxquorb -"developpement durable" -person`, nil)), inText)
	})
	t.Run("types", func(t *testing.T) {
		same(t, "consultants", hitIDs(search(t, "zyxquorb", map[string]any{"types": []string{"CONSULTANT"}})), consultant)
		same(t, "offers", hitIDs(search(t, "zyxquorb", map[string]any{"types": []string{"OFFER", "NEED"}})))
		if n := search(t, "zyxquorb", nil).Num("search.totalCount"); n != 3 {
			t.Errorf("every type: totalCount = %d, want 3", n)
		}
	})
	t.Run("paging", func(t *testing.T) {
		all := hitIDs(search(t, "zyxquorb", nil))
		var paged []string
		var after any
		for range 4 {
			r := search(t, "zyxquorb", map[string]any{"first": 1, "after": after})
			paged = append(paged, hitIDs(r)...)
			if !r.Get("search.pageInfo.hasNextPage").(bool) {
				break
			}
			after = r.Str("search.pageInfo.endCursor")
		}
		same(t, "paged", paged, all...)
		// A cursor of another list is refused, and a search cursor
		// elsewhere.
		projects := a.Query(t, `{ projects(first: 1) { pageInfo { endCursor } } }`, nil).Str("projects.pageInfo.endCursor")
		if r := a.Post(t, searchQuery, map[string]any{"q": "zyxquorb", "first": 1, "after": projects}); apitest.ErrCode(r) != "BAD_USER_INPUT" {
			t.Errorf("a projects cursor in search: %+v, want BAD_USER_INPUT", r.Errors)
		}
		r := search(t, "zyxquorb", map[string]any{"first": 1, "types": []string{"PROJECT"}})
		if r := a.Post(t, `query($after: Cursor) { projects(first: 1, after: $after) { totalCount } }`, map[string]any{"after": r.Str("search.pageInfo.endCursor")}); apitest.ErrCode(r) != "BAD_USER_INPUT" {
			t.Errorf("a search cursor in projects: %+v, want BAD_USER_INPUT", r.Errors)
		}
		if len(all) != 3 {
			t.Errorf("%d hits, want 3", len(all))
		}
	})
	t.Run("email is not searchable", func(t *testing.T) {
		for _, q := range []string{"qwxsecretmail", "qwxsecretmail@example.org"} {
			if r := search(t, q, nil); r.Num("search.totalCount") != 0 || len(hitIDs(r)) != 0 {
				t.Errorf("search %q found %v", q, hitIDs(r))
			}
		}
	})
	t.Run("bad syntax", func(t *testing.T) {
		for _, q := range []string{`"zyxquorb`, `zyxquorb "a" "`, "-", "zyxquorb -", "", "   ", "-zyxquorb", "!!!"} {
			r := a.Post(t, searchQuery, map[string]any{"q": q, "first": 20})
			if apitest.ErrCode(r) != "BAD_USER_INPUT" || r.Status >= 500 {
				t.Errorf("search %q: status %d, errors %+v, want BAD_USER_INPUT", q, r.Status, r.Errors)
			}
		}
		r := a.Post(t, searchQuery, map[string]any{"q": "zyxquorb", "first": 101})
		if apitest.ErrCode(r) != "BAD_USER_INPUT" {
			t.Errorf("first: 101: %+v, want BAD_USER_INPUT", r.Errors)
		}
	})
	t.Run("priced like a connection of its page, plus its terms", func(t *testing.T) {
		// Each term reads its postings over every searchable table, 50
		// rows a point (graph.SearchRowsPerPoint), twice with a count.
		// The server counted its tables when it started, before this
		// test created two projects and a consultant.
		indexed := -3
		for _, typ := range searchpkg.NodeTypes {
			indexed += a.Count(t, `SELECT count(*) FROM `+tablesize.Tables[typ])
		}
		term := float64((indexed + 49) / 50)
		for _, c := range []struct {
			q    string
			want float64
		}{
			// 7 hits, each with a page of 3 topics.
			{`{ search(query: "zyxquorb", first: 7) { edges { node { node { ... on Project { topics(first: 3) { edges { node { code } } } } } } } } }`, 7 + 7*3 + term},
			{`{ search(query: "zyxquorb", first: 7) { edges { node { score } } } }`, 7 + term},
			// The default page (20) and a count.
			{`{ search(query: "zyxquorb") { totalCount edges { node { score } } } }`, 100 + 20 + 2*term},
			{`{ search(query: "zyxquorb plugh xyzzy", first: 7) { edges { node { score } } } }`, 7 + float64((3*indexed+49)/50)},
		} {
			r := a.Query(t, c.q, nil)
			cost, _ := r.Extensions["cost"].(map[string]any)
			if got, _ := cost["requestedQueryCost"].(float64); got != c.want {
				t.Errorf("%s: cost %v, want %v", c.q, cost["requestedQueryCost"], c.want)
			}
		}
	})
	t.Run("where search", func(t *testing.T) {
		r := a.Query(t, `{ projects(first: 10, where: {search: "zyxquorb", status: PROPOSED}, orderBy: [{field: TITLE, direction: ASC}]) { totalCount edges { node { id } } } }`, nil)
		same(t, "projects where search, by title", r.IDs("projects"), inText, inTitle)
		if r.Num("projects.totalCount") != 2 {
			t.Errorf("totalCount = %d, want 2", r.Num("projects.totalCount"))
		}
		r = a.Query(t, `{ projects(first: 10, where: {search: "zyxq -heading", titleContainsFold: "durable"}) { edges { node { id } } } }`, nil)
		same(t, "with another filter", r.IDs("projects"), inTitle)
		r = a.Query(t, `{ consultants(first: 10, where: {or: [{search: "\"zyxquorb person\""}, {name: "nobody at all"}]}) { edges { node { id } } } }`, nil)
		same(t, "consultants, under or", r.IDs("consultants"), consultant)
		r = a.Query(t, `{ consultants(first: 10, where: {search: "qwxsecretmail"}) { totalCount } }`, nil)
		if r.Num("consultants.totalCount") != 0 {
			t.Errorf("a consultant's e-mail address is searchable through where")
		}
		for _, f := range []string{"activities", "organizations", "matchOffers", "matchNeeds"} {
			r := a.Query(t, `{ `+f+`(first: 10, where: {search: "zyxquorb"}) { totalCount } }`, nil)
			if r.Num(f+".totalCount") != 0 {
				t.Errorf("%s where search zyxquorb: totalCount %d, want 0", f, r.Num(f+".totalCount"))
			}
		}
		r = a.Post(t, `{ activities(first: 10, where: {search: "\"unbalanced"}) { totalCount } }`, nil)
		if apitest.ErrCode(r) != "BAD_USER_INPUT" || r.Status >= 500 {
			t.Errorf("bad where search: status %d, errors %+v, want BAD_USER_INPUT", r.Status, r.Errors)
		}
		_, rows := apitest.CSVRows(t, a.Export(t, "/export/projects.csv", url.Values{"where": {`{"search": "zyxquorb"}`}}, ""))
		if len(rows) != 2 {
			t.Errorf("export where search: %d rows, want 2", len(rows))
		}
	})
	t.Run("the index follows writes", func(t *testing.T) {
		if r := editor.Do(t, `mutation($id: ID!) { updateProject(id: $id, input: {title: "Glorptastic heading"}) { id } }`, map[string]any{"id": inText}); len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		same(t, "glorptastic", hitIDs(search(t, "glorptastic", nil)), inText)
		same(t, "plain heading", hitIDs(search(t, `"plain heading"`, nil)))
		if r := editor.Do(t, `mutation($id: ID!) { deleteProject(id: $id) }`, map[string]any{"id": inText}); len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		same(t, "glorptastic after delete", hitIDs(search(t, "glorptastic", nil)))
		same(t, "zyxquorb after delete", hitIDs(search(t, "zyxquorb", map[string]any{"types": []string{"PROJECT"}})), inTitle)
	})
}
