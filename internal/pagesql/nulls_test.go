package pagesql_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
	"sscgraph/internal/server"
)

// The NULL rule every page follows (pagesql.NullsRule), written here as
// SQL of its own: NULL is the largest value, last ascending and first
// descending.
func nullsSQL(column, direction string) string {
	if direction == "DESC" {
		return column + " DESC NULLS FIRST"
	}
	return column + " ASC NULLS LAST"
}

// nullOrders are the root orders paged through: each nullable field in
// both directions, and orders of several fields whose first has NULLs.
var nullOrders = [][]orderTerm{
	{{"START_DATE", "ASC"}}, {{"START_DATE", "DESC"}},
	{{"END_DATE", "ASC"}}, {{"END_DATE", "DESC"}},
	{{"PARTICIPANTS", "ASC"}}, {{"PARTICIPANTS", "DESC"}},
	{{"START_DATE", "ASC"}, {"TITLE", "ASC"}},
	{{"START_DATE", "DESC"}, {"TITLE", "DESC"}},
	{{"PARTICIPANTS", "DESC"}, {"START_DATE", "ASC"}},
	{{"END_DATE", "DESC"}, {"PARTICIPANTS", "ASC"}, {"TITLE", "ASC"}},
}

// nullEdges are the nested connections to activities whose pages are
// read through an index of start_date: the join tables' copies, or the
// activities' own (project, venue) indexes.
var nullEdges = []nestedEdge{
	{"Project", "activities", "Activity", `SELECT project_id AS parent, id AS child FROM activities WHERE project_id IS NOT NULL`},
	{"Country", "hostedActivities", "Activity", `SELECT venue_country_id AS parent, id AS child FROM activities WHERE venue_country_id IS NOT NULL`},
	{"Country", "activities", "Activity", `SELECT country_id AS parent, activity_id AS child FROM activity_beneficiary_countries`},
	{"Organization", "organizedActivities", "Activity", `SELECT organization_id AS parent, activity_id AS child FROM activity_organizers`},
	{"Topic", "activities", "Activity", `SELECT topic_id AS parent, activity_id AS child FROM activity_topics`},
}

// TestNullsPageExactly: with activities whose start and end dates and
// participants are NULL (and others that tie), every page of every order
// holds the rows an ORDER BY with the NULL rule gives, once each, paging
// forward and backward, at the root and nested, on each database and in
// the same order on both; the join tables' copies follow a start date set
// to null and back; the IsNil filters find the NULLs.
func TestNullsPageExactly(t *testing.T) {
	t.Parallel()
	cfg := server.DefaultConfig()
	cfg.Limits.PerHour = 0 // hundreds of pages
	var mu sync.Mutex
	orders := map[string]map[string][]int{} // backend -> order -> rows
	apitest.ForEachBackendWith(t, cfg, func(t *testing.T, a *apitest.API) {
		admin := apitest.NewKey(t, a, auth.RoleAdmin)
		makeNulls(t, a, admin)
		seen := map[string][]int{}
		t.Run("root", func(t *testing.T) {
			for _, o := range nullOrders {
				seen[fmt.Sprint(o)] = checkRootWalk(t, a, o)
			}
		})
		t.Run("nested", func(t *testing.T) { checkNestedNulls(t, a) })
		t.Run("isNil", func(t *testing.T) { checkIsNil(t, a) })
		t.Run("copies", func(t *testing.T) { checkCopiesFollowNull(t, a, admin) })
		mu.Lock()
		orders[t.Name()] = seen
		mu.Unlock()
	})
	var first string
	for name, seen := range orders {
		if first == "" {
			first = name
			continue
		}
		for o, rows := range seen {
			if !slices.Equal(rows, orders[first][o]) {
				t.Errorf("order %s: %s pages\n%v\n%s pages\n%v", o, first, orders[first][o], name, rows)
			}
		}
	}
}

// send runs a GraphQL request as the admin and fails on any error.
func send(t *testing.T, a *apitest.API, admin, q string, vars map[string]any) apitest.Response {
	t.Helper()
	_, r := a.Send(t, admin, q, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("%s: %+v", q, r.Errors)
	}
	return r
}

