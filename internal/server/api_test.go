package server_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"sscgraph/internal/apitest"
)

// edgePair is one edge of the model seen from both ends.
type edgePair struct {
	from, edge  string // type and field on it
	fromList    bool   // the field is a connection
	to, inverse string // target type and the field back
	toList      bool
}

var edgePairs = []edgePair{
	{"Region", "countries", true, "Country", "region", false},
	{"Region", "targetingOffers", true, "MatchOffer", "targetRegions", true},
	{"Country", "projects", true, "Project", "countries", true},
	{"Country", "activities", true, "Activity", "beneficiaryCountries", true},
	{"Country", "providedActivities", true, "Activity", "providerCountries", true},
	{"Country", "hostedActivities", true, "Activity", "venueCountry", false},
	{"Country", "consultants", true, "Consultant", "nationality", false},
	{"Country", "organizations", true, "Organization", "country", false},
	{"Country", "needs", true, "MatchNeed", "country", false},
	{"Country", "targetingOffers", true, "MatchOffer", "targetCountries", true},
	{"Topic", "projects", true, "Project", "topics", true},
	{"Topic", "activities", true, "Activity", "topics", true},
	{"Topic", "consultants", true, "Consultant", "expertise", true},
	{"Topic", "offers", true, "MatchOffer", "topics", true},
	{"Topic", "needs", true, "MatchNeed", "topics", true},
	{"Recommendation", "projects", true, "Project", "recommendations", true},
	{"Project", "activities", true, "Activity", "project", false},
	{"Activity", "consultants", true, "Consultant", "activities", true},
	{"Activity", "partners", true, "Organization", "activities", true},
	{"Organization", "offers", true, "MatchOffer", "provider", false},
	{"Organization", "needs", true, "MatchNeed", "seeker", false},
	{"MatchOffer", "matches", true, "Match", "offer", false},
	{"MatchNeed", "matches", true, "Match", "need", false},
}

func upperFirst(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// TestTraversalBothWays follows every edge from each end to the other and
// checks that the far end leads back to where it started.
func TestTraversalBothWays(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testTraversalBothWays)
}

func testTraversalBothWays(t *testing.T, a *apitest.API) {
	type direction struct {
		from, edge string
		fromList   bool
		to, back   string
		toList     bool
	}
	var dirs []direction
	for _, p := range edgePairs {
		dirs = append(dirs,
			direction{p.from, p.edge, p.fromList, p.to, p.inverse, p.toList},
			direction{p.to, p.inverse, p.toList, p.from, p.edge, p.fromList},
		)
	}
	for _, d := range dirs {
		t.Run(d.from+"."+d.edge, func(t *testing.T) {
			sel := d.edge + " { id }"
			if d.fromList {
				sel = d.edge + "(first: 1) { totalCount edges { node { id } } }"
			}
			q := fmt.Sprintf(`{ %s(first: 1, where: {has%s: true}) { totalCount edges { node { id %s } } } }`,
				apitest.TopLevel[d.from], upperFirst(d.edge), sel)
			r := a.Query(t, q, nil)
			root := apitest.TopLevel[d.from] + ".edges.0.node"
			src := r.Str(root + ".id")
			if src == "" {
				t.Fatalf("no %s has %s: every edge must have data", d.from, d.edge)
			}
			if !strings.HasPrefix(src, d.from+"_") {
				t.Fatalf("id %q of a %s does not carry its type", src, d.from)
			}
			var dst string
			if d.fromList {
				if n := r.Num(root + "." + d.edge + ".totalCount"); n < 1 {
					t.Fatalf("%s.%s totalCount = %d, want >= 1", d.from, d.edge, n)
				}
				dst = r.Str(root + "." + d.edge + ".edges.0.node.id")
			} else {
				dst = r.Str(root + "." + d.edge + ".id")
			}
			if !strings.HasPrefix(dst, d.to+"_") {
				t.Fatalf("%s.%s led to %q, want a %s", d.from, d.edge, dst, d.to)
			}

			q = fmt.Sprintf(`query($id: ID!) { node(id: $id) { __typename ... on %s { %s { id } } } }`, d.to, d.back)
			vars := map[string]any{"id": dst}
			if d.toList {
				q = fmt.Sprintf(`query($id: ID!, $src: ID!) { node(id: $id) { __typename ... on %s {
					%s(first: 1, where: {id: $src}) { totalCount edges { node { id } } } } } }`, d.to, d.back)
				vars["src"] = src
			}
			r = a.Query(t, q, vars)
			if got := r.Str("node.__typename"); got != d.to {
				t.Fatalf("node(%s).__typename = %q, want %q", dst, got, d.to)
			}
			var got string
			if d.toList {
				got = r.Str("node." + d.back + ".edges.0.node.id")
			} else {
				got = r.Str("node." + d.back + ".id")
			}
			if got != src {
				t.Fatalf("%s %s .%s: got %q, want back to %q", d.to, dst, d.back, got, src)
			}
		})
	}
}

