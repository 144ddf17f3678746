package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
)

// TestWrongTypeIDWording pins, word for word, what a client reads for an
// ID of another type on each path that answers it: the operation's checks
// for what the schema's @idOf names (arguments, input fields, filters),
// and the resolvers for the arguments they answer themselves
// (graph.ResolverIDChecks), so that deriving the types from the schema
// changed no answer.
func TestWrongTypeIDWording(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testWrongTypeIDWording)
}

func testWrongTypeIDWording(t *testing.T, a *apitest.API) {
	ctx := context.Background()
	_, editorKey, err := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	_, adminKey, err := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	editor, admin := apitest.Caller{A: a, Key: editorKey}, apitest.Caller{A: a, Key: adminKey}
	r := a.Query(t, `{ regions(first: 1) { edges { node { id } } } }`, nil)
	region := r.Str("regions.edges.0.node.id")
	for _, tt := range []struct {
		name, query string
		who         apitest.Caller
		want        string // %q is the region's ID
	}{
		{"argument", `mutation($x: ID!) { updateProject(id: $x, input: {title: "t"}) { id } }`, editor,
			`updateProject: id: %q is the ID of a Region, not of a Project`},
		{"input field", `mutation($x: ID!) { createMatchOffer(input: {title: "t", kind: TECHNICAL, status: OPEN, postedAt: "2026-01-01T00:00:00Z", providerID: $x}) { id } }`, editor,
			`createMatchOffer: input.providerID: %q is the ID of a Region, not of an Organization`},
		{"hand-written input field", `mutation($x: ID!, $y: ID!) { setActivityBeneficiaries(id: $x, beneficiaries: [{countryID: $y}]) { id } }`, editor,
			`setActivityBeneficiaries: id: %q is the ID of a Region, not of an Activity`},
		{"filter", `query($x: ID!) { countries(where: {idIn: [$x]}) { totalCount } }`, editor,
			`countries: where.idIn[0]: %q is the ID of a Region, not of a Country`},
		{"suggestion's argument", `query($x: ID!) { suggestedOffers(need: $x) { totalCount } }`, editor,
			`need: %q is the ID of a Region, not of a MatchNeed`},
		{"match's argument", `mutation($x: ID!) { proposeMatch(need: $x, offer: $x) { id } }`, editor,
			`need: no MatchNeed has that ID`},
		{"key's argument", `mutation($x: ID!) { revokeAPIKey(id: $x) { id } }`, admin,
			`input.id: no unrevoked key has that ID`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.who.Do(t, tt.query, map[string]any{"x": region, "y": region})
			want := tt.want
			if strings.Contains(want, "%q") {
				want = fmt.Sprintf(want, region)
			}
			if apitest.ErrCode(r) != "BAD_USER_INPUT" || r.Errors[0].Message != want {
				t.Errorf("errors %+v, want BAD_USER_INPUT %q", r.Errors, want)
			}
		})
	}
}
