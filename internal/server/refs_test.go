package server_test

import (
	"context"
	"fmt"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
)

// TestRefsBelongToImports: a ref is the importer's ID for a record, so a
// MEMBER key may not set or clear one on its own offers and needs (it
// would take over a row of someone's sheet); the refusal is FORBIDDEN
// naming the field, and nothing is written. EDITOR and ADMIN keys may.
func TestRefsBelongToImports(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testRefsBelongToImports)
}

func testRefsBelongToImports(t *testing.T, a *apitest.API) {
	ctx := context.Background()
	codec := a.Codec
	var org, offerKey, needKey, countryKey int
	fmt.Sscan(a.Column(t, `SELECT o.id FROM organizations o WHERE EXISTS (SELECT 1 FROM match_offers m WHERE m.provider_id = o.id)
		AND EXISTS (SELECT 1 FROM match_needs n WHERE n.seeker_id = o.id) ORDER BY o.id LIMIT 1`)[0], &org)
	fmt.Sscan(a.Column(t, fmt.Sprintf(`SELECT id FROM match_offers WHERE provider_id = %d ORDER BY id LIMIT 1`, org))[0], &offerKey)
	fmt.Sscan(a.Column(t, fmt.Sprintf(`SELECT id FROM match_needs WHERE seeker_id = %d ORDER BY id LIMIT 1`, org))[0], &needKey)
	fmt.Sscan(a.Column(t, `SELECT id FROM countries ORDER BY id LIMIT 1`)[0], &countryKey)
	key := func(role string, org int) apitest.Caller {
		_, k, err := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: role, OrganizationID: org})
		if err != nil {
			t.Fatal(err)
		}
		return apitest.Caller{A: a, Key: k}
	}
	member, editor, admin := key(auth.RoleMember, org), key(auth.RoleEditor, 0), key(auth.RoleAdmin, 0)
	offer, need, orgID, country := codec.Encode(offerKey), codec.Encode(needKey), codec.Encode(org), codec.Encode(countryKey)
	refOf := func(table string, id int) string {
		return a.Column(t, fmt.Sprintf(`SELECT COALESCE(ref, '(none)') FROM %s WHERE id = %d`, table, id))[0]
	}

	// An editor gives the need a ref, so that clearing it means something.
	if r := editor.Do(t, `mutation($id: ID!) { updateMatchNeed(id: $id, input: {ref: "SHEET-NEED-1"}) { ref } }`, map[string]any{"id": need}); len(r.Errors) > 0 {
		t.Fatalf("editor setting a need's ref: %+v", r.Errors)
	}

	for _, tt := range []struct {
		name      string
		who       apitest.Caller
		query     string
		vars      map[string]any
		wantCode  string // "" when allowed
		wantField string
		table     string // where the ref is checked afterwards
		id        int
		wantRef   string
	}{
		{"member sets its offer's ref", member, `mutation($id: ID!) { updateMatchOffer(id: $id, input: {ref: "DEMO-OFF-2"}) { ref } }`,
			map[string]any{"id": offer}, "FORBIDDEN", "input.ref", "match_offers", offerKey, "(none)"},
		{"member clears its need's ref", member, `mutation($id: ID!) { updateMatchNeed(id: $id, input: {clearRef: true}) { ref } }`,
			map[string]any{"id": need}, "FORBIDDEN", "input.clearRef", "match_needs", needKey, "SHEET-NEED-1"},
		{"member changes its need's ref", member, `mutation($id: ID!) { updateMatchNeed(id: $id, input: {ref: "DEMO-NEED-9"}) { ref } }`,
			map[string]any{"id": need}, "FORBIDDEN", "input.ref", "match_needs", needKey, "SHEET-NEED-1"},
		{"member changes its offer's title, ref untouched", member, `mutation($id: ID!) { updateMatchOffer(id: $id, input: {title: "Still mine"}) { ref } }`,
			map[string]any{"id": offer}, "", "", "match_offers", offerKey, "(none)"},
		{"editor sets an offer's ref", editor, `mutation($id: ID!) { updateMatchOffer(id: $id, input: {ref: "SHEET-OFF-1"}) { ref } }`,
			map[string]any{"id": offer}, "", "", "match_offers", offerKey, "SHEET-OFF-1"},
		{"admin clears it", admin, `mutation($id: ID!) { updateMatchOffer(id: $id, input: {clearRef: true}) { ref } }`,
			map[string]any{"id": offer}, "", "", "match_offers", offerKey, "(none)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.who.Do(t, tt.query, tt.vars)
			if got := apitest.ErrCode(r); got != tt.wantCode {
				t.Fatalf("code: got %q, want %q (errors %+v)", got, tt.wantCode, r.Errors)
			}
			if tt.wantCode != "" {
				if got := r.Errors[0].Extensions["field"]; got != tt.wantField {
					t.Errorf("field: got %v, want %q (%s)", got, tt.wantField, r.Errors[0].Message)
				}
			}
			if got := refOf(tt.table, tt.id); got != tt.wantRef {
				t.Errorf("ref in the database: got %q, want %q", got, tt.wantRef)
			}
		})
	}

	// Creating with a ref: refused to the member, and nothing created.
	for _, tt := range []struct {
		name, mutation, table string
		input                 map[string]any
	}{
		{"offer", `mutation($in: CreateMatchOfferInput!) { createMatchOffer(input: $in) { id } }`, "match_offers",
			map[string]any{"title": "Squatter", "kind": "TECHNICAL", "status": "OPEN", "postedAt": "2026-11-01T00:00:00Z", "providerID": orgID, "ref": "DEMO-OFF-7"}},
		{"need", `mutation($in: CreateMatchNeedInput!) { createMatchNeed(input: $in) { id } }`, "match_needs",
			map[string]any{"title": "Squatter", "kind": "TECHNICAL", "status": "OPEN", "postedAt": "2026-11-01T00:00:00Z", "seekerID": orgID, "countryID": country, "ref": "DEMO-NEED-7"}},
	} {
		t.Run("member creates a new "+tt.name+" with a ref", func(t *testing.T) {
			r := member.Do(t, tt.mutation, map[string]any{"in": tt.input})
			if got := apitest.ErrCode(r); got != "FORBIDDEN" {
				t.Fatalf("code: got %q, want FORBIDDEN (errors %+v)", got, r.Errors)
			}
			if got := r.Errors[0].Extensions["field"]; got != "input.ref" {
				t.Errorf("field: got %v, want input.ref", got)
			}
			if n := a.Count(t, `SELECT COUNT(*) FROM `+tt.table+` WHERE title = 'Squatter'`); n != 0 {
				t.Errorf("got %d %ss written, want 0", n, tt.name)
			}
			delete(tt.input, "ref")
			if r := member.Do(t, tt.mutation, map[string]any{"in": tt.input}); len(r.Errors) > 0 {
				t.Errorf("the same %s without a ref: %+v", tt.name, r.Errors)
			}
		})
	}
}
