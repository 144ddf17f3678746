package participants_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
)

// TestBeneficiaryPages: each activity's beneficiaries, with their
// per-country figures, page by page, against SQL written here, on data
// where activities share countries; an activity page's beneficiaries are
// read in a fixed number of statements, not one per activity.
func TestBeneficiaryPages(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testBeneficiaryPages)
}

func testBeneficiaryPages(t *testing.T, a *apitest.API) {
	// Figures on some links: the country key plus one, so that every
	// figure is known here without being read back through the API.
	if _, err := a.DB.SQL.Exec(`UPDATE activity_beneficiary_countries SET participants = country_id % 1000 + 1 WHERE activity_id % 3 = 0`); err != nil {
		t.Fatal(err)
	}
	if shared := a.Count(t, `SELECT COUNT(*) FROM (SELECT country_id FROM activity_beneficiary_countries GROUP BY country_id HAVING COUNT(*) > 1) s`); shared == 0 {
		t.Fatal("no country is shared by two activities: the test would not see rows mixed up between parents")
	}
	const perPage = 2
	q := `query($after: Cursor) { activities(first: 60, after: $after, orderBy: [{field: START_DATE}]) {
		pageInfo { hasNextPage endCursor }
		edges { node { id beneficiaries(first: ` + fmt.Sprint(perPage) + `) {
			totalCount pageInfo { hasNextPage endCursor }
			edges { cursor node { country { code } participants } } } } } } }`
	before := a.Statements.Load()
	r := a.Query(t, q, nil)
	if n := a.Statements.Load() - before; n > 6 {
		t.Errorf("a page of 60 activities with their beneficiaries took %d statements; batched, it takes at most 6", n)
	}
	codec := a.Codec
	checked, paged := 0, 0
	for i := range r.List("activities.edges") {
		node := fmt.Sprintf("activities.edges.%d.node", i)
		key, err := codec.Decode(r.Str(node + ".id"))
		if err != nil {
			t.Fatal(err)
		}
		want := beneficiaryRows(t, a, key)
		if got := r.Num(node + ".beneficiaries.totalCount"); got != len(want) {
			t.Errorf("activity %d: totalCount %d, SQL counts %d", key, got, len(want))
		}
		got := beneficiaryEdges(r, node+".beneficiaries")
		if exp := want[:min(perPage, len(want))]; strings.Join(got, ",") != strings.Join(exp, ",") {
			t.Errorf("activity %d: first page %v, SQL says %v", key, got, exp)
		}
		if next := r.Get(node + ".beneficiaries.pageInfo.hasNextPage"); next != (len(want) > perPage) {
			t.Errorf("activity %d: hasNextPage %v with %d beneficiaries", key, next, len(want))
		}
		checked++
		if len(want) <= perPage {
			continue
		}
		// The rest, after the first page's end cursor, and the last one
		// read backwards.
		rest := a.Query(t, `query($id: ID!, $after: Cursor) { node(id: $id) { ... on Activity {
			beneficiaries(first: 100, after: $after) { edges { node { country { code } participants } } } } } }`,
			map[string]any{"id": r.Str(node + ".id"), "after": r.Str(node + ".beneficiaries.pageInfo.endCursor")})
		if got, exp := beneficiaryEdges(rest, "node.beneficiaries"), want[perPage:]; strings.Join(got, ",") != strings.Join(exp, ",") {
			t.Errorf("activity %d: after the first page %v, SQL says %v", key, got, exp)
		}
		last := a.Query(t, `query($id: ID!) { node(id: $id) { ... on Activity {
			beneficiaries(last: 1) { pageInfo { hasPreviousPage } edges { node { country { code } participants } } } } } }`,
			map[string]any{"id": r.Str(node + ".id")})
		if got := beneficiaryEdges(last, "node.beneficiaries"); strings.Join(got, ",") != want[len(want)-1] {
			t.Errorf("activity %d: last page %v, SQL says %v", key, got, want[len(want)-1:])
		}
		if last.Get("node.beneficiaries.pageInfo.hasPreviousPage") != true {
			t.Errorf("activity %d: the last of %d beneficiaries says it has no previous page", key, len(want))
		}
		if paged == 0 {
			// first and last together: the last of the first page, as
			// Relay reads them; last: 0 keeps no edge and no cursor.
			both := a.Query(t, `query($id: ID!) { node(id: $id) { ... on Activity {
				one: beneficiaries(first: 2, last: 1) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { country { code } participants } } }
				none: beneficiaries(first: 2, last: 0) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor } } } } }`,
				map[string]any{"id": r.Str(node + ".id")})
			if got := beneficiaryEdges(both, "node.one"); strings.Join(got, ",") != want[1] ||
				both.Get("node.one.pageInfo.hasPreviousPage") != true || both.Get("node.one.pageInfo.hasNextPage") != true ||
				both.Str("node.one.edges.0.cursor") == "" ||
				both.Str("node.one.pageInfo.startCursor") != both.Str("node.one.edges.0.cursor") ||
				both.Str("node.one.pageInfo.endCursor") != both.Str("node.one.edges.0.cursor") {
				t.Errorf("activity %d: first 2, last 1: %v, SQL says %v", key, both.Get("node.one"), want[1])
			}
			if len(both.List("node.none.edges")) != 0 || both.Get("node.none.pageInfo.startCursor") != nil ||
				both.Get("node.none.pageInfo.endCursor") != nil || both.Get("node.none.pageInfo.hasPreviousPage") != true {
				t.Errorf("activity %d: first 2, last 0: %v", key, both.Get("node.none"))
			}
		}
		paged++
	}
	if checked < 50 || paged == 0 {
		t.Fatalf("checked %d activities, paged through %d: the data does not exercise the pages", checked, paged)
	}
}

