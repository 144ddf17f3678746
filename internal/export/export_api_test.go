package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
	"sscgraph/internal/server"
)

// codesByOwner runs SQL answering (owner id, code) pairs and returns each
// owner's codes joined as the export joins them.
func codesByOwner(t testing.TB, a *apitest.API, query string) map[string]string {
	t.Helper()
	rows, err := a.DB.SQL.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	lists := map[string][]string{}
	for rows.Next() {
		var id, code string
		if err := rows.Scan(&id, &code); err != nil {
			t.Fatal(err)
		}
		lists[id] = append(lists[id], code)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for id, l := range lists {
		sort.Strings(l)
		out[id] = strings.Join(l, ";")
	}
	return out
}

var activityColumns = []string{"id", "demo", "title", "kind", "type", "status", "startDate", "endDate", "venueCity",
	"venueCountryCode", "language", "participants", "budget", "projectCode", "beneficiaryCountryCodes",
	"providerCountryCodes", "topicCodes", "startDatePrecision", "endDatePrecision",
	"participantsApproximate", "requesterName", "organizerNames", "sources", "note", "quote"}

// csvDateLayouts are the forms of a CSV date by its precision: what
// sscgraph import reads back.
var csvDateLayouts = map[string]string{"DAY": time.DateOnly, "MONTH": "2006-01", "YEAR": "2006"}

// startOf is a JSON row's startDate, "" when null: rows whose start is
// not known have no place in a comparison of dates.
func startOf(row map[string]any) string {
	s, _ := row["startDate"].(string)
	return s
}

// TestExportActivities checks the CSV export of activities against SQL:
// every row, in the default order (by ID), with its flattened codes, and
// the headers of a download.
func TestExportActivities(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testExportActivities)
}

func testExportActivities(t *testing.T, a *apitest.API) {
	e := a.Export(t, "/export/activities.csv", nil, "")
	header, rows := apitest.CSVRows(t, e)
	if strings.Join(header, ",") != strings.Join(activityColumns, ",") {
		t.Errorf("columns %v, want %v", header, activityColumns)
	}
	for k, want := range map[string]string{
		"Content-Type":           "text/csv; charset=utf-8",
		"Content-Disposition":    `attachment; filename="activities.csv"`,
		"X-Content-Type-Options": "nosniff",
	} {
		if got := e.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if e.Header.Get("X-Request-ID") == "" || e.Header.Get("X-Ratelimit-Used") == "" {
		t.Errorf("no request ID or rate-limit headers: %v", e.Header)
	}

	ids := a.Column(t, `SELECT id FROM activities ORDER BY id`)
	titles := a.Column(t, `SELECT title FROM activities ORDER BY id`)
	kinds := a.Column(t, `SELECT kind FROM activities ORDER BY id`)
	if len(rows) != len(ids) || len(rows) < 100 {
		t.Fatalf("%d rows, the database has %d activities", len(rows), len(ids))
	}
	bens := codesByOwner(t, a, `SELECT j.activity_id, c.code FROM activity_beneficiary_countries j JOIN countries c ON c.id = j.country_id`)
	provs := codesByOwner(t, a, `SELECT j.activity_id, c.code FROM activity_provider_countries j JOIN countries c ON c.id = j.country_id`)
	topics := codesByOwner(t, a, `SELECT j.activity_id, t.code FROM activity_topics j JOIN topics t ON t.id = j.topic_id`)
	projects := codesByOwner(t, a, `SELECT a.id, p.code FROM activities a JOIN projects p ON p.id = a.project_id`)
	withProviders, withProject := 0, 0
	for i, row := range rows {
		id := ids[i]
		if row["title"] != titles[i] || row["kind"] != kinds[i] {
			t.Fatalf("row %d: %q %s, want %q %s", i, row["title"], row["kind"], titles[i], kinds[i])
		}
		if row["beneficiaryCountryCodes"] != bens[id] || row["providerCountryCodes"] != provs[id] ||
			row["topicCodes"] != topics[id] || row["projectCode"] != projects[id] {
			t.Fatalf("row %d (activity %s): codes %q %q %q %q, want %q %q %q %q", i, id,
				row["beneficiaryCountryCodes"], row["providerCountryCodes"], row["topicCodes"], row["projectCode"],
				bens[id], provs[id], topics[id], projects[id])
		}
		if !strings.HasPrefix(row["id"], "Activity_") {
			t.Fatalf("row %d: id %q is not a global ID", i, row["id"])
		}
		for _, c := range []string{"startDate", "endDate"} {
			layout, ok := csvDateLayouts[row[c+"Precision"]]
			if _, err := time.Parse(layout, row[c]); !ok || err != nil && row[c] != "" {
				t.Fatalf("row %d: %s %q is not a date of precision %q", i, c, row[c], row[c+"Precision"])
			}
		}
		if row["demo"] != "true" && row["demo"] != "false" {
			t.Fatalf("row %d: demo %q", i, row["demo"])
		}
		if provs[id] != "" {
			withProviders++
		}
		if projects[id] != "" {
			withProject++
		}
	}
	if withProviders == 0 || withProject == 0 {
		t.Errorf("the data has no provider countries (%d) or projects (%d): the test proves nothing", withProviders, withProject)
	}
}

// TestExportFormatsAgree checks that the JSON and NDJSON exports hold the
// rows of the CSV, with JSON types.
func TestExportFormatsAgree(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testExportFormatsAgree)
}

