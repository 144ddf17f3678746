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
	"sscgraph/internal/validate"
)

// MatchOffer is a provider's offer of IP-related help on Match.
type MatchOffer struct{ ent.Schema }

// Mixin of the MatchOffer.
func (MatchOffer) Mixin() []ent.Mixin {
	return []ent.Mixin{DemoMixin{}, RefMixin{}, PostingMixin{
		Noun:        "offer",
		Description: "What is offered, to whom and on what terms. At most 20,000 characters.",
		Kind:        "The kind of support offered.",
		Status:      "OPEN, MATCHED (as many accepted matches as its capacity) or CLOSED; EXPIRED once expiresAt has passed while OPEN, which is derived, never written. Only EDITOR and ADMIN keys reopen a CLOSED, MATCHED or EXPIRED offer.",
		Statuses:    []string{"OPEN", "MATCHED", "CLOSED", "EXPIRED"},
		StatusValues: schemadesc.EnumValues{
			"OPEN":    "Available: open to match proposals.",
			"MATCHED": "As many matches accepted as its capacity allows.",
			"CLOSED":  "Closed by its organization or an editor; no longer open to proposals.",
			"EXPIRED": "Was OPEN when expiresAt passed (derived, never written).",
		},
	}}
}

// Fields of the MatchOffer.
func (MatchOffer) Fields() []ent.Field {
	return []ent.Field{
		field.Time("expires_at").
			Comment("When the offer lapses, if it does.").
			Optional().Nillable().
			Annotations(entgql.OrderField("EXPIRES_AT")),
		field.Strings("languages").
			Optional().
			Comment("ISO 639-1 codes of the languages the help is offered in."),
		// The provider's key, as a field so that an index can lead with it.
		field.Int("provider_id").
			Annotations(entgql.Skip()),
		// Last, so that the column is added, not the table rebuilt (on
		// SQLite a rebuild would drop the table's triggers).
		field.Int("capacity").
			Default(1).Validate(validate.Between(1, 10_000)).
			Comment("How many accepted matches the offer can serve before it is MATCHED."),
	}
}

// Edges of the MatchOffer.
func (MatchOffer) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("provider", Organization.Type).
			Ref("offers").Unique().Required().Field("provider_id").
			Comment("The organization offering help."),
		edge.To("topics", Topic.Type).
			Through("topic_links", OfferTopic.Type).
			Comment("IP areas and sectors the offer covers.").
			Annotations(connection()),
		edge.To("target_regions", Region.Type).
			Through("target_region_links", OfferTargetRegion.Type).
			Comment("Regions the offer is meant for.").
			Annotations(connection()),
		edge.To("target_countries", Country.Type).
			Through("target_country_links", OfferTargetCountry.Type).
			Comment("Countries the offer is meant for.").
			Annotations(connection()),
		edge.To("matches", Match.Type).
			Comment("Matches made with this offer.").
			StorageKey(edge.Column("offer_id")).
			Annotations(connection()),
	}
}

// Indexes of the MatchOffer.
func (MatchOffer) Indexes() []ent.Index {
	return []ent.Index{
		// An organization's offers, newest first (see Activity's indexes).
		index.Fields("provider_id", "posted_at").Annotations(entsql.DescColumns("posted_at")),
		index.Fields("status", "posted_at"),
		// The Match page: offers of a status, newest first, ties by id
		// (entgql's tie-break is id ascending whatever the direction),
		// read in order from the index so that a page stops after its
		// rows. (status, posted_at) gives posted_at DESC only with id
		// DESC, so the planner sorted instead: on SQLite, given
		// status: OPEN's expiry test (expires_at IS NULL OR expires_at >
		// now), it read every open offer through (status, expires_at)
		// and sorted them all.
		index.Fields("status", "posted_at", "id").Annotations(entsql.DescColumns("posted_at")),
		index.Fields("posted_at"),
		// Offers that lapse: the derived EXPIRED status reads them.
		index.Fields("status", "expires_at"),
	}
}

// Annotations of the MatchOffer.
func (MatchOffer) Annotations() []schema.Annotation {
	return graphAnnotations("A provider's offer of IP-related help on the Match platform.")
}

// Policy of the MatchOffer: who may change it (see policy.go).
func (MatchOffer) Policy() ent.Policy { return matchOfferPolicy() }

// Hooks of the MatchOffer: its value rules (see rules.go).
func (MatchOffer) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(audited("MatchOffer"), auditedWrites), hook.On(edgesExist, writes), hook.On(answeringConflicts(matchOfferRules), writes), matchOfferDeletes()}
}
