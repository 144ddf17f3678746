package graph_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"sscgraph/graph"
	"sscgraph/graph/generated"
)

// anyTypeIDs are the ID arguments and input fields that may name a node
// of any type, with the reason. Every other one must say of which type its
// IDs are (@idOf), or the checks could not refuse an ID of another type.
var anyTypeIDs = map[string]string{
	"Query.node(id)":   "answers the node of whatever type the ID names",
	"Query.nodes(ids)": "answers the nodes of whatever types the IDs name",
}

func init() {
	// entgql names a field's predicates by appending the operator.
	for _, op := range []string{"", "NEQ", "In", "NotIn", "GT", "GTE", "LT", "LTE"} {
		anyTypeIDs["AuditEventWhereInput.nodeID"+op] = "an audit event names the changed row, of any type (its type field says which)"
		anyTypeIDs["AuditEventWhereInput.keyID"+op] = "the key that wrote; never checked for type, so a key's ID of another type finds no event rather than being refused"
	}
}

// TestEveryIDHasATarget walks every argument and input field of the schema
// that holds IDs: each must name the type its IDs must be of (@idOf, read
// by the operation's checks through graph.IDTargets) or be allowed above
// to name any type. A new mutation or input field whose IDs say nothing
// fails here instead of going unchecked.
func TestEveryIDHasATarget(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	walked, problems := idProblems(schema, anyTypeIDs)
	for _, p := range problems {
		t.Error(p)
	}
	targets := graph.IDTargets(schema)
	for key, why := range graph.ResolverIDChecks {
		if targets[key] == "" {
			t.Errorf("ResolverIDChecks lists %s (%s), which has no @idOf", key, why)
		}
	}
	// Where-inputs, create and update inputs and the hand-written
	// arguments hold some 280: a count far below means the walk missed.
	if walked < 250 {
		t.Errorf("walked %d ID arguments and input fields; the schema has some 280", walked)
	}

	// The walk itself: an argument and an input field that say nothing
	// are found, as are a stale allowance and a target of no node type.
	toy := gqlparser.MustLoadSchema(&ast.Source{Name: "toy.graphqls", Input: `
		directive @idOf(type: String!) on ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION
		interface Node { id: ID! }
		type Thing implements Node { id: ID! }
		input ThingInput { ownerID: ID, thingIDs: [ID!] @idOf(type: "Thing"), name: String }
		type Query { thing(id: ID! @idOf(type: "Thing")): Thing, bad(id: ID @idOf(type: "Query")): Thing }
		type Mutation { archive(id: ID!, input: ThingInput): Boolean }
	`})
	_, found := idProblems(toy, map[string]string{"Query.gone(id)": "stale"})
	want := []string{"Mutation.archive(id)", "ThingInput.ownerID", "Query.bad(id)", "Query.gone(id)"}
	if len(found) != len(want) {
		t.Errorf("on a toy schema, found %q; want one problem for each of %q", found, want)
	}
	for _, w := range want {
		if !slices.ContainsFunc(found, func(p string) bool { return strings.Contains(p, w) }) {
			t.Errorf("on a toy schema, %s went unnoticed: %q", w, found)
		}
	}
}

// idProblems walks the ID arguments and input fields of a schema and
// returns how many it walked and what is wrong with them.
func idProblems(schema *ast.Schema, anyType map[string]string) (int, []string) {
	targets := graph.IDTargets(schema)
	seen := map[string]bool{}
	var problems []string
	check := func(key string, typ *ast.Type) {
		if typ.Name() != "ID" {
			return
		}
		seen[key] = true
		target, reason := targets[key], anyType[key]
		switch {
		case target == "" && reason == "":
			problems = append(problems, fmt.Sprintf("%s holds IDs but says not of which type: give it @idOf(type: …) (graph/schema; ent/entc.go's markIDTargets for entgql's inputs) or list it in anyTypeIDs with a reason", key))
		case target != "" && reason != "":
			problems = append(problems, fmt.Sprintf("%s is of type %s and yet listed in anyTypeIDs", key, target))
		case target != "":
			def := schema.Types[target]
			if def == nil || def.Kind != ast.Object || !implements(def, "Node") {
				problems = append(problems, fmt.Sprintf("%s: @idOf(type: %q) names no node type of the schema", key, target))
			}
		}
	}
	for name, def := range schema.Types {
		if strings.HasPrefix(name, "__") {
			continue
		}
		for _, f := range def.Fields {
			if def.Kind == ast.InputObject {
				check(name+"."+f.Name, f.Type)
				continue
			}
			for _, a := range f.Arguments {
				check(name+"."+f.Name+"("+a.Name+")", a.Type)
			}
		}
	}
	for key := range anyType {
		if !seen[key] {
			problems = append(problems, fmt.Sprintf("anyTypeIDs lists %s, which the schema does not have (or which holds no IDs)", key))
		}
	}
	for key := range targets {
		if !seen[key] {
			problems = append(problems, fmt.Sprintf("@idOf on %s, which holds no IDs", key))
		}
	}
	return len(seen), problems
}

func implements(def *ast.Definition, iface string) bool {
	for _, i := range def.Interfaces {
		if i == iface {
			return true
		}
	}
	return false
}