func testExportFormatsAgree(t *testing.T, a *apitest.API) {
	for _, typ := range []string{"activities", "projects", "countries", "consultants", "organizations", "matchOffers", "matchNeeds", "matches", "regions", "topics", "recommendations"} {
		_, rows := apitest.CSVRows(t, a.Export(t, "/export/"+typ+".csv", nil, ""))
		j := a.Export(t, "/export/"+typ+".json", nil, "")
		if ct := j.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s.json: Content-Type %q", typ, ct)
		}
		asJSON := apitest.JSONRows(t, j)
		nd := a.Export(t, "/export/"+typ+".ndjson", nil, "")
		if ct := nd.Header.Get("Content-Type"); ct != "application/x-ndjson" {
			t.Errorf("%s.ndjson: Content-Type %q", typ, ct)
		}
		lines := apitest.NDJSONRows(t, nd)
		var sqlTable = map[string]string{"matchOffers": "match_offers", "matchNeeds": "match_needs"}[typ]
		if sqlTable == "" {
			sqlTable = typ
		}
		n := a.Count(t, `SELECT count(*) FROM `+sqlTable)
		if len(rows) != n || len(asJSON) != n || len(lines) != n || n == 0 {
			t.Fatalf("%s: %d CSV rows, %d JSON, %d NDJSON; the database has %d", typ, len(rows), len(asJSON), len(lines), n)
		}
		for i := range rows {
			if asJSON[i]["id"] != rows[i]["id"] || lines[i]["id"] != rows[i]["id"] {
				t.Fatalf("%s row %d: ids %v %v %v", typ, i, rows[i]["id"], asJSON[i]["id"], lines[i]["id"])
			}
		}
		if typ == "activities" {
			if _, ok := asJSON[0]["participants"].(float64); !ok {
				t.Errorf("participants is %T in JSON, want a number", asJSON[0]["participants"])
			}
			if _, ok := lines[0]["demo"].(bool); !ok {
				t.Errorf("demo is %T in NDJSON, want a boolean", lines[0]["demo"])
			}
			codes, ok := asJSON[0]["beneficiaryCountryCodes"].([]any)
			if !ok || strings.Join(anyStrings(codes), ";") != rows[0]["beneficiaryCountryCodes"] {
				t.Errorf("beneficiaryCountryCodes in JSON %v, in CSV %q", asJSON[0]["beneficiaryCountryCodes"], rows[0]["beneficiaryCountryCodes"])
			}
		}
	}
	// Flattened edges of the other types, against SQL.
	_, projects := apitest.CSVRows(t, a.Export(t, "/export/projects.csv", nil, ""))
	recs := codesByOwner(t, a, `SELECT j.project_id, r.number FROM project_recommendations j JOIN recommendations r ON r.id = j.recommendation_id`)
	pids := a.Column(t, `SELECT id FROM projects ORDER BY id`)
	for i, row := range projects {
		want := strings.Split(recs[pids[i]], ";")
		sort.Slice(want, func(x, y int) bool {
			return len(want[x]) < len(want[y]) || len(want[x]) == len(want[y]) && want[x] < want[y]
		})
		if row["recommendationNumbers"] != strings.Join(want, ";") {
			t.Fatalf("project %s: recommendations %q, want %q", row["code"], row["recommendationNumbers"], strings.Join(want, ";"))
		}
	}
	_, offers := apitest.CSVRows(t, a.Export(t, "/export/matchOffers.csv", nil, ""))
	providers := a.Column(t, `SELECT o.name FROM match_offers m JOIN organizations o ON o.id = m.provider_id ORDER BY m.id`)
	targets := codesByOwner(t, a, `SELECT j.match_offer_id, c.code FROM match_offer_target_countries j JOIN countries c ON c.id = j.country_id`)
	oids := a.Column(t, `SELECT id FROM match_offers ORDER BY id`)
	for i, row := range offers {
		if row["providerName"] != providers[i] || row["targetCountryCodes"] != targets[oids[i]] {
			t.Fatalf("offer %d: provider %q targets %q, want %q %q", i, row["providerName"], row["targetCountryCodes"], providers[i], targets[oids[i]])
		}
	}
	_, needs := apitest.CSVRows(t, a.Export(t, "/export/matchNeeds.csv", nil, ""))
	seekers := a.Column(t, `SELECT o.name FROM match_needs m JOIN organizations o ON o.id = m.seeker_id ORDER BY m.id`)
	needCountries := a.Column(t, `SELECT c.code FROM match_needs m JOIN countries c ON c.id = m.country_id ORDER BY m.id`)
	for i, row := range needs {
		if row["seekerName"] != seekers[i] || row["countryCode"] != needCountries[i] {
			t.Fatalf("need %d: %q %q, want %q %q", i, row["seekerName"], row["countryCode"], seekers[i], needCountries[i])
		}
	}
}

