package stats_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/stats"
)

// statsCase is a statistic checked bucket by bucket against the
// connection's totalCount under the same filter plus the bucket's keys:
// an independent count of the same rows, through another code path.
type statsCase struct {
	name string
	stat string // the statistic's field and arguments, without first
	keys string // selection of the bucket keys
	conn string // the connection counting the same rows
	base string // the where both share, as the body of an input object
	// cond is the connection's condition selecting a bucket's rows.
	cond func(b map[string]any) string
}

// node is the id of a bucket's key node, or "" for the null bucket.
func node(b map[string]any, field string) string {
	n, _ := b[field].(map[string]any)
	if n == nil {
		return ""
	}
	return n["id"].(string)
}

// yearRange is a where condition on field for the calendar year in b,
// or on its absence for the null bucket (projects whose start no source
// gives).
func yearRange(field string, b map[string]any, key string) string {
	if b[key] == nil {
		return field + "IsNil: true"
	}
	y := int(b[key].(float64))
	return fmt.Sprintf(`%sGTE: "%d-01-01T00:00:00Z", %sLT: "%d-01-01T00:00:00Z"`, field, y, field, y+1)
}

// edgeCond is has<Edge>With {inner}, or has<Edge>: false for the null
// bucket (rows without the edge).
func edgeCond(edge, id, inner string) string {
	if id == "" {
		return fmt.Sprintf("has%s: false", edge)
	}
	return fmt.Sprintf(`has%sWith: {%s}`, edge, strings.ReplaceAll(inner, "$ID", id))
}

var statsCases = []statsCase{
	{"activities by region, South-South", `activityStats(where: {kind: SOUTH_SOUTH}, groupBy: [REGION]`, `region { id code }`, "activities", "kind: SOUTH_SOUTH",
		func(b map[string]any) string {
			return edgeCond("BeneficiaryCountries", node(b, "region"), `hasRegionWith: {id: "$ID"}`)
		}},
	{"activities by beneficiary country", `activityStats(groupBy: [COUNTRY]`, `country { id }`, "activities", "",
		func(b map[string]any) string {
			return edgeCond("BeneficiaryCountries", node(b, "country"), `id: "$ID"`)
		}},
	{"activities by provider country", `activityStats(where: {kindNEQ: TECHNICAL_ASSISTANCE}, groupBy: [PROVIDER_COUNTRY]`, `providerCountry { id }`, "activities", "kindNEQ: TECHNICAL_ASSISTANCE",
		func(b map[string]any) string {
			return edgeCond("ProviderCountries", node(b, "providerCountry"), `id: "$ID"`)
		}},
	{"activities by topic", `activityStats(groupBy: [TOPIC]`, `topic { id }`, "activities", "",
		func(b map[string]any) string { return edgeCond("Topics", node(b, "topic"), `id: "$ID"`) }},
	{"activities by project", `activityStats(groupBy: [PROJECT]`, `project { id }`, "activities", "",
		func(b map[string]any) string { return edgeCond("Project", node(b, "project"), `id: "$ID"`) }},
	{"activities by LDC", `activityStats(groupBy: [LDC]`, `ldc`, "activities", "",
		func(b map[string]any) string {
			if b["ldc"] == nil {
				return "hasBeneficiaryCountries: false"
			}
			return fmt.Sprintf("hasBeneficiaryCountriesWith: {ldc: %v}", b["ldc"])
		}},
	{"activities by year, kind, type and status", `activityStats(groupBy: [YEAR, KIND, TYPE, STATUS]`, `year kind type status`, "activities", "",
		func(b map[string]any) string {
			return fmt.Sprintf("%s, kind: %s, type: %s, status: %s", yearRange("startDate", b, "year"), b["kind"], b["type"], b["status"])
		}},
	{"projects by status and start year", `projectStats(groupBy: [STATUS, START_YEAR]`, `status startYear`, "projects", "",
		func(b map[string]any) string {
			return fmt.Sprintf("status: %s, %s", b["status"], yearRange("startDate", b, "startYear"))
		}},
	{"projects by region", `projectStats(groupBy: [REGION]`, `region { id }`, "projects", "",
		func(b map[string]any) string {
			return edgeCond("Countries", node(b, "region"), `hasRegionWith: {id: "$ID"}`)
		}},
	{"projects by recommendation", `projectStats(groupBy: [RECOMMENDATION]`, `recommendation { id }`, "projects", "",
		func(b map[string]any) string {
			return edgeCond("Recommendations", node(b, "recommendation"), `id: "$ID"`)
		}},
	{"projects by cluster", `projectStats(groupBy: [CLUSTER]`, `cluster`, "projects", "",
		func(b map[string]any) string {
			if b["cluster"] == nil {
				return "hasRecommendations: false"
			}
			return fmt.Sprintf("hasRecommendationsWith: {cluster: %s}", b["cluster"])
		}},
	{"projects by topic", `projectStats(groupBy: [TOPIC]`, `topic { id }`, "projects", "",
		func(b map[string]any) string { return edgeCond("Topics", node(b, "topic"), `id: "$ID"`) }},
	{"offers by status and kind", `offerStats(groupBy: [STATUS, KIND]`, `status kind`, "matchOffers", "",
		func(b map[string]any) string { return fmt.Sprintf("status: %s, kind: %s", b["status"], b["kind"]) }},
	{"open offers by topic", `offerStats(where: {status: OPEN}, groupBy: [TOPIC]`, `topic { id }`, "matchOffers", "status: OPEN",
		func(b map[string]any) string { return edgeCond("Topics", node(b, "topic"), `id: "$ID"`) }},
	{"offers by provider region", `offerStats(groupBy: [REGION]`, `region { id }`, "matchOffers", "",
		func(b map[string]any) string {
			if id := node(b, "region"); id != "" {
				return fmt.Sprintf(`hasProviderWith: {hasCountryWith: {hasRegionWith: {id: "%s"}}}`, id)
			}
			return "hasProviderWith: {hasCountry: false}"
		}},
	{"needs by region and status", `needStats(groupBy: [REGION, STATUS]`, `region { id } status`, "matchNeeds", "",
		func(b map[string]any) string {
			return fmt.Sprintf(`hasCountryWith: {hasRegionWith: {id: "%s"}}, status: %s`, node(b, "region"), b["status"])
		}},
	{"needs by topic", `needStats(groupBy: [TOPIC]`, `topic { id }`, "matchNeeds", "",
		func(b map[string]any) string { return edgeCond("Topics", node(b, "topic"), `id: "$ID"`) }},
	{"matches by cooperation and status", `matchStats(groupBy: [COOPERATION, STATUS]`, `cooperation status`, "matches", "",
		func(b map[string]any) string {
			return fmt.Sprintf("cooperation: %s, status: %s", b["cooperation"], b["status"])
		}},
	{"matches by need country", `matchStats(groupBy: [COUNTRY]`, `country { id }`, "matches", "",
		func(b map[string]any) string {
			return fmt.Sprintf(`hasNeedWith: {hasCountryWith: {id: "%s"}}`, node(b, "country"))
		}},
	{"consultants by expertise", `consultantStats(groupBy: [EXPERTISE]`, `expertise { id }`, "consultants", "",
		func(b map[string]any) string { return edgeCond("Expertise", node(b, "expertise"), `id: "$ID"`) }},
	{"consultants by region and availability", `consultantStats(groupBy: [REGION, AVAILABILITY]`, `region { id } available`, "consultants", "",
		func(b map[string]any) string {
			return fmt.Sprintf("%s, available: %v", edgeCond("Nationality", node(b, "region"), `hasRegionWith: {id: "$ID"}`), b["available"])
		}},
}

