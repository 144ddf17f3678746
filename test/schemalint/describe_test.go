// Package schemalint holds the checks that schema.graphql documents
// itself: every type, field, argument, input field, enum value and
// directive has a description. The Go test is the fast check; .ci/run
// also runs graphql-schema-linter (package.json, .graphql-schema-linterrc).
package schemalint

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// undescribed lists the elements of schema that have no description,
// as Type, Type.field, Type.field(arg), Enum.VALUE and @directive(arg).
// The built-in types and directives of GraphQL are left out.
func undescribed(schema *ast.Schema) []string {
	var out []string
	missing := func(desc, name string) {
		if strings.TrimSpace(desc) == "" {
			out = append(out, name)
		}
	}
	for name, def := range schema.Types {
		if def.BuiltIn {
			continue
		}
		missing(def.Description, name)
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			missing(f.Description, name+"."+f.Name)
			for _, a := range f.Arguments {
				missing(a.Description, name+"."+f.Name+"("+a.Name+")")
			}
		}
		for _, v := range def.EnumValues {
			missing(v.Description, name+"."+v.Name)
		}
	}
	for name, d := range schema.Directives {
		if d.Position != nil && d.Position.Src != nil && d.Position.Src.BuiltIn {
			continue
		}
		missing(d.Description, "@"+name)
		for _, a := range d.Arguments {
			missing(a.Description, "@"+name+"("+a.Name+")")
		}
	}
	sort.Strings(out)
	return out
}

func TestSchemaIsDescribed(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "schema.graphql"))
	if err != nil {
		t.Fatalf("reading schema.graphql: %v", err)
	}
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: string(src)})
	if err != nil {
		t.Fatalf("parsing schema.graphql: %v", err)
	}
	if len(schema.Types) < 50 {
		t.Fatalf("schema.graphql has %d types: not the API's schema", len(schema.Types))
	}
	if missing := undescribed(schema); len(missing) > 0 {
		t.Errorf("%d elements of schema.graphql have no description (ent/schema comments, ent/schemadesc, graph/schema/*.graphqls):\n%s",
			len(missing), strings.Join(missing, "\n"))
	}
}

// TestUndescribedFindsEveryKind checks the fast check itself: each kind of
// element without a description is listed, and only those.
func TestUndescribedFindsEveryKind(t *testing.T) {
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "t.graphql", Input: `
"Reads."
type Query {
  "Described."
  a(
    "Described."
    x: Int
    y: Int
  ): Kind
  b(
    "Described."
    in: In
  ): Int
}
enum Kind {
  "Described."
  ONE
  TWO
}
input In {
  "Described."
  p: Int
  q: Int
}
"Described."
directive @d(
  z: Int
) on FIELD_DEFINITION
directive @e on FIELD_DEFINITION
`})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"@d(z)", "@e", "In", "In.q", "Kind", "Kind.TWO", "Query.a(y)", "Query.b"}
	if got := undescribed(schema); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("undescribed = %v, want %v", got, want)
	}
}
