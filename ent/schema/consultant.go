package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"sscgraph/ent/hook"
	"sscgraph/internal/validate"
)

// Consultant is an expert on the roster of consultants.
type Consultant struct{ ent.Schema }

// Mixin of the Consultant.
func (Consultant) Mixin() []ent.Mixin { return []ent.Mixin{DemoMixin{}, RefMixin{}} }

// Fields of the Consultant.
func (Consultant) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			Comment("Full name. At most 200 characters.").
			Validate(validate.NotBlank).Validate(validate.MaxRunes(200)).MaxRuneLen(200).
			Annotations(entgql.OrderField("NAME")),
		field.Strings("languages").
			Optional().
			Comment("ISO 639-1 codes of the languages the consultant works in."),
		field.Text("bio").
			Validate(validate.MaxRunes(validate.MaxLongText)).
			Comment("Short professional biography. At most 20,000 characters.").
			Optional(),
		field.Bool("available").
			Default(true).
			Comment("Whether the consultant currently accepts assignments.").
			Annotations(entgql.OrderField("AVAILABLE")),
		// The e-mail address is personal data: Sensitive keeps it out of
		// ent's printing, and it has no filters or orderings. It is in the
		// create and update inputs (only ADMIN and EDITOR keys write
		// consultants); graph/schema/private.graphqls adds it to the
		// Consultant type with a resolver that answers null to anyone but
		// ADMIN and EDITOR keys.
		field.String("email").
			Optional().MaxLen(320).Sensitive().
			Comment("E-mail address; personal data.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput, entgql.SkipOrderField)),
	}
}

// Edges of the Consultant.
func (Consultant) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("nationality", Country.Type).
			Comment("Country of nationality.").
			Ref("consultants").Unique(),
		edge.To("expertise", Topic.Type).
			Comment("Topics the consultant is an expert in.").
			Annotations(connection()),
		edge.From("activities", Activity.Type).
			Comment("Activities the consultant worked on.").
			Ref("consultants").
			Annotations(connection()),
	}
}

// Indexes of the Consultant.
func (Consultant) Indexes() []ent.Index {
	return []ent.Index{
		index.Edges("nationality"),
		index.Fields("name"),
	}
}

// Annotations of the Consultant.
func (Consultant) Annotations() []schema.Annotation {
	return graphAnnotations("An expert on the roster of consultants.")
}

// Policy of the Consultant: who may change it (see policy.go).
func (Consultant) Policy() ent.Policy { return programmePolicy() }

// Hooks of the Consultant: its value rules (see rules.go).
func (Consultant) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(audited("Consultant"), auditedWrites), hook.On(edgesExist, writes), hook.On(consultantRules, writes)}
}