// TestStatsMatchConnections checks every statistic's buckets and total
// against the connections' totalCount on the demo data.
func TestStatsMatchConnections(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testStatsMatchConnections)
}

func testStatsMatchConnections(t *testing.T, a *apitest.API) {
	// An OPEN offer past its expiry, so that the derived EXPIRED status
	// has something to count whatever the demo data holds today.
	res, err := a.DB.SQL.Exec(`UPDATE match_offers SET expires_at = posted_at
		WHERE id = (SELECT MIN(id) FROM match_offers WHERE status = 'OPEN' AND expires_at IS NULL)`)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("expiring an open offer changed %d rows (%v)", n, err)
	}
	// The stored EXPIRED offers, and the one that only reads EXPIRED.
	stored := a.Count(t, `SELECT COUNT(*) FROM match_offers WHERE status = 'EXPIRED'`)
	r := a.Query(t, `{ offerStats(groupBy: [STATUS]) { buckets { status count } } }`, nil)
	for _, b := range r.List("offerStats.buckets") {
		if m := b.(map[string]any); m["status"] == "EXPIRED" && int(m["count"].(float64)) != stored+1 {
			t.Errorf("EXPIRED bucket counts %v, want %d stored + 1 past its expiry", m["count"], stored)
		}
	}
	for _, c := range statsCases {
		t.Run(c.name, func(t *testing.T) {
			r := a.Query(t, fmt.Sprintf(`{ s: %s, first: 1000) { total { count } buckets { %s count } } }`, c.stat, c.keys), nil)
			buckets := r.List("s.buckets")
			if len(buckets) < 2 {
				t.Fatalf("%d buckets: the case does not exercise grouping", len(buckets))
			}
			total := a.Query(t, fmt.Sprintf(`{ c: %s(where: {%s}) { totalCount } }`, c.conn, c.base), nil).Num("c.totalCount")
			if got := r.Num("s.total.count"); got != total || total <= 0 {
				t.Errorf("total.count = %d, %s totalCount = %d", got, c.conn, total)
			}
			sum := 0
			for i, raw := range buckets {
				b := raw.(map[string]any)
				n := int(b["count"].(float64))
				sum += n
				if i >= 25 {
					continue // the first buckets suffice; the sum covers the rest
				}
				where := c.cond(b)
				if c.base != "" {
					where = c.base + ", " + where
				}
				want := a.Query(t, fmt.Sprintf(`{ c: %s(where: {%s}) { totalCount } }`, c.conn, where), nil).Num("c.totalCount")
				if n != want || n <= 0 {
					t.Errorf("bucket %v: count %d, %s(where: {%s}) totalCount %d", b, n, c.conn, where, want)
				}
			}
			if sum < total {
				t.Errorf("buckets count %d rows in all, fewer than the total %d", sum, total)
			}
		})
	}
}

