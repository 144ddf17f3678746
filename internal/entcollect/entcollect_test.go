package entcollect

import (
	"context"
	"slices"
	"sort"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// schema is a made-up statistic with buckets keyed by nodes, enough to
// ask for one field under several aliases and through fragments.
var schema = gqlparser.MustLoadSchema(&ast.Source{Input: `
type Query { stats: Stats }
type Stats { total: Measures buckets: [Bucket!]! }
type Measures { count: Int sum: Int }
type Bucket { count: Int region: Region country: Country }
type Region { id: ID! code: String name: String }
type Country { id: ID! code: String }
`})

// operation parses and validates query, and returns its operation context
// and the selections of its one root field (stats).
func operation(t *testing.T, query string) (*graphql.OperationContext, ast.SelectionSet) {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(schema, query)
	if errs != nil {
		t.Fatalf("query %q: %v", query, errs)
	}
	op := doc.Operations[0]
	oc := &graphql.OperationContext{Doc: doc, Operation: op, Variables: map[string]any{}}
	root := graphql.CollectFields(oc, op.SelectionSet, []string{"Query"})
	if len(root) != 1 {
		t.Fatalf("query %q: got %d root fields, want 1", query, len(root))
	}
	return oc, root[0].Selections
}

// names are the field names a selection asks for on typ, sorted and
// without repeats: what ent's CollectFields would load.
func names(oc *graphql.OperationContext, sel ast.SelectionSet, typ string) []string {
	var out []string
	for _, f := range graphql.CollectFields(oc, sel, []string{typ}) {
		out = append(out, f.Name)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// TestMerge: what any alias of a field asks for is kept, including
// through fragments; a field nobody asks for is reported absent.
func TestMerge(t *testing.T) {
	cases := []struct {
		name   string
		query  string
		field  string
		found  bool
		fields []string // of the merged selections, on Measures
	}{
		{"one field", `{ stats { total { count } } }`, "total", true, []string{"count"}},
		{"two aliases", `{ stats { a: total { count } b: total { sum } } }`, "total", true, []string{"count", "sum"}},
		{"through a fragment", `{ stats { total { count } ...F } } fragment F on Stats { total { sum } }`, "total", true, []string{"count", "sum"}},
		{"not asked for", `{ stats { buckets { count } } }`, "total", false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oc, sel := operation(t, tc.query)
			merged, found := Merge(oc, sel, tc.field, "Stats")
			if found != tc.found {
				t.Fatalf("found: got %v, want %v", found, tc.found)
			}
			if got := names(oc, merged, "Measures"); !slices.Equal(got, tc.fields) {
				t.Errorf("merged fields: got %v, want %v", got, tc.fields)
			}
		})
	}
}

// TestMergeAll: every field of a selection, by name, merged over its
// aliases.
func TestMergeAll(t *testing.T) {
	oc, sel := operation(t, `{ stats { buckets { count r1: region { code } r2: region { name } country { id } } } }`)
	buckets, ok := Merge(oc, sel, "buckets", "Stats")
	if !ok {
		t.Fatal("buckets: got absent, want present")
	}
	all := MergeAll(oc, buckets, "Bucket")
	want := map[string][]string{"count": nil, "region": {"code", "name"}, "country": {"id"}}
	if len(all) != len(want) {
		t.Errorf("fields: got %d, want %d (%v)", len(all), len(want), want)
	}
	for name, fields := range want {
		got, ok := all[name]
		if !ok {
			t.Errorf("%s: got absent, want present", name)
			continue
		}
		typ := map[string]string{"region": "Region", "country": "Country"}[name]
		if g := names(oc, got, typ); typ != "" && !slices.Equal(g, fields) {
			t.Errorf("%s fields: got %v, want %v", name, g, fields)
		}
	}
}

// recorder stands for an ent query: it records what CollectFields saw.
type recorder struct {
	called    bool
	sel       ast.SelectionSet
	satisfies []string
}

func (r *recorder) CollectFields(ctx context.Context, satisfies ...string) (*recorder, error) {
	r.called, r.satisfies = true, satisfies
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		r.sel = fc.Field.Selections
	}
	return r, nil
}

// TestCollect: the query sees the merged selections as the current
// field's, with the types given; outside an operation it is not asked.
func TestCollect(t *testing.T) {
	oc, sel := operation(t, `{ stats { buckets { a: region { code } b: region { name } } } }`)
	buckets, _ := Merge(oc, sel, "buckets", "Stats")
	region, _ := Merge(oc, buckets, "region", "Bucket")

	ctx := graphql.WithOperationContext(context.Background(), oc)
	r, err := Collect(ctx, &recorder{}, region, "Region", "Node")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(oc, r.sel, "Region"), []string{"code", "name"}; !slices.Equal(got, want) {
		t.Errorf("collected fields: got %v, want %v", got, want)
	}
	if got, want := r.satisfies, []string{"Region", "Node"}; !slices.Equal(got, want) {
		t.Errorf("satisfies: got %v, want %v", got, want)
	}

	r, err = Collect(context.Background(), &recorder{}, region, "Region")
	if err != nil {
		t.Fatal(err)
	}
	if r.called {
		t.Errorf("without an operation: got CollectFields called, want the query as it is")
	}
}