// beneficiaryRows is what SQL says an activity's beneficiaries are, in key
// order, as "CODE:participants" ("CODE:-" without a figure).
func beneficiaryRows(t *testing.T, a *apitest.API, activity int) []string {
	t.Helper()
	rows := a.Column(t, fmt.Sprintf(`SELECT c.code || ':' || COALESCE(CAST(b.participants AS TEXT), '-')
		FROM activity_beneficiary_countries b JOIN countries c ON c.id = b.country_id
		WHERE b.activity_id = %d ORDER BY b.country_id`, activity))
	if rows == nil {
		rows = []string{}
	}
	return rows
}

// beneficiaryEdges lists a connection's edges as beneficiaryRows does.
func beneficiaryEdges(r apitest.Response, conn string) []string {
	out := []string{}
	for i := range r.List(conn + ".edges") {
		p := "-"
		if v := r.Get(fmt.Sprintf("%s.edges.%d.node.participants", conn, i)); v != nil {
			p = fmt.Sprint(v)
		}
		out = append(out, r.Str(fmt.Sprintf("%s.edges.%d.node.country.code", conn, i))+":"+p)
	}
	return out
}

// TestSetActivityBeneficiaries: per-country figures are written with the
// countries in one step; the total follows their sum or must agree with
// it; a refused change leaves the activity as it was.
func TestSetActivityBeneficiaries(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testSetActivityBeneficiaries)
}