// makeNulls gives the demo data NULLs and ties in every field paged by:
// dates and participants cleared through the API on some activities, the
// dates of others set equal; and organizers, which the demo data lacks,
// shared between three organizations, NULL-dated activities among them.
func makeNulls(t *testing.T, a *apitest.API, admin string) {
	t.Helper()
	ids := ints(t, a, `SELECT id FROM activities ORDER BY id`)
	if len(ids) < 100 {
		t.Fatalf("%d activities: too few to page through", len(ids))
	}
	orgs := ints(t, a, `SELECT id FROM organizations ORDER BY id LIMIT 3`)
	for i, id := range ids {
		input := map[string]any{}
		switch {
		case i%5 == 0:
			input["clearStartDate"], input["clearEndDate"] = true, true
		case i%5 == 1 && i%3 != 0:
			input["clearEndDate"] = true
		case i%7 == 2:
			// Ties: one day shared by several activities.
			input["startDate"], input["endDate"] = "2020-02-02T00:00:00Z", "2020-02-03T00:00:00Z"
		}
		switch {
		case i%3 == 0:
			input["clearParticipants"] = true
		case i%4 == 1:
			input["participants"] = 25
		}
		// Organizers: the first 60 activities, each organization sharing
		// some with the next.
		if i < 60 {
			var by []any
			for k, o := range orgs {
				if (i+k)%3 != 0 {
					by = append(by, a.Codec.Encode(o))
				}
			}
			input["addOrganizerIDs"] = by
		}
		if len(input) == 0 {
			continue
		}
		send(t, a, admin, `mutation($id: ID!, $in: UpdateActivityInput!) { updateActivity(id: $id, input: $in) { id } }`,
			map[string]any{"id": a.Codec.Encode(id), "in": input})
	}
	for _, c := range []struct{ what, sql string }{
		{"activities without a start date", `SELECT count(*) FROM activities WHERE start_date IS NULL`},
		{"activities without an end date but with a start date", `SELECT count(*) FROM activities WHERE end_date IS NULL AND start_date IS NOT NULL`},
		{"activities without participants", `SELECT count(*) FROM activities WHERE participants IS NULL`},
		{"organizer links without a start date", `SELECT count(*) FROM activity_organizers WHERE start_date IS NULL`},
		{"topic links without a start date", `SELECT count(*) FROM activity_topics WHERE start_date IS NULL`},
	} {
		if n := a.Count(t, c.sql); n < 5 {
			t.Fatalf("%d %s: the data do not exercise NULLs", n, c.what)
		}
	}
}

// ints reads a column of integers.
func ints(t *testing.T, a *apitest.API, q string) []int {
	t.Helper()
	var out []int
	for _, s := range a.Column(t, q) {
		k, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, k)
	}
	return out
}

// orderBySQL is the test's own ORDER BY of an activity order, ties broken
// by ID.
func orderBySQL(alias string, order []orderTerm) string {
	var terms []string
	for _, o := range order {
		terms = append(terms, nullsSQL(alias+strings.ToLower(o.field), o.direction))
	}
	return strings.Join(append(terms, alias+"id ASC"), ", ")
}

// rootPageSize is small, so that the walk crosses many page boundaries,
// NULL ones among them.
const rootPageSize = 17

// checkRootWalk pages through activities in order, forward with
// first/after and backward with last/before, and compares both walks with
// SQL. It returns the rows in order.
func checkRootWalk(t *testing.T, a *apitest.API, order []orderTerm) []int {
	t.Helper()
	want := ints(t, a, `SELECT id FROM activities ORDER BY `+orderBySQL("", order))
	var terms []any
	for _, o := range order {
		terms = append(terms, map[string]any{"field": o.field, "direction": o.direction})
	}
	const sel = `{ totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } }`
	page := func(args string, vars map[string]any) *apiPage {
		vars["o"] = terms
		r := a.Query(t, `query($o: [ActivityOrder!], $c: Cursor, $n: Int) { page: activities(orderBy: $o, `+args+`) `+sel+` }`, vars)
		return decodePage(t, r.Get("page"))
	}
	// Forward.
	var got []int
	var cursor any
	for n := 0; ; n++ {
		p := page("first: $n, after: $c", map[string]any{"n": rootPageSize, "c": cursor})
		keys := keysOf(t, p.edges)
		got = append(got, keys...)
		if p.PageInfo.HasPreviousPage != (cursor != nil) {
			t.Errorf("order %v, forward page %d: hasPreviousPage %v", order, n, p.PageInfo.HasPreviousPage)
		}
		if !p.PageInfo.HasNextPage {
			break
		}
		if len(keys) != rootPageSize || n > len(want) {
			t.Fatalf("order %v, forward page %d: %d rows and a next page", order, n, len(keys))
		}
		cursor = *p.PageInfo.EndCursor
	}
	if !slices.Equal(got, want) {
		t.Errorf("order %v, paged forward by %d:\n got %v\nwant %v", order, rootPageSize, got, want)
	}
	// Backward.
	got, cursor = nil, nil
	for n := 0; ; n++ {
		p := page("last: $n, before: $c", map[string]any{"n": rootPageSize, "c": cursor})
		keys := keysOf(t, p.edges)
		got = append(keys, got...)
		if p.PageInfo.HasNextPage != (cursor != nil) {
			t.Errorf("order %v, backward page %d: hasNextPage %v", order, n, p.PageInfo.HasNextPage)
		}
		if !p.PageInfo.HasPreviousPage {
			break
		}
		if len(keys) != rootPageSize || n > len(want) {
			t.Fatalf("order %v, backward page %d: %d rows and a previous page", order, n, len(keys))
		}
		cursor = *p.PageInfo.StartCursor
	}
	if !slices.Equal(got, want) {
		t.Errorf("order %v, paged backward by %d:\n got %v\nwant %v", order, rootPageSize, got, want)
	}
	return want
}