func anyStrings(l []any) []string {
	out := make([]string, len(l))
	for i, v := range l {
		out[i], _ = v.(string)
	}
	return out
}

// TestExportFilters checks that where narrows and orderBy orders, with the
// GraphQL arguments' JSON and opaque IDs.
func TestExportFilters(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testExportFilters)
}

func testExportFilters(t *testing.T, a *apitest.API) {
	rows := apitest.NDJSONRows(t, a.Export(t, "/export/activities.ndjson", url.Values{
		"where":   {`{"kind":"SOUTH_SOUTH"}`},
		"orderBy": {`[{"field":"START_DATE","direction":"DESC"}]`},
	}, ""))
	if want := a.Count(t, `SELECT count(*) FROM activities WHERE kind = 'SOUTH_SOUTH'`); len(rows) != want || want == 0 {
		t.Fatalf("%d SOUTH_SOUTH rows, the database has %d", len(rows), want)
	}
	for i, row := range rows {
		if row["kind"] != "SOUTH_SOUTH" {
			t.Fatalf("row %d is %v", i, row["kind"])
		}
		if i > 0 && startOf(rows[i-1]) != "" && startOf(row) > startOf(rows[i-1]) {
			t.Fatalf("row %d starts %v after row %d's %v: not in descending order", i, row["startDate"], i-1, rows[i-1]["startDate"])
		}
	}

	// An opaque ID in the filter: one project's activities.
	r := a.Query(t, `{ projects(first: 1, where: {hasActivities: true}, orderBy: [{field: CODE, direction: ASC}]) { edges { node { id code } } } }`, nil)
	code := r.Str("projects.edges.0.node.code")
	where := fmt.Sprintf(`{"hasProjectWith":[{"id":%q}]}`, r.Str("projects.edges.0.node.id"))
	_, byProject := apitest.CSVRows(t, a.Export(t, "/export/activities.csv", url.Values{"where": {where}}, ""))
	want := a.Count(t, `SELECT count(*) FROM activities a JOIN projects p ON p.id = a.project_id WHERE p.code = '`+code+`'`)
	if len(byProject) != want || want == 0 {
		t.Fatalf("%d activities of project %s, the database has %d", len(byProject), code, want)
	}
	for _, row := range byProject {
		if row["projectCode"] != code {
			t.Fatalf("activity of project %q in the export of %s", row["projectCode"], code)
		}
	}

	// Countries of one region, ordered by name.
	_, countries := apitest.CSVRows(t, a.Export(t, "/export/countries.csv", url.Values{
		"where":   {`{"hasRegionWith":[{"code":"AFRICA"}]}`},
		"orderBy": {`{"field":"NAME","direction":"ASC"}`},
	}, ""))
	names := a.Column(t, `SELECT c.name FROM countries c JOIN regions r ON r.id = c.region_id WHERE r.code = 'AFRICA' ORDER BY c.name`)
	if len(countries) != len(names) || len(names) == 0 {
		t.Fatalf("%d African countries, the database has %d", len(countries), len(names))
	}
	got := make([]string, len(countries))
	for i, c := range countries {
		got[i] = c["name"]
	}
	if !sort.StringsAreSorted(got) {
		t.Errorf("countries not ordered by name: %v", got)
	}
}