// TestActivityStatsMatchSQL checks activityStats' measures against
// statements written here, aggregated in Go: per region and year of
// South-South activities (the dashboard's question), per month, and the
// total, with participants and budgets.
func TestActivityStatsMatchSQL(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testActivityStatsMatchSQL)
}

type measures struct {
	count, participants, participantsKnown int
	budget                                 float64
	budgeted                               bool
}

// add counts one activity: a NULL participants is left out of the sum
// and of participantsKnown, never added as 0.
func (m *measures) add(participants sql.NullInt64, budget sql.NullFloat64) {
	m.count++
	if participants.Valid {
		m.participants += int(participants.Int64)
		m.participantsKnown++
	}
	if budget.Valid {
		m.budget += budget.Float64
		m.budgeted = true
	}
}

// yearKey and monthKey are the keys SQL gives an activity's start, by
// the rules of activityStats: "null" for an activity without a start
// date, and for the month of one known only to the year (stored as 1
// January, which is no month a source gave).
func yearKey(start sql.NullTime) string {
	if !start.Valid {
		return "null"
	}
	return fmt.Sprint(start.Time.UTC().Year())
}

func monthKey(start sql.NullTime, precision string) string {
	if !start.Valid || precision == "YEAR" {
		return "null"
	}
	return fmt.Sprint(int(start.Time.UTC().Month()))
}

// bucketKey is a bucket's scalar key as yearKey and monthKey write it.
func bucketKey(b map[string]any, field string) string {
	if b[field] == nil {
		return "null"
	}
	return fmt.Sprint(int(b[field].(float64)))
}

// addNullActivities creates, as an ADMIN through the API, South-South
// activities the demo data lacks: one without dates or participants,
// one whose start is known only to the year, one only to the month,
// each with a beneficiary country so that they also fall in regions.
func addNullActivities(t *testing.T, a *apitest.API) {
	t.Helper()
	admin := apitest.Caller{A: a, Key: strings.TrimPrefix(apitest.NewKey(t, a, "ADMIN"), "Bearer ")}
	country := a.Query(t, `{ countries(first: 1, where: {hasRegion: true}, orderBy: [{field: NAME}]) { edges { node { id } } } }`, nil).
		Str("countries.edges.0.node.id")
	for _, in := range []map[string]any{
		{"title": "Undated meeting", "type": "MEETING", "status": "UNKNOWN"},
		{"title": "A 2018 mission", "type": "ADVISORY_MISSION", "status": "COMPLETED", "participants": 40, "budget": 1000.5,
			"startDate": "2018-01-01T00:00:00Z", "startDatePrecision": "YEAR"},
		{"title": "A May 2018 workshop", "type": "WORKSHOP", "status": "COMPLETED",
			"startDate": "2018-05-01T00:00:00Z", "startDatePrecision": "MONTH"},
	} {
		in["kind"] = "SOUTH_SOUTH"
		in["beneficiaryCountryIDs"] = []string{country}
		r := admin.Do(t, `mutation($in: CreateActivityInput!) { createActivity(input: $in) { id } }`, map[string]any{"in": in})
		if len(r.Errors) > 0 {
			t.Fatalf("createActivity %v: %+v", in["title"], r.Errors)
		}
	}
}