// TestNodeRefetch fetches the first node of every type by its ID, alone
// and in a batch.
func TestNodeRefetch(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testNodeRefetch)
}

func testNodeRefetch(t *testing.T, a *apitest.API) {
	var ids, types []string
	for typ, field := range apitest.TopLevel {
		r := a.Query(t, fmt.Sprintf(`{ %s(first: 2) { edges { node { id } } } }`, field), nil)
		got := r.IDs(field)
		if len(got) != 2 {
			t.Fatalf("%s: got %d nodes, want 2", field, len(got))
		}
		ids = append(ids, got...)
		types = append(types, typ, typ)
		t.Run(typ, func(t *testing.T) {
			r := a.Query(t, `query($id: ID!) { node(id: $id) { __typename id } }`, map[string]any{"id": got[0]})
			if r.Str("node.__typename") != typ || r.Str("node.id") != got[0] {
				t.Errorf("node(%s) = %v, want the %s with that id", got[0], r.Get("node"), typ)
			}
		})
	}
	t.Run("nodes keeps order across types", func(t *testing.T) {
		slices.Reverse(ids)
		slices.Reverse(types)
		r := a.Query(t, `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, map[string]any{"ids": ids})
		nodes := r.List("nodes")
		if len(nodes) != len(ids) {
			t.Fatalf("got %d nodes, want %d", len(nodes), len(ids))
		}
		for i, n := range nodes {
			m := n.(map[string]any)
			if m["id"] != ids[i] || m["__typename"] != types[i] {
				t.Errorf("nodes[%d] = %v, want %s %s", i, m, types[i], ids[i])
			}
		}
	})
}

func TestNaturalKeyLookups(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testNaturalKeyLookups)
}

func testNaturalKeyLookups(t *testing.T, a *apitest.API) {
	tests := []struct {
		name, query, path, want string
	}{
		{"country by code, any case", `{ country(code: "eg") { name iso3 ldc region { code } } }`, "country.name", "Egypt"},
		{"country region", `{ country(code: "NP") { ldc region { code } } }`, "country.region.code", "ASIA_PACIFIC"},
		{"project by code", `{ project(code: "DA_1_10_12_40") { code status } }`, "project.status", "COMPLETED"},
		{"topic by code", `{ topic(code: "PATENTS") { kind } }`, "topic.kind", "IP_AREA"},
		{"recommendation by number", `{ recommendation(number: 5) { cluster } }`, "recommendation.cluster", "A"},
		{"recommendation in cluster F", `{ recommendation(number: 45) { cluster } }`, "recommendation.cluster", "F"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.Query(t, tt.query, nil)
			if got := r.Str(tt.path); got != tt.want {
				t.Errorf("%s = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
	t.Run("project countries are the beneficiaries", func(t *testing.T) {
		r := a.Query(t, `{ project(code: "DA_1_10_12_40") { countries(orderBy: [{field: CODE}]) { edges { node { code } } } recommendations { totalCount } } }`, nil)
		var codes []string
		for _, e := range r.List("project.countries.edges") {
			codes = append(codes, e.(map[string]any)["node"].(map[string]any)["code"].(string))
		}
		if want := []string{"EC", "EG", "LK", "NA"}; !slices.Equal(codes, want) {
			t.Errorf("countries = %v, want %v", codes, want)
		}
		// The project document's table gives 1, 10, 12 and 40; its
		// heading's 4 is uncertain and left out (da-projects.md).
		if n := r.Num("project.recommendations.totalCount"); n != 4 {
			t.Errorf("recommendations = %d, want 4", n)
		}
	})
	t.Run("unknown keys are null without errors", func(t *testing.T) {
		r := a.Query(t, `{ country(code: "XX") { name } project(code: "NOPE") { code } topic(code: "NOPE") { code } recommendation(number: 99) { title } }`, nil)
		for _, k := range []string{"country", "project", "topic", "recommendation"} {
			if v, ok := r.Data[k]; !ok || v != nil {
				t.Errorf("%s = %v, want null", k, v)
			}
		}
	})
}

func TestFilters(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testFilters)
}

func testFilters(t *testing.T, a *apitest.API) {
	tests := []struct {
		name  string
		query string // must select totalCount of its first root field
		field string
		sql   string
	}{
		{"least developed countries", `{ countries(where: {ldc: true}) { totalCount } }`, "countries",
			`SELECT COUNT(*) FROM countries WHERE ldc`},
		{"enum and range", `{ activities(where: {kind: SOUTH_SOUTH, participantsGTE: 50}) { totalCount } }`, "activities",
			`SELECT COUNT(*) FROM activities WHERE kind = 'SOUTH_SOUTH' AND participants >= 50`},
		{"across an edge", `{ projects(where: {hasCountriesWith: {code: "EG"}}) { totalCount } }`, "projects",
			`SELECT COUNT(*) FROM project_countries pc JOIN countries c ON c.id = pc.country_id WHERE c.code = 'EG'`},
		{"across two edges", `{ activities(where: {hasBeneficiaryCountriesWith: {hasRegionWith: {code: "AFRICA"}}}) { totalCount } }`, "activities",
			`SELECT COUNT(DISTINCT abc.activity_id) FROM activity_beneficiary_countries abc
			 JOIN countries c ON c.id = abc.country_id JOIN regions r ON r.id = c.region_id WHERE r.code = 'AFRICA'`},
		{"or", `{ activities(where: {or: [{kind: TRIANGULAR}, {status: CANCELLED}]}) { totalCount } }`, "activities",
			`SELECT COUNT(*) FROM activities WHERE kind = 'TRIANGULAR' OR status = 'CANCELLED'`},
		{"not and string match", `{ countries(where: {not: {nameContainsFold: "island"}, ldc: false}) { totalCount } }`, "countries",
			`SELECT COUNT(*) FROM countries WHERE LOWER(name) NOT LIKE '%island%' AND NOT ldc`},
		{"time range", `{ activities(where: {startDateGTE: "2020-01-01T00:00:00Z", startDateLT: "2021-01-01T00:00:00Z"}) { totalCount } }`, "activities",
			`SELECT COUNT(*) FROM activities WHERE start_date >= '2020-01-01' AND start_date < '2021-01-01'`},
		{"match offers open for a topic", `{ matchOffers(where: {status: OPEN, hasTopicsWith: {code: "PATENTS"}}) { totalCount } }`, "matchOffers",
			`SELECT COUNT(*) FROM match_offers o WHERE o.status = 'OPEN' AND EXISTS (SELECT 1 FROM match_offer_topics ot JOIN topics t ON t.id = ot.topic_id WHERE ot.match_offer_id = o.id AND t.code = 'PATENTS')`},
		{"demo flag", `{ projects(where: {demo: false}) { totalCount } }`, "projects",
			`SELECT COUNT(*) FROM projects WHERE NOT demo`},
		{"inverse many-to-many with a filter", `{ countries(where: {hasActivitiesWith: {kind: TRIANGULAR}}) { totalCount } }`, "countries",
			`SELECT COUNT(DISTINCT abc.country_id) FROM activity_beneficiary_countries abc JOIN activities a ON a.id = abc.activity_id WHERE a.kind = 'TRIANGULAR'`},
		{"nested count without a filter", `{ country(code: "KE") { activities { totalCount } } }`, "country.activities",
			`SELECT COUNT(*) FROM activity_beneficiary_countries abc JOIN countries c ON c.id = abc.country_id WHERE c.code = 'KE'`},
		{"nested count with a filter", `{ country(code: "KE") { activities(where: {kind: SOUTH_SOUTH}) { totalCount } } }`, "country.activities",
			`SELECT COUNT(*) FROM activity_beneficiary_countries abc JOIN countries c ON c.id = abc.country_id
			 JOIN activities a ON a.id = abc.activity_id WHERE c.code = 'KE' AND a.kind = 'SOUTH_SOUTH'`},
		{"nested one-to-many count", `{ country(code: "KE") { consultants { totalCount } } }`, "country.consultants",
			`SELECT COUNT(*) FROM consultants x JOIN countries c ON c.id = x.nationality_id WHERE c.code = 'KE'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := a.Count(t, tt.sql)
			r := a.Query(t, tt.query, nil)
			if got := r.Num(tt.field + ".totalCount"); got != want {
				t.Errorf("totalCount = %d, want %d (from SQL)", got, want)
			}
		})
	}
	t.Run("facts", func(t *testing.T) {
		r := a.Query(t, `{ all: countries { totalCount } ldc: countries(where: {ldc: true}) { totalCount }
			arab: countries(where: {hasRegionWith: {code: "ARAB"}}) { totalCount } recs: recommendations { totalCount }
			clusterA: recommendations(where: {cluster: A}) { totalCount } }`, nil)
		for path, want := range map[string]int{"all": 249, "ldc": 44, "arab": 22, "recs": 45, "clusterA": 14} {
			if got := r.Num(path + ".totalCount"); got != want {
				t.Errorf("%s = %d, want %d", path, got, want)
			}
		}
	})
}