// TestExportPaging exports more than one page: with a cost limit of 4,000
// a page of activities (21 points a row: the node and four nested edges of
// 5) holds 142 rows, so the demo's 400 activities take three pages, which must come whole and in order.
func TestExportPaging(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			cfg := server.DefaultConfig()
			cfg.Limits.MaxCost = 4000
			a := apitest.NewWith(t, b.Fresh(t), cfg)
			rows := apitest.NDJSONRows(t, a.Export(t, "/export/activities.ndjson", nil, ""))
			titles := a.Column(t, `SELECT title FROM activities ORDER BY id`)
			if len(rows) != len(titles) || len(titles) <= 142 {
				t.Fatalf("%d rows in several pages, the database has %d", len(rows), len(titles))
			}
			seen := map[string]bool{}
			for i, row := range rows {
				id, _ := row["id"].(string)
				if seen[id] {
					t.Fatalf("row %d: %s twice", i, id)
				}
				seen[id] = true
				if row["title"] != titles[i] {
					t.Fatalf("row %d: %q, want %q (out of order or missing)", i, row["title"], titles[i])
				}
			}
			// The descending order across pages too.
			desc := apitest.JSONRows(t, a.Export(t, "/export/activities.json", url.Values{"orderBy": {`[{"field":"START_DATE","direction":"DESC"}]`}}, ""))
			if len(desc) != len(titles) {
				t.Fatalf("%d rows ordered by start date, want %d", len(desc), len(titles))
			}
			for i := 1; i < len(desc); i++ {
				if startOf(desc[i-1]) != "" && startOf(desc[i]) > startOf(desc[i-1]) {
					t.Fatalf("row %d out of order across pages", i)
				}
			}
		})
	}
}

// TestExportPrivateEmail checks that consultants' e-mail addresses are
// exported to ADMIN and EDITOR keys only.
func TestExportPrivateEmail(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testExportPrivateEmail)
}

func testExportPrivateEmail(t *testing.T, a *apitest.API) {
	ctx := context.Background()
	var orgID int
	fmt.Sscan(a.Column(t, `SELECT id FROM organizations ORDER BY id LIMIT 1`)[0], &orgID)
	emails := a.Column(t, `SELECT email FROM consultants WHERE email IS NOT NULL ORDER BY id`)
	if len(emails) == 0 {
		t.Fatal("no consultant has an e-mail address: the test proves nothing")
	}
	for _, role := range []string{"", auth.RoleMember, auth.RoleEditor, auth.RoleAdmin} {
		authz := ""
		if role != "" {
			opts := auth.CreateOptions{Role: role}
			if role == auth.RoleMember {
				opts.OrganizationID = orgID
			}
			_, key, err := auth.Create(ctx, a.DB.Client, opts)
			if err != nil {
				t.Fatal(err)
			}
			authz = "Bearer " + key
		}
		sees := role == auth.RoleEditor || role == auth.RoleAdmin
		for _, format := range []string{"csv", "json", "ndjson"} {
			e := a.Export(t, "/export/consultants."+format, nil, authz)
			if e.Status != http.StatusOK {
				t.Fatalf("%q %s: status %d: %s", role, format, e.Status, e.Body)
			}
			found := 0
			for _, m := range emails {
				if bytes.Contains(e.Body, []byte(m)) {
					found++
				}
			}
			switch {
			case sees && found != len(emails):
				t.Errorf("%s key, %s: %d of %d e-mail addresses exported", role, format, found, len(emails))
			case !sees && (found > 0 || bytes.Contains(e.Body, []byte(`"email"`)) || bytes.Contains(e.Body, []byte(",email"))):
				t.Errorf("key %q, %s: e-mail addresses exported (%d), or an email column", role, format, found)
			}
			if role != "" && e.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s key: Cache-Control %q, want no-store", role, e.Header.Get("Cache-Control"))
			}
		}
	}
	if e := a.Export(t, "/export/consultants.csv", nil, "Bearer sscg_madeup"); e.Status != http.StatusUnauthorized {
		t.Errorf("a made-up key: status %d, want 401", e.Status)
	}
}

// TestExportBadParameters checks that every mistake is answered with a
// 4xx, an error code and a message naming it, before any row.
func TestExportBadParameters(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testExportBadParameters)
}

