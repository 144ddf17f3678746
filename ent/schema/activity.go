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
	"sscgraph/ent/schema/schematype"
	"sscgraph/internal/validate"
)

// Activity is a technical-assistance, South-South or triangular activity, as
// recorded in the technical-assistance database.
type Activity struct{ ent.Schema }

// Mixin of the Activity.
func (Activity) Mixin() []ent.Mixin { return []ent.Mixin{DemoMixin{}, RefMixin{}} }

// Fields of the Activity.
func (Activity) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").
			Comment("Title of the activity. At most 500 characters.").
			Validate(validate.NotBlank).Validate(validate.MaxRunes(500)).MaxRuneLen(500).
			Annotations(entgql.OrderField("TITLE")),
		field.Text("description").
			Validate(validate.MaxRunes(validate.MaxLongText)).
			Comment("What the activity did or will do. At most 20,000 characters.").
			Optional(),
		field.Enum("kind").
			Values("TECHNICAL_ASSISTANCE", "SOUTH_SOUTH", "TRIANGULAR", "OTHER").
			Comment("TECHNICAL_ASSISTANCE is delivered by the unit; SOUTH_SOUTH and TRIANGULAR have provider countries where a source names them; OTHER is a conference, agreement or high-level visit.").
			Annotations(entgql.OrderField("KIND"), schemadesc.EnumValues{
				"TECHNICAL_ASSISTANCE": "Technical assistance or capacity building delivered by the unit.",
				"SOUTH_SOUTH":          "Cooperation between developing countries.",
				"TRIANGULAR":           "South-South cooperation supported by a developed country or an intergovernmental organization.",
				"OTHER":                "A conference, an agreement or a high-level visit.",
			}),
		field.Enum("type").
			Comment("The form of the activity.").
			Values("TRAINING", "WORKSHOP", "SEMINAR", "ADVISORY_MISSION", "STUDY", "STUDY_VISIT", "CONFERENCE", "TOOL_DEVELOPMENT", "MEETING", "OTHER").
			Annotations(entgql.OrderField("TYPE"), schemadesc.EnumValues{
				"TRAINING":         "A training course.",
				"WORKSHOP":         "A workshop.",
				"SEMINAR":          "A seminar.",
				"ADVISORY_MISSION": "An expert mission advising a country's institutions.",
				"STUDY":            "A study or an assessment.",
				"STUDY_VISIT":      "A visit by a delegation to learn from another country's institutions.",
				"CONFERENCE":       "A conference.",
				"TOOL_DEVELOPMENT": "The development of a tool, a guide or a database.",
				"MEETING":          "A meeting.",
				"OTHER":            "Any other form.",
			}),
		field.Enum("status").
			Comment("PLANNED, ONGOING, COMPLETED or CANCELLED; UNKNOWN where no source says whether the activity took place (an announcement before the event, for example).").
			Values("PLANNED", "ONGOING", "COMPLETED", "CANCELLED", "UNKNOWN").
			Annotations(entgql.OrderField("STATUS"), schemadesc.EnumValues{
				"PLANNED":   "Announced; not begun.",
				"ONGOING":   "Under way.",
				"COMPLETED": "Took place.",
				"CANCELLED": "Did not take place: cancelled.",
				"UNKNOWN":   "No source says whether the activity took place.",
			}),
		// Nillable: a source may give no date at all, and a date nobody
		// gave is not invented (null, not 1 January).
		field.Time("start_date").
			Comment("First day of the activity; null where no source gives it. Known only to the month or year, it is the period's first day and startDatePrecision says so. In orderBy, null comes last ascending and first descending.").
			Optional().Nillable().
			Annotations(entgql.OrderField("START_DATE")),
		field.Enum("start_date_precision").
			GoType(schematype.DatePrecision("")).
			Default(string(schematype.DatePrecisionDay)).
			Comment("How much of startDate the source gives: DAY, MONTH (the day is not known) or YEAR (only the year is).").
			Annotations(entgql.Type("DatePrecision"), schemadesc.EnumValues{
				"DAY":   "The source gives the day: the date is exact.",
				"MONTH": "The source gives the month, not the day: the date is the month's first day.",
				"YEAR":  "The source gives only the year: the date is the year's first day.",
			}),
		field.Time("end_date").
			Comment("Last day of the activity (the first day of its month or year at a coarser precision); never before the start date; null where no source gives it. In orderBy, null comes last ascending and first descending.").
			Optional().Nillable().
			Annotations(entgql.OrderField("END_DATE")),
		field.Enum("end_date_precision").
			GoType(schematype.DatePrecision("")).
			Default(string(schematype.DatePrecisionDay)).
			Comment("How much of endDate the source gives: DAY, MONTH or YEAR.").
			Annotations(entgql.Type("DatePrecision")),
		field.String("venue_city").
			Comment("City where the activity is held; null for studies and tool development and where no source gives it. In orderBy, null comes last ascending and first descending. At most 200 characters.").
			// Nillable so that a NULL city is told from an empty one in
			// page cursors, which place NULL where the database sorts it.
			Optional().Nillable().Validate(validate.MaxRunes(200)).MaxRuneLen(200).
			Annotations(entgql.OrderField("VENUE_CITY")),
		field.String("language").
			Optional().MaxLen(2).
			Comment("ISO 639-1 code of the working language."),
		// Nillable: an unknown count is null, never 0.
		field.Int("participants").
			Optional().Nillable().Validate(validate.AtLeast(0)).
			Comment("Number of participants, all beneficiary countries together; null where no source gives a number, never 0 for unknown. In orderBy, null comes last ascending and first descending.").
			Annotations(entgql.OrderField("PARTICIPANTS")),
		field.Bool("participants_approximate").
			Default(false).
			Comment("True when the source gives the number of participants as an approximation (\"around 60\", \"some 100\").").
			Annotations(notInput()),
		field.Float("budget").
			Optional().Nillable().Min(0).
			Comment("Budget in Swiss francs, where known.").
			Annotations(entgql.OrderField("BUDGET")),
		field.Text("note").
			Validate(validate.MaxRunes(validate.MaxLongText)).
			Optional().
			Comment("Provenance remarks: what is uncertain, derived or left out, and why. At most 20,000 characters."),
		field.Text("quote").
			Validate(validate.MaxRunes(validate.MaxLongText)).
			Optional().
			Comment("A short fragment copied from the source that states the facts, as the reference record gives it. At most 20,000 characters."),
		// Not Optional, so that GraphQL shows [String!]! (an empty list,
		// never null); the default keeps it out of what creates must give.
		field.Strings("sources").
			Default([]string{}).
			Annotations(entsql.Default("[]")).
			Comment("What supports the record: public addresses and document symbols. Every real activity has at least one. At most 200 entries of at most 500 characters each."),
		// The foreign keys of project and venue_country, as fields so
		// that an index can lead with them (see Indexes); the API shows
		// the edges.
		field.Int("project_id").Optional().Nillable().
			Annotations(entgql.Skip()),
		field.Int("venue_country_id").Optional().Nillable().
			Annotations(entgql.Skip()),
		field.Int("requester_id").Optional().Nillable().
			Annotations(entgql.Skip()),
	}
}

