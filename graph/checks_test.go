package graph_test

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"sscgraph/ent"
	"sscgraph/graph/generated"
)

// TestEveryInputIDHasATarget: the checks refuse an ID of the wrong type in
// a create or update input by looking the field up in ent.InputIDTargets,
// generated from the ent graph. A field missing there would switch the
// check off for it without a sound, so every ID field of those inputs must
// be listed, with a type the schema has.
func TestEveryInputIDHasATarget(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	checked := 0
	for name, def := range schema.Types {
		if def.Kind != ast.InputObject || !strings.HasSuffix(name, "Input") ||
			!(strings.HasPrefix(name, "Create") || strings.HasPrefix(name, "Update")) {
			continue
		}
		for _, f := range def.Fields {
			if f.Type.Name() != "ID" {
				continue
			}
			target, ok := ent.InputIDTargets[name+"."+f.Name]
			if !ok {
				t.Errorf("%s.%s holds IDs but ent.InputIDTargets does not say of which type", name, f.Name)
				continue
			}
			if def := schema.Types[target]; def == nil || def.Kind != ast.Object {
				t.Errorf("%s.%s: target %q is no object type of the schema", name, f.Name, target)
			}
			checked++
		}
	}
	if checked < 40 {
		t.Errorf("checked %d ID fields of create and update inputs; the schema has dozens", checked)
	}
}