func testExportBadParameters(t *testing.T, a *apitest.API) {
	country := a.Query(t, `{ countries(first: 1) { edges { node { id } } } }`, nil).Str("countries.edges.0.node.id")
	deep := `{"kind":"SOUTH_SOUTH"}`
	for range 9 {
		deep = `{"not":` + deep + `}`
	}
	cases := []struct {
		name, path string
		params     url.Values
		status     int
		code, says string
	}{
		{"where not JSON", "/export/activities.csv", url.Values{"where": {`{kind:`}}, 400, "BAD_USER_INPUT", `"where" is not JSON`},
		{"where not an object", "/export/activities.csv", url.Values{"where": {`[1]`}}, 400, "BAD_USER_INPUT", `"where"`},
		{"unknown field", "/export/activities.json", url.Values{"where": {`{"colour":"red"}`}}, 400, "BAD_USER_INPUT", "colour"},
		{"bad enum", "/export/activities.ndjson", url.Values{"where": {`{"kind":"NORTH_NORTH"}`}}, 400, "BAD_USER_INPUT", "NORTH_NORTH"},
		{"ID of another type", "/export/activities.csv", url.Values{"where": {fmt.Sprintf(`{"id":%q}`, country)}}, 400, "BAD_USER_INPUT", "Country"},
		{"forged ID", "/export/activities.csv", url.Values{"where": {`{"id":"Activity_AAAAAAAAAAAAAAAAAAAAAA"}`}}, 400, "BAD_USER_INPUT", "id"},
		{"time not RFC 3339", "/export/activities.csv", url.Values{"where": {`{"and":[{"startDateGTE":"yesterday"}]}`}}, 400, "BAD_USER_INPUT", "and.0.startDateGTE"},
		{"geojson time not RFC 3339", "/export/countries.geojson", url.Values{"where": {`{"endDateLT":"2020-13-01"}`}}, 400, "BAD_USER_INPUT", "endDateLT"},
		{"too deep", "/export/activities.csv", url.Values{"where": {deep}}, 400, "LIMIT_EXCEEDED", "filter"},
		{"orderBy unknown field", "/export/activities.csv", url.Values{"orderBy": {`[{"field":"COLOUR"}]`}}, 400, "BAD_USER_INPUT", "COLOUR"},
		{"orderBy not JSON", "/export/activities.csv", url.Values{"orderBy": {`START_DATE`}}, 400, "BAD_USER_INPUT", `"orderBy" is not JSON`},
		{"unknown parameter", "/export/activities.csv", url.Values{"wher": {`{}`}}, 400, "BAD_USER_INPUT", `"wher"`},
		{"parameter twice", "/export/activities.csv", url.Values{"where": {`{}`, `{}`}}, 400, "BAD_USER_INPUT", "2 times"},
		{"unknown type", "/export/widgets.csv", nil, 404, "BAD_USER_INPUT", "activities"},
		{"unknown format", "/export/activities.xlsx", nil, 404, "BAD_USER_INPUT", "xlsx"},
		{"no format", "/export/activities", nil, 404, "BAD_USER_INPUT", "/export/activities"},
		{"geojson where unknown field", "/export/countries.geojson", url.Values{"where": {`{"colour":"red"}`}}, 400, "BAD_USER_INPUT", "colour"},
		{"geojson unknown parameter", "/export/countries.geojson", url.Values{"orderBy": {`[]`}}, 400, "BAD_USER_INPUT", "orderBy"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := a.Export(t, c.path, c.params, "")
			var body struct {
				Errors []apitest.GQLError `json:"errors"`
			}
			if err := json.Unmarshal(e.Body, &body); err != nil || len(body.Errors) == 0 {
				t.Fatalf("status %d, not a JSON error: %v: %s", e.Status, err, e.Body)
			}
			got := body.Errors[0]
			if e.Status != c.status || got.Extensions["code"] != c.code || !strings.Contains(got.Message, c.says) {
				t.Errorf("status %d, code %v, message %q; want %d, %s, saying %q", e.Status, got.Extensions["code"], got.Message, c.status, c.code, c.says)
			}
			if ct := e.Header.Get("Content-Type"); ct != "application/json" || e.Header.Get("Content-Disposition") != "" {
				t.Errorf("Content-Type %q, Content-Disposition %q", ct, e.Header.Get("Content-Disposition"))
			}
		})
	}
	res, err := a.Srv.Client().Post(a.Srv.URL+"/export/activities.csv", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", res.StatusCode)
	}
}

// TestExportEndsVisibly checks that an export cut short mid-stream (here
// by the rate limit, after its first page) says so at its end, in every
// format.
func TestExportEndsVisibly(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			cfg := server.DefaultConfig()
			// A page of 142 activities costs 2,982 points: the first is
			// paid, the second is not.
			cfg.Limits.MaxCost = 4000
			cfg.Limits.PerHour = 4000
			a := apitest.NewWith(t, b.Fresh(t), cfg)
			ctx := context.Background()
			key := func() string {
				_, k, err := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
				if err != nil {
					t.Fatal(err)
				}
				return "Bearer " + k // a bucket of its own
			}

			_, rows := apitest.CSVRows(t, a.Export(t, "/export/activities.csv", nil, key()))
			last := rows[len(rows)-1]["id"]
			if len(rows) != 143 || !strings.HasPrefix(last, "EXPORT INCOMPLETE") || !strings.Contains(last, "RATE_LIMITED") {
				t.Errorf("CSV: %d rows, last %q", len(rows), last)
			}
			lines := apitest.NDJSONRows(t, a.Export(t, "/export/activities.ndjson", nil, key()))
			end, _ := lines[len(lines)-1]["error"].(map[string]any)
			if len(lines) != 143 || end == nil || end["extensions"].(map[string]any)["code"] != "RATE_LIMITED" {
				t.Errorf("NDJSON: %d lines, last %v", len(lines), lines[len(lines)-1])
			}
			arr := apitest.JSONRows(t, a.Export(t, "/export/activities.json", nil, key()))
			if len(arr) != 143 || arr[142]["error"] == nil {
				t.Errorf("JSON: %d entries, last %v", len(arr), arr[len(arr)-1])
			}
			// With the bucket empty, the next export is refused whole.
			k := key()
			a.Export(t, "/export/activities.csv", nil, k)
			e := a.Export(t, "/export/activities.csv", nil, k)
			if e.Status != http.StatusTooManyRequests || e.Header.Get("Retry-After") == "" || !bytes.Contains(e.Body, []byte("RATE_LIMITED")) {
				t.Errorf("an empty bucket: status %d, Retry-After %q: %s", e.Status, e.Header.Get("Retry-After"), e.Body)
			}
		})
	}
}

