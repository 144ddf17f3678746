package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"sscgraph/internal/validate"
)

// The join tables below carry a sort key: a copy of the child's start date
// (activities) or posting date (offers), which the database keeps in step
// with the child (triggers in the migrations). A country's activities,
// newest first, are then read in order from the index (country, start
// date, activity) instead of by sorting every activity of the country
// (internal/pagesql picks the copy up). They are ent edge schemas only so
// that the model, and the migrations generated from it, hold the column
// and its index; GraphQL does not show them, and writes still go through
// the edges (addBeneficiaryCountryIDs …), whose rows the database fills.

// joinTable describes one of them: its name; the owner side's key (left),
// the other side's (right); which side's rows have the sort key and what
// it is called.
type joinTable struct {
	name        string
	left, right string
	// leftEdge and rightEdge name the edges to the two sides.
	leftEdge, rightEdge string
	leftType, rightType any
	// key is the child's column copied into the table; child is the key
	// column of the side that has it, parent the other.
	key, child, parent string
	// extra are the columns the link itself carries (participants …).
	extra []ent.Field
}

// SortKeyCopy marks a join table's column that is a copy of its child's
// column of the same name: ent/template/pagesql.tmpl lists only those as
// stand-ins for the child's column in nested pages.
// (Copy is always true: templates read an empty annotation as absent.)
type SortKeyCopy struct{ Copy bool }

// Name of the annotation, as templates read it.
func (SortKeyCopy) Name() string { return "SortKeyCopy" }

func (j joinTable) annotations() []schema.Annotation {
	return []schema.Annotation{
		field.ID(j.left, j.right),
		entsql.Annotation{Table: j.name},
		entgql.Skip(entgql.SkipAll),
	}
}

func (j joinTable) fields() []ent.Field {
	return append([]ent.Field{
		field.Int(j.left).Immutable(),
		field.Int(j.right).Immutable(),
		field.Time(j.key).Optional().Nillable().
			Comment("Copied from the child by the database, for ordering.").
			Annotations(SortKeyCopy{Copy: true}),
	}, j.extra...)
}

