package export_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"sscgraph/internal/apitest"
)

// TestExportActivityNulls: the fields of issue 19 in every format. A NULL
// date or participants is an empty CSV cell and JSON null (never 0 or year
// 1); a date known to the month or year is YYYY-MM or YYYY in CSV (what
// sscgraph import reads back) and the whole date beside its precision in
// JSON; demo, sources, note, quote, the requester and the organizers are
// exported, and the new text goes through the CSV's formula neutralisation.
// Every row is also checked against SQL, independently of the API.
func TestExportActivityNulls(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testExportActivityNulls)
}

func testExportActivityNulls(t *testing.T, a *apitest.API) {
	admin := apitest.Caller{A: a, Key: strings.TrimPrefix(apitest.NewKey(t, a, "ADMIN"), "Bearer ")}
	orgs := a.Query(t, `{ organizations(first: 2, orderBy: [{field: NAME, direction: ASC}]) { edges { node { id name } } } }`, nil)
	org1, org2 := orgs.Str("organizations.edges.0.node.id"), orgs.Str("organizations.edges.1.node.id")
	name1, name2 := orgs.Str("organizations.edges.0.node.name"), orgs.Str("organizations.edges.1.node.name")
	if org1 == "" || org2 == "" {
		t.Fatalf("the data has fewer than two organizations: %+v", orgs)
	}
	create := func(input map[string]any) string {
		t.Helper()
		r := admin.Do(t, `mutation($in: CreateActivityInput!) { createActivity(input: $in) { id } }`, map[string]any{"in": input})
		if len(r.Errors) > 0 {
			t.Fatalf("createActivity: %+v", r.Errors)
		}
		return r.Str("createActivity.id")
	}
	// Unknown dates and participants; text a spreadsheet would run.
	undated := create(map[string]any{
		"title": "Meeting of unknown date", "kind": "OTHER", "type": "MEETING", "status": "UNKNOWN",
		"note": "=1+1 derived from the press release", "quote": "@SUM(1,2)",
		"sources":     []string{"-2+3 https://a.example/", "https://b.example/x"},
		"requesterID": org1, "organizerIDs": []string{org2, org1},
	})
	// Known to the month and to the year, about 60 participants.
	coarse := create(map[string]any{
		"title": "Workshop of March 2019", "kind": "SOUTH_SOUTH", "type": "WORKSHOP", "status": "COMPLETED",
		"startDate": "2019-03-01T00:00:00Z", "startDatePrecision": "MONTH",
		"endDate": "2020-01-01T00:00:00Z", "endDatePrecision": "YEAR",
		"participants": 60, "sources": []string{"https://c.example/"},
	})
	// participantsApproximate is not an input (the importer sets it).
	coarseKey := apitest.MustDecode(t, coarse)
	if _, err := a.DB.SQL.Exec(fmt.Sprintf(`UPDATE activities SET participants_approximate = true WHERE id = %d`, coarseKey)); err != nil {
		t.Fatal(err)
	}

	header, rows := apitest.CSVRows(t, a.Export(t, "/export/activities.csv", nil, ""))
	if got, want := strings.Join(header, ","), strings.Join(activityColumns, ","); got != want {
		t.Fatalf("columns %s, want %s", got, want)
	}
	u := rowWithID(t, rows, undated)
	for col, want := range map[string]string{
		"startDate": "", "endDate": "", "participants": "", "budget": "",
		"startDatePrecision": "DAY", "endDatePrecision": "DAY", "participantsApproximate": "false",
		"demo": "false", "kind": "OTHER", "type": "MEETING", "status": "UNKNOWN",
		"note": "'=1+1 derived from the press release", "quote": "'@SUM(1,2)",
		"sources":       "'-2+3 https://a.example/;https://b.example/x",
		"requesterName": name1, "organizerNames": strings.Join(sortedStrings(name1, name2), ";"),
	} {
		if u[col] != want {
			t.Errorf("CSV, undated activity: %s %q, want %q", col, u[col], want)
		}
	}
	c := rowWithID(t, rows, coarse)
	for col, want := range map[string]string{
		"startDate": "2019-03", "endDate": "2020", "participants": "60",
		"startDatePrecision": "MONTH", "endDatePrecision": "YEAR", "participantsApproximate": "true",
		"sources": "https://c.example/", "note": "", "quote": "", "requesterName": "", "organizerNames": "",
	} {
		if c[col] != want {
			t.Errorf("CSV, coarse activity: %s %q, want %q", col, c[col], want)
		}
	}

	// Every row against SQL: NULL is empty, a date is written to its
	// precision and reads back as the stored first day.
	type fact struct {
		id                   int
		start, end           *time.Time
		startPrec, endPrec   string
		participants         *int
		approximate, demo    bool
		note, quote, sources string
	}
	q, err := a.DB.SQL.Query(`SELECT id, start_date, end_date, start_date_precision, end_date_precision, participants,
		participants_approximate, demo, COALESCE(note, ''), COALESCE(quote, '') FROM activities ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var facts []fact
	for q.Next() {
		var f fact
		if err := q.Scan(&f.id, &f.start, &f.end, &f.startPrec, &f.endPrec, &f.participants, &f.approximate, &f.demo, &f.note, &f.quote); err != nil {
			t.Fatal(err)
		}
		facts = append(facts, f)
	}
	if err := q.Err(); err != nil {
		t.Fatal(err)
	}
	q.Close()
	if len(facts) != len(rows) {
		t.Fatalf("%d CSV rows, the database has %d activities", len(rows), len(facts))
	}
	nullDates, nullParticipants, coarseDates, demo := 0, 0, 0, 0
	for i, f := range facts {
		row := rows[i]
		if row["id"] != a.Codec.Encode(f.id) {
			t.Fatalf("row %d is %s, want activity %d", i, row["id"], f.id)
		}
		for _, d := range []struct {
			col, prec string
			at        *time.Time
		}{{"startDate", f.startPrec, f.start}, {"endDate", f.endPrec, f.end}} {
			cell := row[d.col]
			if row[d.col+"Precision"] != d.prec {
				t.Fatalf("activity %d: %sPrecision %q, the database has %q", f.id, d.col, row[d.col+"Precision"], d.prec)
			}
			if d.at == nil {
				nullDates++
				if cell != "" {
					t.Fatalf("activity %d: %s %q, the database has NULL", f.id, d.col, cell)
				}
				continue
			}
			layout := map[string]string{"DAY": time.DateOnly, "MONTH": "2006-01", "YEAR": "2006"}[d.prec]
			if d.prec != "DAY" {
				coarseDates++
			}
			back, err := time.Parse(layout, cell)
			if err != nil || !back.Equal(d.at.UTC()) {
				t.Fatalf("activity %d: %s %q (%s) does not read back as the stored %v: %v", f.id, d.col, cell, d.prec, d.at, err)
			}
		}
		wantParticipants := ""
		if f.participants != nil {
			wantParticipants = fmt.Sprint(*f.participants)
		} else {
			nullParticipants++
		}
		if row["participants"] != wantParticipants || row["participantsApproximate"] != fmt.Sprint(f.approximate) ||
			row["demo"] != fmt.Sprint(f.demo) {
			t.Fatalf("activity %d: participants %q approximate %q demo %q, the database has %q %v %v",
				f.id, row["participants"], row["participantsApproximate"], row["demo"], wantParticipants, f.approximate, f.demo)
		}
		if f.demo {
			demo++
		}
	}
	if nullDates < 2 || nullParticipants < 1 || coarseDates < 2 || demo == 0 || demo == len(facts) {
		t.Errorf("the data proves little: %d NULL dates, %d NULL participants, %d coarse dates, %d demo rows of %d",
			nullDates, nullParticipants, coarseDates, demo, len(facts))
	}

	// JSON and NDJSON: null for NULL, the whole date beside its
	// precision, lists as arrays, text unchanged.
	for _, format := range []string{"json", "ndjson"} {
		e := a.Export(t, "/export/activities."+format, nil, "")
		objs := apitest.JSONRows
		if format == "ndjson" {
			objs = apitest.NDJSONRows
		}
		var gotU, gotC map[string]any
		for _, o := range objs(t, e) {
			switch o["id"] {
			case undated:
				gotU = o
			case coarse:
				gotC = o
			}
		}
		if gotU == nil || gotC == nil {
			t.Fatalf("%s: the new activities are missing", format)
		}
		for _, col := range []string{"startDate", "endDate", "participants", "budget"} {
			if v, ok := gotU[col]; !ok || v != nil {
				t.Errorf("%s, undated activity: %s %#v (present %v), want null", format, col, v, ok)
			}
		}
		if gotU["note"] != "=1+1 derived from the press release" || gotU["quote"] != "@SUM(1,2)" || gotU["demo"] != false {
			t.Errorf("%s, undated activity: note %q quote %q demo %v", format, gotU["note"], gotU["quote"], gotU["demo"])
		}
		if got := fmt.Sprint(gotU["sources"]); got != "[-2+3 https://a.example/ https://b.example/x]" {
			t.Errorf("%s, undated activity: sources %s", format, got)
		}
		if got := fmt.Sprint(gotU["organizerNames"]); got != fmt.Sprint(sortedStrings(name1, name2)) {
			t.Errorf("%s, undated activity: organizerNames %s", format, got)
		}
		for col, want := range map[string]any{
			"startDate": "2019-03-01T00:00:00Z", "startDatePrecision": "MONTH",
			"endDate": "2020-01-01T00:00:00Z", "endDatePrecision": "YEAR",
			"participants": float64(60), "participantsApproximate": true,
		} {
			if gotC[col] != want {
				t.Errorf("%s, coarse activity: %s %#v, want %#v", format, col, gotC[col], want)
			}
		}
		if l, ok := gotC["organizerNames"].([]any); !ok || len(l) != 0 {
			t.Errorf("%s, coarse activity: organizerNames %#v, want []", format, gotC["organizerNames"])
		}
		if v, ok := gotC["requesterName"]; !ok || v != nil || gotU["requesterName"] != name1 {
			t.Errorf("%s: requesterName %#v and %#v, want null and %q", format, v, gotU["requesterName"], name1)
		}
	}
}

func sortedStrings(s ...string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestExportProjectFacts: a project's sourced facts are a list of objects
// in JSON and that list as compact JSON in one CSV cell; a project without
// any has [] in both. Organizations carry their sources.
func TestExportProjectFacts(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testExportProjectFacts)
}

func testExportProjectFacts(t *testing.T, a *apitest.API) {
	ids := a.Column(t, `SELECT id FROM projects ORDER BY id LIMIT 2`)
	const facts = `[{"statement":"=Some 120 officials trained","figure":120,"period":"2014-2015","sources":["https://a.example/report"]}]`
	if _, err := a.DB.SQL.Exec(`UPDATE projects SET facts = '` + facts + `' WHERE id = ` + ids[0]); err != nil {
		t.Fatal(err)
	}
	withFacts, without := a.Codec.Encode(atoi(t, ids[0])), a.Codec.Encode(atoi(t, ids[1]))
	_, rows := apitest.CSVRows(t, a.Export(t, "/export/projects.csv", nil, ""))
	// The objects' keys come sorted (they are JSON objects, unordered).
	const csvFacts = `[{"figure":120,"period":"2014-2015","sources":["https://a.example/report"],"statement":"=Some 120 officials trained"}]`
	if got := rowWithID(t, rows, withFacts)["facts"]; got != csvFacts {
		t.Errorf("CSV facts %s, want %s", got, csvFacts)
	}
	if got := rowWithID(t, rows, without)["facts"]; got != "[]" {
		t.Errorf("CSV facts of a project without any: %q, want []", got)
	}
	for _, o := range apitest.JSONRows(t, a.Export(t, "/export/projects.json", nil, "")) {
		switch o["id"] {
		case withFacts:
			l, _ := o["facts"].([]any)
			f, _ := l[0].(map[string]any)
			if len(l) != 1 || f["statement"] != "=Some 120 officials trained" || f["figure"] != float64(120) ||
				f["period"] != "2014-2015" || fmt.Sprint(f["sources"]) != "[https://a.example/report]" {
				t.Errorf("JSON facts %#v", o["facts"])
			}
		case without:
			if l, ok := o["facts"].([]any); !ok || len(l) != 0 {
				t.Errorf("JSON facts of a project without any: %#v", o["facts"])
			}
		}
	}

	org := a.Column(t, `SELECT id FROM organizations ORDER BY id LIMIT 1`)[0]
	if _, err := a.DB.SQL.Exec(`UPDATE organizations SET sources = '["https://o.example/","@ref"]' WHERE id = ` + org); err != nil {
		t.Fatal(err)
	}
	_, orgs := apitest.CSVRows(t, a.Export(t, "/export/organizations.csv", nil, ""))
	if got := rowWithID(t, orgs, a.Codec.Encode(atoi(t, org)))["sources"]; got != "https://o.example/;@ref" {
		t.Errorf("CSV organization sources %q", got)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}
