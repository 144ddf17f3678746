package server_test

import (
	"context"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
)

// TestCountryNumericCode: Country.numericCode is the ISO 3166-1 numeric
// code a map joins Natural Earth shapes on. Through the HTTP handler, on
// both databases: filtering on 818 answers Egypt alone; the code keeps ISO's
// leading zeros (Andorra is "020", as world-atlas keys it); the count of
// countries with a code equals SQL's; and a write keeps the form and the
// uniqueness, with a cleared code answered as null.
func TestCountryNumericCode(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testCountryNumericCode)
}

func testCountryNumericCode(t *testing.T, a *apitest.API) {
	r := a.Query(t, `{ countries(first: 5, where: {numericCode: "818"}) { totalCount edges { node { id code numericCode } } } }`, nil)
	if n, code, num := r.Num("countries.totalCount"), r.Str("countries.edges.0.node.code"), r.Str("countries.edges.0.node.numericCode"); n != 1 || code != "EG" || num != "818" {
		t.Errorf("numericCode 818: %d countries, first %s with %q; want EG alone, with 818", n, code, num)
	}
	egypt := r.Str("countries.edges.0.node.id")

	r = a.Query(t, `{ countries(first: 1, where: {code: "AD"}) { edges { node { numericCode } } } }`, nil)
	if got := r.Get("countries.edges.0.node.numericCode"); got != "020" {
		t.Errorf("Andorra's numericCode = %#v, want the string \"020\"", got)
	}

	withCode := a.Count(t, `SELECT COUNT(*) FROM countries WHERE numeric_code IS NOT NULL`)
	all := a.Count(t, `SELECT COUNT(*) FROM countries`)
	r = a.Query(t, `{ withCode: countries(where: {numericCodeNotNil: true}) { totalCount } without: countries(where: {numericCodeIsNil: true}) { totalCount } }`, nil)
	if got := r.Num("withCode.totalCount"); got != withCode || got == 0 {
		t.Errorf("countries with a numericCode: API %d, SQL %d", got, withCode)
	}
	if got := r.Num("without.totalCount"); got != all-withCode {
		t.Errorf("countries without a numericCode: API %d, SQL %d", got, all-withCode)
	}
	// The shipped countries are the 249 of ISO 3166-1, each with its code.
	if withCode != all || all != 249 {
		t.Errorf("%d of %d countries have a numeric code, want all 249", withCode, all)
	}

	_, key, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	editor := apitest.Caller{A: a, Key: key}
	namibia := a.Query(t, `{ countries(first: 1, where: {code: "NA"}) { edges { node { id } } } }`, nil).Str("countries.edges.0.node.id")
	numericOf := func(code string) string {
		return a.Column(t, `SELECT COALESCE(numeric_code, '(null)') FROM countries WHERE code = '`+code+`'`)[0]
	}
	update := `mutation($id: ID!, $in: UpdateCountryInput!) { updateCountry(id: $id, input: $in) { code numericCode } }`

	// Two digits (the leading zero dropped), four, or letters are refused.
	for _, bad := range []string{"18", "0818", "81E"} {
		r := editor.Do(t, update, map[string]any{"id": egypt, "in": map[string]any{"numericCode": bad}})
		if apitest.ErrCode(r) != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "input.numericCode" {
			t.Errorf("numericCode %q: errors %+v, want BAD_USER_INPUT on input.numericCode", bad, r.Errors)
		}
	}
	if got := numericOf("EG"); got != "818" {
		t.Errorf("after refused writes Egypt's code is %s, want 818", got)
	}

	// Unique where set: Namibia may not take Egypt's code.
	// The unique index refuses it (a constraint error, BAD_USER_INPUT).
	r = editor.Do(t, update, map[string]any{"id": namibia, "in": map[string]any{"numericCode": "818"}})
	if apitest.ErrCode(r) != "BAD_USER_INPUT" {
		t.Errorf("Namibia taking 818: data %+v, errors %+v; want BAD_USER_INPUT", r.Data, r.Errors)
	}
	if got := numericOf("NA"); got != "516" {
		t.Errorf("Namibia's code is %s after the refused write, want 516", got)
	}

	// Cleared, the code is null, not "".
	r = editor.Do(t, update, map[string]any{"id": namibia, "in": map[string]any{"clearNumericCode": true}})
	if len(r.Errors) > 0 {
		t.Fatalf("clearing Namibia's code: %+v", r.Errors)
	}
	if got, ok := r.Get("updateCountry").(map[string]any)["numericCode"]; !ok || got != nil {
		t.Errorf("cleared numericCode answered %#v, want null", got)
	}
	if got := numericOf("NA"); got != "(null)" {
		t.Errorf("Namibia's code in SQL after clearing: %s, want NULL", got)
	}
	r = a.Query(t, `{ countries(where: {numericCodeIsNil: true}) { totalCount edges { node { code } } } }`, nil)
	if n := r.Num("countries.totalCount"); n != 1 || r.Str("countries.edges.0.node.code") != "NA" {
		t.Errorf("countries without a code after clearing Namibia's: %d, first %s", n, r.Str("countries.edges.0.node.code"))
	}
}
