package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"sscgraph/ent/hook"
)

// Match records that a provider's offer and a seeker's need agreed, or were
// proposed, to collaborate.
type Match struct{ ent.Schema }

// Mixin of the Match.
func (Match) Mixin() []ent.Mixin { return []ent.Mixin{DemoMixin{}} }

// Fields of the Match.
func (Match) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("status").
			Comment("PROPOSED, ACCEPTED, DECLINED or COMPLETED.").
			Values("PROPOSED", "ACCEPTED", "DECLINED", "COMPLETED").
			Annotations(entgql.OrderField("STATUS")),
		field.Float("score").
			Range(0, 1).
			Comment("How well the offer fits the need, from 0 to 1.").
			Annotations(entgql.OrderField("SCORE")),
		field.Time("created_at").
			Comment("When the match was proposed.").
			Annotations(entgql.OrderField("CREATED_AT")),
		field.Enum("cooperation").
			Values("SOUTH_SOUTH", "TRIANGULAR", "OTHER").
			Comment("Derived from the parties' countries: SOUTH_SOUTH when only developing countries take part, TRIANGULAR when developing countries of two or more kinds of party work with a developed-country or intergovernmental party, OTHER otherwise.").
			Annotations(entgql.OrderField("COOPERATION"), notInput()),
	}
}

// Edges of the Match.
func (Match) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("offer", MatchOffer.Type).
			Comment("The offer matched.").
			Ref("matches").Unique().Required(),
		edge.From("need", MatchNeed.Type).
			Comment("The need matched.").
			Ref("matches").Unique().Required(),
	}
}

// Indexes of the Match.
func (Match) Indexes() []ent.Index {
	return []ent.Index{
		// One match per offer and need; the unique index also serves
		// offer-side look-ups.
		index.Edges("offer", "need").Unique(),
		index.Edges("need"),
	}
}

// Annotations of the Match.
func (Match) Annotations() []schema.Annotation {
	return graphAnnotations("A pairing of an offer and a need on Match, proposed or agreed.")
}

// Policy of the Match: who may change it (see policy.go).
func (Match) Policy() ent.Policy { return matchPolicy() }

// Hooks of the Match.
func (Match) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(audited("Match"), auditedWrites), hook.On(edgesExist, writes), hook.On(deriveCooperation, ent.OpCreate|ent.OpUpdateOne)}
}
