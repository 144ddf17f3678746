package reference_test

import (
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/dataset/reference"
	"sscgraph/internal/importer"
	"sscgraph/internal/search"
)

// leftOut are the record's rows the dataset does not ship, and why (the
// dataset doc lists the same).
var leftOut = map[string]string{
	"TRI-05": "no title: only the lower half of the IP-TAD record was read, and the record says not to use it as a dated activity",
	"TRI-12": "partial record: dates and venue were cut off, and the record says to use it only after checking the full record",
}

// kinds maps the record's Kind words to the API's ActivityKind.
var kinds = map[string]string{"SSC": "SOUTH_SOUTH", "TRI": "TRIANGULAR", "TA": "TECHNICAL_ASSISTANCE", "OTHER": "OTHER"}

// dateCells are the cells whose date is not at their start, as the record
// writes them; every other cell either starts with the date, at its
// precision (YYYY-MM-DD, YYYY-MM or YYYY), or gives none.
var dateCells = map[string]wantDate{
	"TRI-08 start": {"2022-04-01", "MONTH"}, // "Japanese FY2022 (Apr 2022)"
	"TRI-08 end":   {"2023-03-01", "MONTH"}, // "Japanese FY2022 (Mar 2023)"
}

type wantDate struct{ date, precision string }

var leadingDate = regexp.MustCompile(`^([0-9]{4})(?:-([0-9]{2}))?(?:-([0-9]{2}))?\b`)

// expectedDate is what the API should answer for a date cell: the
// period's first day and its precision, or nothing ("" date).
func expectedDate(id, which, cell string) wantDate {
	if w, ok := dateCells[id+" "+which]; ok {
		return w
	}
	m := leadingDate.FindStringSubmatch(cell)
	switch {
	case m == nil:
		return wantDate{}
	case m[3] != "":
		return wantDate{m[1] + "-" + m[2] + "-" + m[3], "DAY"}
	case m[2] != "":
		return wantDate{m[1] + "-" + m[2] + "-01", "MONTH"}
	default:
		return wantDate{m[1] + "-01-01", "YEAR"}
	}
}

// countries resolves the record's country names to codes: the API's
// names, official names, and the record's own spellings where they
// differ.
type countries struct {
	byName map[string]string   // folded name -> code
	names  map[string][]string // code -> folded names
}

var spellings = map[string]string{"Republic of Korea": "KR", "Viet Nam": "VN", "Palestine": "PS", "United Republic of Tanzania": "TZ"}

func fold(s string) string { return strings.Join(strings.Fields(search.Fold(s)), " ") }