func testActivityStatsMatchSQL(t *testing.T, a *apitest.API) {
	addNullActivities(t, a)
	// One row per activity and region of its beneficiaries.
	// Activities naming no beneficiary (real ones can) form the null
	// region's buckets.
	rows, err := a.DB.SQL.Query(`SELECT DISTINCT COALESCE(r.code, 'null'), a.id, a.start_date, a.participants, a.budget
		FROM activities a
		LEFT JOIN activity_beneficiary_countries bc ON bc.activity_id = a.id
		LEFT JOIN countries c ON c.id = bc.country_id
		LEFT JOIN regions r ON r.id = c.region_id
		WHERE a.kind = 'SOUTH_SOUTH'`)
	if err != nil {
		t.Fatal(err)
	}
	byRegionYear := map[string]*measures{}
	for rows.Next() {
		var (
			code  string
			id    int
			start sql.NullTime
			p     sql.NullInt64
			b     sql.NullFloat64
		)
		if err := rows.Scan(&code, &id, &start, &p, &b); err != nil {
			t.Fatal(err)
		}
		k := code + "/" + yearKey(start)
		if byRegionYear[k] == nil {
			byRegionYear[k] = &measures{}
		}
		byRegionYear[k].add(p, b)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()

	byMonth := map[string]*measures{}
	total := &measures{}
	rows, err = a.DB.SQL.Query(`SELECT start_date, start_date_precision, participants, budget FROM activities`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var (
			start     sql.NullTime
			precision string
			p         sql.NullInt64
			b         sql.NullFloat64
		)
		if err := rows.Scan(&start, &precision, &p, &b); err != nil {
			t.Fatal(err)
		}
		k := monthKey(start, precision)
		if byMonth[k] == nil {
			byMonth[k] = &measures{}
		}
		byMonth[k].add(p, b)
		total.add(p, b)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	// The test's undated and year-only activities are among them (the
	// shipped real record has more).
	if byMonth["null"] == nil || byMonth["null"].count < 2 {
		t.Fatalf("the month of the undated and the year-only activity should be null: %+v", byMonth["null"])
	}

	tests := []struct {
		name  string
		query string
		key   func(b map[string]any) string
		want  map[string]*measures
	}{
		{"South-South per region and year",
			`{ s: activityStats(where: {kind: SOUTH_SOUTH}, groupBy: [REGION, YEAR], first: 1000) { buckets { region { code } year count participants budget } } }`,
			func(b map[string]any) string {
				region := "null"
				if r, ok := b["region"].(map[string]any); ok {
					region = r["code"].(string)
				}
				return fmt.Sprintf("%s/%s", region, bucketKey(b, "year"))
			}, byRegionYear},
		{"per month",
			`{ s: activityStats(groupBy: [MONTH]) { buckets { month count participants budget } } }`,
			func(b map[string]any) string { return bucketKey(b, "month") }, byMonth},
		// Sums not asked for are not computed: the one asked for must
		// still be the right one.
		{"per month, budget only",
			`{ s: activityStats(groupBy: [MONTH]) { buckets { month count budget } } }`,
			func(b map[string]any) string { return bucketKey(b, "month") }, byMonth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buckets := a.Query(t, tt.query, nil).List("s.buckets")
			if len(buckets) != len(tt.want) || len(buckets) < 2 {
				t.Fatalf("%d buckets, SQL finds %d", len(buckets), len(tt.want))
			}
			for _, raw := range buckets {
				b := raw.(map[string]any)
				w := tt.want[tt.key(b)]
				if w == nil {
					t.Errorf("bucket %v: SQL has no such group", b)
					continue
				}
				checkMeasures(t, b, w)
			}
		})
	}
	r := a.Query(t, `{ activityStats(groupBy: [KIND]) { total { count participants budget } } }`, nil)
	checkMeasures(t, r.Get("activityStats.total").(map[string]any), total)

	// participantsKnown and budgetKnown, which the GraphQL schema does
	// not carry yet, through the Go entry point.
	res, err := stats.Activities(context.Background(), a.DB.Client, nil, []stats.ActivityDimension{stats.ActivityDimensionMonth}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	known := func(m *stats.ActivityMeasures, w *measures, what string) {
		t.Helper()
		if m.Count != w.count || m.Participants != w.participants || m.ParticipantsKnown != w.participantsKnown {
			t.Errorf("%s: count %d, participants %d of %d known; SQL: %d, %d of %d", what,
				m.Count, m.Participants, m.ParticipantsKnown, w.count, w.participants, w.participantsKnown)
		}
	}
	known(res.Total, total, "total")
	if total.participantsKnown == total.count {
		t.Errorf("every activity has participants: the test proves nothing")
	}
	if len(res.Buckets) != len(byMonth) {
		t.Fatalf("%d month buckets, SQL finds %d", len(res.Buckets), len(byMonth))
	}
	for _, b := range res.Buckets {
		k := "null"
		if b.Month != nil {
			k = fmt.Sprint(*b.Month)
		}
		if w := byMonth[k]; w == nil {
			t.Errorf("month %s: SQL has no such group", k)
		} else {
			known(&b.ActivityMeasures, w, "month "+k)
		}
	}
	if last := res.Buckets[len(res.Buckets)-1]; last.Month != nil {
		t.Errorf("the null month is not the last bucket: %+v", last)
	}
	var budgeted int
	if err := a.DB.SQL.QueryRow(`SELECT COUNT(budget) FROM activities`).Scan(&budgeted); err != nil {
		t.Fatal(err)
	}
	if res.Total.BudgetKnown != budgeted {
		t.Errorf("budgetKnown %d, SQL counts %d budgets", res.Total.BudgetKnown, budgeted)
	}
}

func checkMeasures(t *testing.T, b map[string]any, w *measures) {
	t.Helper()
	participants, asked := b["participants"].(float64)
	if int(b["count"].(float64)) != w.count || asked && int(participants) != w.participants {
		t.Errorf("%v: want count %d, participants %d", b, w.count, w.participants)
	}
	got, ok := b["budget"].(float64)
	if ok != w.budgeted || math.Abs(got-w.budget) > 0.01 {
		t.Errorf("%v: want budget %v (known: %v)", b, w.budget, w.budgeted)
	}
}

// TestStatsOrder checks the orders of buckets and the bucket limit.
func TestStatsOrder(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testStatsOrder)
}

func testStatsOrder(t *testing.T, a *apitest.API) {
	counts := func(r apitest.Response) []int {
		var out []int
		for _, b := range r.List("activityStats.buckets") {
			out = append(out, int(b.(map[string]any)["count"].(float64)))
		}
		return out
	}
	desc := a.Query(t, `{ activityStats(groupBy: [TOPIC], orderBy: {field: COUNT, direction: DESC}) { buckets { count } } }`, nil)
	if c := counts(desc); len(c) < 3 || !sort.SliceIsSorted(c, func(i, j int) bool { return c[i] > c[j] }) || c[0] == c[len(c)-1] {
		t.Errorf("COUNT DESC: %v", c)
	}
	asc := a.Query(t, `{ activityStats(groupBy: [TOPIC], orderBy: {field: COUNT}) { buckets { count } } }`, nil)
	if c := counts(asc); !sort.IntsAreSorted(c) {
		t.Errorf("COUNT ASC: %v", c)
	}
	keys := a.Query(t, `{ activityStats(groupBy: [YEAR, KIND]) { buckets { year kind } } }`, nil)
	var got []string
	for _, b := range keys.List("activityStats.buckets") {
		m := b.(map[string]any)
		// The null year (activities no source dates) sorts last.
		year := "~"
		if y, ok := m["year"].(float64); ok {
			year = fmt.Sprintf("%04d", int(y))
		}
		got = append(got, fmt.Sprintf("%s %v", year, m["kind"]))
	}
	// Enum values are stored as text on both databases and sort
	// alphabetically; years are zero-padded to sort as strings.
	if len(got) < 3 || !sort.StringsAreSorted(got) {
		t.Errorf("KEY ASC: %v", got)
	}
	top := a.Query(t, `{ activityStats(groupBy: [TOPIC], orderBy: {field: COUNT, direction: DESC}, first: 2) { buckets { count } } }`, nil)
	if c := counts(top); len(c) != 2 || c[0] != counts(desc)[0] || c[1] != counts(desc)[1] {
		t.Errorf("first: 2 answered %v, want the first two of %v", c, counts(desc))
	}
}

// TestStatsBadInput checks that mistakes are BAD_USER_INPUT and bounds
// are enforced before anything runs.
func TestStatsBadInput(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testStatsBadInput)
}

