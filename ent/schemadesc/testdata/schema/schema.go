// Package schema is a model the test of schemadesc generates a GraphQL
// schema from: an entity of a kind the API does not have yet, as a new
// one would be written, to show that every element entgql generates for
// it is described without anything written for it in schemadesc.
package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"sscgraph/ent/schemadesc"
)

// Callback is a new entity: a URL that is called on events.
type Callback struct{ ent.Schema }

// Fields of the Callback.
func (Callback) Fields() []ent.Field {
	return []ent.Field{
		field.String("url").
			Comment("Where events are posted.").
			Annotations(entgql.OrderField("URL")),
		field.Enum("state").
			Values("ACTIVE", "PAUSED").
			Comment("Whether events are posted.").
			Annotations(entgql.OrderField("STATE"), schemadesc.EnumValues{
				"ACTIVE": "Events are posted.",
				"PAUSED": "Events are not posted.",
			}),
		field.Bool("verified").
			Comment("Whether the URL answered the first call.").
			Annotations(entgql.OrderField("VERIFIED")),
		field.Int("failures").
			Optional().Nillable().
			Comment("Calls that failed in a row.").
			Annotations(entgql.OrderField("FAILURES")),
		field.Time("last_call_at").
			Optional().Nillable().
			Comment("When the URL was last called.").
			Annotations(entgql.OrderField("LAST_CALL_AT")),
		field.Strings("events").
			Optional().
			Comment("The names of the events posted."),
	}
}

// Edges of the Callback.
func (Callback) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("owner", Owner.Type).Ref("callbacks").Unique().
			Comment("Who made the callback."),
		edge.To("topics", Owner.Type).
			Comment("Owners whose changes are posted.").
			Annotations(entgql.RelayConnection()),
	}
}

// Annotations of the Callback.
func (Callback) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A URL that is called on events."),
		entgql.QueryField(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}

// Owner holds callbacks.
type Owner struct{ ent.Schema }

// Fields of the Owner.
func (Owner) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Comment("The owner's name."),
	}
}

// Edges of the Owner.
func (Owner) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("callbacks", Callback.Type).
			Comment("The owner's callbacks.").
			Annotations(entgql.RelayConnection()),
	}
}

// Annotations of the Owner.
func (Owner) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("Someone who makes callbacks."),
		entgql.QueryField(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.RelayConnection(),
	}
}