func TestOrdering(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testOrdering)
}

func testOrdering(t *testing.T, a *apitest.API) {
	tests := []struct {
		name, query, field, sql string
	}{
		{"by name descending", `{ countries(first: 20, orderBy: [{field: NAME, direction: DESC}]) { edges { node { code } } } }`, "countries",
			`SELECT code FROM countries ORDER BY name DESC, id DESC LIMIT 20`},
		{"several fields", `{ activities(first: 30, orderBy: [{field: KIND}, {field: START_DATE, direction: DESC}]) { edges { node { title } } } }`, "activities",
			`SELECT title FROM activities ORDER BY kind, start_date DESC, id LIMIT 30`},
		{"nested connection ordered", `{ country(code: "EG") { activities(first: 5, orderBy: [{field: START_DATE, direction: DESC}]) { edges { node { title } } } } }`, "country.activities",
			`SELECT a.title FROM activities a JOIN activity_beneficiary_countries abc ON abc.activity_id = a.id
			 JOIN countries c ON c.id = abc.country_id WHERE c.code = 'EG' ORDER BY a.start_date DESC, a.id DESC LIMIT 5`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := a.Column(t, tt.sql)
			r := a.Query(t, tt.query, nil)
			var got []string
			for _, e := range r.List(tt.field + ".edges") {
				for _, v := range e.(map[string]any)["node"].(map[string]any) {
					got = append(got, v.(string))
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("got  %v\nwant %v", got, want)
			}
		})
	}
}

