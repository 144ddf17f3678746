package personal_test

import (
	"slices"
	"strconv"
	"testing"

	"sscgraph/graph"
	"sscgraph/internal/apitest"
	"sscgraph/internal/personal"
)

// TestPersonalFields proves that internal/personal's table is the rule on
// every path it names: each field it marks is a nullable field of the
// schema, answered null through GraphQL to the keys that may not read it
// and kept out of those keys' exports, while ADMIN and EDITOR keys (and a
// party's MEMBER key, where parties read it) get the value. A field added
// to the table is checked here without a new test; one whose type the
// test cannot find a row of fails until it can.
func TestPersonalFields(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testPersonalFields)
}

func testPersonalFields(t *testing.T, a *apitest.API) {
	schema := graph.NewSchema(nil).Schema()
	w := apitest.NewMatchWorld(t, a)
	// rows finds the ID of a row of each type whose personal fields hold
	// values, and the MEMBER key of a party to it (none when parties are
	// not readers); exports names the type's export.
	rows := map[string]func(t *testing.T) (id string, party apitest.Caller){
		"Consultant": func(t *testing.T) (string, apitest.Caller) {
			r := w.Admin.Do(t, `{ consultants(first: 100) { edges { node { id email } } } }`, nil)
			for i := range r.List("consultants.edges") {
				n := r.Get("consultants.edges." + strconv.Itoa(i) + ".node").(map[string]any)
				if n["email"] != nil {
					return n["id"].(string), apitest.Caller{}
				}
			}
			t.Fatalf("no consultant has an e-mail address: %+v", r.Errors)
			return "", apitest.Caller{}
		},
		"Match": func(t *testing.T) (string, apitest.Caller) { return w.MatchIn(t, "ACCEPTED"), w.Provider },
	}
	exports := map[string]string{"Consultant": "consultants", "Match": "matches"}
	exportedToStaff := 0
	for _, f := range personal.Fields() {
		t.Run(f.Type+"."+f.Name, func(t *testing.T) {
			def := schema.Types[f.Type]
			if def == nil || def.Fields.ForName(f.Name) == nil {
				t.Fatalf("the schema has no field %s.%s", f.Type, f.Name)
			}
			if def.Fields.ForName(f.Name).Type.NonNull {
				t.Fatalf("%s.%s is non-null: a key that may not read it could not be answered null", f.Type, f.Name)
			}
			row, ok := rows[f.Type]
			if !ok {
				t.Fatalf("the test knows no row of %s: add one to rows", f.Type)
			}
			id, party := row(t)
			q := `query($id: ID!) { node(id: $id) { ... on ` + f.Type + ` { ` + f.Name + ` } } }`
			readers := map[string]apitest.Caller{"ADMIN": w.Admin, "EDITOR": w.Editor}
			others := map[string]apitest.Caller{"anonymous": {A: a}, "a stranger's MEMBER key": w.Stranger}
			if f.Readers == personal.StaffAndParties {
				readers["a party's MEMBER key"] = party
			} else {
				others["a MEMBER key"] = w.Provider
			}
			for who, c := range readers {
				if r := c.Do(t, q, map[string]any{"id": id}); r.Get("node."+f.Name) == nil {
					t.Errorf("%s reads %s.%s as null: %+v", who, f.Type, f.Name, r.Errors)
				}
			}
			for who, c := range others {
				r := c.Do(t, q, map[string]any{"id": id})
				if len(r.Errors) > 0 || r.Get("node") == nil || r.Get("node."+f.Name) != nil {
					t.Errorf("%s reads %s.%s: %v %+v, want null without an error", who, f.Type, f.Name, r.Data, r.Errors)
				}
			}
			name, ok := exports[f.Type]
			if !ok {
				return
			}
			header := func(c apitest.Caller) []string {
				authz := ""
				if c.Key != "" {
					authz = "Bearer " + c.Key
				}
				h, _ := apitest.CSVRows(t, a.Export(t, "/export/"+name+".csv", nil, authz))
				return h
			}
			if slices.Contains(header(w.Admin), f.Name) {
				exportedToStaff++
			}
			for who, c := range others {
				if h := header(c); slices.Contains(h, f.Name) {
					t.Errorf("%s's export of %s has the column %s: %v", who, name, f.Name, h)
				}
			}
		})
	}
	if exportedToStaff == 0 {
		t.Error("no personal field is a column of an ADMIN key's export: the export half of the test proves nothing")
	}
}
