package server_test

import (
	"context"
	"strings"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
)

// TestInputValuesRefused: a NUL character in any string input (filter,
// lookup, search, mutation input, literal or variable) and an Int outside
// 32 bits are the client's mistake, answered BAD_USER_INPUT naming the
// value, on both databases; PostgreSQL failed them with SQLSTATE 22021 as
// an internal error, and 3,000,000,000 was taken as an Int. Nothing is
// written.
func TestInputValuesRefused(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testInputValuesRefused)
}

func testInputValuesRefused(t *testing.T, a *apitest.API) {
	_, key, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	editor := apitest.Caller{A: a, Key: key}
	projects := a.Count(t, `SELECT count(*) FROM projects`)
	for _, c := range []struct {
		name, query string
		vars        map[string]any
		want        string // in the message
	}{
		{"filter variable", `query($w: ProjectWhereInput) { projects(where: $w) { totalCount } }`,
			map[string]any{"w": map[string]any{"titleContains": "a\u0000b"}}, "$w.titleContains holds a NUL character"},
		{"nested filter variable", `query($w: ActivityWhereInput) { activities(where: $w) { totalCount } }`,
			map[string]any{"w": map[string]any{"or": []any{map[string]any{"hasProjectWith": []any{map[string]any{"code": "\u0000"}}}}}}, "$w.or[0].hasProjectWith[0].code holds a NUL character"},
		{"lookup literal", `{ project(code: "X\u0000") { id } }`, nil, `argument "code": code holds a NUL character`},
		{"lookup variable", `query($c: String!) { country(code: $c) { id } }`, map[string]any{"c": "E\u0000"}, "$c holds a NUL character"},
		{"search", `query($q: String!) { search(query: $q) { totalCount } }`, map[string]any{"q": "water\u0000"}, "$q holds a NUL character"},
		{"mutation input", `mutation($in: CreateConsultantInput!) { createConsultant(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"name": "Nul\u0000Person", "bio": "x"}}, "$in.name holds a NUL character"},
		{"Int variable past 32 bits", `query($n: Int) { projects(first: $n) { totalCount } }`, map[string]any{"n": 3000000000}, "$n is 3000000000, not an Int"},
		{"negative Int variable past 32 bits", `query($n: Int!) { recommendation(number: $n) { id } }`, map[string]any{"n": -3000000000}, "$n is -3000000000, not an Int"},
		{"Int literal past 32 bits", `{ recommendation(number: 3000000000) { id } }`, nil, `argument "number": number is 3000000000, not an Int`},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := editor.Do(t, c.query, c.vars)
			if got := apitest.ErrCode(r); got != "BAD_USER_INPUT" {
				t.Fatalf("got code %q (%+v), want BAD_USER_INPUT", got, r.Errors)
			}
			if got := r.Errors[0].Message; !strings.Contains(got, c.want) {
				t.Errorf("got message %q, want it to contain %q", got, c.want)
			}
		})
	}
	if got := a.Count(t, `SELECT count(*) FROM consultants WHERE name LIKE 'Nul%'`); got != 0 {
		t.Errorf("got %d consultants written, want 0", got)
	}
	if got := a.Count(t, `SELECT count(*) FROM projects`); got != projects {
		t.Errorf("got %d projects, want %d", got, projects)
	}
	// The limits themselves are Ints.
	r := editor.Do(t, `query($n: Int!) { recommendation(number: $n) { id } }`, map[string]any{"n": 2147483647})
	if len(r.Errors) > 0 {
		t.Errorf("recommendation(number: 2147483647): got %+v, want no error", r.Errors)
	}
}