// TestExportGeoJSON checks the countries' FeatureCollection against SQL
// counts, whole and narrowed by an activity filter.
func TestExportGeoJSON(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testExportGeoJSON)
}

type featureCollection struct {
	Type     string `json:"type"`
	Features []struct {
		Type     string `json:"type"`
		Geometry struct {
			Type        string    `json:"type"`
			Coordinates []float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties struct {
			Code       string `json:"code"`
			ISO3       string `json:"iso3"`
			Name       string `json:"name"`
			Region     string `json:"region"`
			LDC        bool   `json:"ldc"`
			Activities int    `json:"activities"`
			Projects   int    `json:"projects"`
			Offers     int    `json:"offers"`
		} `json:"properties"`
	} `json:"features"`
}

func testExportGeoJSON(t *testing.T, a *apitest.API) {
	geo := func(params url.Values) featureCollection {
		e := a.Export(t, "/export/countries.geojson", params, "")
		if e.Status != http.StatusOK || e.Header.Get("Content-Type") != "application/geo+json" {
			t.Fatalf("status %d, Content-Type %q: %s", e.Status, e.Header.Get("Content-Type"), e.Body)
		}
		var fc featureCollection
		if err := json.Unmarshal(e.Body, &fc); err != nil {
			t.Fatal(err)
		}
		return fc
	}
	fc := geo(nil)
	if fc.Type != "FeatureCollection" || len(fc.Features) != a.Count(t, `SELECT count(*) FROM countries`) {
		t.Fatalf("%s of %d features", fc.Type, len(fc.Features))
	}
	perCountry := func(query string) map[string]string {
		out := map[string]string{}
		rows, err := a.DB.SQL.Query(query)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		defer rows.Close()
		for rows.Next() {
			var code, n string
			if err := rows.Scan(&code, &n); err != nil {
				t.Fatal(err)
			}
			out[code] = n
		}
		return out
	}
	acts := perCountry(`SELECT c.code, count(*) FROM activity_beneficiary_countries j JOIN countries c ON c.id = j.country_id GROUP BY c.code`)
	south := perCountry(`SELECT c.code, count(*) FROM activity_beneficiary_countries j JOIN countries c ON c.id = j.country_id JOIN activities a ON a.id = j.activity_id WHERE a.kind = 'SOUTH_SOUTH' GROUP BY c.code`)
	projs := perCountry(`SELECT c.code, count(*) FROM project_countries j JOIN countries c ON c.id = j.country_id GROUP BY c.code`)
	offers := perCountry(`SELECT c.code, count(*) FROM match_offer_target_countries j JOIN countries c ON c.id = j.country_id GROUP BY c.code`)
	regions := perCountry(`SELECT c.code, r.code FROM countries c JOIN regions r ON r.id = c.region_id`)
	num := func(m map[string]string, k string) string {
		if v, ok := m[k]; ok {
			return v
		}
		return "0"
	}
	nonzero := 0
	for _, f := range fc.Features {
		p := f.Properties
		if f.Type != "Feature" || f.Geometry.Type != "Point" || len(f.Geometry.Coordinates) != 2 {
			t.Fatalf("%s: %+v", p.Code, f)
		}
		if fmt.Sprint(p.Activities) != num(acts, p.Code) || fmt.Sprint(p.Projects) != num(projs, p.Code) ||
			fmt.Sprint(p.Offers) != num(offers, p.Code) || p.Region != regions[p.Code] || len(p.ISO3) != 3 {
			t.Fatalf("%s: %d activities, %d projects, %d offers, region %s; SQL says %s, %s, %s, %s",
				p.Code, p.Activities, p.Projects, p.Offers, p.Region, num(acts, p.Code), num(projs, p.Code), num(offers, p.Code), regions[p.Code])
		}
		if p.Activities > 0 {
			nonzero++
		}
	}
	if nonzero == 0 {
		t.Fatal("no country has activities: the test proves nothing")
	}
	eg := a.Column(t, `SELECT latitude FROM countries WHERE code = 'EG'`)[0]
	for _, f := range fc.Features {
		if f.Properties.Code == "EG" && fmt.Sprint(f.Geometry.Coordinates[1]) != strings.TrimRight(strings.TrimRight(eg, "0"), ".") {
			t.Errorf("EG latitude %v, SQL %s", f.Geometry.Coordinates[1], eg)
		}
	}

	narrowed := geo(url.Values{"where": {`{"kind":"SOUTH_SOUTH"}`}})
	for _, f := range narrowed.Features {
		if fmt.Sprint(f.Properties.Activities) != num(south, f.Properties.Code) {
			t.Fatalf("%s: %d SOUTH_SOUTH activities, SQL says %s", f.Properties.Code, f.Properties.Activities, num(south, f.Properties.Code))
		}
	}
	// An opaque ID in the filter: one project's activities.
	r := a.Query(t, `{ projects(first: 1, where: {hasActivities: true}) { edges { node { id code } } } }`, nil)
	byProject := geo(url.Values{"where": {fmt.Sprintf(`{"hasProjectWith":[{"id":%q}]}`, r.Str("projects.edges.0.node.id"))}})
	want := perCountry(`SELECT c.code, count(*) FROM activity_beneficiary_countries j JOIN countries c ON c.id = j.country_id JOIN activities a ON a.id = j.activity_id JOIN projects p ON p.id = a.project_id WHERE p.code = '` + r.Str("projects.edges.0.node.code") + `' GROUP BY c.code`)
	for _, f := range byProject.Features {
		if fmt.Sprint(f.Properties.Activities) != num(want, f.Properties.Code) {
			t.Fatalf("%s: %d activities of the project, SQL says %s", f.Properties.Code, f.Properties.Activities, num(want, f.Properties.Code))
		}
	}
}

// TestExportLongEdges checks that a flattened edge longer than the page
// fetched with its node (10) is exported whole: an activity benefiting 25
// countries lists all 25.
func TestExportLongEdges(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testExportLongEdges)
}

