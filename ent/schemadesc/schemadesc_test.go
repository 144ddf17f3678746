package schemadesc_test

import (
	"sort"
	"strings"
	"testing"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"github.com/vektah/gqlparser/v2/ast"

	"sscgraph/ent/schemadesc"
)

// build generates the GraphQL schema of testdata/schema as ent/entc.go
// does, with Describe as its hook.
func build(t *testing.T) (*gen.Graph, *ast.Schema) {
	t.Helper()
	storage, err := gen.NewStorage("sql")
	if err != nil {
		t.Fatal(err)
	}
	g, err := entc.LoadGraph("./testdata/schema", &gen.Config{Storage: storage})
	if err != nil {
		t.Fatalf("loading testdata/schema: %v", err)
	}
	ex, err := entgql.NewExtension(
		entgql.WithSchemaGenerator(),
		entgql.WithWhereInputs(true),
		entgql.WithRelaySpec(true),
		entgql.WithSchemaHook(schemadesc.Describe),
	)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ex.BuildSchema(g)
	if err != nil {
		t.Fatalf("building the schema: %v", err)
	}
	return g, s
}

// TestNewEntityIsDescribed: every element entgql generates for an entity
// that schemadesc has never seen is described, from the model's comments
// and the element's kind, and the descriptions say what the element does.
func TestNewEntityIsDescribed(t *testing.T) {
	g, s := build(t)
	var missing []string
	for name, def := range s.Types {
		if strings.TrimSpace(def.Description) == "" {
			missing = append(missing, name)
		}
		for _, f := range def.Fields {
			if strings.TrimSpace(f.Description) == "" {
				missing = append(missing, name+"."+f.Name)
			}
			for _, a := range f.Arguments {
				if strings.TrimSpace(a.Description) == "" {
					missing = append(missing, name+"."+f.Name+"("+a.Name+")")
				}
			}
		}
		for _, v := range def.EnumValues {
			if strings.TrimSpace(v.Description) == "" {
				missing = append(missing, name+"."+v.Name)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d elements have no description:\n%s", len(missing), strings.Join(missing, "\n"))
	}

	for _, c := range []struct{ typ, field, want string }{
		{"Callback", "id", "The Callback's global ID: opaque, stable, and accepted by node(id:) and by every argument that names a Callback."},
		{"Callback", "topics", "Owners whose changes are posted."},
		{"CallbackWhereInput", "not", "Only Callbacks that do not match this filter."},
		{"CallbackWhereInput", "url", "Only Callbacks whose url equals this value."},
		{"CallbackWhereInput", "urlContains", "Only Callbacks whose url contains this text; case counts (on SQLite, except for ASCII letters)."},
		{"CallbackWhereInput", "urlContainsFold", "Only Callbacks whose url contains this text, ignoring case (on SQLite, the case of ASCII letters only)."},
		{"CallbackWhereInput", "failuresNEQ", "Only Callbacks whose failures differs from this value (those whose failures is null are left out)."},
		{"CallbackWhereInput", "lastCallAtGT", "Only Callbacks whose lastCallAt is after this time."},
		{"CallbackWhereInput", "lastCallAtIsNil", "If true, only Callbacks that have no lastCallAt; false adds no condition."},
		{"CallbackWhereInput", "hasOwner", "If true, only Callbacks that have an owner; if false, only those that have none."},
		{"CallbackWhereInput", "hasOwnerWith", "Only Callbacks whose owner (an Owner) matches all of these filters."},
		{"CallbackWhereInput", "hasTopicsWith", "Only Callbacks with at least one of topics (Owners) that matches all of these filters."},
		{"CreateCallbackInput", "url", "Where events are posted."},
		{"CreateCallbackInput", "ownerID", "The Owner to link as owner."},
		{"CreateCallbackInput", "topicIDs", "The Owners to link as topics."},
		{"UpdateCallbackInput", "clearLastCallAt", "If true, sets lastCallAt to null (a lastCallAt given in the same input is set instead)."},
		{"UpdateCallbackInput", "appendEvents", "Values to add at the end of events."},
		{"UpdateCallbackInput", "clearOwner", "If true, unlinks owner (an ownerID given in the same input is linked instead)."},
		{"UpdateCallbackInput", "addTopicIDs", "Owners to add to topics."},
		{"UpdateCallbackInput", "clearTopics", "If true, unlinks every one of topics, before the IDs of addTopicIDs are linked."},
		{"Query", "callbacks", "Callbacks, a page at a time, filtered by where, in the order of orderBy (by ID when not given)."},
	} {
		def := s.Types[c.typ]
		if def == nil {
			t.Errorf("no type %s", c.typ)
			continue
		}
		f := def.Fields.ForName(c.field)
		if f == nil {
			t.Errorf("no field %s.%s", c.typ, c.field)
			continue
		}
		if f.Description != c.want {
			t.Errorf("%s.%s: description %q, want %q", c.typ, c.field, f.Description, c.want)
		}
	}
	for _, c := range []struct{ typ, value, want string }{
		{"CallbackState", "PAUSED", "Events are not posted."},
		{"CallbackOrderField", "URL", "By url, in the database's text order."},
		{"CallbackOrderField", "STATE", "By state, in the alphabetical order of the values' names."},
		{"CallbackOrderField", "VERIFIED", "By verified, false first when ascending."},
		{"CallbackOrderField", "FAILURES", "By failures, smallest first when ascending; null last when ascending, first when descending."},
		{"CallbackOrderField", "LAST_CALL_AT", "By lastCallAt, earliest first when ascending; null last when ascending, first when descending."},
	} {
		def := s.Types[c.typ]
		if def == nil {
			t.Errorf("no type %s", c.typ)
			continue
		}
		v := def.EnumValues.ForName(c.value)
		if v == nil || v.Description != c.want {
			t.Errorf("%s.%s: %+v, want description %q", c.typ, c.value, v, c.want)
		}
	}

	// A filter entgql might add under a name schemadesc cannot explain
	// is an error, not a silent gap.
	s.Types["CallbackWhereInput"].Fields = append(s.Types["CallbackWhereInput"].Fields, &ast.FieldDefinition{Name: "urlMatchesRegexp", Type: ast.NamedType("String", nil)})
	if err := schemadesc.Describe(g, s); err == nil || !strings.Contains(err.Error(), "CallbackWhereInput.urlMatchesRegexp") {
		t.Errorf("Describe with an unknown filter: error %v, want one naming CallbackWhereInput.urlMatchesRegexp", err)
	}
}