// TestPagination walks connections page by page with cursors, forwards and
// backwards, and checks the pages add up to the whole ordered list.
func TestPagination(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testPagination)
}

func testPagination(t *testing.T, a *apitest.API) {
	all := a.Column(t, `SELECT code FROM countries ORDER BY name, id`)
	const page = 40
	fwd := `query($after: Cursor) { countries(first: 40, after: $after, orderBy: [{field: NAME}]) {
		totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { code } } } }`
	bwd := `query($before: Cursor) { countries(last: 40, before: $before, orderBy: [{field: NAME}]) {
		totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { code } } } }`
	codes := func(r apitest.Response) []string {
		var out []string
		for _, e := range r.List("countries.edges") {
			out = append(out, e.(map[string]any)["node"].(map[string]any)["code"].(string))
		}
		return out
	}
	t.Run("forward", func(t *testing.T) {
		var got []string
		vars := map[string]any{"after": nil}
		for i := 0; ; i++ {
			r := a.Query(t, fwd, vars)
			if n := r.Num("countries.totalCount"); n != len(all) {
				t.Fatalf("totalCount = %d, want %d", n, len(all))
			}
			got = append(got, codes(r)...)
			if has := r.Get("countries.pageInfo.hasPreviousPage"); has != (i > 0) {
				t.Errorf("page %d: hasPreviousPage = %v", i, has)
			}
			if r.Get("countries.pageInfo.hasNextPage") != true {
				break
			}
			vars["after"] = r.Str("countries.pageInfo.endCursor")
			if i > len(all)/page+1 {
				t.Fatal("paging does not end")
			}
		}
		if !slices.Equal(got, all) {
			t.Errorf("forward pages give %d countries, want the %d in order", len(got), len(all))
		}
	})
	t.Run("backward", func(t *testing.T) {
		var got []string
		vars := map[string]any{"before": nil}
		for i := 0; ; i++ {
			r := a.Query(t, bwd, vars)
			got = append(codes(r), got...)
			if has := r.Get("countries.pageInfo.hasNextPage"); has != (i > 0) {
				t.Errorf("page %d: hasNextPage = %v", i, has)
			}
			if r.Get("countries.pageInfo.hasPreviousPage") != true {
				break
			}
			vars["before"] = r.Str("countries.pageInfo.startCursor")
			if i > len(all)/page+1 {
				t.Fatal("paging does not end")
			}
		}
		if !slices.Equal(got, all) {
			t.Errorf("backward pages give %d countries, want the %d in order", len(got), len(all))
		}
	})
	t.Run("edge cursor continues after that edge", func(t *testing.T) {
		r := a.Query(t, `{ countries(first: 3, orderBy: [{field: NAME}]) { edges { cursor } } }`, nil)
		c := r.Str("countries.edges.1.cursor")
		r = a.Query(t, `query($c: Cursor) { countries(first: 2, after: $c, orderBy: [{field: NAME}]) { edges { node { code } } } }`, map[string]any{"c": c})
		if got := codes(r); !slices.Equal(got, all[2:4]) {
			t.Errorf("got %v, want %v", got, all[2:4])
		}
	})
	t.Run("literal cursor in a nested connection", func(t *testing.T) {
		want := a.Column(t, `SELECT c.code FROM countries c JOIN regions r ON r.id = c.region_id WHERE r.code = 'AFRICA' ORDER BY c.id`)
		r := a.Query(t, `{ regions(where: {code: "AFRICA"}) { edges { node { countries(first: 10) { pageInfo { endCursor } edges { node { id } } } } } } }`, nil)
		cur := r.Str("regions.edges.0.node.countries.pageInfo.endCursor")
		r = a.Query(t, fmt.Sprintf(`{ regions(where: {code: "AFRICA"}) { edges { node { countries(first: 10, after: %q) { edges { node { code } } } } } } }`, cur), nil)
		var got []string
		for _, e := range r.List("regions.edges.0.node.countries.edges") {
			got = append(got, e.(map[string]any)["node"].(map[string]any)["code"].(string))
		}
		if !slices.Equal(got, want[10:20]) {
			t.Errorf("second page = %v, want %v", got, want[10:20])
		}
	})
	t.Run("default page is 100", func(t *testing.T) {
		r := a.Query(t, `{ activities { totalCount pageInfo { hasNextPage } edges { node { id } } } }`, nil)
		if n := len(r.List("activities.edges")); n != 100 {
			t.Errorf("got %d edges, want 100", n)
		}
		if r.Get("activities.pageInfo.hasNextPage") != true {
			t.Error("hasNextPage = false, want true")
		}
		if n, want := r.Num("activities.totalCount"), a.Count(t, `SELECT COUNT(*) FROM activities`); n != want {
			t.Errorf("totalCount = %d, want %d", n, want)
		}
	})
	t.Run("nested default page is 100", func(t *testing.T) {
		r := a.Query(t, `{ regions(first: 1, where: {code: "DEVELOPED"}) { edges { node { countries { totalCount edges { node { id } } } } } } }`, nil)
		total := r.Num("regions.edges.0.node.countries.totalCount")
		if n := len(r.List("regions.edges.0.node.countries.edges")); n != min(total, 100) {
			t.Errorf("got %d edges of %d, want %d", n, total, min(total, 100))
		}
	})
}

