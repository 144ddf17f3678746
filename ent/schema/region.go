package schema

import (
	"sscgraph/ent/hook"
	"sscgraph/internal/validate"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Region is a regional bureau of the development sector. Every country has
// exactly one bureau; developed countries share the DEVELOPED pseudo-bureau.
type Region struct{ ent.Schema }

// Fields of the Region.
func (Region) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").
			Unique().Validate(validate.NotBlank).Validate(validate.MaxRunes(32)).MaxRuneLen(32).
			Comment("Stable code: AFRICA, ARAB, ASIA_PACIFIC, LATIN_AMERICA_CARIBBEAN, EUROPE_ASIA or DEVELOPED. At most 32 characters.").
			Annotations(entgql.OrderField("CODE")),
		field.String("name").
			Comment("English name of the bureau. At most 200 characters.").
			Validate(validate.NotBlank).Validate(validate.MaxRunes(200)).MaxRuneLen(200).
			Annotations(entgql.OrderField("NAME")),
		field.Text("description").
			Validate(validate.MaxRunes(validate.MaxLongText)).
			Optional().
			Comment("What the bureau covers. At most 20,000 characters."),
	}
}

// Edges of the Region.
func (Region) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("countries", Country.Type).
			StorageKey(edge.Column("region_id")).
			Comment("Countries this bureau is responsible for.").
			Annotations(connection()),
		edge.From("targeting_offers", MatchOffer.Type).
			Ref("target_regions").
			Comment("Match offers that target this region.").
			Annotations(connection()),
	}
}

// Annotations of the Region.
func (Region) Annotations() []schema.Annotation {
	return graphAnnotations("A regional bureau of the development sector. Every country has exactly one; developed countries share the DEVELOPED pseudo-bureau.")
}

// Policy of the Region: who may change it (see policy.go).
func (Region) Policy() ent.Policy { return programmePolicy() }

// Hooks of the Region: what its deletion must respect (see deletes.go).
func (Region) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(audited("Region"), auditedWrites), hook.On(edgesExist, writes), regionDeletes()}
}