// checkNestedNulls pages each nested connection of nullEdges by its start
// date, both ways, under parents that share NULL-dated children, with
// the harness of TestNestedPagesMatchSQL (checkPage): the anchor's full
// list against SQL, then every page of three after (or before) each
// cursor of the walk, asked under all the parents at once and alone.
func checkNestedNulls(t *testing.T, a *apitest.API) {
	for _, e := range nullEdges {
		t.Run(e.parent+"."+e.field, func(t *testing.T) {
			g := newGraphOf(t, a, e)
			parents := nullParents(t, a, e, g)
			for _, order := range [][]orderTerm{
				{{"START_DATE", "ASC"}}, {{"START_DATE", "DESC"}}, {{"START_DATE", "DESC"}, {"TITLE", "ASC"}},
			} {
				anchor := parents[0]
				n := len(g.children[anchor])
				for at := -1; at < n; at += 3 {
					forward := pageCase{parents: parents, anchor: anchor, first: ptr(3), cursorAt: at, cursorAfter: true, order: order}
					if !checkPage(t, a, e, g, forward) {
						t.Fatalf("%s.%s, %s", e.parent, e.field, forward)
					}
					backward := pageCase{parents: parents, anchor: anchor, last: ptr(3), cursorAt: n - 1 - at, order: order}
					if at < 0 {
						backward.cursorAt = -1
					}
					if !checkPage(t, a, e, g, backward) {
						t.Fatalf("%s.%s, %s", e.parent, e.field, backward)
					}
				}
			}
		})
	}
}

// nullParents picks up to five parents of e with both NULL-dated and
// dated children, the one with most children first, and, where children
// can be shared, parents that share them.
func nullParents(t *testing.T, a *apitest.API, e nestedEdge, g *edgeGraph) []int {
	t.Helper()
	candidates := ints(t, a, fmt.Sprintf(`SELECT p.parent FROM (%s) AS p JOIN activities c ON c.id = p.child
		GROUP BY p.parent HAVING count(*) > count(c.start_date) AND count(c.start_date) > 0
		ORDER BY count(*) DESC, p.parent LIMIT 40`, e.pairs))
	if len(candidates) < 2 {
		t.Fatalf("%s.%s: %d parents have both NULL-dated and dated activities", e.parent, e.field, len(candidates))
	}
	if e.oneToMany() {
		return candidates[:min(5, len(candidates))]
	}
	// The one with most children, and up to four candidates sharing a
	// child with it (the shipped real activities make the largest
	// parents not always share one).
	for i, anchor := range candidates {
		picked := []int{anchor}
		for _, other := range candidates[i+1:] {
			if len(picked) == 5 {
				break
			}
			for _, c := range g.children[anchor] {
				if slices.Contains(g.parents[c], other) {
					picked = append(picked, other)
					break
				}
			}
		}
		if len(picked) > 1 {
			return picked
		}
	}
	t.Fatalf("%s.%s: parents %v share no activity", e.parent, e.field, candidates)
	return nil
}