// TestStatementCount proves there is no N+1: a 4-level query runs the same
// number of SQL statements whatever the page sizes, and few of them.
func TestStatementCount(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testStatementCount)
}

func testStatementCount(t *testing.T, a *apitest.API) {
	q := `query($n: Int!) { regions(first: 6) { edges { node { code
		countries(first: $n) { totalCount edges { node { code
			activities(first: $n) { totalCount edges { node { title
				topics(first: $n) { edges { node { code } } } } } } } } } } } } }`
	counts := map[int]int64{}
	nodes := map[int]int{}
	for _, n := range []int{2, 10} {
		before := a.Statements.Load()
		r := a.Query(t, q, map[string]any{"n": n})
		counts[n] = a.Statements.Load() - before
		nodes[n] = strings.Count(fmt.Sprint(r.Data), "code:") + strings.Count(fmt.Sprint(r.Data), "title:")
	}
	if nodes[10] <= nodes[2] {
		t.Fatalf("larger pages returned %d nodes, smaller %d: the query does not exercise paging", nodes[10], nodes[2])
	}
	if counts[2] != counts[10] {
		t.Errorf("statements grow with the page: %d for first: 2, %d for first: 10", counts[2], counts[10])
	}
	// One statement per level plus one grouped count per counted level.
	if counts[10] > 8 {
		t.Errorf("%d statements for a 4-level query, want at most 8", counts[10])
	}
	t.Logf("4-level query: %d statements for %d nodes", counts[10], nodes[10])
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testBadInput)
}