// Edges of the Activity.
func (Activity) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("project", Project.Type).
			Ref("activities").Unique().Field("project_id").
			Comment("The DA project the activity belongs to, if any."),
		edge.From("venue_country", Country.Type).
			Ref("hosted_activities").Unique().Field("venue_country_id").
			Comment("The country the activity is held in; empty for studies and tool development, which have no venue."),
		edge.To("beneficiary_countries", Country.Type).
			Through("beneficiary_links", ActivityBeneficiary.Type).
			Comment("Countries the activity benefits.").
			Annotations(connection()),
		edge.To("provider_countries", Country.Type).
			Through("provider_links", ActivityProvider.Type).
			Comment("Countries providing a SOUTH_SOUTH or TRIANGULAR activity (at least one for those kinds).").
			Annotations(connection()),
		edge.To("consultants", Consultant.Type).
			Through("consultant_links", ActivityConsultant.Type).
			Comment("Consultants engaged for the activity.").
			Annotations(connection()),
		edge.From("requester", Organization.Type).
			Ref("requested_activities").Unique().Field("requester_id").
			Comment("Who asked for the activity (the technical-assistance database's requester), where a source names it."),
		edge.To("organizers", Organization.Type).
			Through("organizer_links", ActivityOrganizer.Type).
			Comment("Organizations that organized the activity, as the sources name them; each organization's kind says whether it is an IGO, an IP office or a government.").
			Annotations(connection()),
		edge.To("partners", Organization.Type).
			Through("partner_links", ActivityPartner.Type).
			Comment("Partner organizations.").
			Annotations(connection()),
		edge.To("topics", Topic.Type).
			Through("topic_links", ActivityTopic.Type).
			Comment("IP areas and sectors the activity addresses.").
			Annotations(connection()),
	}
}

// Indexes of the Activity.
func (Activity) Indexes() []ent.Index {
	return []ent.Index{
		// A project's or a venue's activities, newest first, read in
		// order from the index: each parent's page stops after its first
		// rows (internal/pagesql). Read backwards, the same index serves
		// the oldest first; it also serves lookups by the key alone.
		index.Fields("project_id", "start_date").Annotations(entsql.DescColumns("start_date")),
		index.Fields("venue_country_id", "start_date").Annotations(entsql.DescColumns("start_date")),
		index.Fields("start_date"),
		// With participants, the dashboard's statistics of a kind over
		// years (its usual filter) read the index alone, not each
		// activity's row: a filter change at 100,000 activities redrew in
		// 287 ms instead of 333 (docs/performance.md).
		index.Fields("kind", "start_date", "participants"),
		// The dashboard count (bench q4: South-South activities
		// benefiting an African country) is a semi-join on id of the
		// activities of one kind: with id in the index PostgreSQL reads
		// them index-only instead of fetching every heap page
		// (docs/performance.md). SQLite's (kind, start_date) carries the
		// rowid already; this one costs it a few MB at 100,000 rows.
		index.Fields("kind", "id"),
		index.Fields("status"),
		index.Fields("requester_id"),
	}
}

// Annotations of the Activity.
func (Activity) Annotations() []schema.Annotation {
	return graphAnnotations("A technical-assistance, South-South or triangular cooperation activity: a training, workshop, mission, study or event.")
}

// Policy of the Activity: who may change it (see policy.go).
func (Activity) Policy() ent.Policy { return programmePolicy() }

// Hooks of the Activity: its value rules (see rules.go).
func (Activity) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(audited("Activity"), auditedWrites), hook.On(edgesExist, writes), hook.On(answeringConflicts(activityRules), writes)}
}