// checkIsNil: the IsNil and NotNil filters of the nullable fields, at the
// root and nested, hold the rows SQL finds. (IsNil: false is no filter,
// as entgql defines it; NotNil is its opposite.)
func checkIsNil(t *testing.T, a *apitest.API) {
	topic := ints(t, a, `SELECT topic_id FROM activity_topics WHERE start_date IS NULL GROUP BY topic_id ORDER BY count(*) DESC, topic_id LIMIT 1`)[0]
	for _, c := range []struct {
		where map[string]any
		sql   string
	}{
		{map[string]any{"startDateIsNil": true}, `start_date IS NULL`},
		{map[string]any{"startDateNotNil": true}, `start_date IS NOT NULL`},
		{map[string]any{"endDateIsNil": true}, `end_date IS NULL`},
		{map[string]any{"participantsIsNil": true}, `participants IS NULL`},
		{map[string]any{"participantsNotNil": true}, `participants IS NOT NULL`},
		{map[string]any{"startDateNotNil": true, "endDateIsNil": true}, `start_date IS NOT NULL AND end_date IS NULL`},
	} {
		want := ints(t, a, `SELECT id FROM activities WHERE `+c.sql+` ORDER BY id`)
		r := a.Query(t, `query($w: ActivityWhereInput, $t: ID!) {
			activities(where: $w, first: 1000) { totalCount edges { node { id } } }
			node(id: $t) { ... on Topic { activities(where: $w, first: 1000) { totalCount edges { node { id } } } } } }`,
			map[string]any{"w": c.where, "t": a.Codec.Encode(topic)})
		if got := keysOf(t, edgesOf(r, "activities")); !slices.Equal(got, want) || r.Num("activities.totalCount") != len(want) {
			t.Errorf("activities(where: %v): %d rows (totalCount %d) %v, want %d %v", c.where, len(got), r.Num("activities.totalCount"), got, len(want), want)
		}
		wantNested := ints(t, a, fmt.Sprintf(`SELECT id FROM activities WHERE %s AND id IN (SELECT activity_id FROM activity_topics WHERE topic_id = %d) ORDER BY id`, c.sql, topic))
		if got := keysOf(t, edgesOf(r, "node.activities")); !slices.Equal(got, wantNested) || r.Num("node.activities.totalCount") != len(wantNested) {
			t.Errorf("topic %d, activities(where: %v): %v, want %v", topic, c.where, got, wantNested)
		}
	}
}

// staleCopies counts, over every join table that keeps a copy of its
// activity's start date, the rows whose copy differs from it (NULL
// differing from a date).
func staleCopies(t *testing.T, a *apitest.API, activity int) int {
	t.Helper()
	n := 0
	for _, table := range []string{"activity_beneficiary_countries", "activity_provider_countries", "activity_topics",
		"activity_consultants", "activity_partners", "activity_organizers"} {
		n += a.Count(t, fmt.Sprintf(`SELECT count(*) FROM %s j JOIN activities a ON a.id = j.activity_id
			WHERE j.activity_id = %d AND ((j.start_date IS NULL) <> (a.start_date IS NULL) OR j.start_date <> a.start_date)`, table, activity))
	}
	return n
}