func (j joinTable) edges() []ent.Edge {
	// The foreign keys keep the names the tables were created with.
	return []ent.Edge{
		edge.To(j.leftEdge, j.leftType).Unique().Required().Immutable().Field(j.left).
			StorageKey(edge.Symbol(j.name + "_" + j.left)).
			Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To(j.rightEdge, j.rightType).Unique().Required().Immutable().Field(j.right).
			StorageKey(edge.Symbol(j.name + "_" + j.right)).
			Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

func (j joinTable) indexes() []ent.Index {
	return []ent.Index{
		// The traversal from the right side, in key order (the primary
		// key serves the left side).
		index.Fields(j.right, j.left).
			StorageKey(j.name + "_" + j.right + "_" + j.left),
		// A parent's children newest first.
		index.Fields(j.parent, j.key, j.child).
			StorageKey(j.name + "_" + j.parent + "_" + j.key).
			Annotations(entsql.DescColumns(j.key)),
	}
}

func activityJoin(name, other, otherEdge string, otherType any) joinTable {
	return joinTable{
		name: name, left: "activity_id", right: other,
		leftEdge: "activity", rightEdge: otherEdge, leftType: Activity.Type, rightType: otherType,
		key: "start_date", child: "activity_id", parent: other,
	}
}

func offerJoin(name, other, otherEdge string, otherType any) joinTable {
	return joinTable{
		name: name, left: "match_offer_id", right: other,
		leftEdge: "offer", rightEdge: otherEdge, leftType: MatchOffer.Type, rightType: otherType,
		key: "posted_at", child: "match_offer_id", parent: other,
	}
}

// withBeneficiaryFigures gives the beneficiary links their own column:
// how many of the activity's participants came from that country, as the
// technical-assistance database records it. Null where no per-country
// figure is known (every link made before the column existed).
func withBeneficiaryFigures(j joinTable) joinTable {
	j.extra = []ent.Field{
		field.Int("participants").Optional().Nillable().Validate(validate.AtLeast(0)).
			Comment("Participants from this beneficiary country; null where only the activity's total is known."),
	}
	return j
}

var (
	beneficiaryJoin   = withBeneficiaryFigures(activityJoin("activity_beneficiary_countries", "country_id", "country", Country.Type))
	providerJoin      = activityJoin("activity_provider_countries", "country_id", "country", Country.Type)
	activityTopicJoin = activityJoin("activity_topics", "topic_id", "topic", Topic.Type)
	consultantJoin    = activityJoin("activity_consultants", "consultant_id", "consultant", Consultant.Type)
	partnerJoin       = activityJoin("activity_partners", "organization_id", "organization", Organization.Type)
	organizerJoin     = activityJoin("activity_organizers", "organization_id", "organization", Organization.Type)
	offerTopicJoin    = offerJoin("match_offer_topics", "topic_id", "topic", Topic.Type)
	targetCountryJoin = offerJoin("match_offer_target_countries", "country_id", "country", Country.Type)
	targetRegionJoin  = offerJoin("match_offer_target_regions", "region_id", "region", Region.Type)
)

// ActivityBeneficiary joins an activity and a country it benefits.
type ActivityBeneficiary struct{ ent.Schema }

// Annotations of the ActivityBeneficiary.
func (ActivityBeneficiary) Annotations() []schema.Annotation { return beneficiaryJoin.annotations() }

// Fields of the ActivityBeneficiary.
func (ActivityBeneficiary) Fields() []ent.Field { return beneficiaryJoin.fields() }

// Edges of the ActivityBeneficiary.
func (ActivityBeneficiary) Edges() []ent.Edge { return beneficiaryJoin.edges() }

// Indexes of the ActivityBeneficiary.
func (ActivityBeneficiary) Indexes() []ent.Index { return beneficiaryJoin.indexes() }

// ActivityProvider joins a South-South or triangular activity and a
// country that provides it.
type ActivityProvider struct{ ent.Schema }

// Annotations of the ActivityProvider.
func (ActivityProvider) Annotations() []schema.Annotation { return providerJoin.annotations() }

// Fields of the ActivityProvider.
func (ActivityProvider) Fields() []ent.Field { return providerJoin.fields() }

// Edges of the ActivityProvider.
func (ActivityProvider) Edges() []ent.Edge { return providerJoin.edges() }

// Indexes of the ActivityProvider.
func (ActivityProvider) Indexes() []ent.Index { return providerJoin.indexes() }

// ActivityTopic joins an activity and a topic it addresses.
type ActivityTopic struct{ ent.Schema }

// Annotations of the ActivityTopic.
func (ActivityTopic) Annotations() []schema.Annotation { return activityTopicJoin.annotations() }

// Fields of the ActivityTopic.
func (ActivityTopic) Fields() []ent.Field { return activityTopicJoin.fields() }

// Edges of the ActivityTopic.
func (ActivityTopic) Edges() []ent.Edge { return activityTopicJoin.edges() }

// Indexes of the ActivityTopic.
func (ActivityTopic) Indexes() []ent.Index { return activityTopicJoin.indexes() }

// ActivityConsultant joins an activity and a consultant who worked on it.
type ActivityConsultant struct{ ent.Schema }

// Annotations of the ActivityConsultant.
func (ActivityConsultant) Annotations() []schema.Annotation { return consultantJoin.annotations() }

// Fields of the ActivityConsultant.
func (ActivityConsultant) Fields() []ent.Field { return consultantJoin.fields() }

// Edges of the ActivityConsultant.
func (ActivityConsultant) Edges() []ent.Edge { return consultantJoin.edges() }

// Indexes of the ActivityConsultant.
func (ActivityConsultant) Indexes() []ent.Index { return consultantJoin.indexes() }

// ActivityPartner joins an activity and a partner organization.
type ActivityPartner struct{ ent.Schema }

// Annotations of the ActivityPartner.
func (ActivityPartner) Annotations() []schema.Annotation { return partnerJoin.annotations() }

// Fields of the ActivityPartner.
func (ActivityPartner) Fields() []ent.Field { return partnerJoin.fields() }

// Edges of the ActivityPartner.
func (ActivityPartner) Edges() []ent.Edge { return partnerJoin.edges() }

// Indexes of the ActivityPartner.
func (ActivityPartner) Indexes() []ent.Index { return partnerJoin.indexes() }

// OfferTopic joins a Match offer and a topic it covers.
type OfferTopic struct{ ent.Schema }

// Annotations of the OfferTopic.
func (OfferTopic) Annotations() []schema.Annotation { return offerTopicJoin.annotations() }

// Fields of the OfferTopic.
func (OfferTopic) Fields() []ent.Field { return offerTopicJoin.fields() }

// Edges of the OfferTopic.
func (OfferTopic) Edges() []ent.Edge { return offerTopicJoin.edges() }

// Indexes of the OfferTopic.
func (OfferTopic) Indexes() []ent.Index { return offerTopicJoin.indexes() }

// OfferTargetCountry joins a Match offer and a country it is meant for.
type OfferTargetCountry struct{ ent.Schema }

// Annotations of the OfferTargetCountry.
func (OfferTargetCountry) Annotations() []schema.Annotation { return targetCountryJoin.annotations() }

// Fields of the OfferTargetCountry.
func (OfferTargetCountry) Fields() []ent.Field { return targetCountryJoin.fields() }

// Edges of the OfferTargetCountry.
func (OfferTargetCountry) Edges() []ent.Edge { return targetCountryJoin.edges() }

// Indexes of the OfferTargetCountry.
func (OfferTargetCountry) Indexes() []ent.Index { return targetCountryJoin.indexes() }

// OfferTargetRegion joins a Match offer and a region it is meant for.
type OfferTargetRegion struct{ ent.Schema }

// Annotations of the OfferTargetRegion.
func (OfferTargetRegion) Annotations() []schema.Annotation { return targetRegionJoin.annotations() }

// Fields of the OfferTargetRegion.
func (OfferTargetRegion) Fields() []ent.Field { return targetRegionJoin.fields() }

// Edges of the OfferTargetRegion.
func (OfferTargetRegion) Edges() []ent.Edge { return targetRegionJoin.edges() }

// Indexes of the OfferTargetRegion.
func (OfferTargetRegion) Indexes() []ent.Index { return targetRegionJoin.indexes() }

// ActivityOrganizer joins an activity and an organization that organized
// it.
type ActivityOrganizer struct{ ent.Schema }

// Annotations of the ActivityOrganizer.
func (ActivityOrganizer) Annotations() []schema.Annotation { return organizerJoin.annotations() }

// Fields of the ActivityOrganizer.
func (ActivityOrganizer) Fields() []ent.Field { return organizerJoin.fields() }

// Edges of the ActivityOrganizer.
func (ActivityOrganizer) Edges() []ent.Edge { return organizerJoin.edges() }

// Indexes of the ActivityOrganizer.
func (ActivityOrganizer) Indexes() []ent.Index { return organizerJoin.indexes() }