func testStatsBadInput(t *testing.T, a *apitest.API) {
	r := a.Query(t, `{ countries(first: 1) { edges { node { id } } } }`, nil)
	countryID := r.Str("countries.edges.0.node.id")
	tests := []struct {
		name, query string
		vars        map[string]any
		code, says  string
	}{
		{"empty groupBy", `{ activityStats(groupBy: []) { total { count } } }`, nil, "BAD_USER_INPUT", "groupBy is empty"},
		{"a dimension twice", `{ activityStats(groupBy: [YEAR, REGION, YEAR]) { buckets { count } } }`, nil, "BAD_USER_INPUT", "YEAR twice"},
		{"first over 1000", `{ activityStats(groupBy: [YEAR], first: 1001) { buckets { count } } }`, nil, "BAD_USER_INPUT", "between 0 and 1000"},
		{"negative first", `{ projectStats(groupBy: [STATUS], first: -1) { buckets { count } } }`, nil, "BAD_USER_INPUT", "between 0 and 1000"},
		{"first over 1000 in a variable", `query($n: Int) { activityStats(groupBy: [YEAR], first: $n) { buckets { count } } }`, map[string]any{"n": 5000}, "BAD_USER_INPUT", "between 0 and 1000"},
		{"a dimension that does not apply", `{ offerStats(groupBy: [COOPERATION]) { total { count } } }`, nil, "BAD_USER_INPUT", "does not apply"},
		{"topic of matches", `{ matchStats(groupBy: [TOPIC]) { buckets { count } } }`, nil, "BAD_USER_INPUT", "does not apply"},
		{"an ID of the wrong type in where", `query($id: ID!) { activityStats(where: {hasProjectWith: {id: $id}}, groupBy: [YEAR]) { buckets { count } } }`, map[string]any{"id": countryID}, "BAD_USER_INPUT", "not of a Project"},
		{"a malformed ID in where", `{ activityStats(where: {id: "Activity_nope"}, groupBy: [YEAR]) { buckets { count } } }`, nil, "BAD_USER_INPUT", ""},
		{"a filter 9 deep", `query($w: ActivityWhereInput) { activityStats(where: $w, groupBy: [YEAR]) { buckets { count } } }`, map[string]any{"w": apitest.NestedNot(9)}, "LIMIT_EXCEEDED", "filterDepth 9"},
		{"an unknown dimension", `{ activityStats(groupBy: [PLANET]) { buckets { count } } }`, nil, "GRAPHQL_VALIDATION_FAILED", "PLANET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := a.Statements.Load()
			r := a.Post(t, tt.query, tt.vars)
			if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != tt.code || !strings.Contains(r.Errors[0].Message, tt.says) {
				t.Fatalf("errors %+v, want %s saying %q", r.Errors, tt.code, tt.says)
			}
			if r.Get("activityStats.buckets") != nil {
				t.Errorf("answered buckets despite the error: %v", r.Data)
			}
			if n := a.Statements.Load() - before; n != 0 && tt.code != "BAD_USER_INPUT" {
				t.Errorf("%d statements ran for a refused request", n)
			}
		})
	}
}