func loadCountries(t *testing.T, a *apitest.API) *countries {
	c := &countries{byName: map[string]string{}, names: map[string][]string{}}
	rows, err := a.DB.SQL.Query(`SELECT code, name, COALESCE(official_name, '') FROM countries`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	add := func(code, name string) {
		if name == "" {
			return
		}
		c.byName[fold(name)] = code
		c.names[code] = append(c.names[code], fold(name))
	}
	for rows.Next() {
		var code, name, official string
		if err := rows.Scan(&code, &name, &official); err != nil {
			t.Fatal(err)
		}
		add(code, name)
		add(code, official)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for name, code := range spellings {
		add(code, name)
	}
	return c
}

var (
	parenthetical = regexp.MustCompile(`\s*\([^)]*\)`)
	trailingCount = regexp.MustCompile(`\s+[0-9]+$`)
	unstated      = regexp.MustCompile(`(?i)implied|inferred|likely|not seen|not applicable|^n/a$`)
)

// plainList reads a cell that is nothing but country names (parenthetical
// remarks and per-country counts aside): their codes, or ok=false.
func (c *countries) plainList(cell string) (codes []string, ok bool) {
	cell = parenthetical.ReplaceAllString(cell, "")
	for _, item := range regexp.MustCompile(`[,;]`).Split(cell, -1) {
		item = trailingCount.ReplaceAllString(strings.TrimSpace(item), "")
		code, found := c.byName[fold(item)]
		if !found {
			return nil, false
		}
		codes = append(codes, code)
	}
	slices.Sort(codes)
	return slices.Compact(codes), len(codes) > 0
}

// mentions reports whether the cell names the country.
func (c *countries) mentions(cell, code string) bool {
	f := fold(cell)
	for _, n := range c.names[code] {
		if strings.Contains(f, n) {
			return true
		}
	}
	return false
}

// stated is the cell's value when the record states it as a fact: the
// cell without its parenthetical remarks, or "" when the cell (remarks
// included) says the value was not seen or only implied.
func stated(cell string) string {
	if unstated.MatchString(cell) || strings.Contains(cell, "virtual") {
		return ""
	}
	return strings.TrimSpace(parenthetical.ReplaceAllString(cell, ""))
}

const realActivitiesQuery = `query($after: Cursor) {
  activities(where: {demo: false}, first: 20, after: $after, orderBy: {field: TITLE, direction: ASC}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      ref title kind status demo quote sources note
      startDate startDatePrecision endDate endDatePrecision
      venueCity venueCountry { code }
      participants participantsApproximate
      project { code demo }
      beneficiaryCountries(first: 40) { totalCount edges { node { code } } }
      organizers(first: 20) { totalCount edges { node { name demo sources } } }
    } }
  }
}`

// realActivities reads every real activity through the API, by ref.
func realActivities(t *testing.T, a *apitest.API) (map[string]map[string]any, int) {
	got := map[string]map[string]any{}
	total := -1
	var after any
	for page := 0; page < 20; page++ {
		r := a.Query(t, realActivitiesQuery, map[string]any{"after": after})
		total = r.Num("activities.totalCount")
		for _, e := range r.List("activities.edges") {
			n := e.(map[string]any)["node"].(map[string]any)
			ref, _ := n["ref"].(string)
			if _, dup := got[ref]; dup || ref == "" {
				t.Fatalf("real activity with ref %q listed twice or without a ref", ref)
			}
			got[ref] = n
		}
		if r.Get("activities.pageInfo.hasNextPage") != true {
			return got, total
		}
		after = r.Str("activities.pageInfo.endCursor")
	}
	t.Fatal("more than 20 pages of real activities")
	return nil, 0
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func codes(conn any) []string {
	var out []string
	for _, e := range conn.(map[string]any)["edges"].([]any) {
		out = append(out, e.(map[string]any)["node"].(map[string]any)["code"].(string))
	}
	sort.Strings(out)
	return out
}

// day is the date part of an API Time, "" for null.
func day(v any) string {
	s, _ := v.(string)
	d, _, _ := strings.Cut(s, "T")
	return d
}

// TestRealActivitiesRoundTrip: every activity of the reference record the
// dataset ships is answered by the API as the record gives it (title,
// kind, dates at their precision, venue, beneficiary countries, project,
// participants, quote and sources), real and sourced, on both databases.
func TestRealActivitiesRoundTrip(t *testing.T) {
	t.Parallel()
	rec, err := reference.Read()
	if err != nil {
		t.Fatal(err)
	}
	apitest.ForEachBackend(t, func(t *testing.T, a *apitest.API) {
		got, total := realActivities(t, a)
		cs := loadCountries(t, a)
		if want := len(rec.Activities) - len(leftOut); total != want || len(got) != want {
			t.Errorf("activities(where: {demo: false}) counts %d and lists %d, want the record's %d rows less the %d left out (%d)",
				total, len(got), len(rec.Activities), len(leftOut), want)
		}
		for _, row := range rec.Activities {
			t.Run(row.ID, func(t *testing.T) {
				n, shipped := got[row.ID]
				if why, out := leftOut[row.ID]; out {
					if shipped {
						t.Errorf("%s is shipped, but the dataset leaves it out (%s)", row.ID, why)
					}
					return
				}
				if !shipped {
					t.Fatalf("%s is not among the real activities", row.ID)
				}
				checkActivity(t, rec, row, n, cs)
			})
		}
	})
}

func checkActivity(t *testing.T, rec *reference.Record, row reference.Activity, n map[string]any, cs *countries) {
	if n["title"] != row.Title {
		t.Errorf("title %q, the record says %q", n["title"], row.Title)
	}
	if want := kinds[row.KindWord()]; n["kind"] != want {
		t.Errorf("kind %v, the record's %q is %s", n["kind"], row.Kind, want)
	}
	if n["demo"] != false {
		t.Errorf("demo is %v", n["demo"])
	}
	if n["quote"] != row.Quote {
		t.Errorf("quote %q, the record's is %q", n["quote"], row.Quote)
	}

	// Dates, at the precision the record gives.
	start := expectedDate(row.ID, "start", row.Start)
	end := start
	if row.End != "same" {
		end = expectedDate(row.ID, "end", row.End)
	}
	for _, d := range []struct {
		which, field string
		want         wantDate
	}{{"start", "startDate", start}, {"end", "endDate", end}} {
		if got := day(n[d.field]); got != d.want.date {
			t.Errorf("%s %q, the record's cell %q gives %q", d.field, got, map[string]string{"start": row.Start, "end": row.End}[d.which], d.want.date)
		}
		if d.want.date != "" && n[d.field+"Precision"] != d.want.precision {
			t.Errorf("%sPrecision %v, want %s", d.field, n[d.field+"Precision"], d.want.precision)
		}
	}

	// Venue: the country and city the record states, nothing it only implies.
	var venue string
	if vc, ok := n["venueCountry"].(map[string]any); ok {
		venue = vc["code"].(string)
	}
	switch want := stated(row.VenueCountry); {
	case want == "" || strings.Contains(want, ";"):
		if venue != "" {
			t.Errorf("venue country %s, but the record states none (%q)", venue, row.VenueCountry)
		}
	case cs.byName[fold(want)] != venue:
		t.Errorf("venue country %q, the record says %q", venue, row.VenueCountry)
	}
	city, _ := n["venueCity"].(string)
	switch want := stated(row.VenueCity); {
	case want == "" || want == "online":
		if city != "" {
			t.Errorf("venue city %q, but the record states none (%q)", city, row.VenueCity)
		}
	case strings.ContainsAny(want, ";,") || strings.Contains(want, " and "):
		// Several places: the dataset may keep them or leave the city out.
	case city != want:
		t.Errorf("venue city %q, the record says %q", city, row.VenueCity)
	}

	// Beneficiary countries: only those the record names, and exactly
	// those where its cell is a list of countries.
	ben := codes(n["beneficiaryCountries"])
	for _, c := range ben {
		if !cs.mentions(row.Beneficiaries, c) {
			t.Errorf("beneficiary %s is not named in the record's %q", c, row.Beneficiaries)
		}
	}
	// A parenthetical remark may name more participants ("Cameroon
	// (Morocco represented)"): then the list is a floor, not the set.
	if list, ok := cs.plainList(row.Beneficiaries); ok {
		floor := strings.Contains(row.Beneficiaries, "(")
		for _, c := range list {
			if !slices.Contains(ben, c) || (!floor && len(ben) != len(list)) {
				t.Errorf("beneficiaries %v, the record lists %v (%q)", ben, list, row.Beneficiaries)
				break
			}
		}
	}
	if regexp.MustCompile(`^(not seen|not applicable|n/a)`).MatchString(row.Beneficiaries) && len(ben) > 0 {
		t.Errorf("beneficiaries %v, the record names none (%q)", ben, row.Beneficiaries)
	}

	// Project: a real one, and the one the record names by code unless it
	// marks the link uncertain.
	p, _ := n["project"].(map[string]any)
	if p != nil && p["demo"] != false {
		t.Errorf("attached to demo project %v", p["code"])
	}
	if m := regexp.MustCompile(`^(DA_[0-9_]+[0-9])(\s|$)`).FindStringSubmatch(row.Project); m != nil {
		uncertain := strings.Contains(row.Project, "uncertain") || strings.Contains(row.Project, "methodology")
		switch {
		case uncertain && p != nil:
			t.Errorf("project %v, but the record marks the link %q", p["code"], row.Project)
		case !uncertain && (p == nil || p["code"] != m[1]):
			t.Errorf("project %v, the record names %s", p, m[1])
		}
	}
	if strings.HasPrefix(row.Project, "none") && p != nil {
		t.Errorf("project %v, the record says none", p["code"])
	}

	// Participants: a number only where the record gives one.
	part, hasPart := n["participants"].(float64)
	if m := regexp.MustCompile(`^(~?)([0-9]+)(?: \(total\))?$`).FindStringSubmatch(row.Participants); m != nil {
		want, _ := strconv.Atoi(m[2])
		if !hasPart || int(part) != want || n["participantsApproximate"] != (m[1] == "~") {
			t.Errorf("participants %v (approximate %v), the record says %q", n["participants"], n["participantsApproximate"], row.Participants)
		}
	}
	if stated(row.Participants) == "" && hasPart {
		t.Errorf("participants %v, the record gives none (%q)", part, row.Participants)
	}

	// Sources: each source the record cites is there, and nothing else.
	sources := strs(n["sources"])
	if len(sources) == 0 {
		t.Fatal("no sources")
	}
	cited := row.Cited()
	for _, s := range cited {
		line := rec.Sources[s]
		if !slices.ContainsFunc(sources, func(x string) bool { return gives(line, x) }) {
			t.Errorf("the record cites [%s] %q; the API's sources %q hold none of it", s, line, sources)
		}
	}
	for _, x := range sources {
		if !slices.ContainsFunc(cited, func(s string) bool { return gives(rec.Sources[s], x) }) {
			t.Errorf("source %q is not among those the record cites for %s (%v)", x, row.ID, cited)
		}
	}

	// Organizers are real organizations with their own sources.
	for _, e := range n["organizers"].(map[string]any)["edges"].([]any) {
		o := e.(map[string]any)["node"].(map[string]any)
		if o["demo"] != false || len(strs(o["sources"])) == 0 {
			t.Errorf("organizer %v: demo %v, sources %v", o["name"], o["demo"], o["sources"])
		}
	}
}

// gives reports whether a line of the record's Sources list gives the
// source entry x: the line holds it, or, where the line abbreviates a
// second address on the same site ("and .../page"), the line holds the
// entry's last path segment after ".../" and its site.
func gives(line, x string) bool {
	if strings.Contains(line, x) {
		return true
	}
	u, err := url.Parse(x)
	if err != nil || u.Host == "" {
		return false
	}
	last := path.Base(strings.TrimSuffix(u.Path, "/"))
	return len(last) > 20 && strings.Contains(line, ".../"+last) && strings.Contains(line, u.Host)
}

// TestRealDataStaysApart: no real project lists a demo activity and no
// demo activity claims a real project (checked in SQL, independently of
// the API), and the API's real projects answer no demo activity.
func TestRealDataStaysApart(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, func(t *testing.T, a *apitest.API) {
		if n := a.Count(t, `SELECT COUNT(*) FROM activities a JOIN projects p ON p.id = a.project_id WHERE a.demo <> p.demo`); n != 0 {
			t.Errorf("%d activities belong to a project whose demo flag differs from theirs", n)
		}
		if n := a.Count(t, `SELECT COUNT(*) FROM activities a JOIN activity_organizers l ON l.activity_id = a.id JOIN organizations o ON o.id = l.organization_id WHERE a.demo <> o.demo`); n != 0 {
			t.Errorf("%d organizer links join a real and a demo record", n)
		}
		r := a.Query(t, `{ projects(where: {demo: false}, first: 100) { totalCount edges { node { code
			demoActivities: activities(where: {demo: true}) { totalCount }
			realActivities: activities(where: {demo: false}) { totalCount } } } } }`, nil)
		withReal := 0
		for _, e := range r.List("projects.edges") {
			p := e.(map[string]any)["node"].(map[string]any)
			if c := p["demoActivities"].(map[string]any)["totalCount"].(float64); c != 0 {
				t.Errorf("real project %v has %v demo activities", p["code"], c)
			}
			if p["realActivities"].(map[string]any)["totalCount"].(float64) > 0 {
				withReal++
			}
		}
		if want := a.Count(t, `SELECT COUNT(DISTINCT project_id) FROM activities WHERE project_id IS NOT NULL AND demo = `+falseLiteral(a)); withReal != want || want == 0 {
			t.Errorf("%d real projects answer real activities, SQL counts %d", withReal, want)
		}
	})
}

func falseLiteral(a *apitest.API) string {
	if a.DB.Dialect == "postgres" {
		return "false"
	}
	return "0"
}

// TestSouthSouthCountriesAreSourced is the journalist's question: which
// countries took part in South-South activities, and where does each
// fact come from. Only real, sourced activities answer, per kind in the
// record's numbers; the South-South project's own figures come with
// their sources, both end years included.
func TestSouthSouthCountriesAreSourced(t *testing.T) {
	t.Parallel()
	rec, err := reference.Read()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, row := range rec.Activities {
		if _, out := leftOut[row.ID]; !out {
			want[kinds[row.KindWord()]]++
		}
	}
	apitest.ForEachBackend(t, func(t *testing.T, a *apitest.API) {
		for kind, n := range want {
			r := a.Query(t, fmt.Sprintf(`{ activities(where: {demo: false, kind: %s}, first: 50) { totalCount edges { node {
				demo sources beneficiaryCountries(first: 40) { edges { node { code } } } providerCountries(first: 10) { edges { node { code } } } } } } }`, kind), nil)
			if got := r.Num("activities.totalCount"); got != n {
				t.Errorf("%s: %d real activities, the record has %d (less those left out)", kind, got, n)
			}
			for _, e := range r.List("activities.edges") {
				node := e.(map[string]any)["node"].(map[string]any)
				if node["demo"] != false || len(strs(node["sources"])) == 0 {
					t.Errorf("%s activity answered with demo %v and sources %v", kind, node["demo"], node["sources"])
				}
			}
		}
		r := a.Query(t, `{ projects(where: {code: "SSCG_SOUTH_SOUTH_COOPERATION"}) { edges { node { demo facts { statement figure period sources } } } } }`, nil)
		facts := r.List("projects.edges.0.node.facts")
		periods := map[string]bool{}
		for _, f := range facts {
			f := f.(map[string]any)
			if len(strs(f["sources"])) == 0 || f["statement"] == "" {
				t.Errorf("fact without statement or source: %v", f)
			}
			if p, ok := f["period"].(string); ok {
				periods[p] = true
			}
			if f["figure"] == 83.0 && f["period"] != "2014-2015" {
				t.Errorf("the 83 South-South and triangular activities cover %v, the record says 2014-2015", f["period"])
			}
		}
		for _, p := range []string{"2014-2015", "2012-2013", "2012-2015"} {
			if !periods[p] {
				t.Errorf("no fact of the South-South project covers %s (facts: %v)", p, facts)
			}
		}
	})
}

// TestReimportChangesNothing: the shipped sheets, imported again with
// `sscgraph import` into the database they were loaded into, leave every
// record unchanged and write nothing to the audit trail.
func TestReimportChangesNothing(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, func(t *testing.T, a *apitest.API) {
		audits := a.Count(t, `SELECT COUNT(*) FROM audit_events`)
		for _, kind := range []string{"organizations", "activities"} {
			res, err := importer.Run(t.Context(), a.DB.Client, importer.Options{Kind: kind, Path: filepath.Join("..", "data", "real", kind+".csv")})
			if err != nil {
				t.Fatalf("%s: %v", kind, err)
			}
			if len(res.Problems) > 0 || res.Rows == 0 || res.Unchanged != res.Rows || res.Created+res.Updated != 0 {
				t.Errorf("%s again: %d rows, %d created, %d updated, %d unchanged, problems %v; want every row unchanged",
					kind, res.Rows, res.Created, res.Updated, res.Unchanged, res.Problems)
			}
		}
		if n := a.Count(t, `SELECT COUNT(*) FROM audit_events`); n != audits {
			t.Errorf("the audit trail grew from %d to %d rows", audits, n)
		}
	})
}
