package export_test

import (
	"net/url"
	"strings"
	"testing"

	"sscgraph/internal/apitest"
)

// TestExportDemoSecond: in every type with invented rows, demo is the
// second column of the CSV header and a key of every JSON row, right after
// id, so that no reader takes an invented row for a real one; and its
// values are the database's.
func TestExportDemoSecond(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testExportDemoSecond)
}

func testExportDemoSecond(t *testing.T, a *apitest.API) {
	tables := map[string]string{
		"activities": "activities", "projects": "projects", "consultants": "consultants",
		"organizations": "organizations", "matchOffers": "match_offers", "matchNeeds": "match_needs",
		"matches": "matches",
	}
	for typ, table := range tables {
		t.Run(typ, func(t *testing.T) {
			header, rows := apitest.CSVRows(t, a.Export(t, "/export/"+typ+".csv", nil, ""))
			if len(header) < 2 || header[0] != "id" || header[1] != "demo" {
				t.Fatalf("header %v, want id, demo first", header)
			}
			demo := 0
			for _, r := range rows {
				if r["demo"] == "true" {
					demo++
				} else if r["demo"] != "false" {
					t.Fatalf("demo %q, want true or false", r["demo"])
				}
			}
			if want := a.Count(t, "SELECT COUNT(*) FROM "+table+" WHERE demo"); demo != want || len(rows) == 0 {
				t.Errorf("%d demo rows of %d, the database has %d", demo, len(rows), want)
			}
		})
	}
}

// TestExportOfficialNameEnglishOnly: the dataset keeps countries' official
// names in English alone, so an export in another language heads that
// column officialNameEn (and says the truth: the value is English), while
// the names follow the language.
func TestExportOfficialNameEnglishOnly(t *testing.T) {
	t.Parallel()
	a := apitest.New(t, apitest.SQLiteCopy(t))
	header, rows := apitest.CSVRows(t, a.Export(t, "/export/countries.csv", url.Values{"lang": {"fr"}}, ""))
	if !strings.Contains(strings.Join(header, ","), ",officialNameEn,") || strings.Contains(strings.Join(header, ","), ",officialName,") {
		t.Fatalf("French header %v, want officialNameEn and no officialName", header)
	}
	byCode := map[string]map[string]string{}
	for _, r := range rows {
		byCode[r["code"]] = r
	}
	want := a.Column(t, `SELECT official_name FROM countries WHERE code = 'DE'`)
	if de := byCode["DE"]; de["name"] != "Allemagne" || len(want) != 1 || de["officialNameEn"] != want[0] || want[0] == "" {
		t.Errorf("DE in French: name %q, officialNameEn %q; the database's official name %v", de["name"], de["officialNameEn"], want)
	}
	header, _ = apitest.CSVRows(t, a.Export(t, "/export/countries.csv", nil, ""))
	if !strings.Contains(strings.Join(header, ","), ",officialName,") {
		t.Errorf("English header %v, want officialName", header)
	}
	js := apitest.NDJSONRows(t, a.Export(t, "/export/countries.ndjson", url.Values{"lang": {"es"}}, ""))
	if _, ok := js[0]["officialNameEn"]; !ok || len(js) == 0 {
		t.Errorf("Spanish NDJSON row %v has no officialNameEn", js[0])
	}
}
