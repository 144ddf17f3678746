package matching_test

import (
	"fmt"
	"testing"

	"sscgraph/internal/apitest"
)

// TestAliasedSelectionsLoaded: rows that a resolver loads for fields under
// it (statistics' key nodes, suggested offers) carry every field any alias
// asks for, not only the first alias's: the selections are merged
// (internal/entcollect) before ent narrows the columns it reads. Each
// aliased answer must equal the answer of one field asking for both.
func TestAliasedSelectionsLoaded(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testAliasedSelectionsLoaded)
}

func testAliasedSelectionsLoaded(t *testing.T, a *apitest.API) {
	need := ""
	for _, id := range openNeedIDs(t, a) {
		if c := suggest(t, a, offersQuery, "suggestedOffers", map[string]any{"need": id, "first": 5}); len(c.Edges) >= 2 {
			need = id
			break
		}
	}
	if need == "" {
		t.Fatal("no need with 2 suggestions in the demo data")
	}
	cases := []struct {
		name    string
		aliased string
		plain   string
		vars    map[string]any
		rows    string // path to the list of rows in the plain answer
		// fields are pairs of paths, %d for the row: in the aliased
		// answer, and the same value in the plain one.
		fields [][2]string
	}{
		{
			name: "statistics' key nodes",
			// Activities with a beneficiary: each bucket has a region
			// (the others, real records naming none, form a null one).
			aliased: `{ activityStats(where: {hasBeneficiaryCountries: true}, groupBy: [REGION]) { buckets { count a: region { code } b: region { name } } } }`,
			plain:   `{ activityStats(where: {hasBeneficiaryCountries: true}, groupBy: [REGION]) { buckets { count region { code name } } } }`,
			rows:    "activityStats.buckets",
			fields: [][2]string{
				{"activityStats.buckets.%d.a.code", "activityStats.buckets.%d.region.code"},
				{"activityStats.buckets.%d.b.name", "activityStats.buckets.%d.region.name"},
			},
		},
		{
			name: "suggested offers",
			aliased: `query($n: ID!) { suggestedOffers(need: $n, first: 5) {
				edges { node { score x: offer { status } } }
				more: edges { node { y: offer { title } } } } }`,
			plain: `query($n: ID!) { suggestedOffers(need: $n, first: 5) {
				edges { node { score offer { status title } } } } }`,
			vars: map[string]any{"n": need},
			rows: "suggestedOffers.edges",
			fields: [][2]string{
				{"suggestedOffers.edges.%d.node.x.status", "suggestedOffers.edges.%d.node.offer.status"},
				{"suggestedOffers.more.%d.node.y.title", "suggestedOffers.edges.%d.node.offer.title"},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			aliased := a.Query(t, tc.aliased, tc.vars)
			plain := a.Query(t, tc.plain, tc.vars)
			rows := plain.List(tc.rows)
			if len(rows) < 2 {
				t.Fatalf("%s: got %d rows, want at least 2", tc.rows, len(rows))
			}
			for i := range rows {
				for _, f := range tc.fields {
					at, pt := fmt.Sprintf(f[0], i), fmt.Sprintf(f[1], i)
					got, want := aliased.Str(at), plain.Str(pt)
					if want == "" {
						t.Fatalf("%s is empty in the plain answer", pt)
					}
					if got != want {
						t.Errorf("%s: got %q, want %q (%s)", at, got, want, pt)
					}
				}
			}
		})
	}
}