// checkCopiesFollowNull sets an activity's start date to null and back
// through updateActivity: the join tables' copies follow, and its place in
// its topic's and organizer's pages (read from the copies) is where SQL
// over the activities puts it.
func checkCopiesFollowNull(t *testing.T, a *apitest.API, admin string) {
	var activity, org, topic int
	r := a.Column(t, `SELECT a.id || ' ' || o.organization_id || ' ' || t.topic_id FROM activities a
		JOIN activity_organizers o ON o.activity_id = a.id JOIN activity_topics t ON t.activity_id = a.id
		WHERE a.start_date IS NOT NULL ORDER BY a.id LIMIT 1`)
	if len(r) == 0 {
		t.Fatal("no dated activity has an organizer and a topic")
	}
	fmt.Sscan(r[0], &activity, &org, &topic)
	linked := a.Count(t, fmt.Sprintf(`SELECT (SELECT count(*) FROM activity_topics WHERE activity_id = %[1]d) + (SELECT count(*) FROM activity_organizers WHERE activity_id = %[1]d)`, activity))
	for _, step := range []struct {
		name  string
		input map[string]any
		null  bool
	}{
		{"start date set to null", map[string]any{"clearStartDate": true, "clearEndDate": true}, true},
		{"start date set again", map[string]any{"startDate": "2019-05-01T00:00:00Z", "endDate": "2019-05-03T00:00:00Z"}, false},
		{"start date set to null again", map[string]any{"clearStartDate": true}, true},
		{"start date set to a tie", map[string]any{"startDate": "2020-02-02T00:00:00Z", "endDate": "2020-02-03T00:00:00Z"}, false},
	} {
		send(t, a, admin, `mutation($id: ID!, $in: UpdateActivityInput!) { updateActivity(id: $id, input: $in) { id startDate } }`,
			map[string]any{"id": a.Codec.Encode(activity), "in": step.input})
		if n := staleCopies(t, a, activity); n != 0 {
			t.Errorf("%s: %d join rows of activity %d have a stale copy of its start date", step.name, n, activity)
		}
		nulls := a.Count(t, fmt.Sprintf(`SELECT (SELECT count(*) FROM activity_topics WHERE activity_id = %[1]d AND start_date IS NULL) + (SELECT count(*) FROM activity_organizers WHERE activity_id = %[1]d AND start_date IS NULL)`, activity))
		if want := map[bool]int{true: linked, false: 0}[step.null]; nulls != want {
			t.Errorf("%s: %d of the activity's %d topic and organizer links have a NULL copy, want %d", step.name, nulls, linked, want)
		}
		for _, dir := range []string{"ASC", "DESC"} {
			order := []orderTerm{{"START_DATE", dir}}
			for _, c := range []struct{ what, parentType, field, join, col string }{
				{"topic", "Topic", "activities", "activity_topics", "topic_id"},
				{"organizer", "Organization", "organizedActivities", "activity_organizers", "organization_id"},
			} {
				parent := map[string]int{"topic": topic, "organizer": org}[c.what]
				want := ints(t, a, fmt.Sprintf(`SELECT a.id FROM activities a JOIN %s j ON j.activity_id = a.id WHERE j.%s = %d ORDER BY %s`,
					c.join, c.col, parent, orderBySQL("a.", order)))
				resp := a.Query(t, fmt.Sprintf(`query($id: ID!, $d: OrderDirection!) { node(id: $id) { ... on %s {
					page: %s(first: 1000, orderBy: [{field: START_DATE, direction: $d}]) { edges { node { id } } } } } }`, c.parentType, c.field),
					map[string]any{"id": a.Codec.Encode(parent), "d": dir})
				if got := keysOf(t, edgesOf(resp, "node.page")); !slices.Equal(got, want) {
					t.Errorf("%s, the %s's activities by start date %s:\n got %v\nwant %v", step.name, c.what, dir, got, want)
				}
			}
		}
	}
}

// TestNullsKeepTheIndexOnSQLite: SQLite sorts NULL first by itself, so a
// nested page by start date names its NULL placement (NULLS FIRST
// descending, NULLS LAST ascending); SQLite must still read a parent's
// children in order from the join table's (parent, start date, child)
// index rather than sort them all. (PostgreSQL's own placement is the
// rule: its ORDER BY is the one it had without the clauses.)
func TestNullsKeepTheIndexOnSQLite(t *testing.T) {
	t.Parallel()
	a := apitest.New(t, apitest.Backends()[0].Fresh(t))
	for _, c := range []struct{ order string }{
		// The newest first: the index read forwards, ties by child.
		{"start_date DESC NULLS FIRST, activity_id ASC"},
		// The oldest first: the index read backwards.
		{"start_date ASC NULLS LAST, activity_id DESC"},
	} {
		q := `EXPLAIN QUERY PLAN SELECT activity_id FROM activity_topics WHERE topic_id = 1 ORDER BY ` + c.order + ` LIMIT 3`
		rows, err := a.DB.SQL.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		text := strings.Join(plan, "; ")
		if !strings.Contains(text, "INDEX activity_topics_topic_id_start_date (topic_id=?)") || strings.Contains(text, "TEMP B-TREE") {
			t.Errorf("ORDER BY %s: plan %q, want the (topic, start date) index and no sort", c.order, text)
		}
	}
}

// TestNullsOrderOverrideTakes: ent/template/pagesql.tmpl redefines ent's
// By<Field> order functions by name; an upgrade that renamed the template
// would leave ent's own, which place NULL where each database does. The
// generated order functions of activities' nullable fields must carry the
// override's marker. (internal/genguard checks the overrides of
// fastpaths.tmpl alone.)
func TestNullsOrderOverrideTakes(t *testing.T) {
	src, err := os.ReadFile("../../ent/activity/activity.go")
	if err != nil {
		t.Fatal(err)
	}
	const marker = "// sscgraph:override dialect/sql/meta/order (ent/template/pagesql.tmpl)"
	for _, fn := range []string{"ByStartDate", "ByEndDate", "ByParticipants", "ByVenueCity"} {
		_, body, ok := strings.Cut(string(src), "\nfunc "+fn+"(")
		if !ok {
			t.Fatalf("ent/activity has no %s", fn)
		}
		body, _, _ = strings.Cut(body, "\n}\n")
		if !strings.Contains(body, marker) {
			t.Errorf("%s lacks the marker of the NULL placement override:\n%s", fn, body)
		}
	}
}
