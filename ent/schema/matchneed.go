package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"sscgraph/ent/schemadesc"

	"sscgraph/ent/hook"
)

// MatchNeed is a seeker's request for IP-related help on Match.
type MatchNeed struct{ ent.Schema }

// Mixin of the MatchNeed.
func (MatchNeed) Mixin() []ent.Mixin {
	return []ent.Mixin{DemoMixin{}, RefMixin{}, PostingMixin{
		Noun:        "need",
		Description: "What help is sought, and why. At most 20,000 characters.",
		Kind:        "The kind of support sought.",
		Status:      "OPEN, MATCHED (a match was accepted) or CLOSED. Only EDITOR and ADMIN keys reopen a CLOSED or MATCHED need.",
		Statuses:    []string{"OPEN", "MATCHED", "CLOSED"},
		StatusValues: schemadesc.EnumValues{
			"OPEN":    "Seeking offers: open to match proposals.",
			"MATCHED": "A match with an offer was accepted.",
			"CLOSED":  "Closed by its organization or an editor; no longer open to proposals.",
		},
	}}
}

// Fields of the MatchNeed.
func (MatchNeed) Fields() []ent.Field {
	return []ent.Field{
		field.Strings("languages").
			Optional().
			Comment("ISO 639-1 codes of the languages the seeker works in."),
		// The seeker's and the country's keys, as fields so that an index
		// can lead with them.
		field.Int("seeker_id").
			Annotations(entgql.Skip()),
		field.Int("country_id").
			Annotations(entgql.Skip()),
	}
}

// Edges of the MatchNeed.
func (MatchNeed) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("seeker", Organization.Type).
			Ref("needs").Unique().Required().Field("seeker_id").
			Comment("The organization seeking help."),
		edge.From("country", Country.Type).
			Ref("needs").Unique().Required().Field("country_id").
			Comment("The country the help is for."),
		edge.To("topics", Topic.Type).
			Comment("IP areas and sectors the need concerns.").
			Annotations(connection()),
		edge.To("matches", Match.Type).
			Comment("Matches made for this need.").
			StorageKey(edge.Column("need_id")).
			Annotations(connection()),
	}
}

// Indexes of the MatchNeed.
func (MatchNeed) Indexes() []ent.Index {
	return []ent.Index{
		// An organization's or a country's needs, newest first (see
		// Activity's indexes).
		index.Fields("seeker_id", "posted_at").Annotations(entsql.DescColumns("posted_at")),
		index.Fields("country_id", "posted_at").Annotations(entsql.DescColumns("posted_at")),
		index.Fields("status", "posted_at"),
	}
}

// Annotations of the MatchNeed.
func (MatchNeed) Annotations() []schema.Annotation {
	return graphAnnotations("A seeker's request for IP-related help on the Match platform.")
}

// Policy of the MatchNeed: who may change it (see policy.go).
func (MatchNeed) Policy() ent.Policy { return matchNeedPolicy() }

// Hooks of the MatchNeed: its value rules (see rules.go).
func (MatchNeed) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(audited("MatchNeed"), auditedWrites), hook.On(edgesExist, writes), hook.On(answeringConflicts(matchNeedRules), writes), matchNeedDeletes()}
}
