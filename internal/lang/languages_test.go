package lang_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"sscgraph/internal/apitest"
)

// TestCountryNamesInSixLanguages: name(lang:) and names give each
// country's name as the database holds it, the English name standing in
// for a missing translation in name(lang:) and null in names; filters
// keep matching English; exports take the same language choice.
func TestCountryNamesInSixLanguages(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testCountryNames)
}

func testCountryNames(t *testing.T, a *apitest.API) {
	if n := a.Count(t, `SELECT COUNT(*) FROM countries WHERE name_fr <> '' AND name_ar <> '' AND name_zh <> ''`); n < 200 {
		t.Fatalf("only %d countries have French, Arabic and Chinese names: the dataset's translations are missing", n)
	}
	r := a.Query(t, `{ countries(first: 300, orderBy: [{field: CODE}]) { edges { node { code
		en: name ar: name(lang: AR) es: name(lang: ES) fr: name(lang: FR) ru: name(lang: RU) zh: name(lang: ZH)
		names { ar en es fr ru zh } } } } }`, nil)
	want := map[string][]string{} // code → en ar es fr ru zh as SQL has them ("" for none)
	rows := a.Column(t, `SELECT code || '|' || name || '|' || COALESCE(name_ar, '') || '|' || COALESCE(name_es, '') || '|' ||
		COALESCE(name_fr, '') || '|' || COALESCE(name_ru, '') || '|' || COALESCE(name_zh, '') FROM countries`)
	for _, row := range rows {
		f := strings.Split(row, "|")
		want[f[0]] = f[1:]
	}
	langs := []string{"en", "ar", "es", "fr", "ru", "zh"}
	checked := 0
	for i := range r.List("countries.edges") {
		n := fmt.Sprintf("countries.edges.%d.node", i)
		code := r.Str(n + ".code")
		w, ok := want[code]
		if !ok {
			t.Fatalf("country %s is not in the database", code)
		}
		for j, l := range langs {
			exp := w[j]
			if exp == "" {
				exp = w[0] // the English stand-in
			}
			if got := r.Str(n + "." + l); got != exp {
				t.Errorf("%s name(lang: %s) = %q, want %q", code, strings.ToUpper(l), got, exp)
			}
			got := r.Get(n + ".names." + l)
			if w[j] == "" && got != nil {
				t.Errorf("%s names.%s = %v, want null (no translation)", code, l, got)
			}
			if w[j] != "" && got != w[j] {
				t.Errorf("%s names.%s = %v, want %q", code, l, got, w[j])
			}
		}
		checked++
	}
	if checked != len(want) {
		t.Errorf("checked %d countries, the database has %d", checked, len(want))
	}
	// A few names from iso-codes' catalogues, by hand.
	for _, tt := range []struct{ code, lang, want string }{
		{"DE", "FR", "Allemagne"}, {"DE", "ES", "Alemania"}, {"EG", "AR", "مصر"}, {"CN", "ZH", "中国"}, {"RU", "RU", "Российская Федерация"},
	} {
		r := a.Query(t, `query($c: String!, $l: Language!) { country(code: $c) { name(lang: $l) } }`, map[string]any{"c": tt.code, "l": tt.lang})
		if got := r.Str("country.name"); got != tt.want {
			t.Errorf("%s in %s: %q, want %q", tt.code, tt.lang, got, tt.want)
		}
	}
	// Filters match the English name.
	r = a.Query(t, `{ countries(where: {nameContainsFold: "germany"}) { edges { node { code } } } }`, nil)
	if got := r.Str("countries.edges.0.node.code"); got != "DE" {
		t.Errorf("nameContainsFold: germany found %q", got)
	}
	// anyNameContainsFold matches a name in any language.
	for _, tt := range []struct{ q, want string }{
		{"allemagne", "DE"}, {"Alemania", "DE"}, {"GERMANY", "DE"}, {"埃及", "EG"}, {"مصر", "EG"},
	} {
		r := a.Query(t, `query($q: String!) { countries(first: 5, where: {anyNameContainsFold: $q}) { edges { node { code } } } }`, map[string]any{"q": tt.q})
		if got := r.Str("countries.edges.0.node.code"); got != tt.want || len(r.List("countries.edges")) != 1 {
			t.Errorf("anyNameContainsFold %q found %v, want only %s", tt.q, r.Get("countries.edges"), tt.want)
		}
	}
	r = a.Post(t, `{ country(code: "DE") { name(lang: DE) } }`, nil)
	if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "Language") {
		t.Errorf("an unknown language: %+v", r.Errors)
	}

	// Exports: the countries' CSV in French, and a language refused.
	_, recs := apitest.CSVRows(t, a.Export(t, "/export/countries.csv", url.Values{"lang": {"fr"}}, ""))
	names := map[string]string{}
	for _, rec := range recs {
		names[rec["code"]] = rec["name"]
	}
	if names["DE"] != "Allemagne" || names["EG"] != want["EG"][3] || len(names) != len(want) {
		t.Errorf("the French export names DE %q and EG %q in %d rows", names["DE"], names["EG"], len(names))
	}
	geo := a.Export(t, "/export/countries.geojson", url.Values{"lang": {"ZH"}}, "")
	if geo.Status != 200 || !strings.Contains(string(geo.Body), `"中国"`) {
		t.Errorf("the Chinese GeoJSON: status %d, has 中国: %v", geo.Status, strings.Contains(string(geo.Body), "中国"))
	}
	bad := a.Export(t, "/export/countries.csv", url.Values{"lang": {"de"}}, "")
	if bad.Status != 400 || !strings.Contains(string(bad.Body), "unknown language") {
		t.Errorf("lang=de: status %d\n%s", bad.Status, bad.Body)
	}
}
