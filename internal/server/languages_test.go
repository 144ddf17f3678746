package server_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestCountryNamesInSixLanguages: name(lang:) and names give each
// country's name as the database holds it, the English name standing in
// for a missing translation in name(lang:) and null in names; filters
// keep matching English; exports take the same language choice.
func TestCountryNamesInSixLanguages(t *testing.T) { forEachBackend(t, testCountryNames) }

func testCountryNames(t *testing.T, a *api) {
	if n := a.count(t, `SELECT COUNT(*) FROM countries WHERE name_fr <> '' AND name_ar <> '' AND name_zh <> ''`); n < 200 {
		t.Fatalf("only %d countries have French, Arabic and Chinese names: the dataset's translations are missing", n)
	}
	r := a.query(t, `{ countries(first: 300, orderBy: [{field: CODE}]) { edges { node { code
		en: name ar: name(lang: AR) es: name(lang: ES) fr: name(lang: FR) ru: name(lang: RU) zh: name(lang: ZH)
		names { ar en es fr ru zh } } } } }`, nil)
	want := map[string][]string{} // code → en ar es fr ru zh as SQL has them ("" for none)
	rows := a.column(t, `SELECT code || '|' || name || '|' || COALESCE(name_ar, '') || '|' || COALESCE(name_es, '') || '|' ||
		COALESCE(name_fr, '') || '|' || COALESCE(name_ru, '') || '|' || COALESCE(name_zh, '') FROM countries`)
	for _, row := range rows {
		f := strings.Split(row, "|")
		want[f[0]] = f[1:]
	}
	langs := []string{"en", "ar", "es", "fr", "ru", "zh"}
	checked := 0
	for i := range r.list("countries.edges") {
		n := fmt.Sprintf("countries.edges.%d.node", i)
		code := r.str(n + ".code")
		w, ok := want[code]
		if !ok {
			t.Fatalf("country %s is not in the database", code)
		}
		for j, l := range langs {
			exp := w[j]
			if exp == "" {
				exp = w[0] // the English stand-in
			}
			if got := r.str(n + "." + l); got != exp {
				t.Errorf("%s name(lang: %s) = %q, want %q", code, strings.ToUpper(l), got, exp)
			}
			got := r.get(n + ".names." + l)
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
		r := a.query(t, `query($c: String!, $l: Language!) { country(code: $c) { name(lang: $l) } }`, map[string]any{"c": tt.code, "l": tt.lang})
		if got := r.str("country.name"); got != tt.want {
			t.Errorf("%s in %s: %q, want %q", tt.code, tt.lang, got, tt.want)
		}
	}
	// Filters match the English name.
	r = a.query(t, `{ countries(where: {nameContainsFold: "germany"}) { edges { node { code } } } }`, nil)
	if got := r.str("countries.edges.0.node.code"); got != "DE" {
		t.Errorf("nameContainsFold: germany found %q", got)
	}
	// anyNameContainsFold matches a name in any language.
	for _, tt := range []struct{ q, want string }{
		{"allemagne", "DE"}, {"Alemania", "DE"}, {"GERMANY", "DE"}, {"埃及", "EG"}, {"مصر", "EG"},
	} {
		r := a.query(t, `query($q: String!) { countries(first: 5, where: {anyNameContainsFold: $q}) { edges { node { code } } } }`, map[string]any{"q": tt.q})
		if got := r.str("countries.edges.0.node.code"); got != tt.want || len(r.list("countries.edges")) != 1 {
			t.Errorf("anyNameContainsFold %q found %v, want only %s", tt.q, r.get("countries.edges"), tt.want)
		}
	}
	r = a.post(t, `{ country(code: "DE") { name(lang: DE) } }`, nil)
	if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "Language") {
		t.Errorf("an unknown language: %+v", r.Errors)
	}

	// Exports: the countries' CSV in French, and a language refused.
	_, recs := csvRows(t, a.export(t, "/export/countries.csv", url.Values{"lang": {"fr"}}, ""))
	names := map[string]string{}
	for _, rec := range recs {
		names[rec["code"]] = rec["name"]
	}
	if names["DE"] != "Allemagne" || names["EG"] != want["EG"][3] || len(names) != len(want) {
		t.Errorf("the French export names DE %q and EG %q in %d rows", names["DE"], names["EG"], len(names))
	}
	geo := a.export(t, "/export/countries.geojson", url.Values{"lang": {"ZH"}}, "")
	if geo.status != 200 || !strings.Contains(string(geo.body), `"中国"`) {
		t.Errorf("the Chinese GeoJSON: status %d, has 中国: %v", geo.status, strings.Contains(string(geo.body), "中国"))
	}
	bad := a.export(t, "/export/countries.csv", url.Values{"lang": {"de"}}, "")
	if bad.status != 400 || !strings.Contains(string(bad.body), "unknown language") {
		t.Errorf("lang=de: status %d\n%s", bad.status, bad.body)
	}
}