// TestStatsStatementCount checks that key nodes are loaded in one query
// per dimension and level, however many buckets there are.
func TestStatsStatementCount(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testStatsStatementCount)
}

func testStatsStatementCount(t *testing.T, a *apitest.API) {
	q := `query($n: Int) { activityStats(groupBy: [REGION, COUNTRY, TOPIC], first: $n) {
		total { count }
		buckets { count region { code countries(first: 3) { totalCount edges { node { code } } } }
			country { code region { code } } topic { code } } } }`
	counts := map[int]int64{}
	for _, n := range []int{2, 200} {
		before := a.Statements.Load()
		r := a.Query(t, q, map[string]any{"n": n})
		counts[n] = a.Statements.Load() - before
		buckets := r.List("activityStats.buckets")
		if len(buckets) != n {
			t.Fatalf("first: %d answered %d buckets", n, len(buckets))
		}
		last := buckets[len(buckets)-1].(map[string]any)
		if last["region"] == nil || last["country"].(map[string]any)["region"] == nil || len(last["region"].(map[string]any)["countries"].(map[string]any)["edges"].([]any)) == 0 {
			t.Fatalf("key nodes not attached: %v", last)
		}
	}
	if counts[2] != counts[200] {
		t.Errorf("statements grow with the buckets: %d for 2, %d for 200", counts[2], counts[200])
	}
	// total, buckets, regions (+ their countries and the countries'
	// count), countries (+ their regions), topics.
	if counts[200] > 8 {
		t.Errorf("%d statements, want at most 8", counts[200])
	}
	t.Logf("%d statements for 200 buckets", counts[200])
}

// TestStatsCost checks the price: the buckets weigh first, key nodes'
// connections multiply, the total weighs a totalCount.
func TestStatsCost(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testStatsCost)
}

func testStatsCost(t *testing.T, a *apitest.API) {
	// Besides, a statistic reads its rows times what its dimensions
	// multiply them by (an activity's regions 4, a consultant's languages
	// 4: graph's manyValued), 25 rows a point (graph.StatsRowsPerPoint),
	// and a filter's edges read their rows, 50 a point: a has…With into
	// the countries (fewer than the activities) selects its countries
	// once and probes each activity's (weighing 2), from every row the
	// dimensions multiply (4 for the regions).
	activities := a.Count(t, `SELECT count(*) FROM activities`)
	consultants := a.Count(t, `SELECT count(*) FROM consultants`)
	countries := a.Count(t, `SELECT count(*) FROM countries`)
	grouped := func(rows, factor int) int { return (rows*factor + 24) / 25 }
	tests := []struct {
		query string
		want  int
	}{
		{`{ activityStats(groupBy: [REGION], first: 50) { buckets { count } } }`, 50 + grouped(activities, 4)},
		{`{ activityStats(groupBy: [REGION]) { buckets { count } } }`, 100 + grouped(activities, 4)},
		{`{ activityStats(groupBy: [REGION], first: 50) { buckets { count region { countries(first: 3) { edges { node { code } } } } } } }`, 50 + 150 + grouped(activities, 4)},
		{`{ activityStats(groupBy: [REGION], first: 50) { total { count } buckets { count } } }`, 100 + 50 + grouped(activities, 4)},
		{`{ activityStats(where: {kind: SOUTH_SOUTH, hasBeneficiaryCountriesWith: {ldc: true}}, groupBy: [REGION], first: 10) { buckets { count } } }`, 10 + 1 + 100 + 1 + grouped(activities, 4) + (4*(2*activities+countries)+49)/50},
		{`{ consultantStats(groupBy: [LANGUAGE], first: 7) { buckets { count } } }`, 7 + grouped(consultants, 4)},
	}
	for _, tt := range tests {
		r := a.Query(t, tt.query, nil)
		cost, _ := r.Extensions["cost"].(map[string]any)
		if got, _ := cost["requestedQueryCost"].(float64); int(got) != tt.want {
			t.Errorf("%s: cost %v, want %d", tt.query, cost["requestedQueryCost"], tt.want)
		}
	}
}

