package schema

import (
	"sscgraph/ent/schemadesc"
	"time"

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
			Comment("PROPOSED, then ACCEPTED or DECLINED by the other party, or WITHDRAWN by the proposer; ACCEPTED, then COMPLETED. See proposeMatch, respondToMatch, completeMatch and withdrawMatch.").
			Values("PROPOSED", "ACCEPTED", "DECLINED", "WITHDRAWN", "COMPLETED").
			Annotations(entgql.OrderField("STATUS"), schemadesc.EnumValues{
				"PROPOSED":  "Proposed by one party; waiting for the other's answer (respondToMatch).",
				"ACCEPTED":  "Accepted by the other party; the cooperation is agreed.",
				"DECLINED":  "Declined by the other party.",
				"WITHDRAWN": "Withdrawn by the proposer before an answer.",
				"COMPLETED": "The agreed cooperation took place (completeMatch).",
			}),
		field.Float("score").
			Range(0, 1).
			Comment("How well the offer fits the need, from 0 to 1.").
			Annotations(entgql.OrderField("SCORE")),
		field.Time("created_at").
			Default(time.Now).
			Comment("When the match was proposed.").
			Annotations(entgql.OrderField("CREATED_AT")),
		field.Time("responded_at").
			Optional().Nillable().
			Comment("When the other party accepted or declined, or the proposer withdrew.").
			Annotations(notInput()),
		field.Time("completed_at").
			Optional().Nillable().
			Comment("When the match was marked COMPLETED.").
			Annotations(notInput()),
		field.String("live_pair").
			Optional().Nillable().Unique().
			Comment("offer:need while the match is PROPOSED or ACCEPTED, null otherwise: its unique index allows one live match per pair (set by the lifecycle hook; a partial index would say it too, but its predicate is written differently by each database).").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Text("message").
			Optional().MaxLen(5000).
			Comment("The proposer's message; the parties and EDITOR and ADMIN keys read it.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Text("response").
			Optional().MaxLen(5000).
			Comment("The other party's answer; the parties and EDITOR and ADMIN keys read it.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("cooperation").
			Values("SOUTH_SOUTH", "TRIANGULAR", "OTHER").
			Comment("Derived from the parties' countries: SOUTH_SOUTH when only developing countries take part, TRIANGULAR when developing countries of two or more kinds of party work with a developed-country or intergovernmental party, OTHER otherwise.").
			Annotations(entgql.OrderField("COOPERATION"), notInput(), schemadesc.EnumValues{
				"SOUTH_SOUTH": "Only developing countries take part.",
				"TRIANGULAR":  "Developing countries work with a developed-country or intergovernmental party.",
				"OTHER":       "Any other combination of parties.",
			}),
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
		edge.To("proposed_by", Organization.Type).
			Unique().
			StorageKey(edge.Column("proposed_by_id")).
			Comment("The party whose member proposed the match; null when an EDITOR or ADMIN key did.").
			Annotations(notInput()),
	}
}

// Indexes of the Match.
func (Match) Indexes() []ent.Index {
	return []ent.Index{
		// Offer-side look-ups and pages. A pair may have several matches
		// over time (declined, then proposed again); live_pair keeps one
		// live at a time.
		index.Edges("offer", "need"),
		index.Edges("need"),
	}
}

// Annotations of the Match.
func (Match) Annotations() []schema.Annotation {
	return graphAnnotations("A pairing of an offer and a need on Match, proposed or agreed.")
}

// Policy of the Match: who may change it (see policy.go).
func (Match) Policy() ent.Policy { return matchPolicy() }

// Hooks of the Match: the audit trail, links that exist, the state
// machine (lifecycle.go), the derived cooperation type and, innermost, the
// webhook outbox (webhook_hooks.go).
func (Match) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(audited("Match"), auditedWrites), hook.On(edgesExist, writes), hook.On(matchLifecycle, writes), hook.On(deriveCooperation, ent.OpCreate|ent.OpUpdateOne), hook.On(matchEvents, ent.OpCreate|ent.OpUpdateOne)}
}