func testSetActivityBeneficiaries(t *testing.T, a *apitest.API) {
	_, key, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	editor := apitest.Caller{A: a, Key: key}
	codec := a.Codec
	act := a.Column(t, `SELECT CAST(id AS TEXT) FROM activities ORDER BY id LIMIT 1`)[0]
	var actKey int
	fmt.Sscan(act, &actKey)
	countryKeys := a.Column(t, `SELECT CAST(id AS TEXT) FROM countries WHERE code IN ('EG', 'EC', 'NA') ORDER BY id`)
	ids := make([]string, len(countryKeys))
	for i, k := range countryKeys {
		var n int
		fmt.Sscan(k, &n)
		ids[i] = codec.Encode(n)
	}
	activityID := codec.Encode(actKey)
	const set = `mutation($id: ID!, $b: [BeneficiaryInput!]!, $p: Int) { setActivityBeneficiaries(id: $id, beneficiaries: $b, participants: $p) {
		participants beneficiaryCountries(first: 10) { totalCount }
		beneficiaries(first: 10) { edges { node { country { code } participants } } } } }`
	state := func() string {
		return fmt.Sprint(a.Count(t, fmt.Sprintf(`SELECT participants FROM activities WHERE id = %d`, actKey))) + " " +
			strings.Join(beneficiaryRows(t, a, actKey), ",")
	}
	fig := func(country string, n any) map[string]any {
		return map[string]any{"countryID": country, "participants": n}
	}

	// Every country with a figure and no total: the total is their sum.
	r := editor.Do(t, set, map[string]any{"id": activityID, "b": []any{fig(ids[0], 12), fig(ids[1], 8), fig(ids[2], 5)}})
	if len(r.Errors) > 0 {
		t.Fatalf("setting figures: %+v", r.Errors)
	}
	if got := r.Num("setActivityBeneficiaries.participants"); got != 25 {
		t.Errorf("total after figures 12+8+5: %d, want 25", got)
	}
	if got := r.Num("setActivityBeneficiaries.beneficiaryCountries.totalCount"); got != 3 {
		t.Errorf("beneficiaryCountries after setting three: %d", got)
	}
	want := beneficiaryRows(t, a, actKey)
	if got := beneficiaryEdges(r, "setActivityBeneficiaries.beneficiaries"); strings.Join(got, ",") != strings.Join(want, ",") || len(want) != 3 {
		t.Errorf("beneficiaries answered %v, the database holds %v", got, want)
	}
	good := state()

	// Some figures, a total that covers them; then refusals.
	r = editor.Do(t, set, map[string]any{"id": activityID, "b": []any{fig(ids[0], 10), fig(ids[1], nil)}, "p": 30})
	if len(r.Errors) > 0 || r.Num("setActivityBeneficiaries.participants") != 30 {
		t.Fatalf("partial figures under a total of 30: %+v", r)
	}
	good = state()
	refused := []struct {
		name string
		vars map[string]any
		want string
	}{
		{"total below the sum", map[string]any{"id": activityID, "b": []any{fig(ids[0], 10), fig(ids[1], 9)}, "p": 12}, "must equal the sum"},
		{"partial figures above the total", map[string]any{"id": activityID, "b": []any{fig(ids[0], 40), fig(ids[1], nil)}, "p": 30}, "more than the total"},
		{"negative figure", map[string]any{"id": activityID, "b": []any{fig(ids[0], -1)}, "p": 3}, "negative"},
		{"country twice", map[string]any{"id": activityID, "b": []any{fig(ids[0], 1), fig(ids[0], 2)}}, "listed twice"},
		{"an activity's ID as a country", map[string]any{"id": activityID, "b": []any{fig(activityID, 1)}}, "not of a Country"},
		{"a country's ID as the activity", map[string]any{"id": ids[0], "b": []any{fig(ids[0], 1)}}, "not of an Activity"},
		{"a negative total", map[string]any{"id": activityID, "b": []any{}, "p": -3}, "participants"},
	}
	for _, tt := range refused {
		r := editor.Do(t, set, tt.vars)
		if apitest.ErrCode(r) != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, tt.want) {
			t.Errorf("%s: %+v, want BAD_USER_INPUT saying %q", tt.name, r.Errors, tt.want)
		}
		if got := state(); got != good {
			t.Errorf("%s: the refused change left %q, was %q", tt.name, got, good)
		}
	}

	// Two writes in one operation: each answer shows its own write, not
	// what the first read (loaders live for one root field).
	r = editor.Do(t, `mutation($id: ID!, $a: [BeneficiaryInput!]!, $b: [BeneficiaryInput!]!) {
		first: setActivityBeneficiaries(id: $id, beneficiaries: $a) { beneficiaries(first: 10) { edges { node { country { code } participants } } } }
		second: setActivityBeneficiaries(id: $id, beneficiaries: $b) { beneficiaries(first: 10) { edges { node { country { code } participants } } } } }`,
		map[string]any{"id": activityID, "a": []any{fig(ids[0], 7)}, "b": []any{fig(ids[1], 3), fig(ids[2], 4)}})
	if len(r.Errors) > 0 {
		t.Fatalf("two writes: %+v", r.Errors)
	}
	if got, want := beneficiaryEdges(r, "second.beneficiaries"), beneficiaryRows(t, a, actKey); strings.Join(got, ",") != strings.Join(want, ",") || len(want) != 2 {
		t.Errorf("the second write answered %v, the database holds %v", got, want)
	}
	if got := beneficiaryEdges(r, "first.beneficiaries"); len(got) != 1 || !strings.HasSuffix(got[0], ":7") {
		t.Errorf("the first write answered %v, want its one country with 7", got)
	}
	good = state()

	// The total alone cannot drift from the figures either.
	r = editor.Do(t, `mutation($id: ID!) { updateActivity(id: $id, input: {participants: 5}) { id } }`, map[string]any{"id": activityID})
	if apitest.ErrCode(r) != "BAD_USER_INPUT" {
		t.Errorf("a total of 5 below the figures' 10: %+v", r.Errors)
	}
	if got := state(); got != good {
		t.Errorf("the refused update left %q, was %q", got, good)
	}
	// Anonymous callers may not write.
	r = apitest.Caller{A: a, Key: ""}.Do(t, set, map[string]any{"id": activityID, "b": []any{fig(ids[0], 1)}})
	if len(r.Errors) == 0 || state() != good {
		t.Errorf("an anonymous write was accepted: %+v", r)
	}
}