// TestConsultantLanguagesMatchSQL checks LANGUAGE, which no connection
// filter can select, against the languages read with SQL.
func TestConsultantLanguagesMatchSQL(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testConsultantLanguagesMatchSQL)
}

func testConsultantLanguagesMatchSQL(t *testing.T, a *apitest.API) {
	want := map[string]int{}
	for _, l := range a.Column(t, `SELECT COALESCE(CAST(languages AS TEXT), '') FROM consultants`) {
		var langs []string
		for _, f := range strings.Split(strings.Trim(l, "[]"), ",") {
			if f = strings.Trim(strings.TrimSpace(f), `"`); f != "" && f != "null" {
				langs = append(langs, f)
			}
		}
		seen := map[string]bool{}
		for _, x := range langs {
			if !seen[x] {
				want[x]++
				seen[x] = true
			}
		}
		if len(langs) == 0 {
			want["<null>"]++
		}
	}
	r := a.Query(t, `{ consultantStats(groupBy: [LANGUAGE]) { buckets { language count } } }`, nil)
	got := map[string]int{}
	for _, b := range r.List("consultantStats.buckets") {
		m := b.(map[string]any)
		k, _ := m["language"].(string)
		if k == "" {
			k = "<null>"
		}
		got[k] = int(m["count"].(float64))
	}
	if len(got) < 2 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("LANGUAGE buckets %v, SQL %v", got, want)
	}
}

// TestActivityStatsLinksMatchSQL checks the groupings that join the
// activities' link tables, with and without the DISTINCT (see
// Step.Unique), against statements written here that remove duplicates
// themselves: per (key, activity) pair, then counted and summed. The
// data gets activities that would be counted twice in a group if a join
// were wrongly left without the DISTINCT: one with two beneficiary
// countries of one region, two topics and two provider countries.
func TestActivityStatsLinksMatchSQL(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testActivityStatsLinksMatchSQL)
}

