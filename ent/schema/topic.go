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

// Topic is an IP area (patents, copyright, ...) or an economic sector
// (tourism, health, ...) that projects, activities, experts and Match
// postings are tagged with.
type Topic struct{ ent.Schema }

// Fields of the Topic.
func (Topic) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").
			Unique().Validate(validate.NotBlank).Validate(validate.MaxRunes(64)).MaxRuneLen(64).
			Comment("Stable code, e.g. PATENTS or TOURISM. At most 64 characters.").
			Annotations(entgql.OrderField("CODE")),
		field.String("name").
			Comment("English name. At most 200 characters.").
			Validate(validate.NotBlank).Validate(validate.MaxRunes(200)).MaxRuneLen(200).
			Annotations(entgql.OrderField("NAME")),
		field.Enum("kind").
			Values("IP_AREA", "SECTOR").
			Comment("Whether the topic is an IP area or an economic sector.").
			Annotations(entgql.OrderField("KIND"), schemadesc.EnumValues{
				"IP_AREA": "An area of intellectual property, such as patents or geographical indications.",
				"SECTOR":  "An economic sector, such as tourism or agriculture.",
			}),
		field.Text("description").
			Validate(validate.MaxRunes(validate.MaxLongText)).
			Comment("What the topic covers. At most 20,000 characters.").
			Optional(),
	}
}

// Edges of the Topic.
func (Topic) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("projects", Project.Type).
			Comment("DA projects tagged with the topic.").Ref("topics").Annotations(connection()),
		edge.From("activities", Activity.Type).
			Comment("Activities tagged with the topic.").Ref("topics").Annotations(connection()),
		edge.From("consultants", Consultant.Type).Ref("expertise").
			Comment("Consultants with expertise in the topic.").
			Annotations(connection()),
		edge.From("offers", MatchOffer.Type).
			Comment("Match offers of help in the topic.").Ref("topics").Annotations(connection()),
		edge.From("needs", MatchNeed.Type).
			Comment("Match needs for help in the topic.").Ref("topics").Annotations(connection()),
	}
}

// Annotations of the Topic.
func (Topic) Annotations() []schema.Annotation {
	return graphAnnotations("An IP area (patents, copyright, ...) or an economic sector (tourism, health, ...) that projects, activities, experts and Match postings are tagged with.")
}

// Policy of the Topic: who may change it (see policy.go).
func (Topic) Policy() ent.Policy { return programmePolicy() }

// Hooks of the Topic: every API write is audited (see audit.go).
func (Topic) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(audited("Topic"), auditedWrites), hook.On(edgesExist, writes)}
}
