//go:build ignore

// Command entc generates the ent client and the GraphQL model schema.
// go generate runs it from the ent directory (see generate.go), so every
// path here is relative to ent/.
package main

import (
	"log/slog"
	"os"

	"github.com/vektah/gqlparser/v2/ast"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithConfigPath("../gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("../graph/ent.graphql"),
		entgql.WithWhereInputs(true),
		entgql.WithRelaySpec(true),
		entgql.WithSchemaHook(describeTypes),
	)
	if err != nil {
		slog.Error("creating entgql extension", "err", err)
		os.Exit(1)
	}
	err = entc.Generate("./schema", &gen.Config{
		Features: []gen.Feature{
			// Each table owns a range of keys, so a key alone names its
			// type: the base of opaque typed global IDs (internal/gid).
			gen.FeatureGlobalID,
			gen.FeatureModifier,
			gen.FeatureExecQuery,
			gen.FeatureUpsert,
			gen.FeatureVersionedMigration,
			// Who may change what is decided in one place: the
			// policies of ent/schema (see policy.go there).
			gen.FeaturePrivacy,
			gen.FeatureEntQL,
		},
		Templates: []*gen.Template{
			gen.MustParse(gen.NewTemplate("nodetypes").ParseFiles("template/nodetypes.tmpl")),
		},
	},
		entc.Extensions(ex),
		// Loaded after the extension so that its overrides of ent's and
		// entgql's templates take effect.
		entc.TemplateFiles("template/fastpaths.tmpl"),
	)
	if err != nil {
		slog.Error("running ent codegen", "err", err)
		os.Exit(1)
	}
}

// describeTypes carries the model's documentation into the GraphQL schema,
// which is the API's documentation: each type's schema.Comment annotation
// becomes the type's description, and each edge's Comment becomes the
// description of its field where entgql leaves it empty (it does so for
// connection fields).
func describeTypes(g *gen.Graph, s *ast.Schema) error {
	for _, n := range g.Nodes {
		def := s.Types[n.Name]
		if def == nil {
			continue
		}
		if c, ok := n.Annotations["Comment"].(map[string]any); ok {
			if text, ok := c["Text"].(string); ok && def.Description == "" {
				def.Description = text
			}
		}
		for _, e := range n.Edges {
			f := def.Fields.ForName(camel(e.Name))
			if f != nil && f.Description == "" && e.Comment() != "" {
				f.Description = e.Comment()
			}
		}
	}
	return nil
}

// camel turns an ent edge name (snake_case) into its GraphQL field name.
func camel(s string) string {
	out := make([]byte, 0, len(s))
	upper := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '_':
			upper = true
		case upper && c >= 'a' && c <= 'z':
			out = append(out, c-'a'+'A')
			upper = false
		default:
			out = append(out, c)
			upper = false
		}
	}
	return string(out)
}
