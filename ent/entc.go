//go:build ignore

// Command entc generates the ent client and the GraphQL model schema.
// go generate runs it from the ent directory (see generate.go), so every
// path here is relative to ent/.
package main

import (
	"log/slog"
	"os"

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