func testExportLongEdges(t *testing.T, a *apitest.API) {
	_, key, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	r := a.Query(t, `{ countries(first: 25, orderBy: [{field: CODE, direction: DESC}]) { edges { node { id code } } } }`, nil)
	var ids, codes []string
	for _, e := range r.List("countries.edges") {
		n := e.(map[string]any)["node"].(map[string]any)
		ids = append(ids, n["id"].(string))
		codes = append(codes, n["code"].(string))
	}
	sort.Strings(codes)
	_, res := a.Send(t, "Bearer "+key, `mutation($c: [ID!]) { createActivity(input: {title: "Twenty-five countries", kind: TECHNICAL_ASSISTANCE,
		type: STUDY, status: PLANNED, startDate: "2027-01-01T00:00:00Z", endDate: "2027-01-02T00:00:00Z", beneficiaryCountryIDs: $c}) { id } }`,
		map[string]any{"c": ids})
	if len(res.Errors) > 0 {
		t.Fatalf("createActivity: %+v", res.Errors)
	}
	id := res.Str("createActivity.id")
	rows := apitest.NDJSONRows(t, a.Export(t, "/export/activities.ndjson", url.Values{"where": {fmt.Sprintf(`{"id":%q}`, id)}}, ""))
	if len(rows) != 1 {
		t.Fatalf("%d rows for one ID", len(rows))
	}
	got := strings.Join(anyStrings(rows[0]["beneficiaryCountryCodes"].([]any)), ";")
	if got != strings.Join(codes, ";") {
		t.Errorf("beneficiaryCountryCodes %s, want %s", got, strings.Join(codes, ";"))
	}
}

// TestExportHead checks that HEAD answers an export's headers, after its
// first page has been checked, without a body.
func TestExportHead(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testExportHead)
}

func testExportHead(t *testing.T, a *apitest.API) {
	for path, want := range map[string]int{
		"/export/activities.csv":                        http.StatusOK,
		"/export/activities.csv?where=%7B%22kind%22%7D": http.StatusBadRequest,
	} {
		res, err := a.Srv.Client().Head(a.Srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("HEAD %s: status %d, want %d", path, res.StatusCode, want)
		}
		if want == http.StatusOK && res.Header.Get("Content-Disposition") != `attachment; filename="activities.csv"` {
			t.Errorf("HEAD %s: Content-Disposition %q", path, res.Header.Get("Content-Disposition"))
		}
	}
}

