package graph

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// PublicSchema returns the schema as clients see it: without gqlgen's
// code-generation directives (@goModel, @goField), which name Go packages
// and mean nothing to a client.
func PublicSchema() *ast.Schema {
	src := NewSchema(nil).Schema()
	out := *src
	out.Types = make(map[string]*ast.Definition, len(src.Types))
	for name, def := range src.Types {
		out.Types[name] = publicDefinition(def)
	}
	out.Directives = make(map[string]*ast.DirectiveDefinition, len(src.Directives))
	for name, d := range src.Directives {
		if !isCodegenDirective(name) {
			out.Directives[name] = d
		}
	}
	for _, root := range []**ast.Definition{&out.Query, &out.Mutation, &out.Subscription} {
		if *root != nil {
			*root = out.Types[(*root).Name]
		}
	}
	return &out
}

func isCodegenDirective(name string) bool { return strings.HasPrefix(name, "go") }

func publicDefinition(def *ast.Definition) *ast.Definition {
	d := *def
	d.Directives = publicDirectives(def.Directives)
	d.Fields = make(ast.FieldList, len(def.Fields))
	for i, f := range def.Fields {
		fc := *f
		fc.Directives = publicDirectives(f.Directives)
		d.Fields[i] = &fc
	}
	return &d
}

func publicDirectives(list ast.DirectiveList) ast.DirectiveList {
	var out ast.DirectiveList
	for _, d := range list {
		if !isCodegenDirective(d.Name) {
			out = append(out, d)
		}
	}
	return out
}
