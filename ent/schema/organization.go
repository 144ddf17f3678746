package schema

import (
	"sscgraph/ent/hook"
	"sscgraph/ent/schemadesc"
	"sscgraph/internal/validate"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Organization is an IP office, ministry, university or other body that
// partners in activities or provides and seeks help on Match.
type Organization struct{ ent.Schema }

// Mixin of the Organization.
func (Organization) Mixin() []ent.Mixin { return []ent.Mixin{DemoMixin{}, RefMixin{}} }

// Fields of the Organization.
func (Organization) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			Comment("Name of the organization. At most 300 characters.").
			Validate(validate.NotBlank).Validate(validate.MaxRunes(300)).MaxRuneLen(300).
			Annotations(entgql.OrderField("NAME")),
		field.Enum("kind").
			Comment("What kind of body the organization is.").
			Values("IP_OFFICE", "GOVERNMENT", "UNIVERSITY", "RESEARCH_CENTER", "NGO", "IGO", "PRIVATE_SECTOR", "OTHER").
			Annotations(entgql.OrderField("KIND"), schemadesc.EnumValues{
				"IP_OFFICE":       "A national or regional intellectual property office.",
				"GOVERNMENT":      "A ministry or another government body.",
				"UNIVERSITY":      "A university or another higher-education institution.",
				"RESEARCH_CENTER": "A research centre.",
				"NGO":             "A non-governmental organization.",
				"IGO":             "An intergovernmental organization.",
				"PRIVATE_SECTOR":  "A company or a business association.",
				"OTHER":           "Any other kind of body.",
			}),
		field.String("website").
			Comment("Home page address. At most 500 characters.").
			Optional().Validate(validate.MaxRunes(500)).MaxRuneLen(500),
		field.Strings("sources").
			Default([]string{}).
			Annotations(entsql.Default("[]")).
			Comment("What supports the record: public addresses where the organization is named. Every real organization has at least one. At most 200 entries of at most 500 characters each."),
	}
}

// Edges of the Organization.
func (Organization) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("country", Country.Type).
			Ref("organizations").Unique().
			Comment("Where the organization is based; empty for some international bodies."),
		edge.To("offers", MatchOffer.Type).
			Comment("Match offers the organization provides.").
			Annotations(connection()),
		edge.To("needs", MatchNeed.Type).
			Comment("Match needs the organization seeks help for.").
			Annotations(connection()),
		edge.From("activities", Activity.Type).
			Ref("partners").
			Comment("Activities the organization partners in.").
			Annotations(connection()),
		edge.From("organized_activities", Activity.Type).
			Ref("organizers").
			Comment("Activities the organization organized.").
			Annotations(connection()),
		edge.To("requested_activities", Activity.Type).
			Comment("Activities the organization asked for (their requester).").
			Annotations(connection()),
	}
}

// Indexes of the Organization.
func (Organization) Indexes() []ent.Index {
	return []ent.Index{
		index.Edges("country"),
		index.Fields("name"),
	}
}

// Annotations of the Organization.
func (Organization) Annotations() []schema.Annotation {
	return graphAnnotations("An IP office, ministry, university or other body that partners in activities or provides and seeks help on Match.")
}

// Policy of the Organization: who may change it (see policy.go).
func (Organization) Policy() ent.Policy { return programmePolicy() }

// Hooks of the Organization: what its deletion must respect (see deletes.go).
func (Organization) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(audited("Organization"), auditedWrites), hook.On(edgesExist, writes), hook.On(organizationRules, writes), organizationDeletes()}
}
