package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"sscgraph/ent/schemadesc"

	"sscgraph/ent/hook"
	"sscgraph/internal/validate"
)

// Recommendation is one of the 45 Development Agenda recommendations adopted
// in 2007, grouped in clusters A to F.
type Recommendation struct{ ent.Schema }

// Fields of the Recommendation.
func (Recommendation) Fields() []ent.Field {
	return []ent.Field{
		field.Int("number").
			Comment("Number of the recommendation, 1 to 45.").
			Unique().Validate(validate.Between(1, 45)).
			Annotations(entgql.OrderField("NUMBER")),
		field.Enum("cluster").
			Values("A", "B", "C", "D", "E", "F").
			Comment("A: technical assistance and capacity building; B: norm-setting, flexibilities, public policy and public domain; C: technology transfer, ICT and access to knowledge; D: assessment, evaluation and impact studies; E: institutional matters; F: other issues.").
			Annotations(entgql.OrderField("CLUSTER"), schemadesc.EnumValues{
				"A": "Technical assistance and capacity building.",
				"B": "Norm-setting, flexibilities, public policy and public domain.",
				"C": "Technology transfer, information and communication technologies and access to knowledge.",
				"D": "Assessment, evaluation and impact studies.",
				"E": "Institutional matters.",
				"F": "Other issues.",
			}),
		field.String("title").
			Validate(validate.NotBlank).Validate(validate.MaxRunes(300)).MaxRuneLen(300).
			Comment("Short paraphrase of the recommendation. At most 300 characters.").
			Annotations(entgql.OrderField("TITLE")),
	}
}

// Edges of the Recommendation.
func (Recommendation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("projects", Project.Type).Ref("recommendations").
			Comment("DA projects implementing the recommendation.").
			Annotations(connection()),
	}
}

// Annotations of the Recommendation.
func (Recommendation) Annotations() []schema.Annotation {
	return graphAnnotations("One of the 45 Development Agenda recommendations adopted in 2007, in clusters A to F.")
}

// Policy of the Recommendation: who may change it (see policy.go).
func (Recommendation) Policy() ent.Policy { return programmePolicy() }

// Hooks of the Recommendation: every API write is audited (see audit.go).
func (Recommendation) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(audited("Recommendation"), auditedWrites), hook.On(edgesExist, writes)}
}
