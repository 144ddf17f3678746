package server_test

import (
	"fmt"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
)

// TestWritesRefuseControlText: JSON lets a client spell a NUL or another
// control character in any text it writes; such text is refused as
// BAD_USER_INPUT naming the field, on both databases (PostgreSQL cannot
// store a NUL, and answered an internal error), and nothing is written.
// Tabs and line breaks are text.
func TestWritesRefuseControlText(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testWritesRefuseControlText)
}

func testWritesRefuseControlText(t *testing.T, a *apitest.API) {
	const control = ": text may not hold control characters other than tab and line breaks"
	var offerKey int
	fmt.Sscan(a.Column(t, `SELECT id FROM match_offers ORDER BY id LIMIT 1`)[0], &offerKey)
	offer := a.Codec.Encode(offerKey)
	editor := apitest.NewKey(t, a, auth.RoleEditor)
	for _, tt := range []struct {
		name, query string
		vars        map[string]any
		wantCode    string
		wantField   string
		wantMessage string
		check       string // SQL counting the rows the write would leave
		wantCount   int
	}{
		// NUL itself is refused earlier, by the walk of the operation's
		// inputs (TestInputValuesRefused); the write hook holds for the
		// other control characters and for writes that are not GraphQL.
		{"bell in a new region's name", `mutation($t: String!) { createRegion(input: {code: "ZZ_TEXT", name: $t}) { name } }`,
			map[string]any{"t": "Bel\u0007region"}, "BAD_USER_INPUT", "input.name", "input.name: byte 4 is the control character U+0007" + control,
			`SELECT COUNT(*) FROM regions WHERE code = 'ZZ_TEXT'`, 0},
		{"escape in an offer's description", `mutation($id: ID!, $t: String!) { updateMatchOffer(id: $id, input: {description: $t}) { id } }`,
			map[string]any{"id": offer, "t": "red \u001b[31m text"}, "BAD_USER_INPUT", "input.description", "input.description: byte 5 is the control character U+001B" + control,
			fmt.Sprintf(`SELECT COUNT(*) FROM match_offers WHERE id = %d AND description LIKE 'red %%'`, offerKey), 0},
		{"tab and line breaks are text", `mutation($id: ID!, $t: String!) { updateMatchOffer(id: $id, input: {description: $t}) { id } }`,
			map[string]any{"id": offer, "t": "two\tcolumns\r\nand lines"}, "", "", "",
			fmt.Sprintf(`SELECT COUNT(*) FROM match_offers WHERE id = %d AND description LIKE 'two%%lines'`, offerKey), 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, r := a.Send(t, editor, tt.query, tt.vars)
			if got := apitest.ErrCode(r); got != tt.wantCode {
				t.Fatalf("code: got %q, want %q (%+v)", got, tt.wantCode, r.Errors)
			}
			if tt.wantCode != "" {
				if got := r.Errors[0].Extensions["field"]; got != tt.wantField {
					t.Errorf("field: got %v, want %q", got, tt.wantField)
				}
				if got := r.Errors[0].Message; got != tt.wantMessage {
					t.Errorf("message: got %q, want %q", got, tt.wantMessage)
				}
			}
			if n := a.Count(t, tt.check); n != tt.wantCount {
				t.Errorf("rows written: got %d, want %d", n, tt.wantCount)
			}
		})
	}
}