func testActivityStatsLinksMatchSQL(t *testing.T, a *apitest.API) {
	// Two countries of one region, and two of another.
	var regions [][]string
	for _, e := range a.Query(t, `{ regions(first: 20) { edges { node { countries(first: 2, orderBy: [{field: NAME}]) { edges { node { id } } } } } } }`, nil).
		List("regions.edges") {
		var ids []string
		for _, c := range e.(map[string]any)["node"].(map[string]any)["countries"].(map[string]any)["edges"].([]any) {
			ids = append(ids, c.(map[string]any)["node"].(map[string]any)["id"].(string))
		}
		if len(ids) == 2 {
			regions = append(regions, ids)
		}
	}
	if len(regions) < 2 {
		t.Fatalf("%d regions with two countries, want 2", len(regions))
	}
	topics := a.Query(t, `{ topics(first: 2, orderBy: {field: NAME}) { edges { node { id } } } }`, nil).IDs("topics")
	if len(topics) != 2 {
		t.Fatalf("%d topics, want 2", len(topics))
	}
	a1, a2 := regions[0][0], regions[0][1] // one region
	b1, b2 := regions[1][0], regions[1][1] // another
	admin := apitest.Caller{A: a, Key: strings.TrimPrefix(apitest.NewKey(t, a, "ADMIN"), "Bearer ")}
	for _, in := range []map[string]any{
		// Two beneficiaries of one region, two topics, two providers.
		{"title": "Twin-country workshop", "participants": 100,
			"beneficiaryCountryIDs": []string{a1, a2}, "topicIDs": topics, "providerCountryIDs": []string{b1, b2}},
		// Beneficiaries of two regions, one of them shared with the first.
		{"title": "Two-region mission", "participants": 7,
			"beneficiaryCountryIDs": []string{a1, b1}, "topicIDs": topics[:1], "providerCountryIDs": []string{b2}},
		// Unknown participants: counted, not summed.
		{"title": "Unnumbered seminar", "beneficiaryCountryIDs": []string{a2, b1, b2}, "topicIDs": topics[1:]},
	} {
		in["kind"], in["type"], in["status"] = "SOUTH_SOUTH", "WORKSHOP", "COMPLETED"
		if r := admin.Do(t, `mutation($in: CreateActivityInput!) { createActivity(input: $in) { id } }`, map[string]any{"in": in}); len(r.Errors) > 0 {
			t.Fatalf("createActivity %v: %+v", in["title"], r.Errors)
		}
	}

	// The joins of the statements below, each table under its own alias.
	const (
		beneficiaries = ` LEFT JOIN activity_beneficiary_countries bl ON bl.activity_id = a.id LEFT JOIN countries bc ON bc.id = bl.country_id`
		providers     = ` LEFT JOIN activity_provider_countries pl ON pl.activity_id = a.id LEFT JOIN countries pc ON pc.id = pl.country_id`
		regionsJoin   = ` LEFT JOIN regions r ON r.id = bc.region_id`
		topicsJoin    = ` LEFT JOIN activity_topics tl ON tl.activity_id = a.id LEFT JOIN topics tp ON tp.id = tl.topic_id`
	)
	code := func(alias string) string { return "COALESCE(" + alias + ".code, 'null')" }
	tests := []struct {
		name    string
		groupBy string
		keys    string   // the buckets' key selection
		fields  []string // key fields of a bucket, in the order of the SQL key
		sqlKey  string   // the key in SQL: codes joined by '/'
		joins   string
	}{
		{"per beneficiary country", "COUNTRY", "country { code }", []string{"country"}, code("bc"), beneficiaries},
		{"per topic", "TOPIC", "topic { code }", []string{"topic"}, code("tp"), topicsJoin},
		{"per provider and beneficiary", "PROVIDER_COUNTRY, COUNTRY", "providerCountry { code } country { code }",
			[]string{"providerCountry", "country"}, code("pc") + " || '/' || " + code("bc"), providers + beneficiaries},
		{"per region", "REGION", "region { code }", []string{"region"}, code("r"), beneficiaries + regionsJoin},
		{"per country and region", "COUNTRY, REGION", "country { code } region { code }",
			[]string{"country", "region"}, code("bc") + " || '/' || " + code("r"), beneficiaries + regionsJoin},
		{"per country and topic", "COUNTRY, TOPIC", "country { code } topic { code }",
			[]string{"country", "topic"}, code("bc") + " || '/' || " + code("tp"), beneficiaries + topicsJoin},
		{"per region and topic", "REGION, TOPIC", "region { code } topic { code }",
			[]string{"region", "topic"}, code("r") + " || '/' || " + code("tp"), beneficiaries + regionsJoin + topicsJoin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Each activity once per key, whatever the joins repeat.
			rows, err := a.DB.SQL.Query(`SELECT k, COUNT(*), CAST(COALESCE(SUM(participants), 0) AS BIGINT)
				FROM (SELECT DISTINCT ` + tt.sqlKey + ` AS k, a.id, a.participants FROM activities a` + tt.joins + `) t
				GROUP BY k`)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]*measures{}
			for rows.Next() {
				var (
					k    string
					m    measures
					sumP int
				)
				if err := rows.Scan(&k, &m.count, &sumP); err != nil {
					t.Fatal(err)
				}
				m.participants = sumP
				want[k] = &m
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			rows.Close()
			buckets := a.Query(t, fmt.Sprintf(`{ s: activityStats(groupBy: [%s], first: 1000) { buckets { %s count participants } } }`,
				tt.groupBy, tt.keys), nil).List("s.buckets")
			if len(buckets) != len(want) || len(buckets) < 2 || len(buckets) == 1000 {
				t.Fatalf("%d buckets, SQL finds %d", len(buckets), len(want))
			}
			for _, raw := range buckets {
				b := raw.(map[string]any)
				var parts []string
				for _, f := range tt.fields {
					c := "null"
					if n, ok := b[f].(map[string]any); ok {
						c = n["code"].(string)
					}
					parts = append(parts, c)
				}
				k := strings.Join(parts, "/")
				w := want[k]
				if w == nil {
					t.Errorf("bucket %s: SQL has no such group", k)
					continue
				}
				if int(b["count"].(float64)) != w.count || int(b["participants"].(float64)) != w.participants {
					t.Errorf("bucket %s: count %v, participants %v; SQL: %d, %d", k, b["count"], b["participants"], w.count, w.participants)
				}
			}
		})
	}
}