// TestExportGeoJSONFilterCoercion: the GeoJSON export reads its where
// filter through the API's own input coercion: search narrows the
// activities counted (it was ignored: the map showed every activity where
// the API counted none), and a list given as one object is taken as the
// API takes it, not answered with Go's type names.
func TestExportGeoJSONFilterCoercion(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testExportGeoJSONFilterCoercion)
}

func testExportGeoJSONFilterCoercion(t *testing.T, a *apitest.API) {
	activities := func(where string) (total int, byCountry map[string]int) {
		t.Helper()
		e := a.Export(t, "/export/countries.geojson", url.Values{"where": {where}}, "")
		if e.Status != http.StatusOK {
			t.Fatalf("where %s: got status %d (%s), want 200", where, e.Status, e.Body)
		}
		var fc featureCollection
		if err := json.Unmarshal(e.Body, &fc); err != nil {
			t.Fatal(err)
		}
		byCountry = map[string]int{}
		for _, f := range fc.Features {
			total += f.Properties.Activities
			byCountry[f.Properties.Code] = f.Properties.Activities
		}
		return total, byCountry
	}
	all, _ := activities(`{}`)
	if all == 0 {
		t.Fatal("no activity has a beneficiary country: the test proves nothing")
	}
	// A word no activity holds: the API counts none, so must the map.
	if n := a.Query(t, `{ activities(where: {search: "zzqxnotaword"}) { totalCount } }`, nil).Num("activities.totalCount"); n != 0 {
		t.Fatalf("the API counts %d activities for a word none holds", n)
	}
	if got, _ := activities(`{"search":"zzqxnotaword"}`); got != 0 {
		t.Errorf("search for a word no activity holds: got %d activities on the map, want 0 (of %d)", got, all)
	}
	// A word some activities hold: the map counts their links, as SQL does.
	title := a.Column(t, `SELECT title FROM activities a JOIN activity_beneficiary_countries j ON j.activity_id = a.id ORDER BY a.id LIMIT 1`)[0]
	word := strings.Fields(title)[0]
	r := a.Query(t, `query($w: ActivityWhereInput) { activities(where: $w, first: 1000) { totalCount edges { node { id } } } }`,
		map[string]any{"w": map[string]any{"search": word}})
	if r.Num("activities.totalCount") > 1000 {
		t.Fatalf("search %q finds more than a page of activities", word)
	}
	var keys []string
	for _, id := range r.IDs("activities") {
		keys = append(keys, fmt.Sprint(apitest.MustDecode(t, id)))
	}
	want := map[string]int{}
	for code, n := range perCountryCounts(t, a, `SELECT c.code, count(*) FROM activity_beneficiary_countries j JOIN countries c ON c.id = j.country_id WHERE j.activity_id IN (`+strings.Join(keys, ",")+`) GROUP BY c.code`) {
		want[code] = n
	}
	if len(want) == 0 {
		t.Fatalf("search %q finds no activity with a beneficiary country", word)
	}
	_, got := activities(fmt.Sprintf(`{"search":%q}`, word))
	for code, n := range want {
		if got[code] != n {
			t.Errorf("search %q, %s: got %d activities, want %d", word, code, got[code], n)
		}
	}
	// A list given as one object is coerced to a list of one, as in
	// /graphql.
	p := a.Query(t, `{ projects(first: 1, where: {hasActivities: true}) { edges { node { id } } } }`, nil).Str("projects.edges.0.node.id")
	asList, _ := activities(fmt.Sprintf(`{"hasProjectWith":[{"id":%q}]}`, p))
	asObject, _ := activities(fmt.Sprintf(`{"hasProjectWith":{"id":%q}}`, p))
	if asList == 0 || asObject != asList {
		t.Errorf("hasProjectWith as one object: got %d activities, want %d as with a list", asObject, asList)
	}
	// A malformed filter gets the API's message, not Go's type names.
	e := a.Export(t, "/export/countries.geojson", url.Values{"where": {`{"hasProjectWith":{"colour":"red"}}`}}, "")
	if e.Status != http.StatusBadRequest || !strings.Contains(string(e.Body), "colour") || strings.Contains(string(e.Body), "Go struct") {
		t.Errorf("malformed filter: got status %d, %.300s; want 400 with the API's message naming colour", e.Status, e.Body)
	}
}

// perCountryCounts runs a query of (country code, count) rows.
func perCountryCounts(t *testing.T, a *apitest.API, query string) map[string]int {
	t.Helper()
	rows, err := a.DB.SQL.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			t.Fatal(err)
		}
		out[code] = n
	}
	return out
}