func testBadInput(t *testing.T, a *apitest.API) {
	r := a.Query(t, `{ countries(first: 1) { edges { node { id } } } regions(first: 1) { edges { node { id } } } }`, nil)
	countryID := r.Str("countries.edges.0.node.id")
	regionID := r.Str("regions.edges.0.node.id")
	_, body, _ := strings.Cut(countryID, "_")

	tests := []struct {
		name        string
		method      string
		contentType string
		body        string
		wantStatus  int // with application/json
		wantMessage string
		executes    bool // the error is a field's, raised while executing
	}{
		{"malformed JSON", "POST", "application/json", `{"query": "{ regions { totalCount } "`, http.StatusBadRequest, "must be a JSON object with a query: the JSON text ends too early", false},
		{"body is not an object", "POST", "application/json", `[1, 2]`, http.StatusBadRequest, "must be a JSON object with a query: it is a JSON array", false},
		{"trailing data", "POST", "application/json", `{"query": "{ regions { totalCount } }"} {}`, http.StatusBadRequest, "there is more after the JSON value", false},
		{"query is not a string", "POST", "application/json", `{"query": 42}`, http.StatusBadRequest, "query must be a string", false},
		{"variables are not an object", "POST", "application/json", `{"query": "{ regions { totalCount } }", "variables": "x"}`, http.StatusBadRequest, "variables must be an object", false},
		{"no query", "POST", "application/json", `{"variables": {}}`, http.StatusBadRequest, "no query", false},
		{"not JSON content", "POST", "text/plain", `{ regions { totalCount } }`, http.StatusUnsupportedMediaType, "application/json", false},
		{"empty body", "POST", "application/json", ``, http.StatusBadRequest, "", false},
		{"unknown field", "POST", "application/json", `{"query": "{ regions { totalCount nope } }"}`, http.StatusOK, `Cannot query field "nope"`, false},
		{"unknown argument", "POST", "application/json", `{"query": "{ regions(top: 3) { totalCount } }"}`, http.StatusOK, `Unknown argument "top"`, false},
		{"unknown filter field", "POST", "application/json", `{"query": "{ countries(where: {population: 3}) { totalCount } }"}`, http.StatusOK, "population", false},
		{"filter on a private field", "POST", "application/json", `{"query": "{ consultants(where: {emailContains: \"@\"}) { totalCount } }"}`, http.StatusOK, "emailContains", false},
		{"syntax error", "POST", "application/json", `{"query": "{ regions { "}`, http.StatusOK, "Expected", false},
		{"garbage ID", "POST", "application/json", `{"query": "{ node(id: \"garbage\") { id } }"}`, http.StatusOK, "invalid ID", false},
		{"a time in words", "POST", "application/json", `{"query": "{ activities(where: {startDateGTE: \"yesterday\"}) { totalCount } }"}`, http.StatusOK, `a time is an RFC 3339 string such as 2026-11-28T09:00:00Z, got "yesterday"`, true},
		{"a time in words, by variable", "POST", "application/json", `{"query": "query($w: ActivityWhereInput) { activities(where: $w) { totalCount } }", "variables": {"w": {"startDateGTE": "yesterday"}}}`, http.StatusOK, "a time is an RFC 3339 string", true},
		{"ID of another type", "POST", "application/json", fmt.Sprintf(`{"query": "{ node(id: \"Region_%s\") { id } }"}`, body), http.StatusOK, "not issued", false},
		{"ID as a number", "POST", "application/json", `{"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": 12}}`, http.StatusOK, "opaque string", false},
		{"foreign ID in a filter", "POST", "application/json", fmt.Sprintf(`{"query": "{ countries(where: {id: \"%s\"}) { totalCount } }"}`, regionID), http.StatusOK, "is the ID of a Region, not of a Country", false},
		{"foreign ID in a nested filter variable", "POST", "application/json", fmt.Sprintf(`{"query": "query($w: CountryWhereInput) { regions { edges { node { countries(where: $w) { totalCount } } } } }", "variables": {"w": {"or": [{"idIn": [%q]}]}}}`, regionID), http.StatusOK, "where.or[0].idIn[0]", false},
		{"negative first", "POST", "application/json", `{"query": "{ regions(first: -1) { totalCount } }"}`, http.StatusOK, "between 0 and 1000", false},
		{"oversized first", "POST", "application/json", `{"query": "{ regions(first: 5000) { totalCount } }"}`, http.StatusOK, "between 0 and 1000", false},
		{"oversized last nested", "POST", "application/json", `{"query": "{ regions(first: 1) { edges { node { countries(last: 1001) { totalCount } } } } }"}`, http.StatusOK, "between 0 and 1000", false},
		{"oversized first in a variable", "POST", "application/json", `{"query": "query($n: Int) { regions(first: $n) { totalCount } }", "variables": {"n": 100000}}`, http.StatusOK, "between 0 and 1000", false},
		{"null page variables", "POST", "application/json", `{"query": "query($n: Int) { regions(first: $n) { totalCount } }", "variables": {"n": null}}`, http.StatusOK, "both null", false},
		{"first and last", "POST", "application/json", `{"query": "{ regions(first: 1, last: 1) { totalCount } }"}`, http.StatusOK, "not supported", true},
		{"forged cursor", "POST", "application/json", `{"query": "{ regions(after: \"bm9wZQ\") { totalCount } }"}`, http.StatusOK, "invalid cursor", false},
		{"forged cursor variable", "POST", "application/json", `{"query": "query($c: Cursor) { regions(after: $c) { totalCount } }", "variables": {"c": "AAAA"}}`, http.StatusOK, "invalid cursor", false},
		{"wrong variable type", "POST", "application/json", `{"query": "query($n: Int) { regions(first: $n) { totalCount } }", "variables": {"n": "ten"}}`, http.StatusOK, "", false},
		{"bad enum", "POST", "application/json", `{"query": "{ activities(where: {kind: NOPE}) { totalCount } }"}`, http.StatusOK, "", false},
		{"unsupported method", "DELETE", "", ``, http.StatusMethodNotAllowed, "", false},
	}
	for _, tt := range tests {
		for _, accept := range []string{"application/json", "application/graphql-response+json"} {
			t.Run(tt.name+"/"+accept, func(t *testing.T) {
				r := a.RawAccept(t, tt.method, "/graphql", tt.contentType, accept, []byte(tt.body))
				if r.Status >= 500 {
					t.Fatalf("status %d: a client's mistake must never be a server error", r.Status)
				}
				// The GraphQL response media type answers a request that
				// fails to parse or validate with 400; application/json
				// answers it with 200.
				want := tt.wantStatus
				if accept != "application/json" && want == http.StatusOK && !tt.executes {
					want = http.StatusBadRequest
				}
				if r.Status != want {
					t.Errorf("status = %d, want %d", r.Status, want)
				}
				if len(r.Errors) == 0 {
					t.Fatalf("no error in the answer: %+v", r.Data)
				}
				if r.HasData != tt.executes {
					t.Errorf("data entry present = %v, want %v", r.HasData, tt.executes)
				}
				if !strings.Contains(r.Errors[0].Message, tt.wantMessage) {
					t.Errorf("message = %q, want it to mention %q", r.Errors[0].Message, tt.wantMessage)
				}
				// Answers are written for clients: no Go type names or
				// library prefixes.
				for _, internal := range []string{"Go value", "Go struct", "struct {", "json: ", "interface {}"} {
					if strings.Contains(r.Errors[0].Message, internal) {
						t.Errorf("message %q shows internal text %q", r.Errors[0].Message, internal)
					}
				}
			})
		}
	}
	t.Run("an ID never resolves to a row of another type", func(t *testing.T) {
		r := a.Post(t, `query($id: ID!) { country: node(id: $id) { id } }`, map[string]any{"id": "Region_" + body})
		if len(r.Errors) == 0 || r.Get("country") != nil {
			t.Fatalf("Region-prefixed country ID answered %v, errors %v", r.Data, r.Errors)
		}
		if code := r.Errors[0].Extensions["code"]; code != "BAD_USER_INPUT" {
			t.Errorf("code = %v, want BAD_USER_INPUT", code)
		}
	})
}

func TestEndpoints(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testEndpoints)
}

func testEndpoints(t *testing.T, a *apitest.API) {
	t.Run("GET /graphql", func(t *testing.T) {
		r := a.Raw(t, "GET", "/graphql?query="+strings.ReplaceAll(`{ recommendations { totalCount } }`, " ", "%20"), "", nil)
		if r.Status != http.StatusOK || r.Num("recommendations.totalCount") != 45 {
			t.Errorf("status %d, data %v", r.Status, r.Data)
		}
	})
	for _, tt := range []struct{ path, want string }{
		{"/", "graphiql"},
		{"/healthz", "ok"},
	} {
		t.Run("GET "+tt.path, func(t *testing.T) {
			res, err := a.Srv.Client().Get(a.Srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			buf := new(strings.Builder)
			if _, err := fmt.Fprint(buf, readAll(t, res)); err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != http.StatusOK || !strings.Contains(strings.ToLower(buf.String()), tt.want) {
				t.Errorf("status %d, body does not mention %q", res.StatusCode, tt.want)
			}
		})
	}
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}
